"""Writes to the referential: organisations, capabilities, professionals, qualifications, and
synchronisation of the versioned data files (networks, qualification types)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import application_error_from_validation
from oncoparcours.core.models import AuditAction, User
from oncoparcours.core.rules.identifiers import normalise_identifier

from . import referential
from .models import (
    SPECIALTIES_BY_PROFESSION,
    AdditionalSpecialty,
    Capability,
    Network,
    NetworkMembership,
    Organisation,
    OrganisationMembership,
    Professional,
    ProfessionalQualification,
    QualificationType,
    Specialty,
    SpecialtyEntry,
    specialty_problem,
)
from .rules.dates import add_months


def _full_clean(instance: Any, *, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise application_error_from_validation(error) from error


@transaction.atomic
def organisation_create(*, actor: User | None, **fields: Any) -> Organisation:
    organisation = Organisation(**fields)
    if organisation.finess:
        organisation.finess = normalise_identifier(organisation.finess)
        if Organisation.objects.filter(finess=organisation.finess).exists():
            raise ApplicationError(
                _("An organisation with this FINESS already exists."), field="finess"
            )
    _full_clean(organisation)
    organisation.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=organisation)
    return organisation


@transaction.atomic
def capability_add(*, actor: User | None, organisation: Organisation, **fields: Any) -> Capability:
    """An accreditation with a cycle (JACIE) given without its expiry lasts one full cycle."""
    capability = Capability(organisation=organisation, **fields)
    cycle = referential.accreditation_cycles().get(capability.kind)
    if cycle is not None and capability.valid_from and not capability.valid_until:
        capability.valid_until = add_months(capability.valid_from, cycle.cycle_months)
    _full_clean(capability, exclude=["organisation"])
    capability.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=capability)
    return capability


@transaction.atomic
def professional_create(
    *,
    actor: User | None,
    organisation: Organisation | None = None,
    function: str = "",
    start: dt.date | None = None,
    **fields: Any,
) -> Professional:
    professional = Professional(**fields)
    if professional.rpps:
        professional.rpps = normalise_identifier(professional.rpps)
        if Professional.objects.filter(rpps=professional.rpps).exists():
            raise ApplicationError(_("A professional with this RPPS already exists."), field="rpps")
    _full_clean(professional)
    professional.save()
    if organisation is not None:
        membership = OrganisationMembership(
            professional=professional, organisation=organisation, function=function
        )
        if start:
            membership.start = start
        membership.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=professional)
    return professional


@transaction.atomic
def capability_interim_audit_record(
    *, actor: User | None, capability: Capability, audited_on: dt.date
) -> Capability:
    """Record the interim audit of an accreditation cycle (once; a correction is an update
    written to the audit trail with the previous date)."""
    capability = Capability.objects.select_for_update().get(pk=capability.pk)
    previous = capability.interim_audit_on
    capability.interim_audit_on = audited_on
    _full_clean(capability, exclude=["organisation"])
    capability.save(update_fields=["interim_audit_on", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=capability,
        details={
            "interim_audit_on": audited_on.isoformat(),
            "previous": previous.isoformat() if previous else None,
        },
    )
    return capability


@transaction.atomic
def professional_specialties_set(
    *,
    actor: User | None,
    professional: Professional,
    specialty: str,
    additional: list[str],
) -> Professional:
    """Set the main specialty and the additional recognised specialties, as declared by the
    actor (an administrator or a centre manager: the directory is the reference, not checked
    against the RPPS). Each additional specialty added keeps who recorded it and when; the
    change is audited with the before and after. Refused, with the field named and nothing
    changed, when a specialty does not fit the profession."""
    professional = Professional.objects.select_for_update().get(pk=professional.pk)
    wanted = list(dict.fromkeys(additional))
    errors: dict[str, list[str]] = {}
    allowed = SPECIALTIES_BY_PROFESSION.get(professional.profession)
    if specialty not in Specialty.values:
        errors["specialty"] = [_("Unknown specialty %(code)s.") % {"code": specialty}]
    elif allowed is not None and specialty not in allowed:
        errors["specialty"] = [_("This specialty does not fit the profession.")]
    problems = [
        str(problem)
        for code in wanted
        if (problem := specialty_problem(professional.profession, code)) is not None
    ]
    if problems:
        errors["additional_specialties"] = problems
    elif specialty in wanted:
        errors["additional_specialties"] = [
            _("%(specialty)s is already the main specialty.")
            % {"specialty": Specialty(specialty).label}
        ]
    elif wanted and specialty == Specialty.NONE:
        errors["additional_specialties"] = [_("Give the main specialty first.")]
    if errors:
        field_name, messages = next(iter(errors.items()))
        raise ApplicationError(messages[0], errors=errors, field=field_name)
    before = {
        "specialty": professional.specialty,
        "additional": sorted(
            professional.additional_specialties.values_list("specialty", flat=True)
        ),
    }
    professional.specialty = specialty
    professional.save(update_fields=["specialty", "updated_at"])
    professional.additional_specialties.exclude(specialty__in=wanted).delete()
    kept = set(professional.additional_specialties.values_list("specialty", flat=True))
    AdditionalSpecialty.objects.bulk_create(
        [
            AdditionalSpecialty(
                professional=professional,
                specialty=s,
                recorded_by=actor,
                recorded_via=SpecialtyEntry.FORM,
            )
            for s in wanted
            if s not in kept
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=professional,
        details={"before": before, "after": {"specialty": specialty, "additional": sorted(wanted)}},
    )
    return professional


@transaction.atomic
def qualification_grant(
    *,
    actor: User | None,
    professional: Professional,
    code: str,
    obtained_on: dt.date,
    expires_on: dt.date | None = None,
    issuer: str = "",
    reference: str = "",
) -> ProfessionalQualification:
    qualification = QualificationType.objects.filter(code=code).first()
    if qualification is None:
        raise ApplicationError(
            _("Unknown qualification %(code)s.") % {"code": code}, field="qualification"
        )
    if expires_on is None and qualification.validity_months:
        expires_on = add_months(obtained_on, qualification.validity_months)
    held = ProfessionalQualification(
        professional=professional,
        qualification=qualification,
        obtained_on=obtained_on,
        expires_on=expires_on,
        issuer=issuer,
        reference=reference,
    )
    _full_clean(held, exclude=["professional"])
    held.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=held)
    return held


@transaction.atomic
def network_membership_set(
    *,
    actor: User | None,
    network: Network,
    organisation: Organisation,
    role: str,
    labelled_on: dt.date | None = None,
    label_until: dt.date | None = None,
    service: str = "",
) -> NetworkMembership:
    membership, _created = NetworkMembership.objects.update_or_create(
        network=network,
        organisation=organisation,
        defaults={
            "role": role,
            "labelled_on": labelled_on,
            "label_until": label_until,
            "service": service,
        },
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=membership, details={"role": role})
    return membership


@transaction.atomic
def referential_sync() -> dict[str, int]:
    """Upsert networks and qualification types from the versioned data files (idempotent)."""
    networks = referential.networks_file()
    for row in networks["networks"]:
        network = Network.objects.filter(code=row["code"]).first() or Network(code=row["code"])
        network.name = row["name"]
        network.kind = row["kind"]
        network.description = row.get("description", "")
        network.region = str(row.get("region", ""))
        network.icd10_ranges = [[str(a), str(b)] for a, b in row.get("icd10_ranges", [])]
        network.expected_expert_centres = row.get("expected_expert_centres")
        network.source = networks["source"][:300]
        network.data_version = networks["version"]
        _full_clean(network)
        network.save()
    qualifications = referential.qualifications_file()
    for row in qualifications["qualifications"]:
        QualificationType.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_fr": row["name_fr"],
                "name_en": row["name_en"],
                "validity_months": row.get("validity_months"),
                "source": row.get("source", "")[:300],
            },
        )
    return {
        "networks": len(networks["networks"]),
        "qualifications": len(qualifications["qualifications"]),
    }
