"""Administration of resources (no patient data): cryostorage tanks, EFS machines and opening
hours, monitoring bed units. Orders, custody, storage and bookings live in the application."""

from typing import Any

from django import forms
from django.contrib import admin

from oncoparcours.planning.models import Resource

from .models import BedUnit, CentreSchedule, Machine, Tank


@admin.register(Tank)
class TankAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "racks", "slots_per_rack", "alarm_above_c", "active")
    list_filter = ("active",)
    search_fields = ("name", "organisation__name")
    autocomplete_fields = ("organisation",)


class PlannedMachineField(forms.ModelChoiceField):
    """A planned machine, named with its centre (two centres may name their machines alike)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.centre.organisation} — {obj.name}"


@admin.register(Machine)
class MachineAdmin(admin.ModelAdmin):
    """EFS machines; "planned as" links the machine of the centre's chair and machine plan (a
    published plan places the bookings on it; ``Machine.clean`` keeps it at the same centre)."""

    list_display = ("name", "centre", "kind", "active", "resource")
    list_filter = ("kind", "active")
    search_fields = ("name", "centre__name")
    autocomplete_fields = ("centre",)
    list_select_related = ("centre", "resource")

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "resource":
            kwargs["queryset"] = Resource.objects.select_related("centre__organisation")
            kwargs["form_class"] = PlannedMachineField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CentreSchedule)
class CentreScheduleAdmin(admin.ModelAdmin):
    list_display = ("centre", "staff")
    autocomplete_fields = ("centre",)


@admin.register(BedUnit)
class BedUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "beds")
    search_fields = ("name", "organisation__name")
    autocomplete_fields = ("organisation",)
