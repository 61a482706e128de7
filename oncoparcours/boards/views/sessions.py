"""The session page, usable live during the meeting: agenda, case summary, attendance and quorum,
decision form (htmx partials, full pages without JavaScript)."""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.french import zone_label
from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.models import AuditAction

from .. import selectors
from ..forms import AgendaAddForm, AgendaMoveForm, ArmChoices, AttendanceForm, DecisionForm
from ..models import AgendaItem, Attendance, ItemOutcome
from ..services import decisions, sessions


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _site_times(session: Any) -> list[tuple[str, Any]]:
    zones: dict[str, list[str]] = {}
    for organisation in session.board.organisers.all():
        zones.setdefault(organisation.time_zone, []).append(
            organisation.short_name or organisation.name
        )
    zones.setdefault(session.board.time_zone, [])
    return [
        (", ".join(names) or zone_label(zone), session.starts_at.astimezone(ZoneInfo(zone)))
        for zone, names in zones.items()
    ]


def _add_form(request: AuthenticatedHttpRequest, session: Any, secretary: bool) -> AgendaAddForm:
    cases = selectors.ready_cases(session, request.user, secretary=secretary)
    return AgendaAddForm(request.POST or None, cases=cases, identity_only=secretary)


def _context(request: AuthenticatedHttpRequest, session: Any, **extra: Any) -> dict[str, Any]:
    """The session page: the agenda and the attendance read once; the quorum is computed from
    them (the agenda's diagnoses, the attendees) rather than read again."""
    secretary = sessions.is_board_secretary(request.user, session.board)
    rows = selectors.agenda(session, request.user, secretary=secretary)
    _row_urls(session, rows)
    attendance = selectors.attendance(session)
    quorum = sessions.session_quorum(
        session,
        attendees=sessions.attendees_of(session, attendance),
        agenda_codes=[
            row.item.case.diagnosis.icd10 if row.item.case.diagnosis else None for row in rows
        ],
    )
    names = {str(a.professional_id): a.professional.full_name for a in attendance}
    is_member = sessions.is_board_member(request.user, session.board)
    return {
        "session": session,
        "board": session.board,
        "rows": rows,
        "quorum": quorum,
        "shortfalls": [sessions.describe_shortfall(s) for s in quorum.shortfalls],
        "roles_filled": [(code, names.get(key, "")) for code, key in quorum.roles.items()],
        "attendance": attendance,
        "is_member": is_member,
        "can_organise": secretary or is_member,
        "is_chair": sessions.is_chair(request.user, session),
        "site_times": _site_times(session),
        "attendance_form": extra.pop("attendance_form", None) or AttendanceForm(session=session),
        "add_form": extra.pop("add_form", None)
        or AgendaAddForm(
            cases=selectors.ready_cases(session, request.user, secretary=secretary),
            identity_only=secretary,
        ),
        **extra,
    }


def _row_urls(session: Any, rows: list[selectors.AgendaRow]) -> None:
    """Each agenda row's links (its case panel, up, down, remove): reversed once for the page
    with a placeholder item, then filled in per row, instead of four ``{% url %}`` per row."""
    marker = str(uuid.UUID(int=0))
    patterns = {
        "panel": reverse("boards:case_panel", args=[session.pk, marker]),
        **{
            action: reverse("boards:agenda_item", args=[session.pk, marker, action])
            for action in ("up", "down", "remove")
        },
    }
    for row in rows:
        item = str(row.item.pk)
        row.urls = {key: url.replace(marker, item) for key, url in patterns.items()}


def _audit_agenda(request: AuthenticatedHttpRequest, rows: list, add_form: Any = None) -> None:
    """The agenda's identified patients, and the cases offered for the agenda (the board
    secretary sees those by name and birth date: a read of patient data, audited)."""
    candidates: list[str] = []
    if add_form is not None:
        candidates = sorted(
            {
                str(pk)
                for pk in add_form.fields["case"].queryset.values_list("patient_id", flat=True)
            }
        )
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        details={
            "what": "session agenda",
            "patients": sorted({str(r.item.case.patient_id) for r in rows if r.identified}),
            "candidates": candidates,
        },
    )


@login_required
def session_detail(request: AuthenticatedHttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = selectors.session_get(session_id)
    context = _context(request, session)
    _audit_agenda(
        request, context["rows"], context["add_form"] if context["can_organise"] else None
    )
    return render(request, "boards/session.html", context)


def _visible_item(
    request: AuthenticatedHttpRequest, session: Any, item_id: uuid.UUID
) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.select_related("case__patient", "case__board", "case__diagnosis"),
        pk=item_id,
        session=session,
    )
    row = next((r for r in selectors.agenda(session, request.user) if r.item.pk == item.pk), None)
    if row is None or not row.visible:
        raise Http404
    return item


@login_required
def case_panel(
    request: AuthenticatedHttpRequest, session_id: uuid.UUID, item_id: uuid.UUID
) -> HttpResponse:
    """One case on one screen: summary, attachments, decision form (or the decision)."""
    session = selectors.session_get(session_id)
    item = _visible_item(request, session, item_id)
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        patient_id=item.case.patient_id,
        obj=item.case,
        details={"what": "case in session"},
    )
    found = selectors.case_trials(user=request.user, patient=item.case.patient)
    form = DecisionForm(
        request.POST or None, arm_choices=ArmChoices(found.matching, found.others, found.invitation)
    )
    status = 200
    refreshed: dict[str, Any] | None = None
    if request.method == "POST":
        if form.is_valid():
            try:
                decisions.decision_validate(
                    actor=request.user, item=item, proposal=form.proposal_data()
                )
            except ApplicationError as error:
                add_application_error(form, error)
                status = 400
            else:
                messages.success(
                    request, _("Decision validated; the RCP record and the PPS were generated.")
                )
                if not _htmx(request):
                    return redirect(session.get_absolute_url() + f"#item-{item.pk}")
                item.refresh_from_db()
                refreshed = _context(
                    request, selectors.session_get(session.pk), oob=True, is_htmx=True
                )
        else:
            status = 400
    # The quorum this case needs: its own diagnosis decides the composition.
    case_quorum = sessions.session_quorum(session, item.case)
    context = {
        "session": session,
        "item": item,
        "case": item.case,
        "form": form,
        "decisions": selectors.latest_decisions(item.case),
        "attachments": list(item.case.attachments.all()),
        "is_chair": sessions.is_chair(request.user, session),
        "quorum": case_quorum,
        "case_shortfalls": [sessions.describe_shortfall(x) for x in case_quorum.shortfalls],
        "documents": selectors.documents(item.case),
        "refreshed": refreshed,
        "trials": found,
        "since_submission": selectors.results_since_submission(item.case),
    }
    template = (
        "boards/partials/case_panel.html" if _htmx(request) else "boards/case_in_session.html"
    )
    return render(request, template, context, status=status)


def _after(request: AuthenticatedHttpRequest, session: Any, **extra: Any) -> HttpResponse:
    if _htmx(request):
        return render(
            request,
            "boards/partials/session_body.html",
            _context(request, selectors.session_get(session.pk), **extra),
            status=400 if extra else 200,
        )
    if extra:
        return render(
            request, "boards/session.html", _context(request, session, **extra), status=400
        )
    return redirect(session.get_absolute_url())


@login_required
@require_POST
def attendance_add(request: AuthenticatedHttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = selectors.session_get(session_id)
    form = AttendanceForm(request.POST, session=session)
    if form.is_valid():
        data = form.cleaned_data
        professional = data["professional"]
        member = session.board.members.filter(professional=professional).first()
        held = professional.recognised_specialties
        specialties = (
            list(data["specialties"])
            or [s for s in (member.specialties if member else []) if s in held]
            or sorted(held)
        )
        try:
            sessions.attendance_record(
                actor=request.user,
                session=session,
                professional=professional,
                specialties=specialties,
                mode=data["mode"],
                site=data.get("site"),
            )
            return _after(request, session)
        except ApplicationError as error:
            add_application_error(form, error)
    return _after(request, session, attendance_form=form)


@login_required
@require_POST
def attendance_delete(
    request: AuthenticatedHttpRequest, session_id: uuid.UUID, attendance_id: uuid.UUID
) -> HttpResponse:
    session = selectors.session_get(session_id)
    attendance = get_object_or_404(Attendance, pk=attendance_id, session=session)
    try:
        sessions.attendance_remove(actor=request.user, attendance=attendance)
    except ApplicationError as error:
        messages.error(request, error.message)
    return _after(request, session)


@login_required
@require_POST
def agenda_add(request: AuthenticatedHttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = selectors.session_get(session_id)
    form = _add_form(request, session, sessions.is_board_secretary(request.user, session.board))
    if form.is_valid():
        try:
            sessions.agenda_add(
                actor=request.user,
                session=session,
                case=form.cleaned_data["case"],
                minutes=form.cleaned_data.get("minutes"),
            )
            return _after(request, session)
        except ApplicationError as error:
            add_application_error(form, error)
    return _after(request, session, add_form=form)


@login_required
@require_POST
def agenda_item_action(
    request: AuthenticatedHttpRequest, session_id: uuid.UUID, item_id: uuid.UUID, action: str
) -> HttpResponse:
    session = selectors.session_get(session_id)
    item = get_object_or_404(AgendaItem, pk=item_id, session=session, outcome=ItemOutcome.PENDING)
    try:
        if action == "remove":
            sessions.agenda_remove(actor=request.user, item=item)
        elif action in ("up", "down"):
            sessions.agenda_move(
                actor=request.user,
                item=item,
                position=item.position + (-1 if action == "up" else 1),
            )
        elif action == "move":
            form = AgendaMoveForm(request.POST)
            if form.is_valid():
                sessions.agenda_move(
                    actor=request.user, item=item, position=form.cleaned_data["position"]
                )
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, error.message)
    return _after(request, session)


@login_required
@require_POST
def session_transition(
    request: AuthenticatedHttpRequest, session_id: uuid.UUID, action: str
) -> HttpResponse:
    session = selectors.session_get(session_id)
    try:
        if action == "open":
            sessions.session_open(actor=request.user, session=session)
            messages.success(request, _("Session opened."))
        elif action == "close":
            _closed, carried = sessions.session_close(actor=request.user, session=session)
            messages.success(
                request,
                ngettext(
                    "Session closed; %(count)s case carried over to the next session.",
                    "Session closed; %(count)s cases carried over to the next session.",
                    len(carried),
                )
                % {"count": len(carried)},
            )
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(session.get_absolute_url())
