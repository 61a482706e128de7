"""Patients are not edited through the admin: every access must go through the audited,
care-team-scoped pages. Only break-the-glass accesses are listed, read-only, for review."""

from django.contrib import admin

from .models import BreakGlassAccess


@admin.register(BreakGlassAccess)
class BreakGlassAccessAdmin(admin.ModelAdmin):
    list_display = ("started_at", "user", "patient_ref", "expires_at", "reason")
    fields = ("user", "patient_ref", "reason", "started_at", "expires_at")
    readonly_fields = fields
    list_select_related = ("user",)

    @admin.display(description="patient id")
    def patient_ref(self, obj: BreakGlassAccess) -> str:
        # The identifier only: identities are read through the audited patient pages.
        return str(obj.patient_id)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
