"""The directory as FHIR: Practitioner (RPPS), Organization (FINESS) and PractitionerRole
(a professional's membership of an organisation). Not patient data: any professional or a
system holding the matching scope reads them; searches are not audited per row."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import translation

from oncoparcours.directory.models import Organisation, OrganisationMembership, Professional
from oncoparcours.patients.models import search_key

from . import systems
from .builders import validated
from .rules.search import SearchError, parse_reference, parse_token
from .selectors import Page, page_of

PRACTITIONER_PARAMETERS = ("_id", "identifier", "name", "family")
ORGANIZATION_PARAMETERS = ("_id", "identifier", "name", "partof")
ROLE_PARAMETERS = ("_id", "practitioner", "organization")


def _french(label: Any) -> str:
    with translation.override("fr"):
        return str(label)


def practitioner_resource(professional: Professional) -> dict[str, Any]:
    telecom = []
    if professional.secure_mail_address:
        telecom.append({"system": "email", "value": professional.secure_mail_address})
    if professional.phone:
        telecom.append({"system": "phone", "value": professional.phone})
    qualification = [{"code": {"text": _french(professional.get_profession_display())}}]
    if professional.specialty:
        qualification.append({"code": {"text": _french(professional.get_specialty_display())}})
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": str(professional.pk),
        "active": professional.is_active,
        "name": [{"family": professional.last_name, "given": [professional.first_name]}],
        "qualification": qualification,
    }
    if professional.rpps:
        resource["identifier"] = [{"system": systems.RPPS, "value": professional.rpps}]
    if telecom:
        resource["telecom"] = telecom
    return validated(resource)


def organization_resource(organisation: Organisation) -> dict[str, Any]:
    address = {
        key: value
        for key, value in {
            "line": [organisation.address] if organisation.address else None,
            "postalCode": organisation.postcode,
            "city": organisation.city,
        }.items()
        if value
    }
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "id": str(organisation.pk),
        "active": True,
        "name": organisation.name,
        "type": [{"text": _french(organisation.get_kind_display())}],
    }
    if organisation.finess:
        resource["identifier"] = [{"system": systems.FINESS, "value": organisation.finess}]
    if organisation.short_name:
        resource["alias"] = [organisation.short_name]
    if address:
        resource["address"] = [{**address, "country": "FR"}]
    if organisation.parent_id:
        resource["partOf"] = {"reference": f"Organization/{organisation.parent_id}"}
    return validated(resource)


def role_resource(membership: OrganisationMembership) -> dict[str, Any]:
    period = {"start": membership.start.isoformat()}
    if membership.end:
        period["end"] = membership.end.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "PractitionerRole",
        "id": str(membership.pk),
        "active": membership.is_current(),
        "period": period,
        "practitioner": {"reference": f"Practitioner/{membership.professional_id}"},
        "organization": {"reference": f"Organization/{membership.organisation_id}"},
    }
    if membership.function:
        resource["code"] = [{"text": membership.function}]
    return validated(resource)


def _identifier(raw: str, system: str, field: str) -> Q:
    given_system, value = parse_token(raw)
    if given_system not in (None, system):
        raise SearchError("identifier", f"only {system} identifiers are known")
    return Q(**{field: value})


def _key(parameter: str, raw: str, resource_type: str) -> uuid.UUID:
    try:
        return uuid.UUID(parse_reference(parameter, raw, resource_type))
    except ValueError:
        raise SearchError(parameter, "an id (UUID) is expected") from None


def _ids(parameter: str, raw: str, resource_type: str) -> Q:
    return Q(pk=_key(parameter, raw, resource_type))


def practitioners(params: Mapping[str, list[str]]) -> QuerySet[Professional]:
    condition = Q()
    for raw in params.get("_id", []):
        condition &= _ids("_id", raw, "Practitioner")
    for raw in params.get("identifier", []):
        condition &= _identifier(raw, systems.RPPS, "rpps")
    for name in ("name", "family"):
        for raw in params.get(name, []):
            if not search_key(raw):
                raise SearchError(name, "a name is expected")
            words = Q(last_name__icontains=raw)
            if name == "name":
                words |= Q(first_name__icontains=raw)
            condition &= words
    return Professional.objects.filter(condition).order_by("last_name", "first_name", "pk")


def organizations(params: Mapping[str, list[str]]) -> QuerySet[Organisation]:
    condition = Q()
    for raw in params.get("_id", []):
        condition &= _ids("_id", raw, "Organization")
    for raw in params.get("identifier", []):
        condition &= _identifier(raw, systems.FINESS, "finess")
    for raw in params.get("name", []):
        condition &= Q(name__icontains=raw) | Q(short_name__icontains=raw)
    for raw in params.get("partof", []):
        condition &= Q(parent_id=_key("partof", raw, "Organization"))
    return Organisation.objects.filter(condition).order_by("name", "pk")


def roles(params: Mapping[str, list[str]]) -> QuerySet[OrganisationMembership]:
    condition = Q()
    for raw in params.get("_id", []):
        condition &= _ids("_id", raw, "PractitionerRole")
    for raw in params.get("practitioner", []):
        condition &= Q(professional_id=_key("practitioner", raw, "Practitioner"))
    for raw in params.get("organization", []):
        condition &= Q(organisation_id=_key("organization", raw, "Organization"))
    return OrganisationMembership.objects.filter(condition).order_by("-start", "pk")


def practitioner_search(
    *, reader: Any, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    return page_of(practitioners(params), count, page)


def organization_search(
    *, reader: Any, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    return page_of(organizations(params), count, page)


def role_search(*, reader: Any, params: Mapping[str, list[str]], count: int, page: int) -> Page:
    return page_of(roles(params), count, page)


def read_by_id(model: type[Any], raw: str) -> Any:
    try:
        return model.objects.filter(pk=uuid.UUID(raw)).first()
    except ValueError:
        return None
