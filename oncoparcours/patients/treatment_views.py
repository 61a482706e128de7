"""Anticancer treatments in course: the record section and the start/end forms. A treatment in
course decides how home follow-up reports are graded (fever on chemotherapy, CAR-T signs…)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest

from . import permissions, selectors, services
from .forms import TreatmentEndForm, TreatmentStartForm
from .models import TreatmentCourse
from .record import RecordSection
from .views import _form_view


def treatments_section(access: Any, request: Any) -> RecordSection:
    patient = access.patient
    if "treatments" in getattr(patient, "_prefetched_objects_cache", {}):
        # Read by the record page for its timeline too (issue 19), latest started first: the
        # same order as below once the treatments in course are put first (a stable sort).
        courses = sorted(
            patient.treatments.all(), key=lambda c: (c.ended_on is not None, c.ended_on)
        )[:20]
    else:
        # Treatments in course first, on every database (PostgreSQL sorts NULL last by default).
        in_course_first = F("ended_on").asc(nulls_first=True)
        courses = list(patient.treatments.order_by(in_course_first, "-started_on")[:20])
    return RecordSection(
        title=_("Anticancer treatments"),
        template="patients/record/treatments.html",
        context={
            "courses": courses,
            "patient": access.patient,
            "may_plan_care": permissions.may_plan_care(request.user, access),
        },
        order=2,
    )


@login_required
def treatment_start(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="treatment form"
    )
    if not permissions.may_plan_care(request.user, access):
        raise PermissionDenied
    form = TreatmentStartForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: services.treatment_start(actor=request.user, patient=access.patient, **data),
        "patients/simple_form.html",
        {"patient": access.patient, "title": _("Record a treatment in course")},
        access.patient.get_absolute_url(),
        _("Treatment recorded."),
    )


@login_required
def treatment_end(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, treatment_id: uuid.UUID
) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="treatment end form"
    )
    if not permissions.may_plan_care(request.user, access):
        raise PermissionDenied
    course = get_object_or_404(TreatmentCourse, pk=treatment_id, patient=access.patient)
    form = TreatmentEndForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: services.treatment_end(actor=request.user, course=course, **data),
        "patients/simple_form.html",
        {
            "patient": access.patient,
            "title": _("End the treatment: %(treatment)s") % {"treatment": course},
        },
        access.patient.get_absolute_url(),
        _("Treatment end recorded."),
    )
