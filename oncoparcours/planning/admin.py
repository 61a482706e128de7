"""Administration of the tour nurses (home, shift; no patient data). Plans live in the
application (append-only once published)."""

from django.contrib import admin

from .models import TourNurse


@admin.register(TourNurse)
class TourNurseAdmin(admin.ModelAdmin):
    list_display = ("professional", "shift_label", "lunch_minutes", "is_active")
    list_filter = ("is_active",)
    search_fields = ("professional__last_name", "professional__first_name")
    raw_id_fields = ("professional",)
