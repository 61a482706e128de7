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
    model = AdditionalSpecialty
    extra = 0


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "rpps", "profession", "specialty", "is_active")
    list_filter = ("profession", "specialty", "is_active")
    search_fields = ("last_name", "first_name", "rpps")
    autocomplete_fields = ("user",)
    inlines = [OrganisationMembershipInline, AdditionalSpecialtyInline, QualificationInline]


@admin.register(QualificationType)
class QualificationTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "validity_months")
