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
SECONDARY_ICD10 = ("C77", "C78", "C79")  # ICD-10 chapter II, secondary malignant neoplasms
HELD_PREFIXES = ("", "c", "p")  # no prefix, clinical, pathological
INTERPRETATIONS = {  # HL7 v3 ObservationInterpretation code → the record's result
    "POS": "positive",
    "NEG": "negative",
    "E": "equivocal",
    "IND": "not_assessable",
}
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


def _secondary_icd10(code: str) -> bool:
    return code.strip().upper()[:3] in SECONDARY_ICD10


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
    # ICD-10 chapter II: C77–C79 are secondary malignant neoplasms (C80, site unspecified or
    # primary unknown, is not); a code of that block is never read as a primary cancer.
    secondary = _secondary_icd10(values.get("icd10", "")) or bool(mapped and not mapped["primary"])
    profiles = _profiles(resource)
    if systems.SECONDARY_CANCER_CONDITION in profiles:
        values["is_primary"] = False
    elif systems.PRIMARY_CANCER_CONDITION in profiles:
        values["is_primary"] = True
        if secondary:
            problems.append(
                (
                    "meta.profile",
                    _(
                        "the mCODE primary cancer condition profile contradicts the code "
                        "%(code)s, a secondary malignant neoplasm (ICD-10 C77–C79)"
                    )
                    % {"code": values.get("icd10", "")},
                )
            )
    else:
        values["is_primary"] = not secondary
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


def _prefix_problem(prefix: str, letter: str, kind: str, shown: str, code: str) -> str | None:
    """Why a stage group or category cannot be kept as sent, or None. The record has no field
    for the y (after neoadjuvant treatment) and r (recurrence) prefixes of TNM (UICC/AJCC 8th):
    "ypT0" kept as "T0" would read as an untreated tumour's stage. A c value in a pathological
    observation (or p in a clinical one) contradicts its code — except for M: AJCC 8th has no
    pM0 (a pathological stage uses cM0) and a pM1 may be used in a clinical stage."""
    if "y" in prefix or "r" in prefix:
        return _(
            "%(value)s: a stage after neoadjuvant treatment (y) or of a recurrence (r) cannot be "
            "kept, the record has no field for this prefix; enter it on the record with a note"
        ) % {"value": shown}
    if prefix not in HELD_PREFIXES:
        return _("%(value)s: unknown TNM prefix") % {"value": shown}
    held = {"c": "clinical", "p": "pathological"}.get(prefix)
    if held and held != kind and letter != "M":
        return _(
            "%(value)s contradicts the observation code %(code)s (a clinical stage is cTNM, "
            "a pathological one pTNM)"
        ) % {"value": shown, "code": code}
    return None


def _edition(resource: dict[str, Any]) -> int | None:
    """The TNM edition from the method: a staging-system code of the mapping table, else the
    edition written in its text or displays (our own export writes "edition 8")."""
    method = resource.get("method") or {}
    coded = mcode_maps.edition(_codings(method))
    if coded is not None:
        return coded
    for text in [method.get("text", ""), *(c.get("display", "") for c in _codings(method))]:
        edition = EDITION.search(text or "")
        if edition:
            return int(edition.group(1) or edition.group(2))
    return None


def _category(
    letter: str, concept: dict[str, Any], kind: str, code: str, path: str
) -> tuple[str | None, Problems, Problems]:
    """(value, problems, notes) of one T, N or M category read from ``concept``."""
    found = mcode_maps.category_value(letter, _codings(concept), concept.get("text", ""))
    if found is None:
        return None, [(path, _("the %(letter)s category cannot be read") % {"letter": letter})], []
    shown = found.prefix + found.value
    problem = _prefix_problem(found.prefix, letter, kind, shown, code)
    if problem:
        return None, [(path, problem)], []
    notes: Problems = []
    if found.from_text:
        notes.append(
            (
                path,
                _(
                    "the %(letter)s category was read from its text (%(value)s), not from a "
                    "code: check it on the record"
                )
                % {"letter": letter, "value": shown},
            )
        )
    return found.value, [], notes


def _stage(
    resource: dict[str, Any], kind: str, code: str
) -> tuple[dict[str, Any], Problems, Problems]:
    problems: Problems = []
    notes: Problems = []
    concept = resource.get("valueCodeableConcept") or {}
    read = mcode_maps.stage_group(_codings(concept))
    group = ""
    if read:
        problem = _prefix_problem(read[1], "", kind, read[2], code)
        if problem:
            problems.append(("valueCodeableConcept", problem))
        else:
            group = read[0]
    values: dict[str, Any] = {"kind": kind, "stage_group": group, "t": "", "n": "", "m": ""}
    edition = _edition(resource)
    if edition is not None:
        values["edition"] = edition
    for index, component in enumerate(resource.get("component") or []):
        category = mcode_maps.first_known("tnm_category_codes", _codings(component.get("code")))
        if not category:
            continue
        letter = category[1]
        value, wrong, warned = _category(
            letter,
            component.get("valueCodeableConcept") or {},
            kind,
            code,
            f"component[{index}].valueCodeableConcept",
        )
        problems += wrong
        notes += warned
        if value is not None:
            values[letter.lower()] = value
    if not read and not any(values[x] for x in "tnm") and not problems:
        problems.append(("valueCodeableConcept", _("no cancerstaging.org stage group code")))
    return values, problems, notes


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
    stage_code = next((c for c in loinc if c in STAGE_GROUPS), None)
    if stage_code:
        values, problems, notes = _stage(resource, STAGE_GROUPS[stage_code], stage_code)
        return "staging", {**values, "staged_on": day}, problems, notes
    performance = next((PERFORMANCE[c] for c in loinc if c in PERFORMANCE), None)
    if performance:
        value = resource.get("valueInteger")
        if not isinstance(value, int):
            return None, {}, [("valueInteger", _("the score is required"))], []
        return "performance", {"scale": performance, "value": value, "recorded_on": day}, [], []
    coded = next(
        (c for c in codings if mcode_maps.first_known("tnm_category_codes", [c]) is not None), None
    )
    if coded:
        kind, letter = mcode_maps.first_known("tnm_category_codes", [coded])
        value, problems, notes = _category(
            letter,
            resource.get("valueCodeableConcept") or {},
            kind,
            str(coded.get("code", "")),
            "valueCodeableConcept",
        )
        if value is None:
            return None, {}, problems, notes
        values = {"kind": kind, "staged_on": day, "letter": letter, "value": value}
        edition = _edition(resource)
        if edition is not None:
            values["edition"] = edition
        return "tnm_category", values, [], notes
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
        # HL7 v3 ObservationInterpretation: E is equivocal, IND indeterminate (the record's
        # "not assessable"); a code of another system is not read.
        interpretation = [
            c
            for i in resource.get("interpretation") or []
            for c in _codings(i)
            if c.get("system") == systems.V3_INTERPRETATION
        ]
        result = INTERPRETATIONS.get(next((c.get("code", "") for c in interpretation), ""))
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
    if ended is None and status != "active":
        # Stopped, on hold or unknown: kept without an end date it would show as in course.
        where = "effectivePeriod.end" if period else "effectiveDateTime"
        return (
            {},
            [
                (
                    where,
                    _(
                        "a treatment with status %(status)s needs its end date (only an active "
                        "treatment is kept as in course)"
                    )
                    % {"status": status or "—"},
                )
            ],
            notes,
        )
    # Ended while active or completed: as planned; stopped, on hold or unknown: another reason.
    end_reason = "completed" if status in ("active", "completed") else "other"
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
