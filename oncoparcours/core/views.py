from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from oncoparcours.core.http import AuthenticatedHttpRequest

from .audit import audit_record
from .models import AuditAction
from .navigation import home_panel_for, home_panel_visible_to, home_panels_for
from .selectors import audit_events_by_actor


@require_POST
def logout_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=AuditAction.LOGOUT)
    logout(request)
    return redirect("core:login")


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": home_panels_for(request)})


@login_required
@vary_on_headers("HX-Request")
def home_panel(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """A lazy home panel on its own: the htmx fragment the home loads right after the page, or a
    page of its own for a reader without JavaScript. An empty fragment when the panel has
    nothing to show (htmx then removes the placeholder)."""
    if not home_panel_visible_to(key, request.user.role):
        raise Http404
    panel = home_panel_for(request, key)
    if panel is not None:
        audit_record(
            actor=request.user,
            action=AuditAction.LIST,
            details={
                "what": f"home {key}",
                "patients": sorted({str(p) for p in panel.patient_ids}),
            },
        )
    if request.headers.get("HX-Request") == "true":
        if panel is None:
            return HttpResponse("")
        return render(
            request,
            "core/home_panel_fragment.html",
            {"panel": panel, "anchor": f"home-{slugify(key)}"},
        )
    return render(request, "core/home_panel_page.html", {"panel": panel, "key": key})


@login_required
def audit_by_user(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    subject, events = audit_events_by_actor(viewer=request.user, subject_id=user_id)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_by_user.html", {"subject": subject, "page_obj": page})
