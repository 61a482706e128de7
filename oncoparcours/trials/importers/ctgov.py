"""ClinicalTrials.gov API v2 JSON → trial data (pure). Identification, status, conditions,
eligibility text kept verbatim, French sites with their status and coordinates; the only
structured criteria are age and sex (unambiguous fields); the rest is left "to curate"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

STATUSES = {
    "NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING",
    "SUSPENDED", "TERMINATED", "COMPLETED", "WITHDRAWN", "UNKNOWN",
}  # fmt: skip
# France and its overseas departments and territories, as ClinicalTrials.gov names countries.
FRENCH_COUNTRIES = {
    "France", "Martinique", "Guadeloupe", "French Guiana", "Réunion", "Reunion", "Mayotte",
    "New Caledonia", "French Polynesia", "Saint Pierre and Miquelon",
}  # fmt: skip
AGE = re.compile(r"^(\d+(?:\.\d+)?) (Years?|Months?|Weeks?|Days?)$")
PER_YEAR = {"Year": 1, "Month": 12, "Week": 52, "Day": 365}
NCT = re.compile(r"^NCT\d{8}$")
PHASES = {"EARLY_PHASE1": "0/I", "PHASE1": "I", "PHASE2": "II", "PHASE3": "III", "PHASE4": "IV"}


class RecordError(ValueError):
    """A record refused, with every reason found (the record is named by the caller), in the
    user's language."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ; ".join(messages))
        self.messages = list(messages)

    @classmethod
    def of(cls, errors: list[RecordError]) -> RecordError:
        return cls(*(m for e in errors for m in e.messages))


@dataclass
class SiteData:
    name: str
    city: str
    status: str
    latitude: float | None
    longitude: float | None
    contact: str = ""


@dataclass
class ArmData:
    code: str
    description: str
    status: str  # open, suspended, closed
    tree: dict[str, Any]


@dataclass
class TrialData:
    title: str
    overall_status: str
    source: str
    nct_id: str | None = None
    eu_ct_number: str = ""
    eudract_number: str = ""
    sponsor_code: str = ""
    phase: str = ""
    sponsor: str = ""
    conditions: list[str] = field(default_factory=list)
    eligibility_text: str = ""
    sites: list[SiteData] = field(default_factory=list)
    arms: list[ArmData] = field(default_factory=list)


def parse_age(text: str) -> float:
    match = AGE.match(str(text).strip())
    if not match:
        raise RecordError(
            _("age: %(value)s is not “N Years”, “N Months”, “N Weeks” or “N Days”")
            % {"value": repr(text)}
        )
    unit = match.group(2).rstrip("s")
    value = float(match.group(1)) / PER_YEAR[unit]
    return int(value) if value == int(value) else round(value, 2)


def structured_tree(eligibility: dict[str, Any], retrieved: str) -> dict[str, Any]:
    meta = {"provenance": "imported", "curator": "", "date": retrieved}
    criteria: list[dict[str, Any]] = []
    errors: list[RecordError] = []
    low, high = eligibility.get("minimumAge"), eligibility.get("maximumAge")
    if low or high:
        age: dict[str, Any] = {"criterion": "age", **meta}
        age["text"] = " – ".join(x for x in (low, high) if x)
        for key, text in (("min", low), ("max", high)):
            if text:
                try:
                    age[key] = parse_age(text)
                except RecordError as error:
                    errors.append(error)
        criteria.append(age)
    sex = eligibility.get("sex", "ALL")
    if sex in ("FEMALE", "MALE"):
        criteria.append({"criterion": "sex", "sex": sex[0], "text": sex, **meta})
    elif sex != "ALL":
        errors.append(
            RecordError(_("sex: %(value)s is not ALL, FEMALE or MALE") % {"value": repr(sex)})
        )
    if errors:
        raise RecordError.of(errors)
    criteria.append(
        {"criterion": "to_curate", "text": "eligibilityModule.eligibilityCriteria", **meta}
    )
    return {"schema": 1, "tree": {"and": criteria}}


def _site(location: dict[str, Any], overall: str) -> SiteData:
    errors: list[RecordError] = []
    where = _("site %(name)s") % {"name": location.get("facility") or location.get("city") or "?"}
    point = _part(location, "geoPoint", f"{where}: geoPoint", errors)
    status = location.get("status", overall)
    if not isinstance(status, str) or status not in STATUSES:
        errors.append(RecordError(_("site status: %(value)s unknown") % {"value": repr(status)}))
    for key in ("lat", "lon"):
        value = point.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            errors.append(
                RecordError(
                    _("%(path)s: %(value)s is not a number")
                    % {"path": f"{where}: geoPoint.{key}", "value": repr(value)}
                )
            )
            point = {}
    contacts = _mappings(location, "contacts", where, errors)
    if errors:
        raise RecordError.of(errors)
    contact = ", ".join(
        str(x) for x in (contacts[0].get("name", ""), contacts[0].get("email", "")) if x
    ) if contacts else ""  # fmt: skip
    return SiteData(
        name=str(location.get("facility") or location.get("city") or "?")[:250],
        city=str(location.get("city", ""))[:100],
        status=status,
        latitude=point.get("lat"),
        longitude=point.get("lon"),
        contact=contact[:250],
    )


def _part(parent: dict[str, Any], key: str, path: str, errors: list[RecordError]) -> Any:
    """``parent[key]`` when it is a mapping (``{}`` when absent); another shape is refused by
    its path (it gave a Python error text before)."""
    value = parent.get(key) or {}
    if isinstance(value, dict):
        return value
    errors.append(RecordError(_("%(path)s: a mapping of fields is expected") % {"path": path}))
    return {}


def _mappings(parent: dict[str, Any], key: str, path: str, errors: list[RecordError]) -> list:
    """``parent[key]`` when it is a list of mappings (``[]`` when absent); else refused."""
    value = parent.get(key) or []
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    errors.append(
        RecordError(_("%(path)s: a list of mappings is expected") % {"path": f"{path}.{key}"})
    )
    return []


def _as_list(value: Any) -> list[Any]:
    """A list field given as one value is that one value (a text is not its characters)."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def parse_study(study: dict[str, Any], *, retrieved: str) -> TrialData:
    if not isinstance(study, dict) or "protocolSection" not in study:
        raise RecordError(_("not a ClinicalTrials.gov API v2 study (no protocolSection)"))
    errors: list[RecordError] = []  # every problem of the record, not only the first
    protocol = _part(study, "protocolSection", "protocolSection", errors)
    modules = {
        name: _part(protocol, name, name, errors)
        for name in ("identificationModule", "statusModule", "eligibilityModule",
                     "contactsLocationsModule", "armsInterventionsModule", "designModule",
                     "sponsorCollaboratorsModule", "conditionsModule")
    }  # fmt: skip
    ident = modules["identificationModule"]
    nct = ident.get("nctId", "")
    if not isinstance(nct, str) or not NCT.match(nct):
        errors.append(
            RecordError(
                _("nctId: %(value)s is not NCT followed by 8 digits") % {"value": repr(nct)}
            )
        )
    status = modules["statusModule"].get("overallStatus", "")
    if not isinstance(status, str) or status not in STATUSES:
        errors.append(RecordError(_("overallStatus: %(value)s unknown") % {"value": repr(status)}))
    title = ident.get("briefTitle") or ident.get("officialTitle") or ""
    if not title:
        errors.append(RecordError(_("no briefTitle")))
    secondary = _mappings(ident, "secondaryIdInfos", "identificationModule", errors)
    eudract = next(
        (str(s.get("id", "")) for s in secondary if s.get("type") == "EUDRACT_NUMBER"), ""
    )
    eu_ct = next((str(s.get("id", "")) for s in secondary if s.get("type") == "CTIS"), "")
    eligibility = modules["eligibilityModule"]
    locations = _mappings(
        modules["contactsLocationsModule"], "locations", "contactsLocationsModule", errors
    )
    groups = _mappings(
        modules["armsInterventionsModule"], "armGroups", "armsInterventionsModule", errors
    )
    tree: dict[str, Any] = {}
    try:
        tree = structured_tree(eligibility, retrieved)
    except RecordError as error:
        errors.append(error)
    sites = []
    for location in locations:
        if location.get("country") in FRENCH_COUNTRIES:
            try:
                sites.append(_site(location, status))
            except RecordError as error:
                errors.append(error)
    if errors:
        raise RecordError.of(errors)
    arm_status = "open" if status in ("RECRUITING", "ENROLLING_BY_INVITATION") else "closed"
    arms = [
        ArmData(str(g.get("label", f"arm {i + 1}"))[:40], str(g.get("description", ""))[:500],
                arm_status, tree)
        for i, g in enumerate(groups)
    ] or [ArmData("main", "", arm_status, tree)]  # fmt: skip
    phases = _as_list(modules["designModule"].get("phases"))
    return TrialData(
        nct_id=nct,
        eu_ct_number=eu_ct,
        eudract_number=eudract[:14],
        sponsor_code=str((ident.get("orgStudyIdInfo") or {}).get("id", ""))[:60],
        title=str(title)[:400],
        phase="/".join(PHASES.get(str(p), str(p)) for p in phases)[:30],
        sponsor=str(
            _part(modules["sponsorCollaboratorsModule"], "leadSponsor", "leadSponsor", []).get(
                "name", ""
            )
        )[:200],
        overall_status=status,
        source="ctgov",
        conditions=[str(c) for c in _as_list(modules["conditionsModule"].get("conditions"))],
        eligibility_text=str(eligibility.get("eligibilityCriteria", "")),
        sites=sites,
        arms=arms,
    )


def studies_of(document: Any) -> list[Any]:
    """A file holds one study, a list of studies, or an API page ``{"studies": [...]}``."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("studies"), list):
        return document["studies"]
    return [document]
