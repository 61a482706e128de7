"""Administration of the tour nurses (home, shift; no patient data). Plans live in the
application (append-only once published)."""

from django.contrib import admin

from .models import ChairCentre, Resource, TourNurse


@admin.register(TourNurse)
class TourNurseAdmin(admin.ModelAdmin):
    list_display = ("professional", "shift_label", "lunch_minutes", "is_active")
    list_filter = ("is_active",)
    search_fields = ("professional__last_name", "professional__first_name")
    raw_id_fields = ("professional",)


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 1
    fields = ("kind", "name", "is_active")


@admin.register(ChairCentre)
class ChairCentreAdmin(admin.ModelAdmin):
    """Day hospitals and EFS care centres whose chairs / machines are planned (no patient data;
    plans live in the application)."""

    list_display = ("organisation", "hours_label", "nurses", "patients_per_nurse", "is_active")
    list_filter = ("is_active",)
    raw_id_fields = ("organisation",)
    inlines = [ResourceInline]
