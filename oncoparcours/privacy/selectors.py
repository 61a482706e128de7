"""Everything the platform holds on one patient (GDPR art. 15 right of access), read from every
domain app: each model that points to the patient, directly or through one link (a decision
through its case, a custody event through its order), and the list of who accessed the record
from the audit trail. Internal machinery (storage names, token hashes, chain hashes, search
keys) is left out; new models are picked up without changing this file."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext

from oncoparcours.core.audit_words import what_label, who_and_role
from oncoparcours.core.french import decimal as french_decimal
from oncoparcours.core.models import AuditEvent
from oncoparcours.patients.models import Patient

from .readable import (
    COLUMN_LABELS,
    FORMATTERS,
    HIDDEN_COLUMNS,
    SUMMARY_SKIPPED,
    french_dates,
    readable_text,
)

DOMAIN_APPS = ("patients", "pathways", "monitoring", "boards", "celltherapy")
INTERNAL_FIELDS = frozenset(
    {
        "search_text",
        "sort_name",
        "storage_name",
        "sha256",
        "token_hash",
        "prev_hash",
        "hash",
        "submission_key",
        "dedup_key",
    }
)
ROW_LIMIT = 5000  # per kind of record: a summary, not a dump of a runaway table


@dataclass
class Section:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (field name, label)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def table(self) -> list[list[str]]:
        """The rows as text cells, in column order (for the readable summary)."""
        formatters = [FORMATTERS.get((self.key, name), display) for name, _label in self.columns]
        return [
            [fmt(row[name]) for fmt, (name, _label) in zip(formatters, self.columns, strict=True)]
            for row in self.rows
        ]

    def records(self) -> list[list[tuple[str, str]]]:
        """Each record as (label, text) pairs for the patient's summary: empty cells, internal
        codes and technical structures left out (they stay in the JSON file)."""
        return [
            [
                (label, text)
                for (_name, label), text in zip(self.columns, cells, strict=True)
                if readable_text(text)
            ]
            for cells in self.table()
        ]


@dataclass
class AccessExport:
    patient: Patient
    produced_at: dt.datetime
    identity: dict[str, Any]
    sections: list[Section]
    accesses: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "produced_at": self.produced_at.isoformat(),
            "patient": _json_row(self.identity),
            "records": {s.key: [_json_row(row) for row in s.rows] for s in self.sections},
            "record_accesses": self.accesses,
        }


def display(value: Any) -> str:
    """A stored value as the readable summary shows it (French dates and decimal comma)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, decimal.Decimal | float):
        exponent = decimal.Decimal(str(value)).normalize().as_tuple().exponent
        return french_decimal(float(value), max(0, -int(exponent)))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return french_dates(str(value))


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in INTERNAL_FIELDS and not f.name.endswith("_hash")
    ]


def _row(instance: models.Model, fields: list[models.Field]) -> dict[str, Any]:
    row = {}
    for f in fields:
        if f.choices:
            value = getattr(instance, f"get_{f.name}_display")()
        elif f.is_relation:
            value = getattr(instance, f.name)
        else:
            value = getattr(instance, f.attname)
        row[f.name] = str(value) if isinstance(value, models.Model) else value
    return row


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: _value(value) for name, value in row.items()}


def _patient_path(model: type[models.Model]) -> str | None:
    """The ORM path from ``model`` to the patient: ``patient`` or ``<link>__patient``."""
    relations = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model]
    for f in relations:
        if f.related_model is Patient:
            return f.name
    for f in relations:
        target = f.related_model
        if not isinstance(target, type):
            continue
        if target is not Patient and any(
            g.is_relation and g.related_model is Patient for g in target._meta.concrete_fields
        ):
            link = next(g.name for g in target._meta.concrete_fields if g.related_model is Patient)
            return f"{f.name}__{link}"
    return None


def _columns(key: str, fields: list[models.Field]) -> list[tuple[str, str]]:
    """The summary's columns: readable names; grading internals, record keys and technical
    fields without a French name (``verbose_name`` never set) left out."""
    return [
        (f.name, str(COLUMN_LABELS.get((key, f.name), f.verbose_name)))
        for f in fields
        if (key, f.name) not in HIDDEN_COLUMNS
        and f.name not in SUMMARY_SKIPPED
        and not f.name.endswith("_en")
        and ((key, f.name) in COLUMN_LABELS or str(f.verbose_name) != f.name.replace("_", " "))
    ]


def _sections(patient: Patient) -> list[Section]:
    sections = []
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if model is Patient:
                continue
            path = _patient_path(model)
            if path is None:
                continue
            fields = _fields(model)
            related = [f.name for f in fields if f.is_relation]
            queryset = model._default_manager.filter(**{path: patient}).select_related(*related)
            rows = [_row(obj, fields) for obj in queryset[:ROW_LIMIT]]
            if rows:
                sections.append(
                    Section(
                        key=model._meta.label_lower,
                        title=str(model._meta.verbose_name_plural),
                        columns=_columns(model._meta.label_lower, fields),
                        rows=rows,
                    )
                )
    return sections


def _access_events(patient: Patient) -> list[AuditEvent]:
    """Events on this patient, and reads of lists that showed them (alert inbox, worklists,
    board agendas: ``details.patients``), newest first."""
    events = AuditEvent.objects.select_related("actor__professional")
    direct = list(events.filter(patient_id=patient.pk).order_by("-at", "-id")[:ROW_LIMIT])
    listed: list[AuditEvent] = list(
        events.filter(patient_id__isnull=True, details__has_key="patients")
        .annotate(details_text=Cast("details", models.TextField()))
        .filter(details_text__contains=str(patient.pk))
        .order_by("-at", "-id")[:ROW_LIMIT]
    )
    both = sorted(direct + listed, key=lambda e: (e.at, e.pk), reverse=True)
    return both[:ROW_LIMIT]


def _accesses(patient: Patient) -> list[dict[str, Any]]:
    rows = []
    for event in _access_events(patient):
        who, role = who_and_role(event)
        rows.append(
            {
                "at": _value(event.at),
                "at_text": timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M"),
                "who": who,
                "role": role,
                "action": event.get_action_display(),
                "action_code": event.action,
                "what": what_label(event),
                "what_code": (event.details or {}).get("what", "") or event.object_type,
                "break_glass": event.break_glass,
                "reason": event.reason,
            }
        )
    return rows


def access_export(patient: Patient) -> AccessExport:
    identity_fields = _fields(Patient)
    return AccessExport(
        patient=patient,
        produced_at=timezone.now(),
        identity=_row(patient, identity_fields),
        sections=_sections(patient),
        accesses=_accesses(patient),
    )
