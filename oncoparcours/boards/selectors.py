"""Reads of tumour boards. Board calendars and statistics are not patient data; cases, agendas
with patient names, decisions and documents are scoped to the patient's care team (board
members join it for the review)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.models import User
from oncoparcours.directory.models import NetworkMembership
from oncoparcours.patients.selectors import PatientAccess, professional_for, visible_patient_filter
from oncoparcours.trials.models import Arm

from .models import (
    AgendaItem,
    Attendance,
    Board,
    Case,
    CaseStatus,
    Decision,
    Document,
    ItemOutcome,
    Session,
    SessionStatus,
)
from .rules import statistics


def boards_overview() -> QuerySet[Board]:
    return (
        Board.objects.filter(is_active=True)
        .prefetch_related("organisers")
        .select_related("network")
        .annotate(member_count=Count("members", distinct=True))
    )


def board_get(board_id: uuid.UUID) -> Board:
    board = (
        Board.objects.select_related("network")
        .prefetch_related("organisers")
        .filter(pk=board_id)
        .first()
    )
    if board is None:
        raise Http404
    return board


def board_network_centres(board: Board) -> list[NetworkMembership]:
    """The board's organisers as members of its network (role, label validity)."""
    if board.network_id is None:
        return []
    return list(
        NetworkMembership.objects.filter(
            network_id=board.network_id, organisation__in=board.organisers.all()
        )
        .select_related("organisation", "network")
        .order_by("role", "organisation__name")
    )


def upcoming_sessions(
    *, board: Board | None = None, days: int = 60, boards: QuerySet[Board] | None = None
) -> QuerySet[Session]:
    now = timezone.now()
    sessions = Session.objects.filter(
        starts_at__gte=now - dt.timedelta(hours=12), starts_at__lte=now + dt.timedelta(days=days)
    ).exclude(status=SessionStatus.CANCELLED)
    if board is not None:
        sessions = sessions.filter(board=board)
    if boards is not None:
        sessions = sessions.filter(board__in=boards)
    return (
        sessions.select_related("board", "chair")
        .annotate(case_count=Count("items", filter=~Q(items__outcome=ItemOutcome.REMOVED)))
        .order_by("starts_at")
    )


def past_sessions(board: Board, limit: int = 12) -> QuerySet[Session]:
    return (
        Session.objects.filter(board=board, starts_at__lt=timezone.now())
        .annotate(case_count=Count("items", filter=Q(items__outcome=ItemOutcome.DECIDED)))
        .order_by("-starts_at")[:limit]
    )


def session_get(session_id: uuid.UUID) -> Session:
    try:  # get(): one row by its pk, no ORDER BY to compile over the joined columns
        return Session.objects.select_related("board", "chair").get(pk=session_id)
    except Session.DoesNotExist:
        raise Http404 from None


@dataclass
class AgendaRow:
    item: AgendaItem
    visible: bool  # the whole case (care team)
    identified: bool = False  # the patient's name and birth date only (the board's secretary)
    urls: dict[str, str] = field(default_factory=dict)  # the row's links (the session page)


def agenda(session: Session, user: User, *, secretary: bool = False) -> list[AgendaRow]:
    """The agenda; a case is shown to its care team, and identified (name, birth date, no
    clinical content) to the board's secretary, who builds the agenda."""
    visible = set(
        Case.objects.filter(agenda_items__session=session)
        .filter(visible_patient_filter(user))
        .values_list("pk", flat=True)
    )
    items = (
        session.items.exclude(outcome=ItemOutcome.REMOVED)
        .select_related(
            "case__patient", "case__diagnosis", "case__submitted_by", "carried_over_from"
        )
        .prefetch_related(
            Prefetch("case__decisions", queryset=Decision.objects.order_by("-version"))
        )
        .order_by("position")
    )
    return [
        AgendaRow(item, item.case_id in visible, secretary or item.case_id in visible)
        for item in items
    ]


def attendance(session: Session) -> list[Attendance]:
    return list(
        session.attendance.select_related("professional", "site").prefetch_related(
            "professional__additional_specialties"
        )
    )


def case_for_patient(access: PatientAccess, case_id: uuid.UUID) -> Case:
    case = (
        Case.objects.filter(pk=case_id, patient=access.patient)
        .select_related("board", "diagnosis", "submitted_by")
        .first()
    )
    if case is None:
        raise Http404
    return case


def results_since_submission(case: Case) -> dict[str, list[dict[str, str]]]:
    """The molecular results the case's dataset (read from the record at submission or at the
    last re-read) does not show: ``added`` — current results it lacks (new, or the new version
    of a corrected one) — and ``gone`` — results it shows that were since corrected or
    withdrawn. The board never decides on a stale list without seeing it; the dataset itself,
    and the records already signed, do not change. Empty once the case is decided or
    withdrawn (the decision was taken on its dataset)."""
    from oncoparcours.patients.models import MolecularFinding

    if case.status in (CaseStatus.DECIDED, CaseStatus.WITHDRAWN):
        return {"added": [], "gone": [], "changed": []}
    shown = [b for b in (case.dataset or {}).get("biomarkers", []) if b.get("text")]
    current = list(
        MolecularFinding.objects.current()
        .filter(patient_id=case.patient_id)
        .order_by("-sampled_on", "kind", "gene")
    )

    def key(item_id: str, text: str, sampled_on: str) -> str:
        # Older datasets did not keep the result's id: compare the wording and the date.
        return item_id or f"{text}|{sampled_on}"

    with_ids = any(b.get("id") for b in shown)
    shown_keys = {key(b.get("id", ""), b["text"], b.get("sampled_on", "")) for b in shown}
    current_keys = {
        key(str(f.pk) if with_ids else "", f.summary, f.sampled_on.isoformat()): f for f in current
    }
    added = [
        {"text": f.summary, "sampled_on": f.sampled_on.isoformat()}
        for k, f in current_keys.items()
        if k not in shown_keys
    ]
    gone = [
        {"text": b["text"], "sampled_on": b.get("sampled_on", "")}
        for b in shown
        if key(b.get("id", ""), b["text"], b.get("sampled_on", "")) not in current_keys
    ]
    return {"added": added, "gone": gone, "changed": _facts_changed_since_submission(case)}


def _facts_changed_since_submission(case: Case) -> list[dict[str, str]]:
    """Diagnoses, stagings (of any of the patient's diagnoses) and performance statuses
    recorded since the case's dataset was read from the record (review findings: a new stage,
    a metastatic relapse staged on another diagnosis or a worse status recorded after
    registration was not shown to the board). Read by entry time, not by clinical date, so a
    staging dated earlier but entered later is shown too; datasets older than the read time
    count from the registration."""
    from oncoparcours.patients.models import Diagnosis, PerformanceStatus, Staging

    read = (case.dataset or {}).get("read_at")
    since = dt.datetime.fromisoformat(read) if read else case.submitted_at
    patient = case.patient_id
    sources = (
        (
            _("New diagnosis"),
            Diagnosis.objects.filter(patient_id=patient, created_at__gt=since),
            lambda row: f"{row.icd10} ({row.diagnosed_on:%d/%m/%Y})",
        ),
        (
            _("New staging"),
            Staging.objects.filter(
                diagnosis__patient_id=patient, created_at__gt=since
            ).select_related("diagnosis"),
            lambda row: f"{row.diagnosis.icd10} : {row} ({row.staged_on:%d/%m/%Y})",
        ),
        (
            _("New performance status"),
            PerformanceStatus.objects.filter(patient_id=patient, created_at__gt=since),
            lambda row: f"{row} ({row.recorded_on:%d/%m/%Y})",
        ),
    )
    return [
        {"what": what, "text": text(row)}
        for what, rows, text in sources
        for row in rows.order_by("created_at", "id")
    ]


def cases_for_patient(patient_id: uuid.UUID) -> list[Case]:
    return list(
        Case.objects.filter(patient_id=patient_id)
        .select_related("board")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("-version")))
        .order_by("-submitted_at")[:20]
    )


def my_cases(user: User) -> QuerySet[Case]:
    """Cases I submitted, and cases of my patients, not yet decided or decided recently."""
    professional = professional_for(user)
    if professional is None:
        return Case.objects.none()
    recent = timezone.now() - dt.timedelta(days=60)
    return (
        Case.objects.filter(visible_patient_filter(user))
        .filter(Q(submitted_by=user))
        .filter(Q(decided_at__isnull=True) | Q(decided_at__gte=recent))
        .exclude(status=CaseStatus.WITHDRAWN)
        .select_related("patient", "board")
        .annotate(
            next_session=Min(
                "agenda_items__session__starts_at",
                filter=Q(agenda_items__outcome=ItemOutcome.PENDING),
            )
        )
        .order_by("status", "-submitted_at")
    )


def ready_cases(session: Session, user: User, *, secretary: bool = False) -> QuerySet[Case]:
    """Complete cases of this board that can go on this session's agenda (all of them for the
    board's secretary, who sees them by patient name and birth date only)."""
    pending = AgendaItem.objects.filter(case=OuterRef("pk"), outcome=ItemOutcome.PENDING)
    cases = Case.objects.filter(board=session.board, status=CaseStatus.READY)
    if not secretary:
        cases = cases.filter(visible_patient_filter(user))
    return cases.exclude(Exists(pending)).select_related("patient").order_by("submitted_at")


def incomplete_cases(board: Board, user: User) -> QuerySet[Case]:
    return (
        Case.objects.filter(board=board, status=CaseStatus.INCOMPLETE)
        .filter(visible_patient_filter(user))
        .select_related("patient")
        .order_by("submitted_at")
    )


def latest_decisions(case: Case) -> list[Decision]:
    return list(
        case.decisions.select_related(
            "validated_by", "care_organisation", "session", "amends", "trial_arm__trial"
        ).order_by("-version")
    )


def documents(case: Case) -> list[Document]:
    return list(case.documents.select_related("decision").order_by("-decision__version", "kind"))


def board_statistics(board: Board) -> statistics.BoardFigures:
    """Computed from the latest decision of each case (SQL), never typed in; the near-home
    share counts patients, each once by the latest decision of this board (the indicator's
    unit); "near home" as the board's kind defines it (``rules.statistics``)."""
    latest = Decision.objects.filter(case=OuterRef("case"), version__gt=OuterRef("version"))
    rows = list(
        Decision.objects.filter(case__board=board)
        .exclude(Exists(latest))
        .values_list(
            "case__submitted_at",
            "case__decided_at",
            "place_of_care",
            "case__patient_id",
            "care_organisation__departement",
            "validated_at",
        )
    )
    first_treatment = _first_treatments({row[3] for row in rows})
    overseas = statistics.is_overseas_board(
        board.kind, board.organisers.values_list("departement", flat=True)
    )
    return statistics.board_figures(
        (
            statistics.DecidedCase(
                timezone.localtime(submitted).date(),
                timezone.localtime(decided).date(),
                place,
                first_treatment.get(patient_id),
                statistics.in_mainland(departement),
                patient=str(patient_id),
                decided_at=validated,
            )
            for submitted, decided, place, patient_id, departement, validated in rows
        ),
        overseas_board=overseas,
    )


def _first_treatments(patient_ids: set[uuid.UUID]) -> dict[uuid.UUID, dt.date]:
    """The first treatment actually given, from the pathways (administrations, surgery...)."""
    from oncoparcours.pathways.models import ActivityInstance

    if not patient_ids:
        return {}
    rows = (
        ActivityInstance.objects.filter(
            patient_id__in=patient_ids,
            status="done",
            kind__in=["treatment_administration", "procedure"],
        )
        .values("patient_id")
        .annotate(first=Min("done_on"))
    )
    return {row["patient_id"]: row["first"] for row in rows if row["first"]}


def sessions_per_month(board: Board) -> list[tuple[dt.date, int, int]]:
    """(session day, cases decided, cases carried over) for past sessions."""
    rows = (
        Session.objects.filter(board=board, starts_at__lt=timezone.now())
        .annotate(
            decided=Count("items", filter=Q(items__outcome=ItemOutcome.DECIDED)),
            carried=Count("items", filter=Q(items__outcome=ItemOutcome.CARRIED_OVER)),
        )
        .order_by("-starts_at")
        .values_list("starts_at", "decided", "carried")[:24]
    )
    return [(timezone.localtime(s).date(), d, c) for s, d, c in rows]


@dataclass
class CaseTrials:
    """The case's patient's ranked trial arms (rows for ``trials/_matches.html``) and the arms a
    decision may propose (matching ones first)."""

    rows: list[dict[str, Any]]
    matching: list[tuple[Arm, str]]
    others: list[Arm]
    invitation: frozenset[Any] = frozenset()  # trial ids enrolling by invitation only


def case_trials(*, user: User, patient: Any, keep_arm: Arm | None = None) -> CaseTrials:
    """Computed for the page that shows the case (its read of the patient is audited there).
    ``keep_arm``: the arm of a decision being corrected, offered even if it closed since."""
    from oncoparcours.trials import selectors as trials
    from oncoparcours.trials.record import match_rows
    from oncoparcours.trials.rules.criteria import MET

    matches = trials.patient_trial_matches(user=user, patient=patient, audit=False)
    matching = [
        (m.arm.payload, str(_("met") if m.value == MET else _("to verify"))) for m in matches
    ]
    seen = {arm.pk for arm, _result in matching}
    others = [arm for arm in trials.open_arms() if arm.pk not in seen]
    if keep_arm is not None and keep_arm.pk not in seen and keep_arm not in others:
        others.insert(0, keep_arm)
    arms = [arm for arm, _result in matching] + others
    return CaseTrials(match_rows(matches), matching, others, _by_invitation(arms))


def _by_invitation(arms: list[Arm]) -> frozenset[Any]:
    """The trials of ``arms`` enrolling by invitation only: the trial itself, or its French
    sites, none recruiting and at least one by invitation (one query)."""
    from oncoparcours.trials.models import TrialSite, TrialStatus

    out = {arm.trial_id for arm in arms if arm.trial.by_invitation}
    statuses: dict[Any, set[str]] = {}
    for trial_id, status in TrialSite.objects.filter(
        trial_id__in={arm.trial_id for arm in arms}
    ).values_list("trial_id", "status"):
        statuses.setdefault(trial_id, set()).add(status)
    for trial_id, found in statuses.items():
        if TrialStatus.ENROLLING_BY_INVITATION in found and TrialStatus.RECRUITING not in found:
            out.add(trial_id)
    return frozenset(out)


@dataclass
class SecretaryBoard:
    board: Board
    ready: int  # complete cases not yet on an agenda
    next_session: Session | None


def secretary_work(user: User) -> list[SecretaryBoard]:
    """For a board secretary's home page: each board she works for (on the staff of one of its
    organisers), how many complete cases wait for an agenda and the next planned session.
    Counts only (no patient named): three queries whatever the number of boards."""
    from oncoparcours.directory.models import OrganisationMembership

    professional = professional_for(user)
    if professional is None:
        return []
    today = timezone.localdate()
    organisations = OrganisationMembership.objects.filter(
        professional=professional, start__lte=today
    ).filter(Q(end__isnull=True) | Q(end__gte=today))
    pending = AgendaItem.objects.filter(case=OuterRef("pk"), outcome=ItemOutcome.PENDING)
    boards = list(
        Board.objects.filter(organisers__in=organisations.values("organisation"))
        .distinct()
        .annotate(
            ready=Count(
                "cases",
                filter=Q(cases__status=CaseStatus.READY)
                & ~Q(cases__in=Case.objects.filter(Exists(pending))),
                distinct=True,
            )
        )
        .order_by("name")
    )
    upcoming: dict[Any, Session] = {}
    for session in Session.objects.filter(
        board__in=boards,
        status=SessionStatus.PLANNED,
        starts_at__gte=timezone.now(),
        starts_at__lt=timezone.now() + dt.timedelta(days=60),
    ).order_by("-starts_at"):
        upcoming[session.board_id] = session  # the earliest one wins
    return [SecretaryBoard(b, b.ready, upcoming.get(b.pk)) for b in boards]
