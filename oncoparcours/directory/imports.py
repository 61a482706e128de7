"""All-or-nothing CSV imports of organisations and professionals.

Every line is validated; every error is reported with its line number and field; nothing is
written unless the whole file is valid. Accepts UTF-8 (with or without BOM), comma or semicolon.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction, User
from oncoparcours.core.rules.identifiers import normalise_identifier

from .models import (
    AdditionalSpecialty,
    Civility,
    Organisation,
    OrganisationKind,
    OrganisationMembership,
    Profession,
    Professional,
    ProfessionalQualification,
    QualificationType,
    Specialty,
    SpecialtyEntry,
    specialty_problem,
)
from .rules.dates import add_months

ORGANISATION_COLUMNS = ["finess", "name", "kind", "departement"]
ORGANISATION_OPTIONAL = [
    "short_name",
    "address",
    "postcode",
    "city",
    "latitude",
    "longitude",
    "phone",
    "parent_finess",
]
PROFESSIONAL_COLUMNS = ["rpps", "last_name", "first_name", "profession"]
PROFESSIONAL_OPTIONAL = [
    "civility",  # mme / m, or empty: the feminine job titles of a woman (core/french.py)
    "specialty",
    "additional_specialties",
    "email",
    "phone",
    "organisation_finess",
    "function",
    "qualifications",
]
MAX_ROWS = 50_000


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRefused(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{len(report.errors)} error(s)")
        self.report = report


def _read_rows(
    content: bytes | str, required: list[str], optional: list[str], report: ImportReport
) -> list[tuple[int, dict[str, str]]]:
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.errors.append(RowError(1, "file", _("The file is not UTF-8 encoded text.")))
            return []
    else:
        text = content.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required and c not in optional]
    for column in missing:
        report.errors.append(RowError(1, column, _("Missing column.")))
    for column in unknown:
        report.errors.append(
            RowError(
                1,
                column,
                _("Unknown column (expected: %(cols)s).")
                % {"cols": ", ".join(required + optional)},
            )
        )
    if missing or unknown:
        return []
    rows = []
    for index, raw in enumerate(reader, start=2):
        if None in raw:
            report.errors.append(RowError(index, "row", _("Too many values on this line.")))
            continue
        row = {key.strip(): (value or "").strip() for key, value in raw.items()}
        if not any(row.values()):
            continue
        rows.append((index, row))
        if len(rows) > MAX_ROWS:
            report.errors.append(
                RowError(index, "file", _("Too many lines (max %(n)s).") % {"n": MAX_ROWS})
            )
            return []
    if not rows and not report.errors:
        report.errors.append(RowError(2, "file", _("The file has no data line.")))
    report.rows = len(rows)
    return rows


def _collect(report: ImportReport, line: int, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field_name, messages in error.message_dict.items():
            for message in messages:
                report.errors.append(
                    RowError(line, field_name if field_name != "__all__" else "row", message)
                )
    else:
        for message in error.messages:
            report.errors.append(RowError(line, "row", message))


def _float(value: str, line: int, name: str, report: ImportReport) -> float | None:
    if not value:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        report.errors.append(RowError(line, name, _("Not a number.")))
        return None


def _choice(
    value: str, choices: type[models.TextChoices], line: int, name: str, report: ImportReport
) -> str:
    if value not in choices.values:
        report.errors.append(
            RowError(
                line,
                name,
                _("Unknown value %(value)r (allowed: %(allowed)s).")
                % {"value": value, "allowed": ", ".join(choices.values)},
            )
        )
    return value


def _date(value: str, line: int, name: str, report: ImportReport) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        report.errors.append(
            RowError(line, name, _("Not a date (expected YYYY-MM-DD): %(v)r.") % {"v": value})
        )
        return None


def _finish(
    report: ImportReport,
    save: Callable[[], int],
    actor: User | None,
    details: dict[str, Any] | None = None,
) -> ImportReport:
    report.errors.sort(key=lambda error: (error.line, error.field))
    if report.errors:
        raise ImportRefused(report)
    with transaction.atomic():
        report.created = save()
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT,
            details={
                "kind": report.kind,
                "rows": report.rows,
                "created": report.created,
                **(details or {}),
            },
        )
    return report


def import_organisations(*, content: bytes | str, actor: User | None) -> ImportReport:
    report = ImportReport(kind="organisations")
    rows = _read_rows(content, ORGANISATION_COLUMNS, ORGANISATION_OPTIONAL, report)
    pending: list[tuple[Organisation, str]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        kind = _choice(row["kind"], OrganisationKind, line, "kind", report)
        organisation = Organisation(
            finess=normalise_identifier(row["finess"]) or None,
            name=row["name"],
            kind=kind,
            departement=row["departement"].upper(),
            short_name=row.get("short_name", ""),
            address=row.get("address", ""),
            postcode=row.get("postcode", ""),
            city=row.get("city", ""),
            phone=row.get("phone", ""),
            latitude=_float(row.get("latitude", ""), line, "latitude", report),
            longitude=_float(row.get("longitude", ""), line, "longitude", report),
        )
        try:
            organisation.full_clean(exclude=["parent"], validate_constraints=False)
        except ValidationError as error:
            _collect(report, line, error)
        finess = organisation.finess
        if finess:
            if finess in seen:
                report.errors.append(
                    RowError(
                        line,
                        "finess",
                        _("Same FINESS as line %(line)s.") % {"line": seen[finess]},
                    )
                )
            seen[finess] = line
        pending.append((organisation, normalise_identifier(row.get("parent_finess", ""))))
    taken = {
        finess
        for finess in Organisation.objects.filter(finess__in=list(seen)).values_list(
            "finess", flat=True
        )
        if finess
    }
    for finess in sorted(taken):
        report.errors.append(
            RowError(seen[finess], "finess", _("An organisation with this FINESS already exists."))
        )
    in_file = {org.finess for org, _parent in pending if org.finess}
    existing_parents = set(
        Organisation.objects.filter(finess__in=[p for _o, p in pending if p]).values_list(
            "finess", flat=True
        )
    )
    for (_organisation, parent), (line, _row) in zip(pending, rows, strict=True):
        if parent and parent not in in_file and parent not in existing_parents:
            report.errors.append(
                RowError(
                    line, "parent_finess", _("No organisation with FINESS %(f)s.") % {"f": parent}
                )
            )

    def save() -> int:
        by_finess = {}
        for organisation, _parent in pending:
            organisation.save()
            if organisation.finess:
                by_finess[organisation.finess] = organisation
        for organisation, parent in pending:
            if parent:
                organisation.parent = by_finess.get(parent) or Organisation.objects.get(
                    finess=parent
                )
                organisation.save(update_fields=["parent"])
        return len(pending)

    return _finish(report, save, actor)


def _parse_qualifications(
    value: str, line: int, report: ImportReport, known: dict[str, QualificationType]
) -> list[tuple[QualificationType, dt.date]]:
    """``"tpe_40h:2024-03-01|immunotherapy_initiation:2024-05-10"``."""
    result = []
    for item in filter(None, (part.strip() for part in value.split("|"))):
        code, _sep, day = item.partition(":")
        qualification = known.get(code.strip())
        if qualification is None:
            report.errors.append(
                RowError(line, "qualifications", _("Unknown qualification %(c)r.") % {"c": code})
            )
            continue
        obtained = _date(day.strip(), line, "qualifications", report)
        if obtained:
            result.append((qualification, obtained))
    return result


def _parse_additional_specialties(
    value: str, professional: Professional, line: int, report: ImportReport
) -> list[str]:
    """``"radiotherapy|medical_oncology"``: specialties recognised besides the main one."""
    codes = list(dict.fromkeys(filter(None, (part.strip() for part in value.split("|")))))
    for code in codes:
        problem = specialty_problem(professional.profession, code)
        if problem is None and code == professional.specialty:
            problem = _("This is already the main specialty.")
        if problem is not None:
            report.errors.append(RowError(line, "additional_specialties", str(problem)))
    return codes


def import_professionals(*, content: bytes | str, actor: User | None) -> ImportReport:
    report = ImportReport(kind="professionals")
    rows = _read_rows(content, PROFESSIONAL_COLUMNS, PROFESSIONAL_OPTIONAL, report)
    known = {q.code: q for q in QualificationType.objects.all()}
    organisations = {
        o.finess: o
        for o in Organisation.objects.filter(
            finess__in=[normalise_identifier(r.get("organisation_finess", "")) for _l, r in rows]
        )
    }
    pending: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        profession = _choice(row["profession"], Profession, line, "profession", report)
        specialty = row.get("specialty") or "none"
        _choice(specialty, Specialty, line, "specialty", report)
        civility = (row.get("civility") or "").strip().lower()
        if civility:
            _choice(civility, Civility, line, "civility", report)
        professional = Professional(
            civility=civility,
            rpps=normalise_identifier(row["rpps"]) or None,
            last_name=row["last_name"],
            first_name=row["first_name"],
            profession=profession,
            specialty=specialty,
            email=row.get("email", ""),
            phone=row.get("phone", ""),
        )
        try:
            professional.full_clean(exclude=["user"], validate_constraints=False)
        except ValidationError as error:
            _collect(report, line, error)
        rpps = professional.rpps
        if rpps:
            if rpps in seen:
                report.errors.append(
                    RowError(
                        line,
                        "rpps",
                        _("Same RPPS as line %(line)s.") % {"line": seen[rpps]},
                    )
                )
            seen[rpps] = line
        finess = normalise_identifier(row.get("organisation_finess", ""))
        organisation = organisations.get(finess) if finess else None
        if finess and organisation is None:
            report.errors.append(
                RowError(
                    line,
                    "organisation_finess",
                    _("No organisation with FINESS %(f)s.") % {"f": finess},
                )
            )
        qualifications = _parse_qualifications(row.get("qualifications", ""), line, report, known)
        additional = _parse_additional_specialties(
            row.get("additional_specialties", ""), professional, line, report
        )
        pending.append(
            {
                "professional": professional,
                "organisation": organisation,
                "function": row.get("function", ""),
                "qualifications": qualifications,
                "additional_specialties": additional,
            }
        )

    taken = {
        rpps
        for rpps in Professional.objects.filter(rpps__in=list(seen)).values_list("rpps", flat=True)
        if rpps
    }
    for rpps in sorted(taken):
        report.errors.append(
            RowError(seen[rpps], "rpps", _("A professional with this RPPS already exists."))
        )

    def save() -> int:
        for item in pending:
            professional = item["professional"]
            professional.save()
            if item["organisation"]:
                OrganisationMembership.objects.create(
                    professional=professional,
                    organisation=item["organisation"],
                    function=item["function"],
                )
            AdditionalSpecialty.objects.bulk_create(
                AdditionalSpecialty(
                    professional=professional,
                    specialty=code,
                    recorded_by=actor,
                    recorded_via=SpecialtyEntry.IMPORT,
                )
                for code in item["additional_specialties"]
            )
            for qualification, obtained in item["qualifications"]:
                expires = (
                    add_months(obtained, qualification.validity_months)
                    if qualification.validity_months
                    else None
                )
                ProfessionalQualification.objects.create(
                    professional=professional,
                    qualification=qualification,
                    obtained_on=obtained,
                    expires_on=expires,
                    issuer=_("CSV import"),
                )
        return len(pending)

    # Who recorded which additional specialty is kept on each row and in the audit trail.
    declared = {
        item["professional"].rpps or item["professional"].full_name: item["additional_specialties"]
        for item in pending
        if item["additional_specialties"]
    }
    return _finish(report, save, actor, {"additional_specialties": declared})
