"""FHIR Condition, Observation and MedicationStatement resources read into the clinical rows of
the OncoParcours record (diagnosis, staging, performance status, tumour marker, treatment)
through the mapping tables of ``mcode_maps``. Pure: no database."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext as _

from .. import systems
from . import mcode_maps

Problems = list[tuple[str, str]]
ICD10_SYSTEMS = (systems.ICD10,)
PERFORMANCE = {systems.ECOG_CODE: "ecog", systems.KARNOFSKY_CODE: "karnofsky"}
STAGE_GROUPS = {code: kind for kind, code in systems.STAGE_GROUP_CODE.items()}
EDITION = re.compile(r"edition (\d{1,2})\b|\b(\d{1,2})(?:st|nd|rd|th) edition", re.IGNORECASE)


def _day(raw: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None


def _codings(concept: Any) -> list[dict[str, Any]]:
    return [c for c in (concept or {}).get("coding", []) if isinstance(c, dict)]


def _extension(resource: dict[str, Any], url: str) -> dict[str, Any] | None:
    return next((e for e in resource.get("extension") or [] if e.get("url") == url), None)


def _profiles(resource: dict[str, Any]) -> list[str]:
    return list((resource.get("meta") or {}).get("profile") or [])


def condition_values(resource: dict[str, Any]) -> tuple[dict[str, Any], Problems, Problems]:
    problems: Problems = []
    notes: Problems = []
    values: dict[str, Any] = {}
    codings = _codings(resource.get("code"))
    icd10 = next((c["code"] for c in codings if c.get("system") in ICD10_SYSTEMS), None)
    mapped = mcode_maps.first_known("condition_codes", codings)
    if icd10:
        values["icd10"] = icd10
    elif mapped:
        values["icd10"] = mapped["icd10"]
    else:
        shown = ", ".join(f"{c.get('system')}|{c.get('code')}" for c in codings) or "—"
        problems.append(
            (
                "code",
                _("no ICD-10 code and no mapped SNOMED CT code (given: %(codes)s)")
                % {"codes": shown},
            )
        )
    profiles = _profiles(resource)
    if systems.SECONDARY_CANCER_CONDITION in profiles:
        values["is_primary"] = False
    elif systems.PRIMARY_CANCER_CONDITION in profiles:
        values["is_primary"] = True
    else:
        values["is_primary"] = bool(mapped["primary"]) if mapped else True
    asserted = _extension(resource, systems.ASSERTED_DATE)
    raw = (asserted or {}).get("valueDateTime") or resource.get("onsetDateTime")
    day = _day(raw or resource.get("recordedDate"))
    if day is None:
        problems.append(("onsetDateTime", _("the date of diagnosis is required")))
    values["diagnosed_on"] = day
    for site in resource.get("bodySite") or []:
        topography = [c for c in _codings(site) if c.get("system") == systems.ICDO3]
        if topography:
            values["icdo3_topography"] = topography[0].get("code", "")
    laterality = _extension(resource, systems.OWN_LATERALITY)
    if laterality and laterality.get("valueCode"):
        values["laterality"] = laterality["valueCode"]
    notes_text = [n.get("text", "") for n in resource.get("note") or [] if n.get("text")]
    if notes_text:
        values["note"] = " ".join(notes_text)[:300]
    histology = _extension(resource, systems.HISTOLOGY_MORPHOLOGY)
    if histology:
        morph_codings = _codings(histology.get("valueCodeableConcept"))
        direct = [c["code"] for c in morph_codings if c.get("system") == systems.ICDO3]
        found = direct[0] if direct else mcode_maps.first_known("morphology_codes", morph_codings)
        if found:
            values["icdo3_morphology"] = found
        else:
            notes.append(("extension", _("histology morphology with no ICD-O-3 mapping: not kept")))
    return values, problems, notes


def _stage(resource: dict[str, Any], kind: str) -> tuple[dict[str, Any], Problems]:
    problems: Problems = []
    concept = resource.get("valueCodeableConcept") or {}
    group = mcode_maps.stage_group(_codings(concept))
    values: dict[str, Any] = {"kind": kind, "stage_group": group or "", "t": "", "n": "", "m": ""}
    method = resource.get("method") or {}
    for text in [method.get("text", ""), *(c.get("display", "") for c in _codings(method))]:
        edition = EDITION.search(text or "")
        if edition:
            values["edition"] = int(edition.group(1) or edition.group(2))
            break
    for index, component in enumerate(resource.get("component") or []):
        category = mcode_maps.first_known("tnm_category_codes", _codings(component.get("code")))
        if not category:
            continue
        letter = category[1]
        value_concept = component.get("valueCodeableConcept") or {}
        value = mcode_maps.category_value(
            letter, _codings(value_concept), value_concept.get("text", "")
        )
        if value is None:
            problems.append(
                (
                    f"component[{index}]",
                    _("the %(letter)s category cannot be read") % {"letter": letter},
                )
            )
        else:
            values[letter.lower()] = value
    if not group and not any(values[x] for x in "tnm"):
        problems.append(("valueCodeableConcept", _("no cancerstaging.org stage group code")))
    return values, problems


def observation_values(
    resource: dict[str, Any],
) -> tuple[str | None, dict[str, Any], Problems, Problems]:
    """(target, values, problems, notes); target None = not held (a note says so)."""
    codings = _codings(resource.get("code"))
    loinc = [c.get("code") for c in codings if c.get("system") == systems.LOINC]
    day = _day(
        resource.get("effectiveDateTime") or (resource.get("effectivePeriod") or {}).get("start")
    )
    if resource.get("status") == "entered-in-error":
        return None, {}, [], [("status", _("entered in error: not imported"))]
    if day is None:
        return None, {}, [("effectiveDateTime", _("the date of the result is required"))], []
    stage_kind = next((STAGE_GROUPS[c] for c in loinc if c in STAGE_GROUPS), None)
    if stage_kind:
        values, problems = _stage(resource, stage_kind)
        return "staging", {**values, "staged_on": day}, problems, []
    performance = next((PERFORMANCE[c] for c in loinc if c in PERFORMANCE), None)
    if performance:
        value = resource.get("valueInteger")
        if not isinstance(value, int):
            return None, {}, [("valueInteger", _("the score is required"))], []
        return "performance", {"scale": performance, "value": value, "recorded_on": day}, [], []
    category = mcode_maps.first_known("tnm_category_codes", codings)
    if category:
        concept = resource.get("valueCodeableConcept") or {}
        value = mcode_maps.category_value(category[1], _codings(concept), concept.get("text", ""))
        if value is None:
            return None, {}, [("valueCodeableConcept", _("the category cannot be read"))], []
        values = {"kind": category[0], "staged_on": day, "letter": category[1], "value": value}
        return "tnm_category", values, [], []
    own = [c.get("code") for c in codings if c.get("system") == systems.OWN_MARKER]
    marker = own[0] if own else mcode_maps.first_known("tumour_markers", codings)
    if marker:
        return _marker(resource, marker, day)
    shown = ", ".join(f"{c.get('system')}|{c.get('code')}" for c in codings) or "—"
    note = _("an observation OncoParcours does not hold (%(codes)s)") % {"codes": shown}
    return None, {}, [], [("code", note)]


def _quantity_text(resource: dict[str, Any]) -> str:
    quantity = resource.get("valueQuantity")
    if isinstance(quantity, dict) and "value" in quantity:
        comparator = {">=": "≥ ", "<=": "≤ ", ">": "> ", "<": "< "}.get(
            quantity.get("comparator", ""), ""
        )
        return f"{comparator}{quantity['value']} {quantity.get('unit', '')}".strip()
    return ""


def _marker(
    resource: dict[str, Any], marker: str, day: dt.date
) -> tuple[str | None, dict[str, Any], Problems, Problems]:
    details = {
        coding.get("code"): component.get("valueString", "")
        for component in resource.get("component") or []
        for coding in _codings(component.get("code"))
        if coding.get("system") == systems.OWN_RESULT_DETAIL
    }
    concept = resource.get("valueCodeableConcept") or {}
    own = [c.get("code") for c in _codings(concept) if c.get("system") == systems.OWN_RESULT]
    # The record's own result (an OncoParcours export: a result "to verify" has no coded value,
    # a variant without class 4–5 is coded equivocal), else the coded value.
    result = details.get("result") or (
        own[0] if own else mcode_maps.first_known("marker_results", _codings(concept))
    )
    if result is None:
        interpretation = [c for i in resource.get("interpretation") or [] for c in _codings(i)]
        result = {"POS": "positive", "NEG": "negative", "IND": "equivocal"}.get(
            next((c.get("code", "") for c in interpretation), "")
        )
    if result is None:
        return (
            None,
            {},
            [
                (
                    "valueCodeableConcept",
                    _("the %(marker)s result cannot be read") % {"marker": marker},
                )
            ],
            [],
        )
    values = {
        "marker": marker,
        "result": result,
        "value": details.get("value") or _quantity_text(resource),
        "alteration": details.get("alteration", ""),
        "tested_on": day,
    }
    if details.get("method"):  # an OncoParcours export: the gene result's method (ISH, NGS…)
        values["method"] = details["method"]
    return "biomarker", values, [], []


def medication_values(resource: dict[str, Any]) -> tuple[dict[str, Any], Problems, Problems]:
    status = resource.get("status")
    if status in ("entered-in-error", "not-taken", "intended"):
        return (
            {},
            [],
            [("status", _("%(status)s: not imported as a treatment") % {"status": status})],
        )
    concept = resource.get("medicationCodeableConcept") or {}
    codings = _codings(concept)
    mapped = mcode_maps.first_known("medications", codings)
    own = [c.get("code") for c in codings if c.get("system") == systems.OWN_TREATMENT_KIND]
    notes: Problems = []
    if own and concept.get("text"):
        kind, regimen = own[0], concept["text"]
    elif mapped:
        kind, regimen = mapped["kind"], mapped["regimen"]
    else:
        regimen = concept.get("text") or next((c.get("display") for c in codings), "")
        if not regimen:
            return {}, [("medicationCodeableConcept", _("the medication is not named"))], []
        kind = "other"
        notes.append(
            ("medicationCodeableConcept", _("kind of treatment unknown: recorded as other"))
        )
    period = resource.get("effectivePeriod") or {}
    started = _day(resource.get("effectiveDateTime") or period.get("start"))
    if started is None:
        return {}, [("effectiveDateTime", _("the start date is required"))], notes
    ended = _day(period.get("end")) if period.get("end") else None
    if ended is None and status == "completed":
        ended = started  # a completed statement with one date: a single administration
    end_reason = {"completed": "completed", "stopped": "other"}.get(str(status), "")
    reasons = [
        c.get("code")
        for reason in resource.get("statusReason") or []
        for c in _codings(reason)
        if c.get("system") == systems.OWN_END_REASON
    ]
    if reasons:
        end_reason = str(reasons[0])
    if ended is not None and not end_reason:
        end_reason = "completed"
    line = _extension(resource, systems.OWN_LINE)
    note = " ".join(n.get("text", "") for n in resource.get("note") or [] if n.get("text"))
    values = {
        "kind": kind,
        "regimen": regimen,
        **({"line": line["valueInteger"]} if line and line.get("valueInteger") else {}),
        **({"note": note[:300]} if note else {}),
        "started_on": started,
        "ended_on": ended,
        "end_reason": end_reason if ended else "",
    }
    return values, [], notes
