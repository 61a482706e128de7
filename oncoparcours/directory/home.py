"""Home-page panels of the referential."""

from __future__ import annotations

from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.models import Role
from oncoparcours.core.navigation import HomePanel

from . import selectors
from .models import Organisation, Professional


def expiries_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    user = request.user
    professional = Professional.objects.filter(user=user).first()
    capabilities = []
    if user.role in {Role.ADMINISTRATOR, Role.ARS_EVALUATOR}:
        capabilities = list(selectors.expiring_capabilities()[:10])
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


def my_organisations_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    """Centre managers: their organisations, capability statuses, staff trainings to renew."""
    professional = Professional.objects.filter(user=request.user).first()
    if professional is None:
        return None
    organisation_ids = selectors.organisations_of(professional)
    organisations = list(
        Organisation.objects.filter(pk__in=organisation_ids)
        .prefetch_related("capabilities", "units__capabilities")
        .order_by("name")
    )
    staff_ids = list(
        selectors.staff_of_organisations(organisation_ids).values_list("professional_id", flat=True)
    )
    trainings = list(selectors.expiring_qualifications(professional_ids=staff_ids)[:15])
    return HomePanel(
        title=_("My organisations"),
        template="directory/panels/my_organisations.html",
        context={"organisations": organisations, "trainings": trainings},
        order=20,
    )


def networks_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    return HomePanel(
        title=_("Networks"),
        template="directory/panels/networks.html",
        context={"networks": list(selectors.networks_overview())},
        order=90,
    )
