from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditEvent, User


@admin.register(User)
class OncoUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("OncoParcours", {"fields": ("role",)}))  # type: ignore[misc]
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "is_staff")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail cannot be edited or deleted, even by administrators."""

    list_display = ("at", "actor_label", "action", "object_type", "patient_id", "break_glass", "ip")
    list_filter = ("action", "break_glass")
    search_fields = ("actor_label", "object_id", "request_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
