"""Writes of tumour molecular results: one by hand (the form) or a CSV table (all-or-nothing,
every problem named by row and column). Validation: ``patients.rules.molecular``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, Role, User

from .models import Biomarker, MolecularFinding, MolecularKind, Patient
from .rules import biomarker_mapping, molecular

# CSV columns: the French headers are the documented ones (docs/trials.md); the field names
# (English) stay accepted as aliases. Headers are read without case or surrounding spaces.
CSV_COLUMNS = {
    "type": "kind",
    "gène": "gene",
    "altération": "alteration_type",
    "exon": "exon",
    "modification protéique": "protein_change",
    "partenaire de fusion": "fusion_partner",
    "classe": "classification",
    "tmb": "tmb",
    "statut msi": "msi_status",
    "marqueur ihc": "ihc_marker",
    "échelle ihc": "ihc_scale",
    "valeur ihc": "ihc_value",
    "date de prélèvement": "sampled_on",
    "source": "source",
    "méthode": "method",
}
FIELD_COLUMNS = {name: header for header, name in CSV_COLUMNS.items()}
COLUMN_ALIASES = {
    **CSV_COLUMNS,
    **{name: name for name in CSV_COLUMNS.values()},
    "gene": "gene",
    "alteration": "alteration_type",
    "modification proteique": "protein_change",
    "echelle ihc": "ihc_scale",
    "date de prelevement": "sampled_on",
    "methode": "method",
}
# Values typed in French in a table (the form offers the choices).
VALUE_ALIASES = {
    "kind": {"variant": "variant", "négatif": "negative", "negatif": "negative",
             "non muté": "negative", "ihc": "ihc", "tmb": "tmb", "msi": "msi"},
    "alteration_type": {"délétion": "deletion", "delation": "deletion",
                        "amplification": "amplification", "fusion": "fusion"},
}  # fmt: skip
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
        "erbb2_ish_is_amplification": _(
            "An in situ hybridisation of ERBB2 looks for the amplification: choose the "
            "alteration type “Amplification”."
        ),
        "not_hgnc_symbol": _("Not an HGNC gene symbol (e.g. BRAF, NTRK1)."),
        "unknown_gene": _(
            "Unknown gene symbol: not in the list of HGNC-approved symbols the platform knows "
            "(check the spelling, e.g. ERBB2 for HER2)."
        ),
        "not_variant_class": _(
            "A variant class is 1 (benign) to 5 (pathogenic), 3 being of uncertain significance."
        ),
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
    """``listener(actor=, patient=, notify=)`` runs after results are recorded for a patient
    (``notify`` False: a bulk load, nobody is told)."""
    _LISTENERS[key] = listener


def _recorded(actor: User, patient: Patient, *, notify: bool = True) -> None:
    # The prognosis flag reads the receptor status from the molecular results (ER, PR, HER2).
    from .services import diagnosis_reassess

    for diagnosis in patient.diagnoses.all():
        diagnosis_reassess(actor=actor, diagnosis=diagnosis, reason=_("Molecular result recorded"))
    for listener in _LISTENERS.values():
        listener(actor=actor, patient=patient, notify=notify)


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


def _row(names: list[str], cells: list[str]) -> dict[str, str]:
    row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names)}
    for name, aliases in VALUE_ALIASES.items():
        value = row.get(name, "").strip().lower()
        if value in aliases:
            row[name] = aliases[value]
    return row


# The results that carry a method (a gene tested by ISH, NGS, PCR…).
GENE_KINDS = frozenset({MolecularKind.VARIANT, MolecularKind.NEGATIVE})

# Fields copied from one version to the next (a withdrawal keeps the values it withdraws).
VALUE_FIELDS = (
    "kind", "gene", "alteration_type", "exon", "protein_change", "fusion_partner",
    "classification", "tmb", "msi_status", "ihc_marker", "ihc_scale", "ihc_value",
    "sampled_on", "source", "method",
)  # fmt: skip


def _current_version(finding: MolecularFinding) -> MolecularFinding:
    locked = MolecularFinding.objects.select_for_update().get(pk=finding.pk)
    if locked.withdrawn or MolecularFinding.objects.filter(replaces=locked).exists():
        raise ApplicationError(
            _("This result has already been corrected or withdrawn: act on its current version.")
        )
    return locked


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        message = _("Give the reason (e.g. laboratory report corrected, entered in error).")
        raise ApplicationError(message, errors={"reason": [message]})
    return reason[:300]


@transaction.atomic
def molecular_finding_correct(
    *, actor: User, finding: MolecularFinding, raw: dict[str, str], reason: str
) -> MolecularFinding:
    """A correction is a new version superseding the old one (kept, shown in the history);
    matching reads the current version only."""
    _check_actor(actor, finding.patient)
    why = _reason(reason)
    old = _current_version(finding)
    checked = _checked(finding.patient, {k: str(v or "") for k, v in raw.items()})
    if checked.problems:
        errors = {name: [problem_message(code)] for name, code in checked.problems.items()}
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    new = MolecularFinding.objects.create(
        patient=finding.patient, recorded_by=actor, replaces=old, reason=why, **checked.values
    )
    audit_record(
        actor=actor, action=AuditAction.UPDATE, patient_id=finding.patient_id, obj=new,
        details={"corrects": str(old.pk), "reason": why},
    )  # fmt: skip
    _recorded(actor, finding.patient)
    return new


@transaction.atomic
def molecular_finding_withdraw(
    *, actor: User, finding: MolecularFinding, reason: str
) -> MolecularFinding:
    """Withdraw a result entered in error: a new version flagged withdrawn (nothing deleted)."""
    _check_actor(actor, finding.patient)
    why = _reason(reason)
    old = _current_version(finding)
    values = {name: getattr(old, name) for name in VALUE_FIELDS}
    new = MolecularFinding.objects.create(
        patient=finding.patient, recorded_by=actor, replaces=old, reason=why, withdrawn=True,
        **values,
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.UPDATE, patient_id=finding.patient_id, obj=new,
        details={"withdraws": str(old.pk), "reason": why},
    )  # fmt: skip
    _recorded(actor, finding.patient)
    return new


def _read_rows(content: bytes) -> list[dict[str, str]]:
    if len(content) > MAX_CSV_BYTES:
        raise ApplicationError(_("The file is larger than 200 kB."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ApplicationError(_("The file is not UTF-8 text.")) from error
    dialect = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=dialect)  # the header only
    header = [(name or "").strip() for name in reader.fieldnames or []]
    unknown = [name for name in header if name.lower() not in COLUMN_ALIASES]
    names = [COLUMN_ALIASES.get(name.lower(), "") for name in header]
    if not header or unknown or "kind" not in names:
        raise ApplicationError(
            _("Unknown or missing columns: %(columns)s. Allowed columns: %(allowed)s.")
            % {"columns": ", ".join(unknown) or "type", "allowed": ", ".join(CSV_COLUMNS)}
        )
    rows = [_row(names, row) for row in csv.reader(io.StringIO(text), delimiter=dialect)][1:]
    rows = [row for row in rows if any(value.strip() for value in row.values())]
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
        % {
            "row": number,
            "column": FIELD_COLUMNS.get(column, column),
            "reason": problem_message(code),
        }
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


# --- the simple entry ("EGFR muté", "HER2 3+"): a structured result, wording kept --------------


def entry_problem_message(code: str) -> str:
    """Why a simple entry cannot be structured (``rules.biomarker_mapping`` codes)."""
    return {
        "required": _("This field is required."),
        "unknown_choice": _("Not one of the allowed values."),
        "not_assessable": _(
            "A result not assessable is not a result: record it when the test is repeated."
        ),
        "result_not_structured": _(
            "Positive or negative is needed for this marker (an equivocal HER2 is entered with "
            "its score, 2+)."
        ),
        "not_structured_marker": _(
            "This marker has no structured form yet (e.g. MGMT promoter methylation): keep it in "
            "the report."
        ),
        "gene_family": _("Name the gene: NTRK1, NTRK2 or NTRK3, KRAS or NRAS, IDH1 or IDH2…"),
        "unknown_marker": _(
            "Unknown gene or marker: give an HGNC gene symbol (e.g. ERBB2, EGFR) or HER2, ER, "
            "PR, PD-L1, MSI, TMB."
        ),
        "value_required": _(
            "Give the measured value: HER2 score (IHC 0, 1+, 2+, 3+), percentage of stained "
            "cells (ER, PR, PD-L1 TPS), PD-L1 CPS, TMB in mutations/Mb."
        ),
        "value_unreadable": _("The value cannot be read: give one number (e.g. 60 %, CPS 10)."),
        "value_negative": _("A measured value cannot be negative: check the report."),
        "value_out_of_range": _(
            "The value is out of range: a percentage of stained cells (ER, PR, PD-L1 TPS) or a "
            "CPS goes from 0 to 100."
        ),
        "tmb_out_of_range": _("TMB is 0 to 1000 mutations per megabase."),
        "not_her2_score": _("A HER2 score is IHC 0, 1+, 2+ or 3+."),
        "her2_2plus_needs_ish": _(
            "HER2 2+ is negative only after in situ hybridisation: record the IHC 2+ and the "
            "ERBB2 amplification result (molecular result form)."
        ),
        "her2_score_and_ish": _(
            "Record the HER2 IHC score and the in situ hybridisation result as two results: "
            "HER2 with its score (e.g. 2+), then HER2 amplified or not amplified."
        ),
        "pdl1_scale_required": _("Say the PD-L1 scale: TPS in % (e.g. TPS 50 %) or CPS."),
        "value_contradicts_result": _(
            "The value contradicts the result (e.g. ER positive at 0 %, HER2 positive at 1+): "
            "check the report."
        ),
        "ambiguous_exon": _("Give one exon per result (e.g. exon 19), or the protein change."),
        "several_changes": _("One alteration per result: record each change on its own."),
        "ambiguous_alteration": _(
            "Say which alteration: mutated (or the protein change, e.g. V600E), rearranged "
            "(fusion), amplified."
        ),
        "negative_for_one_change": _(
            "A negative result for one change says nothing of the rest of the gene: record the "
            "gene tested without alteration with the molecular result form (exon, kind)."
        ),
        "unknown_fusion_partner": _("Unknown fusion partner gene (HGNC symbol expected)."),
        "pdl1_ic_not_structured": _(
            "PD-L1 on immune cells (IC) is not structured: enter the TPS or the CPS, or keep "
            "the result in the report."
        ),
        "msi_low": _(
            "MSI-L (low instability) is not structured: enter the status as the report "
            "concludes, MSS or MSI-H, or keep the result in the report."
        ),
        "mmr_needs_status": _(
            "Say dMMR (loss of a mismatch repair protein) or pMMR (proteins retained): on "
            'immunohistochemistry "positive" often means the proteins are expressed.'
        ),
    }.get(code, code)


# Fields of a structured result → the field of the simple entry that gave it.
ENTRY_FIELDS = {
    "gene": "marker", "kind": "marker", "ihc_marker": "marker", "alteration_type": "alteration",
    "exon": "alteration", "protein_change": "alteration", "fusion_partner": "alteration",
    "classification": "alteration", "ihc_scale": "value", "ihc_value": "value", "tmb": "value",
    "msi_status": "marker", "sampled_on": "tested_on", "source": "source",
}  # fmt: skip


def _entry_values(
    patient: Patient, *, marker: str, result: str, tested_on: dt.date | None, alteration: str,
    value: str, source: str, method: str = "",
) -> tuple[dict[str, object], dict[str, str], tuple[str, str] | None]:  # fmt: skip
    """(structured values, reported wording, problem (entry field, message) or None). A
    ``method`` given by the sender (an OncoParcours export) is kept on a gene result; otherwise
    the wording decides (e.g. "FISH")."""
    reported = {
        "reported_marker": " ".join(marker.split()).upper()[:40],
        "reported_alteration": alteration.strip()[:100],
        "reported_result": result if result in biomarker_mapping.RESULTS else "",
        "reported_value": value.strip()[:60],
    }
    mapped = biomarker_mapping.structure(marker, result, alteration, value)
    if mapped.problem:
        name, code = mapped.problem
        return {}, reported, (name, entry_problem_message(code))
    raw = {
        **mapped.values,
        **({"method": method} if method and mapped.values.get("kind") in GENE_KINDS else {}),
        "sampled_on": tested_on.isoformat() if tested_on else "",
        "source": source.strip() or _("Pathology or molecular biology report"),
    }
    checked = _checked(patient, raw)
    if checked.problems:
        name, code = next(iter(checked.problems.items()))
        return {}, reported, (ENTRY_FIELDS.get(name, "marker"), problem_message(code))
    return checked.values, reported, None


def _entry_create(
    *, actor: User, patient: Patient, values: dict[str, object], reported: dict[str, str],
    from_biomarker: Biomarker | None = None,
) -> MolecularFinding:  # fmt: skip
    finding = MolecularFinding.objects.create(
        patient=patient, recorded_by=actor, from_biomarker=from_biomarker, **values, **reported
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, patient_id=patient.pk, obj=finding,
        details={"entry": "simple", "kind": finding.kind,
                 **({"from_biomarker": str(from_biomarker.pk)} if from_biomarker else {})},
    )  # fmt: skip
    return finding


@transaction.atomic
def molecular_entry_add(
    *, actor: User, patient: Patient, marker: str, result: str, tested_on: dt.date | None,
    alteration: str = "", value: str = "", source: str = "",
) -> MolecularFinding:  # fmt: skip
    """The simple entry ("EGFR muté", "HER2 3+", "PD-L1 TPS 50 %"): recorded as a structured
    result keeping the reported wording, or refused naming the field that cannot be read
    without guessing (nothing saved). Physicians of the care team, as every molecular result."""
    _check_actor(actor, patient)
    values, reported, problem = _entry_values(
        patient, marker=marker, result=result, tested_on=tested_on, alteration=alteration,
        value=value, source=source,
    )  # fmt: skip
    if problem:
        name, message = problem
        raise ApplicationError(message, errors={name: [message]})
    finding = _entry_create(actor=actor, patient=patient, values=values, reported=reported)
    _recorded(actor, patient)
    return finding


def entry_import(
    *, actor: User, patient: Patient, marker: str, result: str, tested_on: dt.date,
    alteration: str = "", value: str = "", source: str = "", method: str = "",
    from_biomarker: Biomarker | None = None, notify: bool = True,
) -> MolecularFinding:  # fmt: skip
    """A result received from another system or a former free-text biomarker (the caller checks
    who may import, inside its transaction): structured when it can be, otherwise kept as
    "to verify" with its wording — shown as such, read by neither matching nor prognosis."""
    values, reported, problem = _entry_values(
        patient, marker=marker, result=result, tested_on=tested_on, alteration=alteration,
        value=value, source=source, method=method,
    )  # fmt: skip
    if problem:
        values = {
            "kind": MolecularKind.TO_VERIFY,
            "sampled_on": tested_on,
            "source": (source.strip() or _("Former free-text entry"))[:120],
            "reason": problem[1][:300],
        }
        reported["reported_marker"] = reported["reported_marker"] or "?"
    finding = _entry_create(
        actor=actor, patient=patient, values=values, reported=reported,
        from_biomarker=from_biomarker,
    )  # fmt: skip
    if notify:
        _recorded(actor, patient)
    return finding


@transaction.atomic
def biomarkers_to_structured(
    *, actor: User, dry_run: bool = False, notify: bool = True
) -> dict[str, int]:
    """Convert every former free-text biomarker not converted yet into a molecular result of its
    patient (structured, or "to verify"); idempotent (a converted row is never converted
    again), audited per result and as a whole. Dry run: counts only, nothing saved."""
    counts = {"structured": 0, "to_verify": 0, "already": 0}
    rows = Biomarker.objects.select_related("diagnosis__patient").order_by("tested_on", "pk")
    patients: dict[object, Patient] = {}
    for row in rows:
        if row.structured.exists():
            counts["already"] += 1
            continue
        patient = row.diagnosis.patient
        if dry_run:
            _values, _reported, problem = _entry_values(
                patient, marker=row.marker, result=row.result, tested_on=row.tested_on,
                alteration=row.alteration, value=row.value, source="",
            )  # fmt: skip
        else:
            finding = entry_import(
                actor=actor, patient=patient, marker=row.marker, result=row.result,
                tested_on=row.tested_on, alteration=row.alteration, value=row.value,
                source=_("Former biomarker entry"), from_biomarker=row, notify=False,
            )  # fmt: skip
            problem = ("", "") if finding.kind == MolecularKind.TO_VERIFY else None
            patients[patient.pk] = patient
        counts["to_verify" if problem else "structured"] += 1
    if dry_run:
        transaction.set_rollback(True)
        return counts
    for patient in patients.values():
        _recorded(actor, patient, notify=notify)
    audit_record(
        actor=actor, action=AuditAction.IMPORT, details={"biomarkers_to_structured": counts}
    )
    return counts
