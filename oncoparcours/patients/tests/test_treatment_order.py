"""The record's treatments section lists the treatments in course first, then the ended ones,
on SQLite and on PostgreSQL alike (PostgreSQL sorts an empty end date last by default)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.testing.factories import TreatmentCourseFactory

pytestmark = pytest.mark.django_db


def test_treatments_in_course_come_before_ended_ones(clinician_client, patient):
    today = timezone.localdate()
    TreatmentCourseFactory(
        patient=patient,
        regimen="ARRETE-RECENT",
        started_on=today - dt.timedelta(days=30),
        ended_on=today - dt.timedelta(days=2),
        end_reason="completed",
    )
    TreatmentCourseFactory(
        patient=patient, regimen="EN-COURS-ANCIEN", started_on=today - dt.timedelta(days=90)
    )
    page = clinician_client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert page.index("EN-COURS-ANCIEN") < page.index("ARRETE-RECENT")
