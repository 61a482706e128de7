"""Board list and calendar, board page, statistics, my cases."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from oncoparcours.core.audit import audit_record
from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.models import AuditAction

from .. import selectors
from ..services.boards import board_compositions
from ..services.sessions import can_organise, is_board_member, sessions_plan


@login_required
def board_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    boards = selectors.boards_overview()
    return render(
        request,
        "boards/boards.html",
        {
            "boards": boards,
            "sessions": selectors.upcoming_sessions(days=45)[:40],
        },
    )


@login_required
def board_detail(request: AuthenticatedHttpRequest, board_id: uuid.UUID) -> HttpResponse:
    board = selectors.board_get(board_id)
    member = is_board_member(request.user, board)
    incomplete = list(selectors.incomplete_cases(board, request.user)[:30]) if member else []
    if incomplete:
        audit_record(
            actor=request.user,
            action=AuditAction.LIST,
            details={
                "what": "incomplete board cases",
                "patients": sorted({str(c.patient_id) for c in incomplete}),
            },
        )
    return render(
        request,
        "boards/board.html",
        {
            "board": board,
            "is_member": member,
            "can_organise": can_organise(request.user, board),
            "members": board.members.select_related("professional", "site").prefetch_related(
                "professional__additional_specialties"
            ),
            "compositions": board_compositions(board),
            "network_centres": selectors.board_network_centres(board),
            "today": timezone.localdate(),
            "upcoming": selectors.upcoming_sessions(board=board, days=120),
            "past": selectors.past_sessions(board),
            "incomplete": incomplete,
        },
    )


@login_required
@require_POST
def board_plan(request: AuthenticatedHttpRequest, board_id: uuid.UUID) -> HttpResponse:
    board = selectors.board_get(board_id)
    if not can_organise(request.user, board):
        messages.error(request, _("Only members or the secretary of this board can do this."))
    else:
        created = sessions_plan(board=board, count=4)
        messages.success(
            request,
            ngettext("%(count)s session planned.", "%(count)s sessions planned.", len(created))
            % {"count": len(created)},
        )
    return redirect(board.get_absolute_url())


@login_required
def board_statistics(request: AuthenticatedHttpRequest, board_id: uuid.UUID) -> HttpResponse:
    board = selectors.board_get(board_id)
    return render(
        request,
        "boards/statistics.html",
        {
            "board": board,
            "figures": selectors.board_statistics(board),
            "sessions": selectors.sessions_per_month(board),
        },
    )


@login_required
def my_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    cases = list(selectors.my_cases(request.user)[:100])
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        details={"what": "my board cases", "patients": sorted({str(c.patient_id) for c in cases})},
    )
    return render(request, "boards/my_cases.html", {"cases": cases})
