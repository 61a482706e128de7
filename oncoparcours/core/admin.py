from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .auth.second_factor import reset_second_factor
from .models import AuditEvent, User


@admin.register(User)
class OncoUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("OncoParcours", {"fields": ("role",)}))  # type: ignore[misc]
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor (lost phone)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            reset_second_factor(user, actor=request.user)
        count = queryset.count()
        message = ngettext(
            "%(count)d user will set up a new second factor at the next login.",
            "%(count)d users will set up a new second factor at the next login.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


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
