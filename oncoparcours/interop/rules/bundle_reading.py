"""Reading an mCODE patient bundle (FHIR R4 JSON) into what the OncoParcours record holds, with
no database: every entry is read into one of the ``*In`` records below, skipped with a warning
(a resource the record does not hold) or refused with an error naming its element. The import
service (``interop/importing.py``) writes nothing unless no entry is refused."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .. import systems

BUNDLE_TYPES = ("collection", "transaction", "batch", "searchset", "document")
HELD = ("Patient", "Condition", "Observation", "MedicationStatement")
GENDERS = {"female": "F", "male": "M", "other": "X"}
LOCAL = "urn:uuid:"
ASSUMED_EDITION = 8  # TNM UICC/AJCC 8th edition, in force; the record's default


@dataclass(frozen=True)
class Issue:
    severity: str  # "error" (the bundle is refused) or "warning" (the entry is not kept)
    expression: str
    message: str


@dataclass
class EntryIn:
    index: int
    resource_type: str
    keys: list[str]  # how this resource is known at its source: "identifier:s|v" or "id:<id>"
    local_id: uuid.UUID | None  # our own id, when the resource came from an OncoParcours export
    patient: int | None = None  # index of the patient entry
    condition: int | None = None  # index of the condition entry it is about
    values: dict[str, Any] = field(default_factory=dict)
    target: str = ""  # patient, diagnosis, staging, performance, biomarker, treatment


@dataclass
class Reading:
    entries: list[EntryIn]
    issues: list[Issue]

    @property
    def refused(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)


def _where(index: int, path: str = "") -> str:
    return f"Bundle.entry[{index}].resource" + (f".{path}" if path else "")


def _day(raw: Any) -> dt.date | None:
    """The calendar date of a FHIR date or dateTime, as written (its own time zone)."""
    try:
        return dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None


def _codings(concept: Any) -> list[dict[str, Any]]:
    return list((concept or {}).get("coding", [])) if isinstance(concept, dict) else []


def _keys(resource: dict[str, Any]) -> tuple[list[str], uuid.UUID | None]:
    keys, local = [], None
    for identifier in resource.get("identifier", []) or []:
        system, value = identifier.get("system", ""), identifier.get("value", "")
        if not value:
            continue
        if system == systems.RFC3986 and value.startswith(LOCAL):
            with contextlib.suppress(ValueError):
                local = uuid.UUID(value.removeprefix(LOCAL))
            continue
        keys.append(f"identifier:{system}|{value}")
    if resource.get("id"):
        keys.append(f"id:{resource['resourceType']}/{resource['id']}")
    return keys, local


class _Reader:
    def __init__(self, bundle: dict[str, Any]) -> None:
        self.bundle = bundle
        self.issues: list[Issue] = []
        self.entries: list[EntryIn] = []
        self.references: dict[str, int] = {}

    def error(self, index: int, path: str, message: str) -> None:
        self.issues.append(Issue("error", _where(index, path), message))

    def warning(self, index: int, path: str, message: str) -> None:
        self.issues.append(Issue("warning", _where(index, path), message))

    # -- the bundle and its references -------------------------------------------------------
    def resources(self) -> list[tuple[int, dict[str, Any]]]:
        if not isinstance(self.bundle, dict) or self.bundle.get("resourceType") != "Bundle":
            self.issues.append(Issue("error", "Bundle", _("a FHIR Bundle is expected")))
            return []
        if self.bundle.get("type") not in BUNDLE_TYPES:
            self.issues.append(
                Issue(
                    "error",
                    "Bundle.type",
                    _("one of %(types)s is expected") % {"types": ", ".join(BUNDLE_TYPES)},
                )
            )
            return []
        kept: list[tuple[int, dict[str, Any]]] = []
        seen: dict[str, dict[str, Any]] = {}
        for index, entry in enumerate(self.bundle.get("entry") or []):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict) or not resource.get("resourceType"):
                self.issues.append(
                    Issue("error", f"Bundle.entry[{index}]", _("the entry has no resource"))
                )
                continue
            full_url = entry.get("fullUrl") or ""
            if full_url and full_url in seen:
                if seen[full_url] == resource:
                    self.warning(
                        index,
                        "",
                        _("the same resource as an earlier entry (%(url)s)") % {"url": full_url},
                    )
                    continue
                if resource["resourceType"] in HELD:
                    self.error(
                        index,
                        "",
                        _("another resource has the same fullUrl %(url)s") % {"url": full_url},
                    )
                    continue
            seen[full_url] = resource
            for name in self._names(full_url, resource):
                self.references.setdefault(name, index)
            kept.append((index, resource))
        return kept

    @staticmethod
    def _names(full_url: str, resource: dict[str, Any]) -> list[str]:
        names = [full_url] if full_url else []
        if resource.get("id"):
            rid = resource["id"]
            names += [f"{resource['resourceType']}/{rid}", f"{LOCAL}{rid}", rid]
        return names

    def resolve(self, index: int, path: str, reference: Any, wanted: str) -> int | None:
        raw = (reference or {}).get("reference", "") if isinstance(reference, dict) else ""
        found = self.references.get(raw)
        if found is None or self.kind_of.get(found) != wanted:
            self.error(
                index,
                path,
                _(
                    "%(reference)s is not a %(kind)s of this bundle (each entry must be about "
                    "a patient the bundle carries)"
                )
                % {"reference": raw or _("the reference"), "kind": wanted},
            )
            return None
        return found

    # -- entries ----------------------------------------------------------------------------
    def read(self) -> Reading:
        kept = self.resources()
        self.kind_of = {index: resource["resourceType"] for index, resource in kept}
        order = {kind: rank for rank, kind in enumerate(HELD)}
        kept.sort(key=lambda pair: (order.get(pair[1]["resourceType"], len(HELD)), pair[0]))
        for index, resource in kept:
            kind = resource["resourceType"]
            if kind not in HELD:
                self.warning(
                    index,
                    "",
                    _("%(kind)s is not held by OncoParcours: not imported") % {"kind": kind},
                )
                continue
            getattr(self, f"_read_{kind.lower()}")(index, resource)
        self._merge_tnm_categories()
        self._assumed_editions()
        return Reading(entries=self.entries, issues=self.issues)

    def _entry(self, index: int, resource: dict[str, Any], target: str, **values: Any) -> EntryIn:
        keys, local = _keys(resource)
        entry = EntryIn(index, resource["resourceType"], keys, local, target=target, values=values)
        self.entries.append(entry)
        return entry

    def _read_patient(self, index: int, resource: dict[str, Any]) -> None:
        from .patient_reading import patient_values

        values, problems, notes = patient_values(resource)
        for path, message in problems:
            self.error(index, path, message)
        for path, message in notes:
            self.warning(index, path, message)
        if not problems:
            entry = self._entry(index, resource, "patient", **values)
            entry.patient = index

    def _subject(self, index: int, resource: dict[str, Any]) -> int | None:
        return self.resolve(index, "subject", resource.get("subject"), "Patient")

    def _read_condition(self, index: int, resource: dict[str, Any]) -> None:
        from .clinical_reading import condition_values

        patient = self._subject(index, resource)
        values, problems, notes = condition_values(resource)
        for path, message in problems:
            self.error(index, path, message)
        for path, message in notes:
            self.warning(index, path, message)
        if patient is not None and not problems:
            self._entry(index, resource, "diagnosis", **values).patient = patient

    def _about_condition(self, index: int, resource: dict[str, Any], patient: int) -> int | None:
        """The condition an observation is about: its focus or, without one, the patient's only
        primary cancer condition (mCODE stages and tumour markers describe the primary tumour);
        with several primaries the focus is required, never guessed."""
        focus = resource.get("focus") or []
        if focus:
            return self.resolve(index, "focus[0]", focus[0], "Condition")
        conditions = [
            e.index
            for e in self.entries
            if e.target == "diagnosis" and e.patient == patient and e.values["is_primary"]
        ]
        if len(conditions) == 1:
            return conditions[0]
        self.error(index, "focus", _("name the cancer condition this result is about (focus)"))
        return None

    def _read_observation(self, index: int, resource: dict[str, Any]) -> None:
        from .clinical_reading import observation_values

        patient = self._subject(index, resource)
        target, values, problems, notes = observation_values(resource)
        for path, message in problems:
            self.error(index, path, message)
        for path, message in notes:
            self.warning(index, path, message)
        if patient is None or problems or target is None:
            return
        entry = self._entry(index, resource, target, **values)
        entry.patient = patient
        if target in ("staging", "biomarker", "tnm_category"):
            entry.condition = self._about_condition(index, resource, patient)

    def _read_medicationstatement(self, index: int, resource: dict[str, Any]) -> None:
        from .clinical_reading import medication_values

        patient = self._subject(index, resource)
        values, problems, notes = medication_values(resource)
        for path, message in problems:
            self.error(index, path, message)
        for path, message in notes:
            self.warning(index, path, message)
        if patient is not None and not problems and values:
            self._entry(index, resource, "treatment", **values).patient = patient

    def _merge_tnm_categories(self) -> None:
        """Stand-alone T, N and M observations of one condition, kind and date join the stage
        group of that date, or make a staging of their own."""
        groups: dict[tuple[Any, ...], list[EntryIn]] = defaultdict(list)
        for entry in self.entries:
            if entry.target == "tnm_category":
                values = entry.values
                groups[(entry.condition, values["kind"], values["staged_on"])].append(entry)
        for (condition, kind, day), categories in groups.items():
            read = [(c, c.values.get("letter"), c.values.get("value")) for c in categories]
            stage = next(
                (
                    e
                    for e in self.entries
                    if e.target == "staging"
                    and e.condition == condition
                    and e.values["kind"] == kind
                    and e.values["staged_on"] == day
                ),
                None,
            )
            if stage is None:
                stage = categories[0]
                stage.target = "staging"
                stage.values = {
                    **({"edition": stage.values["edition"]} if "edition" in stage.values else {}),
                    "kind": kind,
                    "staged_on": day,
                    "stage_group": "",
                    "t": "",
                    "n": "",
                    "m": "",
                }
            for category, letter, value in read:
                edition = category.values.get("edition")
                if edition is not None:
                    if stage.values.get("edition") not in (None, edition):
                        self.error(category.index, "method", _("conflicting TNM edition"))
                    stage.values["edition"] = edition
                if letter:
                    if stage.values.get(letter.lower()) not in (None, "", value):
                        self.error(
                            category.index, "valueCodeableConcept", _("conflicting category")
                        )
                    stage.values[letter.lower()] = value
                if category is not stage:
                    stage.keys += category.keys
                    self.entries.remove(category)
            for key in ("letter", "value"):
                stage.values.pop(key, None)

    def _assumed_editions(self) -> None:
        """A staging sent without its TNM edition keeps the record's 8th edition (the one in
        force; the record cannot hold "not given"), with a warning naming the entry."""
        for entry in self.entries:
            if entry.target == "staging" and entry.values.get("edition") is None:
                entry.values["edition"] = ASSUMED_EDITION
                self.warning(
                    entry.index,
                    "method",
                    _("no TNM edition given: the 8th edition is assumed, check it on the record"),
                )


def read_bundle(bundle: Any) -> Reading:
    return _Reader(bundle).read()
