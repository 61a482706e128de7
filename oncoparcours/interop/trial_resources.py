"""The trial registry as FHIR ResearchStudy: identifiers, status mapped from ClinicalTrials.gov,
phase, conditions, arms with their own status, and French sites (contained Locations with their
own recruitment status and coordinates). Not patient data: any professional or a system holding
``system/ResearchStudy.*`` reads it; searches are not audited per row."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import translation

from oncoparcours.trials.models import Trial, TrialSite, TrialStatus

from . import systems
from .builders import own_identifier, validated
from .rules.search import SearchError, parse_token
from .selectors import Page, page_of

RESEARCH_STUDY_PARAMETERS = ("_id", "identifier", "status", "title")

# ClinicalTrials.gov OverallStatus → R4 research-study-status. UNKNOWN has no R4 code: it is sent
# as closed to accrual (a study whose status nobody confirmed is never offered as recruiting);
# the registry's own value always travels in the ``recruitment-status`` extension.
STUDY_STATUS = {
    TrialStatus.NOT_YET_RECRUITING: "approved",
    TrialStatus.RECRUITING: "active",
    TrialStatus.ENROLLING_BY_INVITATION: "active",
    TrialStatus.ACTIVE_NOT_RECRUITING: "closed-to-accrual",
    TrialStatus.SUSPENDED: "temporarily-closed-to-accrual",
    TrialStatus.TERMINATED: "administratively-completed",
    TrialStatus.COMPLETED: "completed",
    TrialStatus.WITHDRAWN: "withdrawn",
    TrialStatus.UNKNOWN: "closed-to-accrual",
}
# The registry's phases as written ("I/II") → research-study-phase codes.
PHASE_CODES = {
    "0/I": "early-phase-1",
    "I": "phase-1",
    "I/II": "phase-1-phase-2",
    "II": "phase-2",
    "II/III": "phase-2-phase-3",
    "III": "phase-3",
    "IV": "phase-4",
    "NA": "n-a",
}
IDENTIFIER_FIELDS = (
    (systems.CLINICALTRIALS_GOV, "nct_id"),
    (systems.EU_CT, "eu_ct_number"),
    (systems.EUDRACT, "eudract_number"),
    (systems.OWN_SPONSOR_CODE, "sponsor_code"),
)


def _french(label: Any) -> str:
    with translation.override("fr"):
        return str(label)


def _status_extension(status: str) -> dict[str, Any]:
    return {
        "url": systems.OWN_RECRUITMENT_STATUS,
        "valueCoding": {
            "system": systems.OWN_RECRUITMENT_STATUS_CODES,
            "code": status,
            "display": _french(TrialStatus(status).label),
        },
    }


def _site_location(site: TrialSite, number: int) -> dict[str, Any]:
    location: dict[str, Any] = {
        "resourceType": "Location",
        "id": f"site-{number}",
        "extension": [_status_extension(site.status)],
        "name": site.name,
        "address": {"city": site.city, "country": "FR"} if site.city else {"country": "FR"},
    }
    if site.latitude is not None and site.longitude is not None:
        location["position"] = {"latitude": site.latitude, "longitude": site.longitude}
    if site.contact:
        location["telecom"] = [{"system": "other", "value": site.contact}]
    if site.organisation_id:
        location["managingOrganization"] = {"reference": f"Organization/{site.organisation_id}"}
    return location


def _phase(trial: Trial) -> dict[str, Any] | None:
    if not trial.phase:
        return None
    code = PHASE_CODES.get(trial.phase.replace(" ", "").upper())
    if code is None:
        return {"text": trial.phase}
    return {"coding": [{"system": systems.STUDY_PHASE, "code": code}], "text": trial.phase}


def research_study_resource(trial: Trial) -> dict[str, Any]:
    identifiers = [own_identifier(trial.pk)] + [
        {"system": system, "value": getattr(trial, field)}
        for system, field in IDENTIFIER_FIELDS
        if getattr(trial, field)
    ]
    sites = list(trial.sites.all())
    resource: dict[str, Any] = {
        "resourceType": "ResearchStudy",
        "id": str(trial.pk),
        "extension": [_status_extension(trial.overall_status)],
        "identifier": identifiers,
        "title": trial.title,
        "status": STUDY_STATUS[TrialStatus(trial.overall_status)],
        "condition": [{"text": str(condition)} for condition in trial.conditions],
        "arm": [
            {
                "extension": [
                    {
                        "url": systems.OWN_ARM_STATUS,
                        "valueCode": arm.status,
                    }
                ],
                "name": arm.code,
                **({"description": arm.description} if arm.description else {}),
            }
            for arm in trial.arms.all()
        ],
        "contained": [_site_location(site, n) for n, site in enumerate(sites, start=1)],
        "site": [{"reference": f"#site-{n}"} for n in range(1, len(sites) + 1)],
    }
    phase = _phase(trial)
    if phase:
        resource["phase"] = phase
    if trial.sponsor:
        resource["sponsor"] = {"display": trial.sponsor}
    if trial.eligibility_text:
        resource["description"] = trial.eligibility_text
    return validated({key: value for key, value in resource.items() if value != []})


def _key(parameter: str, raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise SearchError(parameter, "an id (UUID) is expected") from None


def _identifier(raw: str) -> Q:
    system, value = parse_token(raw)
    if not value:
        raise SearchError("identifier", "a value is expected")
    if system == systems.RFC3986 and value.startswith("urn:uuid:"):
        return Q(pk=_key("identifier", value.removeprefix("urn:uuid:")))
    fields = [field for known, field in IDENTIFIER_FIELDS if system in (None, known)]
    if not fields:
        known_systems = ", ".join(known for known, _ in IDENTIFIER_FIELDS)
        raise SearchError("identifier", f"only these identifier systems are known: {known_systems}")
    condition = Q()
    for field in fields:
        condition |= Q(**{field: value})
    return condition


def _status(raw: str) -> Q:
    _, code = parse_token(raw)
    statuses = [status for status, fhir_code in STUDY_STATUS.items() if fhir_code == code]
    if not statuses:
        allowed = ", ".join(sorted(set(STUDY_STATUS.values())))
        raise SearchError("status", f"one of {allowed} is expected")
    return Q(overall_status__in=statuses)


def research_studies(params: Mapping[str, list[str]]) -> QuerySet[Trial]:
    condition = Q()
    for raw in params.get("_id", []):
        condition &= Q(pk=_key("_id", raw))
    for raw in params.get("identifier", []):
        condition &= _identifier(raw)
    for raw in params.get("status", []):
        condition &= Q(*[_status(code) for code in raw.split(",")], _connector=Q.OR)
    for raw in params.get("title", []):
        if not raw.strip():
            raise SearchError("title", "a word of the title is expected")
        condition &= Q(title__icontains=raw.strip())
    return Trial.objects.filter(condition).prefetch_related("sites", "arms").order_by("title", "pk")


def research_study_search(
    *, reader: Any, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    return page_of(research_studies(params), count, page)


def research_study_read(raw: str) -> Trial | None:
    try:
        key = uuid.UUID(raw)
    except ValueError:
        return None
    return Trial.objects.filter(pk=key).prefetch_related("sites", "arms").first()
