"""Home panel: my tumour-board cases."""

from __future__ import annotations

from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.navigation import HomePanel

from .selectors import my_cases, secretary_work


def my_cases_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    cases = list(my_cases(request.user)[:8])
    if not cases:
        return None
    return HomePanel(
        title=_("My tumour board cases"),
        template="boards/panels/my_cases.html",
        context={"cases": cases},
        order=3,
        patient_ids=tuple(case.patient_id for case in cases),
    )


def secretary_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    """The board secretary's work: complete cases to place on the next session's agenda."""
    boards = secretary_work(request.user)
    if not boards:
        return None
    return HomePanel(
        title=_("Agendas to prepare"),
        template="boards/panels/secretary.html",
        context={"boards": boards, "waiting": sum(b.ready for b in boards)},
        order=2,
    )
