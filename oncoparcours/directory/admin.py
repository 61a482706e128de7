from typing import Any

from django.contrib import admin

from .models import (
    AdditionalSpecialty,
    Capability,
    Network,
    NetworkMembership,
    Organisation,
    OrganisationMembership,
    Professional,
    ProfessionalQualification,
    QualificationType,
)


class CapabilityInline(admin.TabularInline):
    model = Capability
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ("issuer",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "finess", "city", "departement", "region", "is_active")
    list_filter = ("kind", "region", "is_active")
    search_fields = ("name", "short_name", "finess", "city")
    autocomplete_fields = ("parent",)
    inlines = [CapabilityInline]


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "data_version")
    inlines = [NetworkMembershipInline]


class OrganisationMembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    autocomplete_fields = ("organisation",)


class QualificationInline(admin.TabularInline):
    model = ProfessionalQualification
    extra = 0


class AdditionalSpecialtyInline(admin.TabularInline):
    """Read only: specialties are recorded on the professional's page of the directory (or by
    a CSV import), which keeps who recorded each one and writes the audit trail."""

    model = AdditionalSpecialty
    extra = 0
    fields = ("specialty", "recorded_by", "recorded_via", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "rpps", "profession", "specialty", "is_active")
    list_filter = ("profession", "specialty", "is_active")
    search_fields = ("last_name", "first_name", "rpps")
    autocomplete_fields = ("user",)
    inlines = [OrganisationMembershipInline, AdditionalSpecialtyInline, QualificationInline]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> tuple[str, ...]:
        # Once created, the specialties change on the professional's page (audited).
        return ("specialty",) if obj is not None else ()


@admin.register(QualificationType)
class QualificationTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "validity_months")
