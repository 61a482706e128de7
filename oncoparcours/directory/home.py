"""Home-page panels of the referential."""

from __future__ import annotations

from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.models import Role
from oncoparcours.core.navigation import HomePanel

from . import selectors
from .models import Professional


def expiries_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    user = request.user
    professional = Professional.objects.filter(user=user).first()
    capabilities = []
    if user.role in {Role.ADMINISTRATOR, Role.ARS_EVALUATOR}:
        capabilities = list(selectors.expiring_capabilities()[:10])
    elif user.role == Role.CENTRE_MANAGER and professional:
        capabilities = list(
            selectors.expiring_capabilities(
                organisation_ids=selectors.organisations_of(professional)
            )[:10]
        )
    qualifications = []
    if professional:
        qualifications = list(
            selectors.expiring_qualifications(professional_ids=[professional.pk])[:10]
        )
    if not capabilities and not qualifications:
        return None
    return HomePanel(
        title=_("Accreditations and trainings to renew"),
        template="directory/panels/expiries.html",
        context={"capabilities": capabilities, "qualifications": qualifications},
        order=80,
    )


def networks_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    return HomePanel(
        title=_("Networks"),
        template="directory/panels/networks.html",
        context={"networks": list(selectors.networks_overview())},
        order=90,
    )
