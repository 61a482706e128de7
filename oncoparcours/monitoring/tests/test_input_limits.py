"""Bad input at the door of home follow-up: over-long comments and bodies, swapped blood
pressures, and the French decimal comma (accepted)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from oncoparcours.core.errors import ApplicationError
from oncoparcours.monitoring.models import Report
from oncoparcours.monitoring.services import report_submit

pytestmark = pytest.mark.django_db


def _visit(**fields):
    return {"submission_key": str(uuid.uuid4()), "fatigue": "relieved_by_rest", **fields}


def test_a_one_megabyte_nurse_visit_comment_is_refused_naming_the_field(nurse_client, patient):
    url = reverse("monitoring:nurse_visit", args=[patient.pk])
    response = nurse_client.post(url, _visit(comment="x" * 1_000_000))
    assert response.status_code == 400
    assert "comment" in response.context["form"].errors
    assert Report.objects.count() == 0


def test_a_body_over_the_request_limit_is_refused(nurse_client, patient):
    """1.5 MB of form data (here in a field the form ignores) is refused before any form."""
    url = reverse("monitoring:nurse_visit", args=[patient.pk])
    response = nurse_client.post(url, _visit(other="y" * 1_500_000))
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_the_service_refuses_a_comment_over_the_column_limit(patient):
    with pytest.raises(ApplicationError) as caught:
        report_submit(
            patient=patient,
            source="nurse",
            observations={"temperature_c": 37.0},
            submission_key=uuid.uuid4(),
            comment="x" * 4001,
        )
    assert "comment" in caught.value.errors
    assert Report.objects.count() == 0


def _api(client, token, body: bytes):
    return client.post(
        reverse("monitoring:self_report_api", args=[token]), body, content_type="application/json"
    )


def test_the_json_api_refuses_a_long_comment_naming_it(client, link_token):
    body = {"submission_key": str(uuid.uuid4()), "observations": {}, "comment": "x" * 2001}
    response = _api(client, link_token, json.dumps(body).encode())
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "comment"
    assert Report.objects.count() == 0


def test_the_json_api_refuses_an_oversized_body(client, link_token):
    body = {"submission_key": str(uuid.uuid4()), "observations": {"x": "y" * 40_000}}
    response = _api(client, link_token, json.dumps(body).encode())
    assert response.status_code == 413
    assert Report.objects.count() == 0


def test_a_nurse_visit_accepts_the_french_decimal_comma(nurse_client, patient):
    url = reverse("monitoring:nurse_visit", args=[patient.pk])
    response = nurse_client.post(
        url, _visit(temperature_c="38,6", weight_kg="61,5", systolic_bp="120", diastolic_bp="70")
    )
    assert response.status_code == 302, response.context["form"].errors
    report = Report.objects.get()
    assert report.observations["temperature_c"] == 38.6
    assert report.vitals["weight_kg"] == 61.5


@pytest.mark.parametrize(("systolic", "diastolic"), [("80", "80"), ("70", "120")])
def test_systolic_at_or_below_diastolic_is_refused_naming_the_field(
    nurse_client, patient, systolic, diastolic
):
    url = reverse("monitoring:nurse_visit", args=[patient.pk])
    response = nurse_client.post(
        url, _visit(systolic_bp=systolic, diastolic_bp=diastolic, hypotension="no")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "systolic_bp" in errors and "diastoli" in str(errors["systolic_bp"]).lower()
    assert Report.objects.count() == 0


def test_the_service_refuses_swapped_pressures(patient):
    with pytest.raises(ApplicationError) as caught:
        report_submit(
            patient=patient,
            source="nurse",
            observations={"temperature_c": 37.0},
            submission_key=uuid.uuid4(),
            vitals={"systolic_bp": 70, "diastolic_bp": 120},
        )
    assert "systolic_bp" in caught.value.errors
