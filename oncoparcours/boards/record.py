"""The tumour-board section of the patient record, network referral suggestions, and the
timeline entries (cases, decisions)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from oncoparcours.patients.models import Patient
from oncoparcours.patients.record import RecordSection
from oncoparcours.patients.timeline import TimelineEntry

from .models import Decision, Referral
from .selectors import cases_for_patient
from .services.cases import may_submit_case


def boards_section(access: Any, request: Any) -> RecordSection:
    patient = access.patient
    return RecordSection(
        title=_("Tumour boards (RCP)"),
        template="boards/record_section.html",
        context={
            "patient": patient,
            "cases": cases_for_patient(patient.pk),
            "may_submit": may_submit_case(request.user, patient, access),
            "referrals": list(
                Referral.objects.filter(patient=patient).select_related("network", "expert_centre")[
                    :5
                ]
            ),
        },
        order=3,
    )


def timeline_events(patient: Patient) -> Iterable[TimelineEntry]:
    for decision in (
        Decision.objects.filter(case__patient=patient)
        .select_related("case__board")
        .order_by("-validated_at")[:20]
    ):
        yield TimelineEntry(
            decision.validated_at,
            "rcp_decision",
            _("Tumour board decision (%(board)s)") % {"board": decision.case.board},
            decision.get_place_of_care_display(),
            decision.get_absolute_url(),
        )
