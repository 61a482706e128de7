"""Reads of the portal. The patient's side reads only its own patient (the portal account's);
the care team reads threads of the patients in its care team (404 outside). Every read of
patient data is audited, naming the portal actor."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oncoparcours.boards.models import AgendaItem, Document, DocumentKind
from oncoparcours.core.audit import audit_record
from oncoparcours.core.french import title_for
from oncoparcours.core.models import AuditAction, User
from oncoparcours.monitoring.models import Alert, AlertEvent, AlertRecipient, Report
from oncoparcours.monitoring.services.alerts import MISSING_REPORT_DAYS
from oncoparcours.monitoring.services.reports import treatment_context
from oncoparcours.pathways.models import ActivityInstance, ActivityStatus
from oncoparcours.patients.models import CareTeamMember, ConsentRecord, Patient
from oncoparcours.patients.selectors import visible_patient_filter

from . import config
from .models import Message, MessageAttachment, PortalAccount, Side, Thread

# Pathway activity kinds a patient lives (letters, pharmacy and manufacturing steps are the
# team's), in plain words.
ACTIVITY_KINDS = {
    "treatment_administration": gettext_lazy("Treatment"),
    "nurse_home_visit": gettext_lazy("Nurse visit at home"),
    "lab_test": gettext_lazy("Blood test"),
    "education_workshop": gettext_lazy("Education workshop"),
    "consultation": gettext_lazy("Appointment with a doctor"),
    "teleconsultation": gettext_lazy("Video appointment"),
    "imaging": gettext_lazy("Scan or imaging"),
    "hospital_stay": gettext_lazy("Stay in hospital"),
    "apheresis": gettext_lazy("Cell collection"),
    "clinical_assessment": gettext_lazy("Check-up with the team"),
    "rcp_review": gettext_lazy("Your file discussed by the doctors' meeting"),
}
# What was done about an alert, in plain words for the patient.
ACTION_WORDS = {
    "advice_given": gettext_lazy("Your care team gave you advice."),
    "consultation": gettext_lazy("An appointment was planned with you."),
    "treatment_held": gettext_lazy("Your next treatment was postponed."),
    "er_referral": gettext_lazy("You were sent to the emergency department."),
    "admission": gettext_lazy("You were admitted to hospital."),
    "no_action": gettext_lazy("Your care team read your answers: nothing more was needed."),
}
LEVEL_WORDS = {
    "none": gettext_lazy("Nothing worrying in your answers."),
    "routine": gettext_lazy("Your care team was told and calls you back within a few days."),
    "urgent": gettext_lazy("Your care team was told and calls you back today."),
    "immediate": gettext_lazy("Your care team was told at once."),
    "emergency": gettext_lazy("Emergency: you were asked to call 15."),
}
# Who was told about an alert (the alert's recipients, by role), as the patient reads it.
TOLD_WORDS = {
    "coordination_nurse": gettext_lazy("your coordination nurse"),
    "oncologist": gettext_lazy("your cancer doctor"),
    "pharmacist": gettext_lazy("your pharmacist"),
    "on_call_physician": gettext_lazy("the on-call doctor"),
    "car_t_on_call": gettext_lazy("the CAR-T on-call team"),
    "icu_on_call": gettext_lazy("the intensive-care on-call doctor"),
    "neurology_on_call": gettext_lazy("the neurology on-call doctor"),
    "care_team_lead": gettext_lazy("the person in charge of your care team"),
}
CALENDAR_PAST_DAYS = 30
CALENDAR_FUTURE_DAYS = 180


def audit_read(account: PortalAccount, what: str, obj: object = None) -> None:
    audit_record(
        actor=None,
        actor_label=account.actor_label,
        action=AuditAction.VIEW,
        patient_id=account.patient_id,
        obj=obj,  # type: ignore[arg-type]
        details={"what": what, "portal_account": str(account.pk), "portal_kind": account.kind},
    )


# --- calendar -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    day: dt.date
    time: dt.datetime | None
    kind: str
    title: str
    place: str
    done: bool
    cancelled: bool
    # The pathway is paused (the date will move) or ended (it will not take place).
    pathway_status: str = "active"


def calendar(account: PortalAccount, today: dt.date | None = None) -> list[CalendarEntry]:
    """The personalised programme: pathway activities the patient lives and the dates the
    doctors' meeting discusses the file, from 30 days ago to 6 months ahead (2 queries)."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=CALENDAR_PAST_DAYS)
    until = today + dt.timedelta(days=CALENDAR_FUTURE_DAYS)
    activities = (
        ActivityInstance.objects.filter(
            patient_id=account.patient_id,
            kind__in=list(ACTIVITY_KINDS),
            day__gte=since,
            day__lte=until,
        )
        .exclude(status=ActivityStatus.MISSED)
        .select_related("instance")
    )
    entries = [
        CalendarEntry(
            day=a.display_date,
            time=timezone.localtime(a.scheduled_for) if a.scheduled_for else None,
            kind=str(ACTIVITY_KINDS[a.kind]),
            title=a.title,
            place=a.get_place_display(),
            done=a.status == ActivityStatus.DONE,
            cancelled=a.status == ActivityStatus.CANCELLED,
            pathway_status=a.instance.status,
        )
        for a in activities.order_by("day", "key")[:300]
    ]
    items = AgendaItem.objects.filter(
        case__patient_id=account.patient_id,
        session__starts_at__date__gte=since,
        session__starts_at__date__lte=until,
    ).select_related("session")
    for item in items:
        start = timezone.localtime(item.session.starts_at)
        entries.append(
            CalendarEntry(
                day=start.date(),
                time=start,
                kind=str(ACTIVITY_KINDS["rcp_review"]),
                title=_("The doctors discuss your treatment together; you do not need to come."),
                place="",
                done=start.date() < today,
                cancelled=False,
            )
        )
    entries.sort(key=lambda e: (e.day, e.time or timezone.localtime()))
    audit_read(account, "portal calendar")
    return entries


# --- documents ----------------------------------------------------------------------------------


def documents(account: PortalAccount) -> list[Document]:
    """The patient's care programmes (PPS, written for the patient by the board), latest first."""
    found = list(
        Document.objects.filter(case__patient_id=account.patient_id, kind=DocumentKind.PPS)
        .select_related("decision", "case")
        .order_by("-created_at")[:50]
    )
    audit_read(account, "portal documents")
    return found


def document_get(account: PortalAccount, document_id: uuid.UUID) -> Document:
    document = (
        Document.objects.filter(
            pk=document_id, case__patient_id=account.patient_id, kind=DocumentKind.PPS
        )
        .select_related("decision")
        .first()
    )
    if document is None:
        raise Http404
    audit_read(account, "portal document download", document)
    return document


def consents(account: PortalAccount) -> tuple[list[ConsentRecord], list[PortalAccount]]:
    records = list(
        ConsentRecord.objects.filter(patient_id=account.patient_id).order_by(
            "-recorded_on", "-recorded_at"
        )[:50]
    )
    caregivers = list(
        PortalAccount.objects.filter(patient_id=account.patient_id, kind="caregiver").order_by(
            "-created_at"
        )
    )
    audit_read(account, "portal consent form")
    return records, caregivers


# --- questionnaires and reports -----------------------------------------------------------------


@dataclass
class ReportLine:
    report: Report
    level_words: str
    done: list[str] = field(default_factory=list)


def questionnaire_due(patient_id: uuid.UUID, now: dt.datetime | None = None) -> dt.datetime | None:
    """The last self-report's time when the weekly questionnaire is due again (or None when it
    was sent within the week); the epoch's start when none was ever sent."""
    now = now or timezone.now()
    last = (
        Report.objects.filter(patient_id=patient_id, source__in=["patient", "caregiver"])
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    if last is None:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return last if now - last >= dt.timedelta(days=MISSING_REPORT_DAYS) else None


def report_history(account: PortalAccount, limit: int = 30) -> list[ReportLine]:
    """The patient's own reports (patient or relative) and, for each alert, what the care team
    did and who was told, in plain words (4 queries whatever the number of reports)."""
    reports = list(
        Report.objects.filter(patient_id=account.patient_id, source__in=["patient", "caregiver"])
        .select_related("alert")
        .prefetch_related(
            Prefetch("alert__events", queryset=AlertEvent.objects.order_by("at", "id")),
            Prefetch("alert__recipients", queryset=AlertRecipient.objects.order_by("id")),
        )
        .order_by("-submitted_at")[:limit]
    )
    lines = []
    for report in reports:
        words = str(LEVEL_WORDS.get(report.level, ""))
        if report.comment_warning_signs and report.level == "none":
            # Never "nothing worrying" when the comment is.
            words = _(
                "Your comment contains words that worry us: your care team is told and will "
                "call you back, but if things get worse, do not wait: call 15."
            )
        line = ReportLine(report, words)
        alert: Alert | None = getattr(report, "alert", None)
        if alert is not None:
            roles = list(dict.fromkeys(r.role for r in alert.recipients.all()))
            if roles:
                line.done.append(
                    _("Told: %(who)s.")
                    % {
                        "who": ", ".join(
                            str(TOLD_WORDS.get(role, _("a member of your care team")))
                            for role in roles
                        )
                    }
                )
            else:  # truthfully: nobody could be told automatically
                line.level_words = _(
                    "Nobody in your care team could be told automatically: call your centre "
                    "now, or 15 in an emergency."
                )
            for event in alert.events.all():
                when = timezone.localtime(event.at)
                if event.kind == "acknowledged":
                    line.done.append(
                        _("Read by your care team on %(day)s at %(time)s.")
                        % {"day": f"{when:%d/%m/%Y}", "time": f"{when:%H:%M}"}
                    )
                elif event.kind == "resolved":
                    line.done.append(str(ACTION_WORDS.get(event.action, "")) or _("Closed."))
            if not line.done:
                line.done.append(_("Your care team has not yet read it."))
        lines.append(line)
    audit_read(account, "portal report history")
    return lines


# --- education and contacts ---------------------------------------------------------------------


def education_topics(account: PortalAccount) -> tuple[str, list[config.Topic]]:
    version, topics = config.education()
    treatments = set(treatment_context(account.patient).treatments)
    chosen = [t for t in topics if "all" in t.treatments or treatments & set(t.treatments)]
    return version, chosen


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    phone: str


def contacts(account: PortalAccount) -> dict[str, object]:
    patient: Patient = account.patient
    today = timezone.localdate()
    members = (
        CareTeamMember.objects.filter(patient=patient, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("professional")
        .order_by("-is_lead", "role")
    )
    team = [
        Contact(
            f"{m.professional.first_name} {m.professional.last_name}",
            title_for(m.get_role_display(), m.professional),  # "Infirmière" for Madame
            m.professional.phone,
        )
        for m in members
        if m.role not in ("tumour_board", "on_call", "expert_centre", "other")
    ]
    centres = [c for c in (patient.expert_centre, patient.proximity_centre) if c is not None]
    audit_read(account, "portal contacts")
    return {
        "team": team,
        "centres": centres,
        "emergency": config.service_level().emergency_numbers,
    }


# --- messages: the patient's side ---------------------------------------------------------------


def visible_threads(account: PortalAccount) -> QuerySet[Thread]:
    """The patient's threads this account may read (``Thread.visible_to`` as a query)."""
    threads = Thread.objects.filter(patient_id=account.patient_id)
    if account.is_patient:
        return threads
    return threads.filter(kept_for_distress=False).filter(
        Q(private=False) | Q(started_by_account=account)
    )


def kept_from_relative(account: PortalAccount) -> int:
    """How many conversations this relative started that the patient's words of distress now
    keep between the patient and the team (the relative is told they continue, nothing more)."""
    if account.is_patient:
        return 0
    return Thread.objects.filter(
        patient_id=account.patient_id, kept_for_distress=True, started_by_account=account
    ).count()


def threads_for_account(account: PortalAccount) -> list[Thread]:
    threads = list(visible_threads(account).order_by("-last_message_at")[:100])
    if threads:
        last_team = dict(
            Message.objects.filter(thread__in=threads, side=Side.TEAM)
            .order_by("thread_id", "created_at")  # the latest wins
            .values_list("thread_id", "created_at")
        )
        for thread in threads:
            answered = last_team.get(thread.pk)
            thread.unread = bool(  # type: ignore[attr-defined]
                answered and (thread.patient_seen_at is None or answered > thread.patient_seen_at)
            )
    audit_read(account, "portal messages")
    return threads


def unread_count(account: PortalAccount) -> int:
    return len([t for t in threads_for_account(account) if t.unread])  # type: ignore[attr-defined]


def thread_for_account(
    account: PortalAccount, thread_id: uuid.UUID, *, audit: bool = True
) -> Thread:
    """A conversation this account may read; ``audit=False`` when the caller audits what it
    reads in it (a file). A refusal is always audited."""
    thread = visible_threads(account).filter(pk=thread_id).first()
    if thread is None:
        audit_record(
            actor=None,
            actor_label=account.actor_label,
            action=AuditAction.DENIED,
            patient_id=account.patient_id,
            details={
                "what": "portal message thread",
                "thread": str(thread_id),
                "portal_account": str(account.pk),
                "portal_kind": account.kind,
            },
        )
        raise Http404
    if audit:
        audit_read(account, "portal message thread", thread)
    return thread


def thread_messages(thread: Thread) -> list[Message]:
    return list(thread.messages.order_by("created_at", "id").prefetch_related("attachments"))


def attachment_in_thread(thread: Thread, attachment_id: uuid.UUID) -> MessageAttachment:
    """A file of this conversation (the caller has checked who may read the conversation)."""
    found = MessageAttachment.objects.filter(pk=attachment_id, message__thread=thread).first()
    if found is None:
        raise Http404
    return found


# --- messages: the care team --------------------------------------------------------------------


def staff_threads(user: User, *, show: str = "waiting") -> QuerySet[Thread]:
    """Threads of the user's patients: waiting for an answer (oldest first), overdue, or all;
    in each, the urgent ones (sent after the warning signs prompt, not yet answered) first."""
    threads = Thread.objects.filter(visible_patient_filter(user)).select_related("patient")
    urgent_first = F("urgent_since").asc(nulls_last=True)
    if show == "waiting":
        waiting = Q(waiting_since__isnull=False) | Q(urgent_since__isnull=False)
        return threads.filter(waiting).order_by(urgent_first, "waiting_since")
    if show == "overdue":
        return threads.filter(answer_due__lt=timezone.now()).order_by(urgent_first, "answer_due")
    return threads.order_by(urgent_first, "-last_message_at")


def staff_thread(
    user: User, patient_id: uuid.UUID, thread_id: uuid.UUID, *, audit: bool = True
) -> Thread:
    thread = (
        Thread.objects.filter(visible_patient_filter(user), pk=thread_id, patient_id=patient_id)
        .select_related("patient")
        .first()
    )
    if thread is None:
        audit_record(
            actor=user,
            action=AuditAction.DENIED,
            patient_id=patient_id,
            details={"what": "portal thread"},
        )
        raise Http404
    if audit:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            patient_id=patient_id,
            obj=thread,
            details={"what": "portal thread"},
        )
    return thread


def patient_accounts(patient_id: uuid.UUID) -> list[PortalAccount]:
    return list(
        PortalAccount.objects.filter(patient_id=patient_id).order_by(
            "revoked_at", "kind", "display_name"
        )
    )
