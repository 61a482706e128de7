from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from oncoparcours.core.http import AuthenticatedHttpRequest

from .audit import audit_record
from .models import AuditAction
from .navigation import home_panels_for
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
def audit_by_user(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    subject, events = audit_events_by_actor(viewer=request.user, subject_id=user_id)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_by_user.html", {"subject": subject, "page_obj": page})
