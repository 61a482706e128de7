"""Sessions: planned from the board's recurrence, agenda (order, minutes, capacity, late
additions), attendance, opening and closing. At closing, every case not decided is carried over
to the next session with the reason (quorum not met, or not discussed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, Role, User
from oncoparcours.directory.models import (
    Organisation,
    OrganisationKind,
    OrganisationMembership,
    Profession,
    Professional,
    Specialty,
)
from oncoparcours.patients.models import CareTeamMember, CareTeamRole
from oncoparcours.patients.selectors import professional_for

from ..labels import MISSING_ROLE_LABELS
from ..models import (
    AgendaItem,
    Attendance,
    Board,
    BoardMember,
    Case,
    CaseStatus,
    ItemOutcome,
    Session,
    SessionStatus,
)
from ..rules import composition as composition_rules
from ..rules import quorum as quorum_rules
from ..rules.recurrence import next_sessions
from ..rules.transitions import SESSION_TRANSITIONS, allowed_actions, next_status
from .boards import case_composition, diagnosis_scope_problem, member_specialty_problems
from .cases import review_opposition_problem

LATE_ADDITION_HOURS = 48
BOARD_ACCESS_DAYS = 30


def is_board_member(user: User, board: Board) -> bool:
    professional = professional_for(user)
    return professional is not None and board.members.filter(professional=professional).exists()


def is_chair(user: User, session: Session) -> bool:
    professional = professional_for(user)
    if professional is None:
        return False
    if session.chair_id is not None:
        return session.chair_id == professional.pk
    return session.board.members.filter(professional=professional, is_chair=True).exists()


def is_board_secretary(user: User, board: Board) -> bool:
    """A tumour board secretary currently on the staff of one of the board's organisers. She
    prepares agendas and records attendance; she is not a board member, so she does not join
    the patients' care teams (no clinical record, only what an agenda needs)."""
    professional = professional_for(user)
    if professional is None or user.role != Role.BOARD_SECRETARY:
        return False
    today = timezone.localdate()
    return (
        OrganisationMembership.objects.filter(
            professional=professional,
            organisation__in=board.organisers.all(),
            start__lte=today,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .exists()
    )


def can_organise(user: User, board: Board) -> bool:
    """Plans sessions, builds agendas and records attendance: a member or the secretary."""
    return is_board_member(user, board) or is_board_secretary(user, board)


def _require_member(user: User, board: Board) -> None:
    if not is_board_member(user, board):
        raise ApplicationError(_("Only members of this board can do this."))


def _require_organiser(user: User, board: Board) -> None:
    if not can_organise(user, board):
        raise ApplicationError(_("Only members or the secretary of this board can do this."))


def _transition(session: Session, action: str) -> str:
    status = next_status(SESSION_TRANSITIONS, session.status, action)
    if status is None:
        raise ApplicationError(
            _("A %(status)s session cannot do that (possible: %(allowed)s).")
            % {
                "status": session.get_status_display().lower(),
                "allowed": ", ".join(allowed_actions(SESSION_TRANSITIONS, session.status)) or "—",
            }
        )
    return status


@transaction.atomic
def sessions_plan(
    *, board: Board, count: int = 4, after: dt.datetime | None = None
) -> list[Session]:
    """Create the next ``count`` sessions of the board's recurrence that do not exist yet."""
    after = after or timezone.now()
    starts = next_sessions(
        anchor=dt.date(2024, 1, 1),
        every_weeks=board.every_weeks,
        weekday=board.weekday,
        start=board.start_time,
        time_zone=board.time_zone,
        after=after,
        count=count,
    )
    chair = board.members.filter(is_chair=True).select_related("professional").first()
    created = []
    for moment in starts:
        session, made = Session.objects.get_or_create(
            board=board,
            starts_at=moment,
            defaults={
                "duration_minutes": board.duration_minutes,
                "capacity": board.capacity,
                "chair": chair.professional if chair else None,
            },
        )
        if made:
            created.append(session)
    return created


def next_session(board: Board, after: dt.datetime) -> Session:
    session = (
        Session.objects.filter(board=board, status=SessionStatus.PLANNED, starts_at__gt=after)
        .order_by("starts_at")
        .first()
    )
    if session is None:
        sessions_plan(board=board, count=1, after=after)
        session = (
            Session.objects.filter(board=board, starts_at__gt=after).order_by("starts_at").first()
        )
    assert session is not None
    return session


def _grant_board_access(session: Session, case: Case, professionals: list[Professional]) -> None:
    """Board members join the patient's care team for the review (recorded, time-limited)."""
    end = session.starts_at.date() + dt.timedelta(days=BOARD_ACCESS_DAYS)
    today = min(timezone.localdate(), session.starts_at.date())
    current = set(
        CareTeamMember.objects.filter(patient=case.patient, start__lte=today)
        .exclude(end__lt=end)
        .values_list("professional_id", flat=True)
    )
    reason = _("Tumour board %(board)s of %(date)s") % {
        "board": session.board,
        "date": timezone.localtime(session.starts_at).strftime("%d/%m/%Y"),
    }
    CareTeamMember.objects.bulk_create(
        [
            CareTeamMember(
                patient=case.patient,
                professional=p,
                role=CareTeamRole.TUMOUR_BOARD,
                start=today,
                end=end,
                reason=reason[:250],
            )
            for p in professionals
            if p.pk not in current
        ]
    )


def _session_load(session: Session) -> tuple[int, int]:
    items = session.items.exclude(outcome=ItemOutcome.REMOVED)
    return items.count(), items.aggregate(total=Sum("minutes"))["total"] or 0


@transaction.atomic
def agenda_add(
    *,
    actor: User,
    session: Session,
    case: Case,
    minutes: int | None = None,
    carried_from: Session | None = None,
    reason: str = "",
) -> AgendaItem:
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("board").get(pk=session.pk)
    )
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("patient", "diagnosis")
        .get(pk=case.pk)
    )
    if carried_from is None:
        _require_organiser(actor, session.board)
        problem = review_opposition_problem(case.patient) or diagnosis_scope_problem(
            session.board, case.diagnosis.icd10 if case.diagnosis else None
        )
        if problem:
            raise ApplicationError(problem, field="case")
    if case.board_id != session.board_id:
        raise ApplicationError(_("This case was submitted to another board."))
    if session.status not in (SessionStatus.PLANNED, SessionStatus.OPEN):
        raise ApplicationError(_("Cases are added to a planned or running session only."))
    if case.status == CaseStatus.INCOMPLETE:
        raise ApplicationError(
            _("This case cannot go on an agenda: missing %(missing)s.")
            % {"missing": ", ".join(case.missing)},
            field="case",
        )
    if case.status not in (CaseStatus.READY, CaseStatus.SCHEDULED):
        raise ApplicationError(
            _("This case is %(status)s.") % {"status": case.get_status_display().lower()},
            field="case",
        )
    if case.agenda_items.filter(session=session).exists():
        raise ApplicationError(_("This case is already on this agenda."), field="case")
    if carried_from is None and case.agenda_items.filter(outcome=ItemOutcome.PENDING).exists():
        raise ApplicationError(_("This case is already on another agenda."), field="case")
    minutes = minutes or session.board.minutes_per_case
    count, total = _session_load(session)
    if carried_from is None and (
        count >= session.capacity or total + minutes > session.duration_minutes
    ):
        raise ApplicationError(
            _(
                "The session is full (%(count)s cases, %(minutes)s of %(duration)s minutes): "
                "choose the next one."
            )
            % {"count": count, "minutes": total, "duration": session.duration_minutes},
            field="session",
        )
    late = session.status == SessionStatus.OPEN or (
        session.starts_at - timezone.now() < dt.timedelta(hours=LATE_ADDITION_HOURS)
    )
    position = (session.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = AgendaItem.objects.create(
        session=session,
        case=case,
        position=position,
        minutes=minutes,
        late_addition=late and carried_from is None,
        carried_over_from=carried_from,
        carry_reason=reason[:200],
    )
    case.status = CaseStatus.SCHEDULED
    case.version += 1
    case.save(update_fields=["status", "version", "updated_at"])
    members = [m.professional for m in session.board.members.select_related("professional")]
    _grant_board_access(session, case, members)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=case.patient_id,
        obj=case,
        details={
            "agenda": str(session.pk),
            "late": item.late_addition,
            "carried_from": str(carried_from.pk) if carried_from else None,
        },
    )
    return item


@transaction.atomic
def agenda_move(*, actor: User, item: AgendaItem, position: int) -> AgendaItem:
    session = Session.objects.select_for_update(of=("self",)).get(pk=item.session_id)
    _require_organiser(actor, session.board)
    items = list(session.items.order_by("position", "id"))
    current = next(i for i in items if i.pk == item.pk)
    items.remove(current)
    items.insert(max(0, min(len(items), position - 1)), current)
    for index, row in enumerate(items, start=1):
        if row.position != index:
            row.position = index
            row.save(update_fields=["position", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=session,
        details={"agenda_moved": str(current.pk), "position": current.position},
    )
    return current


@transaction.atomic
def agenda_remove(*, actor: User, item: AgendaItem) -> AgendaItem:
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("session__board", "case")
        .get(pk=item.pk)
    )
    _require_organiser(actor, item.session.board)
    if item.outcome != ItemOutcome.PENDING:
        raise ApplicationError(_("Only a case still to discuss can be removed from the agenda."))
    item.outcome = ItemOutcome.REMOVED
    item.save(update_fields=["outcome", "updated_at"])
    case = Case.objects.select_for_update(of=("self",)).get(pk=item.case_id)
    if case.status == CaseStatus.SCHEDULED:
        case.status = CaseStatus.READY
        case.version += 1
        case.save(update_fields=["status", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=case.patient_id,
        obj=case,
        details={"agenda_removed": str(item.session_id)},
    )
    return item


@transaction.atomic
def attendance_record(
    *,
    actor: User,
    session: Session,
    professional: Professional,
    specialties: list[str],
    mode: str,
    site: Organisation | None = None,
) -> Attendance:
    """Record who attends and the specialties they represent: only specialties recognised to
    them in the directory (a physician then counts for one of them in the quorum)."""
    _require_organiser(actor, session.board)
    if session.status in (SessionStatus.CLOSED, SessionStatus.CANCELLED):
        raise ApplicationError(_("Attendance is recorded before the session is closed."))
    professional = Professional.objects.prefetch_related("additional_specialties").get(
        pk=professional.pk
    )
    specialties = list(dict.fromkeys(specialties))
    problems = member_specialty_problems(professional, specialties)
    if problems:
        raise ApplicationError(problems[0], field="specialties")
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        professional=professional,
        defaults={"specialties": specialties, "mode": mode, "site": site},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=session,
        details={"attendance": str(professional.pk), "mode": mode, "specialties": specialties},
    )
    return attendance


@transaction.atomic
def attendance_remove(*, actor: User, attendance: Attendance) -> None:
    _require_organiser(actor, attendance.session.board)
    if attendance.session.status in (SessionStatus.CLOSED, SessionStatus.CANCELLED):
        raise ApplicationError(_("Attendance is recorded before the session is closed."))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=attendance.session,
        details={"attendance_removed": str(attendance.professional_id)},
    )
    attendance.delete()


def _organiser_pharmacists(session: Session, professional_ids: list[Any]) -> set[Any]:
    """Those who work, on the session day, at a hospital pharmacy (PUI) of one of the board's
    organisers (the PUI itself organises the board, or its parent organisation does)."""
    if not professional_ids:
        return set()
    day = timezone.localtime(session.starts_at).date()
    organisers = session.board.organisers.values("pk")
    return set(
        OrganisationMembership.objects.filter(
            professional_id__in=professional_ids,
            organisation__kind=OrganisationKind.PUI,
            start__lte=day,
        )
        .exclude(end__lt=day)
        .filter(Q(organisation__in=organisers) | Q(organisation__parent__in=organisers))
        .values_list("professional_id", flat=True)
    )


def _attendees(session: Session) -> list[quorum_rules.Attendee]:
    return attendees_of(
        session,
        list(
            session.attendance.select_related("professional").prefetch_related(
                "professional__additional_specialties"
            )
        ),
    )


def attendees_of(session: Session, rows: list[Attendance]) -> list[quorum_rules.Attendee]:
    """The quorum's attendees from the session's attendance ``rows`` already read (with their
    professional and the professional's additional specialties)."""
    pharmacists = _organiser_pharmacists(
        session,
        [a.professional_id for a in rows if a.professional.profession == Profession.PHARMACIST],
    )
    return [
        quorum_rules.Attendee(
            key=str(a.professional_id),
            specialties=frozenset(a.specialties),
            physician=a.professional.profession == Profession.PHYSICIAN,
            held=a.professional.recognised_specialties,
            organiser_pharmacy=a.professional_id in pharmacists,
        )
        for a in rows
    ]


def agenda_composition(
    session: Session, codes: Iterable[str | None] | None = None
) -> composition_rules.Composition:
    """The composition the session needs for every case still on its agenda (each case's
    diagnosis decides; solid and haematological cases together need both compositions).
    ``codes``: the diagnosis codes of the cases on the agenda when already read."""
    board = session.board
    rules = composition_rules.shipped()
    if codes is None:
        codes = (
            session.items.exclude(outcome=ItemOutcome.REMOVED)
            .values_list("case__diagnosis__icd10", flat=True)
            .distinct()
        )
    applies = {
        rules.composition_for_case(
            kind=board.kind, scope=board.scope_ranges, diagnosis=code
        ).applies_to
        for code in codes
    }
    if not applies:
        return case_composition(board, None)
    together = applies.pop() if len(applies) == 1 else composition_rules.MIXED
    return rules.composition_applying(
        kind=board.kind, scope=board.scope_ranges, applies_to=together
    )


def session_quorum(
    session: Session,
    case: Case | None = None,
    *,
    attendees: list[quorum_rules.Attendee] | None = None,
    agenda_codes: Iterable[str | None] | None = None,
) -> quorum_rules.QuorumResult:
    """The quorum of the attendance as recorded, checked again against what each attendee holds
    in the directory today (a qualification removed since no longer counts). With a case: the
    composition that case needs (its diagnosis decides); without: the one every case on the
    agenda needs. ``attendees``: already read (several cases of one session);
    ``agenda_codes``: the diagnosis codes of the agenda's cases, already read."""
    board = session.board
    needed = (
        case_composition(board, case.diagnosis.icd10 if case.diagnosis else None)
        if case is not None
        else agenda_composition(session, agenda_codes)
    )
    return quorum_rules.evaluate(
        _attendees(session) if attendees is None else attendees,
        composition=needed,
        required=board.required_specialties,
    )


def _carry_reason(quorum: quorum_rules.QuorumResult) -> str:
    if quorum.met:
        return _("Not discussed during the session")
    return _("Quorum not met: %(missing)s") % {
        "missing": ", ".join(describe_shortfall(s) for s in quorum.shortfalls)
    }


@transaction.atomic
def session_open(*, actor: User, session: Session) -> Session:
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("board").get(pk=session.pk)
    )
    _require_member(actor, session.board)
    session.status = _transition(session, "open")
    session.opened_at = timezone.now()
    session.version += 1
    session.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=session, details={"opened": True})
    return session


@transaction.atomic
def session_close(*, actor: User, session: Session) -> tuple[Session, list[AgendaItem]]:
    """Close the session; carry every case not decided over to the next session."""
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("board").get(pk=session.pk)
    )
    if not is_chair(actor, session):
        raise ApplicationError(_("The chair closes the session."))
    session.status = _transition(session, "close")
    attendees = _attendees(session)
    quorum = session_quorum(session, attendees=attendees)
    pending = list(
        session.items.filter(outcome=ItemOutcome.PENDING).select_related("case__diagnosis")
    )
    carried = []
    following = next_session(session.board, session.starts_at) if pending else None
    for item in pending:
        # Each case with the quorum its own diagnosis needs.
        reason = _carry_reason(session_quorum(session, item.case, attendees=attendees))
        item.outcome = ItemOutcome.CARRIED_OVER
        item.carry_reason = reason[:200]
        item.save(update_fields=["outcome", "carry_reason", "updated_at"])
        assert following is not None
        carried.append(
            agenda_add(
                actor=actor,
                session=following,
                case=item.case,
                minutes=item.minutes,
                carried_from=session,
                reason=reason,
            )
        )
    session.closed_at, session.closed_by = timezone.now(), actor
    session.version += 1
    session.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=session,
        details={"closed": True, "carried_over": len(carried), "quorum": quorum.met},
    )
    return session, carried


def describe_shortfall(shortfall: quorum_rules.Shortfall) -> str:
    if shortfall.code == "missing_role":
        missing = str(MISSING_ROLE_LABELS.get(shortfall.role, shortfall.role))
        if shortfall.specialty:  # the board asks for one specialty of that role
            label = dict(Specialty.choices).get(shortfall.specialty, shortfall.specialty)
            return f"{missing} ({str(label).lower()})"
        return missing
    if shortfall.code == "missing_specialty":
        label = dict(Specialty.choices).get(shortfall.specialty, shortfall.specialty)
        return _("no %(specialty)s") % {"specialty": str(label).lower()}
    return ngettext(
        "%(count)s specialty counted, at least %(needed)s needed",
        "%(count)s specialties counted, at least %(needed)s needed",
        shortfall.counted,
    ) % {
        "count": shortfall.counted,
        "needed": shortfall.needed,
    }


def board_member(user: User, board: Board) -> BoardMember | None:
    professional = professional_for(user)
    if professional is None:
        return None
    return board.members.filter(professional=professional).first()
