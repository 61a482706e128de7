from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.http import AuthenticatedHttpRequest, form_status
from oncoparcours.core.models import Role, User

from . import imports, selectors, services
from .forms import (
    ImportForm,
    OrganisationFilterForm,
    ProfessionalFilterForm,
    ProfessionalSpecialtiesForm,
)
from .imports import (
    ORGANISATION_COLUMNS,
    ORGANISATION_OPTIONAL,
    PROFESSIONAL_COLUMNS,
    PROFESSIONAL_OPTIONAL,
)
from .rules import geo

IMPORT_ROLES = {Role.ADMINISTRATOR, Role.CENTRE_MANAGER}


def can_edit_referential(user: User) -> bool:
    return user.role in IMPORT_ROLES or user.is_superuser


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


@login_required
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_search(
        query=filters.get("q", ""), kind=filters.get("kind", ""), region=filters.get("region", "")
    )
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/organisation_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_without_page": _querystring_without_page(request),
        },
    )


@login_required
def organisation_detail(
    request: AuthenticatedHttpRequest, organisation_id: uuid.UUID
) -> HttpResponse:
    organisation = selectors.organisation_detail(organisation_id)
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "organisation": organisation,
            "staff": selectors.organisation_staff(organisation)[:200],
        },
    )


@login_required
def network_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "directory/network_list.html", {"networks": selectors.networks_overview()}
    )


@login_required
def network_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    network = selectors.network_detail(code)
    return render(
        request,
        "directory/network_detail.html",
        {
            "network": network,
            "points": selectors.network_map_points(network),
            "outlines": geo.outline_paths(),
            "frames": geo.FRAMES,
            "map_width": geo.MAP_WIDTH,
            "map_height": geo.MAP_HEIGHT,
        },
    )


@login_required
def professional_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfessionalFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    professionals = selectors.professional_search(
        query=filters.get("q", ""),
        profession=filters.get("profession", ""),
        specialty=filters.get("specialty", ""),
    )
    page = Paginator(professionals, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/professional_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_without_page": _querystring_without_page(request),
        },
    )


@login_required
def professional_detail(
    request: AuthenticatedHttpRequest, professional_id: uuid.UUID
) -> HttpResponse:
    return render(
        request,
        "directory/professional_detail.html",
        {
            "professional": selectors.professional_detail(professional_id),
            "can_edit": can_edit_referential(request.user),
        },
    )


@login_required
def professional_specialties(
    request: AuthenticatedHttpRequest, professional_id: uuid.UUID
) -> HttpResponse:
    if not can_edit_referential(request.user):
        raise PermissionDenied
    professional = selectors.professional_detail(professional_id)
    initial = {
        "specialty": professional.specialty,
        "additional_specialties": [a.specialty for a in professional.additional_specialties.all()],
    }
    form = ProfessionalSpecialtiesForm(
        request.POST or None, professional=professional, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.professional_specialties_set(
                actor=request.user,
                professional=professional,
                specialty=form.cleaned_data["specialty"],
                additional=list(form.cleaned_data["additional_specialties"]),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Specialties recorded."))
            return redirect(reverse("directory:professional", args=[professional.pk]))
    return render(
        request,
        "directory/professional_specialties.html",
        {"professional": professional, "form": form},
        status=form_status(request),
    )


@login_required
def import_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.role not in IMPORT_ROLES and not request.user.is_superuser:
        raise PermissionDenied
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        importer = (
            imports.import_organisations
            if form.cleaned_data["kind"] == "organisations"
            else imports.import_professionals
        )
        try:
            report = importer(content=content, actor=request.user)
        except imports.ImportRefused as refused:
            report = refused.report
    status = 400 if report is not None and not report.ok else 200
    return render(
        request,
        "directory/import.html",
        {
            "form": form,
            "report": report,
            "organisation_columns": (ORGANISATION_COLUMNS, ORGANISATION_OPTIONAL),
            "professional_columns": (PROFESSIONAL_COLUMNS, PROFESSIONAL_OPTIONAL),
            "qualification_codes": _qualification_codes(),
        },
        status=status,
    )


def _qualification_codes() -> list[tuple[str, str]]:
    """The codes an import file may use for qualifications, each with its name."""
    from django.utils.translation import get_language

    from .referential import qualifications_file

    key = "name_en" if (get_language() or "fr").startswith("en") else "name_fr"
    return [(q["code"], q[key]) for q in qualifications_file()["qualifications"]]
