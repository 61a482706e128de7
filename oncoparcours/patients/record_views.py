"""A lazy section of the patient record on its own (issue 19): the htmx fragment the record
loads when the section scrolls into view, or a page of its own for a reader without JavaScript.
Same access rule and audit as the record: 404 outside the care team, one audit event per read."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from oncoparcours.core.http import AuthenticatedHttpRequest

from . import selectors
from .record import section_for


@login_required
@vary_on_headers("HX-Request")
def record_section(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, key: str
) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what=f"record section {key}"
    )
    section = section_for(key, access, request)
    if section is None:
        raise Http404
    fragment = request.headers.get("HX-Request") == "true"
    template = (
        "patients/record/section_fragment.html" if fragment else "patients/record/section_page.html"
    )
    return render(
        request, template, {"patient": access.patient, "access": access, "section": section}
    )
