"""Writes of tumour molecular results: one by hand (the form) or a CSV table (all-or-nothing,
every problem named by row and column). Validation: ``patients.rules.molecular``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, Role, User

from .models import MolecularFinding, Patient
from .rules import molecular

CSV_COLUMNS = (
    "kind",
    "gene",
    "alteration_type",
    "exon",
    "protein_change",
    "fusion_partner",
    "tmb",
    "msi_status",
    "ihc_marker",
    "ihc_scale",
    "ihc_value",
    "sampled_on",
    "source",
)
# Who enters molecular results: the physicians of the patient's care team (the results come from
# the pathology / molecular biology report the physician reads; the platform has no laboratory
# role). Nurses, pharmacists, EFS staff and the other roles read them on the record.
MOLECULAR_ENTRY_ROLES = frozenset({Role.CLINICIAN})


def may_enter_molecular(user: User, *, in_care_team: bool) -> bool:
    """A physician who is a member of the care team (an emergency "break-glass" access reads,
    it does not enter results)."""
    return user.role in MOLECULAR_ENTRY_ROLES and in_care_team


def _check_actor(actor: User, patient: Patient) -> None:
    from .selectors import patient_access_for_user

    access = patient_access_for_user(user=actor, patient_id=patient.pk)
    if not may_enter_molecular(actor, in_care_team=bool(access and access.membership)):
        raise ApplicationError(
            _("Molecular results are entered by a physician of the patient's care team.")
        )


MAX_CSV_ROWS = 500
MAX_CSV_BYTES = 200_000


def problem_message(code: str) -> str:
    return {
        "required": _("This field is required for this kind of result."),
        "unknown_choice": _("Not one of the allowed values."),
        "not_hgnc_symbol": _("Not an HGNC gene symbol (e.g. BRAF, NTRK1)."),
        "not_exon_number": _("An exon is a whole number from 1 to 200."),
        "not_protein_change": _("Not an HGVS protein change (e.g. p.V600E, p.E746_A750del)."),
        "partner_without_fusion": _("A fusion partner is given only for a fusion."),
        "protein_change_not_for_this_alteration": _(
            "A protein change is given only for an SNV or an indel."
        ),
        "not_for_this_kind": _(
            "This value does not belong to this kind of result: record it as a result of its own."
        ),
        "not_number": _("Not a number."),
        "tmb_out_of_range": _("TMB is 0 to 1000 mutations per megabase."),
        "not_ihc_value": _("Not a value of this scale."),
        "not_her2_score": _("A HER2 score is 0, 1+, 2+ or 3+."),
        "not_percentage": _("A percentage is 0 to 100."),
        "not_cps": _("A combined positive score is 0 to 100."),
        "not_date": _("Not a date (YYYY-MM-DD or DD/MM/YYYY)."),
        "date_in_future": _("This date is in the future."),
        "date_before_birth": _("This date is before the patient's birth."),
    }.get(code, code)


# Higher apps (trials: re-matching) are told of new results, inside the same transaction.
MolecularListener = Callable[..., None]
_LISTENERS: dict[str, MolecularListener] = {}


def register_molecular_listener(key: str, listener: MolecularListener) -> None:
    """``listener(actor=, patient=)`` runs after results are recorded for a patient."""
    _LISTENERS[key] = listener


def _recorded(actor: User, patient: Patient) -> None:
    for listener in _LISTENERS.values():
        listener(actor=actor, patient=patient)


def _checked(patient: Patient, raw: dict[str, str]) -> molecular.Checked:
    return molecular.check_finding(raw, birth_date=patient.birth_date, today=timezone.localdate())


def _create(*, actor: User, patient: Patient, values: dict) -> MolecularFinding:
    finding = MolecularFinding.objects.create(patient=patient, recorded_by=actor, **values)
    audit_record(actor=actor, action=AuditAction.CREATE, patient_id=patient.pk, obj=finding)
    return finding


@transaction.atomic
def molecular_finding_add(
    *, actor: User, patient: Patient, raw: dict[str, str]
) -> MolecularFinding:
    """Record one result from its fields as text; refused with a message per field."""
    _check_actor(actor, patient)
    checked = _checked(patient, {k: str(v or "") for k, v in raw.items()})
    if checked.problems:
        errors = {name: [problem_message(code)] for name, code in checked.problems.items()}
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    finding = _create(actor=actor, patient=patient, values=checked.values)
    _recorded(actor, patient)
    return finding


def _read_rows(content: bytes) -> list[dict[str, str]]:
    if len(content) > MAX_CSV_BYTES:
        raise ApplicationError(_("The file is larger than 200 kB."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ApplicationError(_("The file is not UTF-8 text.")) from error
    dialect = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=dialect)
    header = [name.strip() for name in reader.fieldnames or []]
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if not header or unknown or "kind" not in header:
        raise ApplicationError(
            _("Unknown or missing columns: %(columns)s. Allowed columns: %(allowed)s.")
            % {"columns": ", ".join(unknown) or "kind", "allowed": ", ".join(CSV_COLUMNS)}
        )
    rows = [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]
    if not rows:
        raise ApplicationError(_("The file has no row."))
    if len(rows) > MAX_CSV_ROWS:
        raise ApplicationError(_("More than 500 rows: split the file."))
    return rows


@transaction.atomic
def molecular_import_csv(*, actor: User, patient: Patient, content: bytes) -> int:
    """Import a CSV table of results for one patient: every row is valid or nothing is saved;
    the error lists each problem as "row N, column: reason" (row 2 is the first data row)."""
    _check_actor(actor, patient)
    rows = _read_rows(content)
    checked_rows = [_checked(patient, row) for row in rows]
    problems = [
        _("row %(row)d, column %(column)s: %(reason)s")
        % {"row": number, "column": column, "reason": problem_message(code)}
        for number, checked in enumerate(checked_rows, start=2)
        for column, code in checked.problems.items()
    ]
    if problems:
        raise ApplicationError(
            _("Nothing imported. %(problems)s") % {"problems": " ; ".join(problems[:30])},
            errors={"file": problems[:30]},
        )
    for checked in checked_rows:
        finding = MolecularFinding(patient=patient, recorded_by=actor, **checked.values)
        finding.save()
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        patient_id=patient.pk,
        details={"molecular_results": len(checked_rows)},
    )
    _recorded(actor, patient)
    return len(checked_rows)
