"""Administration of resources (no patient data): cryostorage tanks, EFS machines and opening
hours, monitoring bed units. Orders, custody, storage and bookings live in the application."""

from django.contrib import admin

from .models import BedUnit, CentreSchedule, Machine, Tank


@admin.register(Tank)
class TankAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "racks", "slots_per_rack", "alarm_above_c", "active")
    list_filter = ("active",)
    search_fields = ("name", "organisation__name")
    autocomplete_fields = ("organisation",)


@admin.register(Machine)
class MachineAdmin(admin.ModelAdmin):
    list_display = ("name", "centre", "kind", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "centre__name")
    autocomplete_fields = ("centre",)


@admin.register(CentreSchedule)
class CentreScheduleAdmin(admin.ModelAdmin):
    list_display = ("centre", "staff")
    autocomplete_fields = ("centre",)


@admin.register(BedUnit)
class BedUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "beds")
    search_fields = ("name", "organisation__name")
    autocomplete_fields = ("organisation",)
