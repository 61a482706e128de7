"""PROM questionnaires: the schedule job creates the questionnaires that fall due and closes the
ones whose window passed (missed); answering stores the answers (append-only) with their score
and worrying items. Idempotent: a questionnaire is created once per pathway, instrument and
occurrence (unique constraint); the same submission key twice yields the same answer."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User

from .. import prom_catalogue
from ..models import DueStatus, PromAnswer, QuestionnaireDue, Source
from ..rules import proms as rules

logger = logging.getLogger(__name__)

WORRYING_KIND = "prom_worrying"

TRANSITIONS = {DueStatus.DUE: (DueStatus.ANSWERED, DueStatus.MISSED)}


@dataclass
class ScheduleResult:
    created: int = 0
    missed: int = 0


def proms_schedule(*, today: dt.date | None = None) -> ScheduleResult:
    """Create the questionnaires fallen due by ``today`` for every patient in a programme with a
    PROM schedule, and mark missed those whose window closed before ``today``."""
    from oncoparcours.pathways.models import PathwayInstance, PhaseInstance

    today = today or timezone.localdate()
    plan = prom_catalogue.schedules()
    window = int(plan["window_days"])
    instances = list(
        PathwayInstance.objects.filter(
            template__code__in=list(plan["programmes"]), patient__deceased_on__isnull=True
        )
        .filter(Q(status="active") | Q(ended_on__gte=today - dt.timedelta(days=window)))
        .select_related("template", "patient")
    )
    ends: dict[Any, list[tuple[str, dt.date]]] = defaultdict(list)
    for instance_id, key, day in PhaseInstance.objects.filter(
        instance__in=instances, completed_on__isnull=False
    ).values_list("instance_id", "key", "completed_on"):
        ends[instance_id].append((key, day))  # type: ignore[arg-type]  # filtered not null
    rows = []
    for instance in instances:
        programme = plan["programmes"][instance.template.code]
        found = rules.occurrences(
            programme,
            start=instance.start_date,
            today=today,
            ended_on=instance.ended_on,
            sequence_ends=ends[instance.pk],
        )
        patient = instance.patient
        for occurrence in found:
            if rules.closes_on(occurrence.due_on, window) < today:
                continue  # too old to ask now (a pathway recorded late)
            for code in programme["instruments"]:
                rows.append(
                    QuestionnaireDue(
                        patient=patient,
                        pathway_instance=instance,
                        organisation_id=patient.expert_centre_id or patient.proximity_centre_id,
                        instrument=code,
                        instrument_version=prom_catalogue.instrument(code)["version"],
                        occurrence=occurrence.key,
                        due_on=occurrence.due_on,
                        closes_on=rules.closes_on(occurrence.due_on, window),
                    )
                )
    result = ScheduleResult()
    with transaction.atomic():
        existing = set(
            QuestionnaireDue.objects.filter(pathway_instance__in=instances).values_list(
                "pathway_instance_id", "instrument", "occurrence"
            )
        )
        new = [
            r for r in rows if (r.pathway_instance_id, r.instrument, r.occurrence) not in existing
        ]
        QuestionnaireDue.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
        result.created = len(new)
        for row in new:
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                patient_id=row.patient_id,
                obj=row,
                actor_label="PROM schedule",
                details={"prom": row.instrument, "due_on": row.due_on.isoformat()},
            )
    result.missed = _close_missed(today)
    return result


def _close_missed(today: dt.date) -> int:
    with transaction.atomic():
        late = list(
            QuestionnaireDue.objects.select_for_update()
            .filter(status=DueStatus.DUE, closes_on__lt=today)
            .values_list("pk", "patient_id")
        )
        QuestionnaireDue.objects.filter(
            pk__in=[pk for pk, _p in late], status=DueStatus.DUE
        ).update(status=DueStatus.MISSED, missed_on=today, updated_at=timezone.now())
        for pk, patient_id in late:
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                patient_id=patient_id,
                actor_label="PROM schedule",
                details={"prom_due": str(pk), "status": "missed"},
            )
    return len(late)


def prom_answer(
    *,
    due: QuestionnaireDue,
    answers: dict[str, Any],
    source: str,
    submission_key: uuid.UUID,
    actor: User | None = None,
    actor_label: str = "",
) -> PromAnswer:
    """Store the answers to a questionnaire still open (answered by the patient, a relative in
    the portal, or a nurse on the patient's behalf)."""
    if source not in Source.values:
        raise ValueError(f"unknown source {source!r}")
    previous = PromAnswer.objects.filter(submission_key=submission_key).first()
    if previous is not None and previous.due_id == due.pk:
        return previous  # the same form sent twice
    instrument = prom_catalogue.instrument(due.instrument, due.instrument_version)
    values, errors = rules.read_answers(instrument, answers)
    if errors:
        raise ApplicationError(
            _("Some answers are missing or not valid."),
            errors={key: [_error_text(reason)] for key, reason in errors.items()},
        )
    try:
        with transaction.atomic():
            locked = QuestionnaireDue.objects.select_for_update().get(pk=due.pk)
            if locked.status != DueStatus.DUE:
                raise ApplicationError(
                    _("This questionnaire can no longer be answered: it is %(status)s.")
                    % {"status": locked.get_status_display().lower()},
                    allowed=[],
                )
            previous_score = (
                PromAnswer.objects.filter(
                    patient_id=locked.patient_id, due__instrument=locked.instrument
                )
                .order_by("-submitted_at")
                .values_list("score", flat=True)
                .first()
            )
            answer = PromAnswer.objects.create(
                due=locked,
                patient_id=locked.patient_id,
                source=source,
                reporter=actor if actor is not None and actor.is_authenticated else None,
                reporter_label=actor_label[:200],
                submission_key=submission_key,
                answers=values,
                score=rules.score(instrument, values),
                worrying=rules.worrying(instrument, values),
            )
            locked.status, locked.answered_at = DueStatus.ANSWERED, answer.submitted_at
            locked.save(update_fields=["status", "answered_at", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                patient_id=locked.patient_id,
                obj=answer,
                actor_label=actor_label,
                details={"prom": locked.instrument, "source": source},
            )
            dropped = rules.big_drop(instrument, answer.score, previous_score)
            if answer.worrying or dropped:
                _tell_the_nurse(answer, locked, dropped)
    except IntegrityError:
        return PromAnswer.objects.get(due=due)  # answered at the same moment elsewhere
    due.status = DueStatus.ANSWERED
    return answer


def _tell_the_nurse(answer: PromAnswer, due: QuestionnaireDue, dropped: bool) -> None:
    """A worrying answer (an item at its worrying level, or a big drop of the score): the
    patient's coordination nurses (else the care team's lead, else the referring oncologist,
    else the centre's on-call physician) get an in-app notice, once per answer (the answer is
    created once); nobody at all is recorded (audit ``prom_worrying_nobody_told``, warning). No
    alert: a PROM never raises one."""
    from django.conf import settings
    from django.urls import reverse

    from oncoparcours.core.notifications.models import Channel
    from oncoparcours.core.notifications.services import Recipient, notification_send
    from oncoparcours.patients.models import CareTeamMember

    today = timezone.localdate()
    members = list(
        CareTeamMember.objects.filter(
            patient_id=due.patient_id,
            start__lte=today,
            professional__user__isnull=False,
            professional__user__is_active=True,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("professional__user")
    )
    # Safer reading (2026-12-04 review): coordination nurses, else the lead, else the referring
    # oncologist(s), else the centre's on-call physician (given access like an alert's on-call);
    # when nobody at all can be told, it is recorded (audit row and warning), never silent.
    nurses = (
        [m for m in members if m.role == "coordination_nurse"]
        or [m for m in members if m.is_lead]
        or [m for m in members if m.role == "referring_oncologist"]
    )
    url = settings.SITE_URL.rstrip("/") + reverse(
        "monitoring:proms", kwargs={"patient_id": due.patient_id}
    )
    users = {m.professional.user.pk: m.professional.user for m in nurses if m.professional.user}
    told: list[tuple[Recipient, tuple[str, ...]]] = [
        (Recipient.for_user(user), (Channel.IN_APP,)) for user in users.values()
    ]
    if not told:
        from .routing import on_call_reach

        on_call = on_call_reach(
            due.patient, "on_call_physician", actor_label="OncoParcours (questionnaire)"
        )
        if on_call is not None and on_call.user is not None and on_call.user.is_active:
            told = [(Recipient.for_user(on_call.user), (Channel.IN_APP,))]
        elif on_call is not None and on_call.user is None and on_call.email:
            # On the rota without an account (as for an urgent portal message): by e-mail at the
            # directory address; the notice names neither the patient nor the answers.
            label = f"{on_call.first_name} {on_call.last_name}"
            told = [(Recipient(label=label, email=on_call.email), (Channel.EMAIL,))]
    if not told:
        logger.warning("Worrying PROM answer %s: nobody in the care team nor on call", answer.pk)
        audit_record(
            actor=None,
            actor_label="OncoParcours",
            action=AuditAction.UPDATE,
            patient_id=due.patient_id,
            obj=answer,
            details={"event": "prom_worrying_nobody_told", "worrying": list(answer.worrying)},
        )
    for recipient, chain in told:
        notification_send(
            kind=WORRYING_KIND,
            recipient=recipient,
            context={
                "subject": _("A worrying questionnaire answer: call the patient"),
                "questionnaire": prom_catalogue.title(due.instrument, due.instrument_version),
                "drop": dropped,
                "url": url,
            },
            actor=None,
            patient_id=due.patient_id,
            chain=chain,
            reference=f"prom-worrying:{answer.pk}",
        )


def _error_text(reason: str) -> str:
    return {
        "required": _("Please answer this question."),
        "choice": _("Choose one of the answers offered."),
        "range": _("Give a whole number within the scale shown."),
    }[reason]
