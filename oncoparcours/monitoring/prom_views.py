"""The care team's PROM pages: a patient's questionnaires (due, answered, missed) and answering
one on the patient's behalf (a nurse on the phone or at home)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.http import AuthenticatedHttpRequest, form_status
from oncoparcours.patients.selectors import patient_get_for_user

from . import prom_catalogue, prom_selectors
from .models import DueStatus, Source
from .prom_forms import PromForm
from .services.proms import prom_answer


@login_required
def questionnaires(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="PROMs")
    rows = prom_selectors.proms_for_patient(access.patient.pk)
    return render(
        request,
        "monitoring/proms.html",
        {
            "patient": access.patient,
            "rows": [
                (row, prom_catalogue.title(row.instrument, row.instrument_version)) for row in rows
            ],
        },
    )


@login_required
def questionnaire(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, due_id: uuid.UUID
) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="PROM")
    due = prom_selectors.prom_get(access.patient.pk, due_id)
    answer = getattr(due, "answer", None)
    form = None
    if due.status == DueStatus.DUE:
        form = PromForm(request.POST or None, due=due)
        if request.method == "POST" and form.is_valid():
            try:
                answer = prom_answer(
                    due=due,
                    answers=form.answers(),
                    source=Source.NURSE,
                    submission_key=form.cleaned_data["submission_key"],
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Answers recorded on the patient's behalf."))
                return redirect("monitoring:prom", patient_id=patient_id, due_id=due_id)
    return render(
        request,
        "monitoring/prom.html",
        {
            "patient": access.patient,
            "due": due,
            "title": prom_catalogue.title(due.instrument, due.instrument_version),
            "intro": prom_catalogue.text(
                prom_catalogue.instrument(due.instrument, due.instrument_version)["intro"]
            ),
            "form": form,
            "answer": answer,
            "lines": prom_selectors.answer_lines(answer, due) if answer else [],
        },
        status=form_status(request) if form is not None else 200,
    )
