"""Decisions: validated by the chair during a session whose quorum is met (an authenticated,
timestamped act); immutable afterwards. A correction is a new version amending the previous one.
Two validations at the same moment: the first wins, the second is told who validated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Organisation
from oncoparcours.trials.models import OPEN_STATUSES, Arm, ArmStatus

from ..models import (
    AgendaItem,
    Case,
    CaseStatus,
    Decision,
    ItemOutcome,
    Modality,
    PlaceOfCare,
    Session,
    SessionStatus,
)
from .boards import diagnosis_scope_problem
from .cases import review_opposition_problem
from .documents import documents_generate
from .sessions import describe_shortfall, is_chair, session_quorum


@dataclass
class Proposal:
    modalities: list[str]
    proposal: str
    place_of_care: str
    guideline: str = ""
    outside_guideline: bool = False
    justification: str = ""
    trial: str = ""
    trial_identifier: str = ""
    place_reason: str = ""
    care_organisation: Organisation | None = None
    second_opinion: bool = False
    trial_arm: Arm | None = None  # a registry arm; the free-text trial is the fallback
    extra: dict[str, Any] = field(default_factory=dict)


def _unmet_criteria(arm: Arm, patient: Any) -> list[str]:
    """The criteria of ``arm`` the patient's record contradicts when the arm as a whole is not
    met (empty when it is met or to verify)."""
    from oncoparcours.trials.describe import describe
    from oncoparcours.trials.rules.criteria import MET, NOT_MET
    from oncoparcours.trials.rules.tree import LeafResult, compile_tree
    from oncoparcours.trials.selectors import patient_facts

    if not arm.tree or "tree" not in arm.tree:
        return []
    leaves: list[LeafResult] = []
    if compile_tree(arm.tree["tree"])(patient_facts(patient), leaves) != NOT_MET:
        return []
    return [
        describe(leaf.criterion)
        for leaf in leaves
        if leaf.value == (MET if leaf.path.count(".not") % 2 else NOT_MET)
    ]


def _check(proposal: Proposal, allowed_arm: Arm | None = None, patient: Any = None) -> None:
    """``allowed_arm``: the arm of the version a correction amends, kept even if it closed
    since; any other arm chosen must be open in a recruiting trial, and not contradicted by the
    patient's record (safer reading: a board proposing an arm the record says the patient is
    not eligible for corrects the record first, and the arm is matched again)."""
    errors: dict[str, list[str]] = {}
    if not proposal.modalities:
        errors["modalities"] = [_("Choose at least one treatment modality.")]
    elif set(proposal.modalities) - set(Modality.values):
        errors["modalities"] = [_("Unknown treatment modality.")]
    if not proposal.proposal.strip():
        errors["proposal"] = [_("Write the proposal.")]
    if proposal.outside_guideline:
        if len(proposal.justification.strip()) < 10:
            errors["justification"] = [_("Justify a proposal outside guidelines.")]
    elif not proposal.guideline.strip():
        errors["guideline"] = [_('Name the guideline followed, or tick "outside guidelines".')]
    if proposal.place_of_care not in PlaceOfCare.values:
        errors["place_of_care"] = [_("Choose where the patient will be treated.")]
    elif proposal.place_of_care != PlaceOfCare.PROXIMITY and not proposal.place_reason.strip():
        errors["place_reason"] = [_("Give the reason for treatment away from home.")]
    if proposal.place_of_care == PlaceOfCare.TRANSFER and proposal.care_organisation is None:
        errors["care_organisation"] = [_("Say where the patient is transferred.")]
    if proposal.trial_identifier and not proposal.trial:
        errors["trial"] = [_("Name the trial proposed.")]
    arm = proposal.trial_arm
    if arm is not None:
        if proposal.trial.strip() or proposal.trial_identifier.strip():
            errors["trial"] = [
                _("Choose an arm of the registry or type a trial not in the registry, not both.")
            ]
        elif (arm.status != ArmStatus.OPEN or arm.trial.overall_status not in OPEN_STATUSES) and (
            allowed_arm is None or arm.pk != allowed_arm.pk
        ):
            errors["trial_arm"] = [
                _("This arm is not open to inclusion (%(status)s): choose an open arm.")
                % {"status": arm.get_status_display()}
            ]
        elif (
            patient is not None
            and (allowed_arm is None or arm.pk != allowed_arm.pk)
            and (unmet := _unmet_criteria(arm, patient))
        ):
            errors["trial_arm"] = [
                _(
                    "The patient's record does not meet this arm (%(criteria)s). If the "
                    "record is out of date, correct it first: the arms are matched again."
                )
                % {"criteria": "; ".join(unmet)}
            ]
    if errors:
        field_name, messages = next(iter(errors.items()))
        raise ApplicationError(messages[0], errors=errors, field=field_name)


def _fields(proposal: Proposal) -> dict[str, Any]:
    return {
        "modalities": sorted(set(proposal.modalities)),
        "proposal": proposal.proposal.strip(),
        "guideline": "" if proposal.outside_guideline else proposal.guideline.strip(),
        "outside_guideline": proposal.outside_guideline,
        "justification": proposal.justification.strip(),
        # A registry arm fills the trial's name and identifier (letters and PDFs show them).
        "trial": _arm_label(arm) if (arm := proposal.trial_arm) else proposal.trial.strip(),
        "trial_identifier": arm.trial.identifier if arm else proposal.trial_identifier.strip(),
        "trial_arm": arm,
        "place_of_care": proposal.place_of_care,
        "place_reason": proposal.place_reason.strip(),
        "care_organisation": proposal.care_organisation,
        "second_opinion": proposal.second_opinion,
    }


def _arm_label(arm: Arm) -> str:
    return f"{arm.trial.title} — {arm.code}"[:200]


def _already(case: Case) -> ApplicationError:
    existing = case.decisions.select_related("validated_by").order_by("-version").first()
    if existing is None:
        return ApplicationError(_("This case was decided a moment ago: reload the page."))
    return ApplicationError(
        _("This case was already validated by %(who)s at %(when)s.")
        % {
            "who": existing.validated_by.display_name,
            "when": timezone.localtime(existing.validated_at).strftime("%d/%m/%Y %H:%M"),
        }
    )


def decision_validate(
    *,
    actor: User,
    item: AgendaItem,
    proposal: Proposal,
    validated_at: dt.datetime | None = None,
    with_documents: bool = True,
) -> Decision:
    """``validated_at`` and ``with_documents=False`` are for importing past decisions (and the
    demo history); a live validation is timestamped now and always produces its documents."""
    try:
        with transaction.atomic():
            return _validate(actor, item, proposal, validated_at or timezone.now(), with_documents)
    except IntegrityError:
        raise _already(item.case) from None


def _validate(
    actor: User,
    item: AgendaItem,
    proposal: Proposal,
    validated_at: dt.datetime,
    with_documents: bool,
) -> Decision:
    session = Session.objects.select_related("board").get(pk=item.session_id)
    if not is_chair(actor, session):
        raise ApplicationError(_("The chair of the session validates decisions."))
    if session.status != SessionStatus.OPEN:
        raise ApplicationError(_("Decisions are validated while the session is in progress."))
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("patient", "diagnosis")
        .get(pk=item.case_id)
    )
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if case.status == CaseStatus.DECIDED or case.decisions.exists():
        raise _already(case)
    if item.outcome != ItemOutcome.PENDING:
        raise ApplicationError(_("This case is no longer on this agenda."))
    out_of_scope = diagnosis_scope_problem(
        session.board, case.diagnosis.icd10 if case.diagnosis else None
    )
    if out_of_scope:
        raise ApplicationError(out_of_scope)
    opposed = review_opposition_problem(case.patient)
    if opposed:
        raise ApplicationError(opposed)
    # The composition this case's diagnosis needs (a haematological malignancy or not).
    quorum = session_quorum(session, case)
    if not quorum.met:
        raise ApplicationError(
            _(
                "Quorum not met (%(missing)s): the decision cannot be recorded. Complete the "
                "attendance, or the case is carried over to the next session at closing."
            )
            % {"missing": ", ".join(describe_shortfall(s) for s in quorum.shortfalls)}
        )
    _check(proposal, patient=case.patient)
    decision = Decision.objects.create(
        case=case,
        session=session,
        version=1,
        validated_by=actor,
        validated_at=validated_at,
        quorum=quorum.record(),
        **_fields(proposal),
    )
    item.outcome = ItemOutcome.DECIDED
    item.save(update_fields=["outcome", "updated_at"])
    case.status, case.decided_at = CaseStatus.DECIDED, decision.validated_at
    case.version += 1
    case.save(update_fields=["status", "decided_at", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=case.patient_id,
        obj=decision,
        details={
            "version": 1,
            "place_of_care": decision.place_of_care,
            "modalities": decision.modalities,
            "trial_arm": str(decision.trial_arm_id) if decision.trial_arm_id else "",
        },
    )
    if with_documents:
        documents_generate(decision=decision, actor=actor)
    return decision


def decision_amend(*, actor: User, decision: Decision, proposal: Proposal, reason: str) -> Decision:
    """A correction: a new version pointing to the one it amends (validated by a chair of the
    board). The amended version and its documents stay as they were."""
    try:
        with transaction.atomic():
            return _amend(actor, decision, proposal, reason)
    except IntegrityError:
        raise ApplicationError(
            _("This decision was corrected by someone else a moment ago: reload the page.")
        ) from None


def _amend(actor: User, decision: Decision, proposal: Proposal, reason: str) -> Decision:
    session = decision.session
    if (
        not is_chair(actor, session)
        and not session.board.members.filter(professional__user=actor, is_chair=True).exists()
    ):
        raise ApplicationError(_("A chair of the board corrects decisions."))
    case = Case.objects.select_for_update(of=("self",)).get(pk=decision.case_id)
    latest = case.decisions.order_by("-version").first()
    if latest is None or latest.pk != decision.pk:
        raise ApplicationError(_("Correct the latest version of the decision."))
    if len(reason.strip()) < 5:
        raise ApplicationError(_("Say why the decision is corrected."), field="correction_reason")
    _check(proposal, allowed_arm=decision.trial_arm, patient=case.patient)
    amended = Decision.objects.create(
        case=case,
        session=session,
        version=decision.version + 1,
        amends=decision,
        validated_by=actor,
        quorum=decision.quorum,
        correction_reason=reason.strip(),
        **_fields(proposal),
    )
    case.version += 1
    case.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=case.patient_id,
        obj=amended,
        details={"version": amended.version, "amends": str(decision.pk)},
    )
    documents_generate(decision=amended, actor=actor)
    return amended
