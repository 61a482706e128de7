"""django-oauth-toolkit registers its tables in the admin; nobody should edit tokens or client
secrets by hand (registration goes through `oncoparcours fhir_client`, audited), so they are
removed. Our ApiClient is shown read-only."""

from __future__ import annotations

from django.contrib import admin
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from .models import ApiClient

for model in (
    get_access_token_model(),
    get_application_model(),
    get_grant_model(),
    get_id_token_model(),
    get_refresh_token_model(),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "created_at")
    readonly_fields = ("application", "name", "organisations", "scopes", "active", "created_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
