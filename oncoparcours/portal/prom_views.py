"""The patient's PROM questionnaires in the portal: answer one that is due (a relative with the
questionnaire right answers as a relative), then a thank-you page that, when an answer is
worrying, points to the follow-up questionnaire and the emergency numbers — a PROM never raises
an alert."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.http import form_status
from oncoparcours.monitoring import prom_catalogue, prom_selectors
from oncoparcours.monitoring.models import DueStatus
from oncoparcours.monitoring.prom_forms import PromForm
from oncoparcours.monitoring.services.proms import prom_answer

from . import selectors
from .models import AccountKind
from .session import portal_required
from .views import _account, _base


@portal_required("questionnaires")
def prom(request: HttpRequest, due_id: uuid.UUID) -> HttpResponse:
    account = _account(request)
    due = prom_selectors.prom_get(account.patient_id, due_id)
    if due.status == DueStatus.ANSWERED:
        return redirect("portal:prom_done", due_id=due.pk)
    if due.status != DueStatus.DUE or due.due_on > timezone.localdate():
        raise Http404
    form = PromForm(request.POST or None, due=due)
    if request.method == "POST" and form.is_valid():
        try:
            prom_answer(
                due=due,
                answers=form.answers(),
                source="patient" if account.is_patient else AccountKind.CAREGIVER,
                submission_key=form.cleaned_data["submission_key"],
                actor_label=account.actor_label,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("portal:prom_done", due_id=due.pk)
    selectors.audit_read(account, "portal PROM form", due)
    instrument = prom_catalogue.instrument(due.instrument, due.instrument_version)
    return render(
        request,
        "portal/prom.html",
        _base(
            request,
            due=due,
            form=form,
            title=prom_catalogue.text(instrument["title"]),
            intro=prom_catalogue.text(instrument["intro"]),
        ),
        status=form_status(request),
    )


@portal_required("questionnaires")
def prom_done(request: HttpRequest, due_id: uuid.UUID) -> HttpResponse:
    account = _account(request)
    due = prom_selectors.prom_get(account.patient_id, due_id)
    answer = getattr(due, "answer", None)
    if answer is None:
        raise Http404
    selectors.audit_read(account, "portal PROM answered", due)
    return render(
        request,
        "portal/prom_done.html",
        _base(
            request,
            worrying=bool(answer.worrying),
            remaining=prom_selectors.proms_open(account.patient_id),
        ),
    )
