"""An error message is announced with its field: the ids the inputs point to (aria-describedby)
exist on the page, once."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from oncoparcours.testing.factories import TreatmentCourseFactory

pytestmark = pytest.mark.django_db


def described_ids_exist(html: str) -> list[str]:
    problems = []
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        for target in described.split():
            if html.count(f'id="{target}"') != 1:
                problems.append(target)
    return problems


def test_a_staff_form_ties_each_error_to_its_field(clinician_client, patient):
    TreatmentCourseFactory(patient=patient, kind="chemotherapy")
    response = clinician_client.post(
        reverse("monitoring:nurse_visit", args=[patient.pk]),
        {"submission_key": str(uuid.uuid4()), "temperature_c": "386", "systolic_bp": "80"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="id_temperature_c_error"' in html
    assert described_ids_exist(html) == []


def test_the_patient_form_ties_each_error_to_its_question(client, patient, clinician):
    from oncoparcours.monitoring.services import access_link_create

    _link, token = access_link_create(patient=patient, actor=clinician.user, days=5)
    TreatmentCourseFactory(patient=patient, kind="chemotherapy")
    response = client.post(
        reverse("monitoring:self_report", args=[token]),
        {"submission_key": str(uuid.uuid4()), "temperature_c": "abc", "neutrophils_g_per_l": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert described_ids_exist(html) == []
    assert 'id="id_neutrophils_when_error"' in html
