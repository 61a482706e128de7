"""Generated text agrees in French (issue 14): grading criteria with decimal commas and "à"
ranges, "Aucun" for a masculine symptom, the nurse's own title on the report page."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from oncoparcours.monitoring.labels import CRITERION_LABELS, criterion_text
from oncoparcours.monitoring.report_forms import NurseVisitForm
from oncoparcours.monitoring.services import report_submit
from oncoparcours.patients.models import CareTeamMember
from oncoparcours.testing.factories import ProfessionalFactory, UserFactory


@pytest.mark.parametrize(
    ("criterion", "words"),
    [
        ("38.0-39.0 °C", "38,0 à 39,0 °C"),
        (">39.0-40.0 °C", "> 39,0 à 40,0 °C"),
        (">ULN-3.0 x ULN", "> LSN à 3,0 × LSN"),
        ("2.5-4.0 unknown", "2,5 à 4,0 unknown"),  # not listed: numbers still French
    ],
)
def test_grading_criteria_read_with_french_numbers(criterion, words):
    with translation.override("fr"):
        assert criterion_text(criterion) == words


def test_every_criterion_of_the_grading_rules_has_french_words():
    with translation.override("fr"):
        for criterion in CRITERION_LABELS:
            text = criterion_text(criterion)
            assert text != criterion or not any(c.isalpha() for c in criterion), criterion
            assert not any(w in text for w in ("ULN", "ADL", "stools", "BSA")), text


def test_none_agrees_with_a_masculine_symptom():
    with translation.override("fr"):
        form = NurseVisitForm()
        vomiting = dict(form.fields["vomiting"].choices)  # type: ignore[attr-defined]
        pain = dict(form.fields["abdominal_pain"].choices)  # type: ignore[attr-defined]
        assert str(vomiting["none"]) == "Aucun"  # Vomissements
        assert str(pain["none"]) == "Aucune"  # Douleur abdominale


@pytest.mark.django_db
def test_the_report_page_gives_the_nurse_her_own_title(client, patient):
    nurse = ProfessionalFactory(
        profession="nurse",
        specialty="hospital_nursing",
        civility="mme",
        user=UserFactory(username="ide-mme", role="coordination_nurse"),
    )
    CareTeamMember.objects.create(patient=patient, professional=nurse, role="coordination_nurse")
    submitted = report_submit(
        patient=patient,
        source="nurse",
        observations={"temperature_c": 38.5},
        submission_key=uuid.uuid4(),
        reporter=nurse.user,
    )
    client.force_login(nurse.user)
    url = reverse("monitoring:report", args=[patient.pk, submitted.report.pk])
    page = client.get(url).content.decode()
    assert "Infirmière ·" in page
    assert "38,0 à 39,0 °C" in page and "38.0-39.0" not in page
