"""PROMs in the portal: a due questionnaire on the home page and the questionnaire page, answered
on a phone; a worrying answer shows the follow-up questionnaire and 15 / 3114 (a PROM never raises
an alert); a relative without the questionnaire right never sees it."""

from __future__ import annotations

import datetime as dt
import uuid
from html import unescape

import pytest
from django.utils import timezone

from oncoparcours.monitoring.models import Alert, PromAnswer, QuestionnaireDue
from oncoparcours.monitoring.services.proms import proms_schedule
from oncoparcours.pathways import services as pathways
from oncoparcours.pathways.models import PathwayTemplate

from .test_pages import portal_client
from .test_pages import visible as _visible

pytestmark = pytest.mark.django_db


def visible(html: str) -> str:
    return " ".join(unescape(_visible(html)).split())


CALM = {"getting_about": 1, "self_care": 2, "usual_activities": 2, "pain": 1, "mood": 2}


@pytest.fixture
def due(patient, clinician):
    pathways.pathway_apply(
        template=PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True),
        patient=patient,
        start=timezone.localdate() - dt.timedelta(days=1),
        parameters={},
        actor=clinician.user,
    )
    proms_schedule()
    return QuestionnaireDue.objects.get(patient=patient, instrument="health-status")


def test_the_patient_answers_a_due_questionnaire_from_home(account, due):
    client = portal_client(account)
    home = visible(client.get("/portail/").content.decode())
    assert "Mon état de santé aujourd'hui" in home and "Ma qualité de vie cette semaine" in home
    url = f"/portail/questionnaires/{due.pk}/"
    form = client.get(url).content.decode()
    assert 'inputmode="numeric"' in form and "<legend>Me déplacer" in form
    bad = client.post(url, {**CALM, "overall": "300", "submission_key": uuid.uuid4()})
    assert bad.status_code == 400 and not PromAnswer.objects.exists()
    done = client.post(url, {**CALM, "overall": "75", "submission_key": uuid.uuid4()}, follow=True)
    text = visible(done.content.decode())
    assert "vos réponses ont été envoyées" in text.lower() and "3114" not in text
    assert PromAnswer.objects.get(due=due).source == "patient"
    assert "Mon état de santé aujourd'hui" not in visible(client.get("/portail/").content.decode())


def test_a_worrying_answer_points_to_the_follow_up_questionnaire_and_3114(account, due):
    client = portal_client(account)
    done = client.post(
        f"/portail/questionnaires/{due.pk}/",
        {**CALM, "mood": "5", "overall": "20", "submission_key": uuid.uuid4()},
        follow=True,
    )
    text = visible(done.content.decode())
    assert "3114" in text and "15" in text and "/portail/questionnaire/" in done.content.decode()
    assert not Alert.objects.exists()  # a PROM never raises an alert


def test_a_relative_without_the_questionnaire_right_never_sees_it(caregiver, due):
    client = portal_client(caregiver)
    assert "Mon état de santé" not in client.get("/portail/").content.decode()
    assert client.get(f"/portail/questionnaires/{due.pk}/").status_code in (302, 403, 404)
