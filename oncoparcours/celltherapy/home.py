"""Home panel of pharmacists: unacknowledged temperature excursions of their tanks."""

from __future__ import annotations

from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.navigation import HomePanel

from .selectors import open_excursions_for


def excursions_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    excursions = list(open_excursions_for(request.user)[:8])
    if not excursions:
        return None
    return HomePanel(
        title=_("Cryostorage temperature excursions"),
        template="celltherapy/panels/excursions.html",
        context={"excursions": excursions},
        order=2,
    )


def efs_today_panel(request: AuthenticatedHttpRequest) -> HomePanel:
    """EFS staff: today's sessions at their centres (done, under way, coming) and the requests
    waiting, with the way to the day grid."""
    from .efs_selectors import today_at_centres

    today = today_at_centres(request.user)
    return HomePanel(
        title=_("Today at the EFS centre"),
        template="celltherapy/panels/efs_today.html",
        context={"today": today},
        order=1,
    )
