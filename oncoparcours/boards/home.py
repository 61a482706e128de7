"""Home panel: my tumour-board cases."""

from __future__ import annotations

from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.navigation import HomePanel

from .selectors import my_cases


def my_cases_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    cases = list(my_cases(request.user)[:8])
    if not cases:
        return None
    return HomePanel(
        title=_("My tumour board cases"),
        template="boards/panels/my_cases.html",
        context={"cases": cases},
        order=3,
    )
