"""The tumour-board section of the patient record, network referral suggestions, and the
timeline entries (cases, decisions)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from oncoparcours.core.choices import label
from oncoparcours.core.url_templates import UrlTemplate
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
    # Plain values (issue 19): the decisions' cases and boards as model instances cost the
    # record ~1 ms; the link (the case's page) from one ``UrlTemplate``.
    case_url = UrlTemplate("boards:case", "patient_id", "case_id")
    for validated_at, place_of_care, case_id, board_short_name, board_name in (
        Decision.objects.filter(case__patient=patient)
        .order_by("-validated_at")
        .values_list(
            "validated_at",
            "place_of_care",
            "case_id",
            "case__board__short_name",
            "case__board__name",
        )[:20]
    ):
        yield TimelineEntry(
            validated_at,
            "rcp_decision",
            # ``str(board)``: its short name, else its name
            _("Tumour board decision (%(board)s)") % {"board": board_short_name or board_name},
            label(Decision, "place_of_care", place_of_care),
            case_url(patient_id=patient.pk, case_id=case_id),
        )
