"""Which pathway roles a professional can take: from the specialties recognised to them (main and
additional), and from the organisations they work for — the hospital-at-home (HAD) team is an
organisation taking part in the pathway, not a physician specialty."""

from __future__ import annotations

from django.db.models import CharField, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncoparcours.directory.models import (
    AdditionalSpecialty,
    OrganisationKind,
    OrganisationMembership,
    Professional,
)

ROLES_BY_SPECIALTY: dict[str, set[str]] = {
    "medical_oncology": {"oncologist", "organ_specialist"},
    "haematology": {"haematologist", "oncologist"},
    "neuro_oncology": {"oncologist", "organ_specialist"},
    "pulmonology": {"organ_specialist"},
    "gastroenterology": {"organ_specialist"},
    "gynaecology": {"organ_specialist"},
    "dermatology": {"organ_specialist"},
    "surgery": {"surgeon", "organ_specialist"},
    "thoracic_surgery": {"surgeon", "organ_specialist"},
    "digestive_surgery": {"surgeon", "organ_specialist"},
    "gynaecological_surgery": {"surgeon", "organ_specialist"},
    "neurosurgery": {"surgeon", "organ_specialist"},
    "urology": {"surgeon", "organ_specialist"},
    "ent_surgery": {"surgeon", "organ_specialist"},
    "maxillofacial_surgery": {"surgeon", "organ_specialist"},
    "plastic_surgery": {"surgeon"},
    "orthopaedic_surgery": {"surgeon", "organ_specialist"},
    "paediatric_surgery": {"surgeon"},
    "radiotherapy": {"radiotherapist"},
    "radiology": {"radiologist"},
    "nuclear_medicine": {"nuclear_physician"},
    "pathology": {"pathologist"},
    "neurology": {"neurologist"},
    "intensive_care": {"intensivist"},
    "general_practice": {"gp"},
    "transfusion_medicine": {"efs_physician"},
    "hospital_pharmacy": {"pharmacist"},
    "coordination_nursing": {"coordination_nurse", "tpe_team"},
    "liberal_nursing": {"liberal_nurse", "tpe_team"},
    "hospital_nursing": {"hospital_nurse", "efs_nurse"},
}

# Roles that come from working for an organisation of this kind (a current membership).
ROLES_BY_ORGANISATION_KIND: dict[str, set[str]] = {
    OrganisationKind.HAD: {"had_team"},
}

ROLE_LABELS = {
    "oncologist": _("Oncologist"),
    "haematologist": _("Haematologist"),
    "organ_specialist": _("Organ specialist"),
    "surgeon": _("Surgeon"),
    "radiotherapist": _("Radiation oncologist"),
    "radiologist": _("Radiologist"),
    "nuclear_physician": _("Nuclear medicine physician"),
    "pathologist": _("Pathologist"),
    "neurologist": _("Neurologist"),
    "intensivist": _("Intensivist"),
    "gp": _("General practitioner"),
    "coordination_nurse": _("Coordination nurse"),
    "liberal_nurse": _("Liberal nurse"),
    "hospital_nurse": _("Hospital nurse"),
    "had_team": _("Hospital-at-home team"),
    "tpe_team": _("Patient education team"),
    "pharmacist": _("Pharmacist"),
    "efs_physician": _("EFS physician"),
    "efs_nurse": _("EFS nurse"),
    "tumour_board": _("Tumour board"),
    "manufacturer": _("Manufacturer"),
    "patient": _("Patient"),
    "secretary": _("Medical secretary"),
}


def roles_of(professional: Professional | None) -> set[str]:
    """The roles of every recognised specialty (main and additional) and of every organisation
    the professional currently works for (one query)."""
    if professional is None:
        return set()
    today = timezone.localdate()
    additional = (
        AdditionalSpecialty.objects.filter(professional=professional)
        .order_by()
        .values_list(Value("specialty", output_field=CharField()), "specialty")
    )
    organisations = (
        OrganisationMembership.objects.filter(professional=professional, start__lte=today)
        .exclude(end__lt=today)
        .order_by()
        .values_list(Value("organisation", output_field=CharField()), "organisation__kind")
    )
    roles = set(ROLES_BY_SPECIALTY.get(professional.specialty, set()))
    for source, code in additional.union(organisations, all=True):
        table = ROLES_BY_SPECIALTY if source == "specialty" else ROLES_BY_ORGANISATION_KIND
        roles |= table.get(code, set())
    return roles


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))
