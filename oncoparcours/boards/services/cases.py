"""Cases: submitted by a physician of the patient's care team, with the minimal dataset taken
from the record; a case with missing mandatory data stays incomplete (cannot be scheduled)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, Role, User
from oncoparcours.directory.models import Profession
from oncoparcours.patients.models import (
    ConsentDecision,
    ConsentKind,
    ConsentRecord,
    ConsentScope,
    Diagnosis,
    MolecularFinding,
    MolecularKind,
    Patient,
    PerformanceStatus,
)
from oncoparcours.patients.selectors import (
    PatientAccess,
    patient_access_for_user,
    professional_for,
)
from oncoparcours.patients.services import consent_record

from ..models import Board, Case, CaseStatus
from ..rules import dataset as dataset_rules
from ..rules.transitions import CASE_TRANSITIONS, allowed_actions, next_status
from .boards import diagnosis_scope_problem


def _stage(diagnosis: Diagnosis) -> str:
    staging = diagnosis.stagings.order_by("-staged_on").first()
    return str(staging) if staging is not None else ""


def review_decision_in_force(patient: Patient) -> ConsentRecord | None:
    """The patient's decision about the tumour-board review in force today: the latest decision
    date, then the latest entry (the same order as every other consent reading, so a paper form
    entered late never overrides a newer one)."""
    return (
        patient.consents.filter(
            kind=ConsentKind.RCP_INFORMATION, recorded_on__lte=timezone.localdate()
        )
        .order_by("-recorded_on", "-recorded_at", "-id")
        .first()
    )


def patient_informed(patient: Patient) -> bool:
    latest = review_decision_in_force(patient)
    return latest is not None and latest.decision == ConsentDecision.NON_OPPOSITION


def review_opposition(patient: Patient) -> ConsentRecord | None:
    """The opposition to the tumour-board review in force today, if any."""
    latest = review_decision_in_force(patient)
    return latest if latest is not None and latest.decision == ConsentDecision.OPPOSITION else None


def review_opposition_problem(patient: Patient) -> str | None:
    opposition = review_opposition(patient)
    if opposition is None:
        return None
    return _(
        "The patient objected to the tumour board review on %(date)s: the case cannot be "
        "discussed. If the patient has changed their mind, record their new decision on the "
        "record's consent form first."
    ) % {"date": opposition.recorded_on.strftime("%d/%m/%Y")}


def dataset_from_record(case: Case) -> dict[str, Any]:
    """The minimal dataset: what the record says now, plus what the case form says."""
    diagnosis = case.diagnosis
    performance = (
        PerformanceStatus.objects.filter(patient=case.patient).order_by("-recorded_on").first()
    )
    data: dict[str, Any] = {
        "question": case.question,
        "context": case.context,
        "comorbidities": case.comorbidities,
        "prior_treatments": case.prior_treatments,
        "icd10": diagnosis.icd10 if diagnosis else "",
        "diagnosed_on": diagnosis.diagnosed_on.isoformat() if diagnosis else "",
        "topography": diagnosis.icdo3_topography if diagnosis else "",
        "morphology": diagnosis.icdo3_morphology if diagnosis else "",
        "laterality": diagnosis.laterality if diagnosis else "",
        "stage": _stage(diagnosis) if diagnosis else "",
        # The patient's molecular results in force, the single source trial matching reads too
        # (results "to verify" shown as such); older cases keep their marker / result rows.
        "biomarkers": [
            {
                "id": str(f.pk),
                "text": f.summary,
                "kind": f.kind,
                "to_verify": f.kind == MolecularKind.TO_VERIFY,
                "sampled_on": f.sampled_on.isoformat(),
            }
            for f in MolecularFinding.objects.current()
            .filter(patient=case.patient)
            .order_by("-sampled_on", "kind", "gene")[:30]
        ],
        "performance": (
            {
                "scale": performance.scale,
                "value": performance.value,
                "recorded_on": performance.recorded_on.isoformat(),
            }
            if performance
            else {}
        ),
        "patient_informed": patient_informed(case.patient),
        "patient_opposed": review_opposition(case.patient) is not None,
        "attachments": list(case.attachments.values_list("kind", flat=True)) if case.pk else [],
        # When the record was read: what is entered after it is shown to the board as new.
        "read_at": timezone.now().isoformat(),
    }
    return data


def may_submit_case(actor: User, patient: Patient, access: PatientAccess | None = None) -> bool:
    """A physician of the patient's care team working as a clinician (the EFS centre's
    physicians, role ``efs_staff``, do not present cases; a break-glass access does not submit)."""
    professional = professional_for(actor)
    if (
        actor.role != Role.CLINICIAN
        or professional is None
        or professional.profession != Profession.PHYSICIAN
    ):
        return False
    if access is None or access.patient.pk != patient.pk:
        access = patient_access_for_user(user=actor, patient_id=patient.pk)
    return access is not None and access.membership is not None


def _require_treating_physician(actor: User, patient: Patient) -> None:
    if not may_submit_case(actor, patient):
        raise ApplicationError(_("A case is submitted by a physician of the patient's care team."))


def _refresh(case: Case) -> None:
    case.dataset = dataset_from_record(case)
    reference = timezone.localtime(case.submitted_at).date() if case._state.adding else None
    case.missing = dataset_rules.missing_items(case.dataset, reference or timezone.localdate())
    if case.status in (CaseStatus.INCOMPLETE, CaseStatus.READY):
        case.status = CaseStatus.READY if not case.missing else CaseStatus.INCOMPLETE


def _check(
    patient: Patient, board: Board, diagnosis: Diagnosis | None, *, informed_today: bool
) -> None:
    errors: dict[str, list[str]] = {}
    if diagnosis is not None and diagnosis.patient_id != patient.pk:
        errors["diagnosis"] = [_("This diagnosis belongs to another patient.")]
    elif diagnosis is not None and (problem := diagnosis_scope_problem(board, diagnosis.icd10)):
        errors["diagnosis"] = [problem]
    opposition = review_opposition(patient) if informed_today else None
    if opposition is not None:
        # Never record a non-opposition over an opposition implicitly: the patient's new
        # decision is recorded on its own (consent form), by whoever heard it.
        errors["informed_today"] = [
            _(
                "The patient objected to the tumour board review on %(date)s: this box cannot "
                "replace that decision. If the patient no longer objects, record their new "
                "decision on the record's consent form first, then save the case."
            )
            % {"date": opposition.recorded_on.strftime("%d/%m/%Y")}
        ]
    if not board.is_active:
        errors["board"] = [_("This board no longer meets.")]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)


@transaction.atomic
def case_submit(
    *,
    actor: User,
    patient: Patient,
    board: Board,
    diagnosis: Diagnosis | None,
    question: str,
    context: str,
    comorbidities: str = "",
    prior_treatments: str = "",
    informed_today: bool = False,
    submitted_at: dt.datetime | None = None,
) -> Case:
    """``informed_today``: the physician informed the patient of the review today and the
    patient does not object (recorded as such). ``submitted_at`` is for importing past cases
    (and the demo history); the dataset is then checked as of that day."""
    when = submitted_at or timezone.now()
    _require_treating_physician(actor, patient)
    _check(patient, board, diagnosis, informed_today=informed_today)
    if informed_today and not patient_informed(patient):
        consent_record(
            actor=actor,
            patient=patient,
            kind=ConsentKind.RCP_INFORMATION,
            scope=ConsentScope.CARE_TEAM,
            decision=ConsentDecision.NON_OPPOSITION,
            recorded_on=timezone.localtime(when).date(),
            note=_("Recorded with the tumour board case."),
        )
    case = Case(
        patient=patient,
        board=board,
        diagnosis=diagnosis,
        question=question.strip(),
        context=context,
        comorbidities=comorbidities.strip(),
        prior_treatments=prior_treatments.strip(),
        submitted_by=actor,
        submitted_at=when,
    )
    _refresh(case)
    case.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        obj=case,
        details={"board": str(board.pk), "missing": case.missing},
    )
    return case


def _locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("diagnosis", "patient")
        .get(pk=case.pk)
    )


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    question: str,
    context: str,
    comorbidities: str = "",
    prior_treatments: str = "",
    diagnosis: Diagnosis | None = None,
    informed_today: bool = False,
) -> Case:
    """Edit the case form and re-read the record (before it is decided)."""
    _require_treating_physician(actor, case.patient)
    case = _locked(case)
    if case.version != expected_version:
        raise ApplicationError(_("Someone changed this case meanwhile: reload it."))
    if case.status in (CaseStatus.DECIDED, CaseStatus.WITHDRAWN):
        raise ApplicationError(
            _("A %(status)s case cannot be edited.") % {"status": case.get_status_display().lower()}
        )
    _check(case.patient, case.board, diagnosis, informed_today=informed_today)
    if informed_today and not patient_informed(case.patient):
        consent_record(
            actor=actor,
            patient=case.patient,
            kind=ConsentKind.RCP_INFORMATION,
            scope=ConsentScope.CARE_TEAM,
            decision=ConsentDecision.NON_OPPOSITION,
            recorded_on=timezone.localdate(),
            note=_("Recorded with the tumour board case."),
        )
    case.question, case.context = question.strip(), context
    case.comorbidities, case.prior_treatments = comorbidities.strip(), prior_treatments.strip()
    case.diagnosis = diagnosis
    _refresh(case)
    if case.status == CaseStatus.SCHEDULED and case.missing:
        raise ApplicationError(
            _("This case is on an agenda: it must stay complete (missing: %(missing)s).")
            % {"missing": ", ".join(case.missing)}
        )
    case.version += 1
    case.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=case.patient_id,
        obj=case,
        details={"missing": case.missing},
    )
    return case


@transaction.atomic
def case_withdraw(*, actor: User, case: Case, reason: str) -> Case:
    _require_treating_physician(actor, case.patient)
    case = _locked(case)
    status = next_status(CASE_TRANSITIONS, case.status, "withdraw")
    if status is None:
        raise ApplicationError(
            _("A %(status)s case cannot be withdrawn (possible: %(allowed)s).")
            % {
                "status": case.get_status_display().lower(),
                "allowed": ", ".join(allowed_actions(CASE_TRANSITIONS, case.status)) or "—",
            }
        )
    if not reason.strip():
        raise ApplicationError(_("Say why the case is withdrawn."), field="reason")
    case.agenda_items.filter(outcome="pending").update(outcome="removed")
    case.status = status
    case.version += 1
    case.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=case.patient_id,
        obj=case,
        details={"withdrawn": reason},
    )
    return case
