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


def _answer(due, values, overall):
    from oncoparcours.monitoring.services.proms import prom_answer

    return prom_answer(
        due=due,
        answers={**values, "overall": overall},
        source="patient",
        submission_key=uuid.uuid4(),
        actor_label="Jeanne Moreau (patient)",
    )


def _worrying_notices():
    from oncoparcours.core.notifications.models import Notification

    return Notification.objects.filter(kind="prom_worrying")


def test_the_worst_ability_level_notifies_the_coordination_nurse_once(account, due, nurse):
    answer = _answer(due, {**CALM, "self_care": 5}, 60)
    assert answer.worrying == ["self_care"]
    (notice,) = _worrying_notices()
    assert notice.recipient_user == nurse.user and list(notice.chain) == ["in_app"]
    assert "Moreau" not in str(notice.context)  # no name, no answer
    assert not Alert.objects.exists()
    # The same form sent twice: one answer, still one notice.
    from oncoparcours.monitoring.services.proms import prom_answer

    again = prom_answer(
        due=due,
        answers={**CALM, "self_care": 5, "overall": 60},
        source="patient",
        submission_key=answer.submission_key,
    )
    assert again.pk == answer.pk and _worrying_notices().count() == 1


def test_a_calm_answer_notifies_nobody_and_a_big_drop_does(account, due, nurse):
    _answer(due, CALM, 80)
    assert not _worrying_notices().exists()
    second = QuestionnaireDue.objects.create(
        patient=due.patient,
        pathway_instance=due.pathway_instance,
        organisation=due.organisation,
        instrument=due.instrument,
        instrument_version=due.instrument_version,
        occurrence="every-28d-1",
        due_on=timezone.localdate(),
        closes_on=timezone.localdate() + dt.timedelta(days=7),
    )
    _answer(second, CALM, 59)  # 80 → 59: a drop of 21 points (threshold 20)
    assert _worrying_notices().count() == 1


def test_without_nurse_nor_lead_the_oncologist_then_the_on_call_is_told_else_it_is_recorded(
    account, due, nurse, clinician
):
    """Safer reading (2026-12-04 review): a worrying answer is never told to nobody silently."""
    from oncoparcours.core.models import AuditEvent
    from oncoparcours.monitoring.models import OnCallShift
    from oncoparcours.patients.models import CareTeamMember
    from oncoparcours.testing.factories import ProfessionalFactory, UserFactory

    team = CareTeamMember.objects.filter(patient=due.patient)
    team.filter(professional=nurse).delete()
    team.filter(professional=clinician).update(is_lead=False, role="referring_oncologist")
    _answer(due, {**CALM, "self_care": 5}, 60)
    assert [n.recipient_user for n in _worrying_notices()] == [clinician.user]

    team.delete()  # nobody in the care team: the centre's on-call physician
    doctor = ProfessionalFactory(
        organisation=due.patient.expert_centre, user=UserFactory(role="clinician")
    )
    now = timezone.now()
    shift = OnCallShift.objects.create(
        organisation=due.patient.expert_centre,
        role="on_call_physician",
        professional=doctor,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=12),
    )
    _answer(_next_due(due, "every-28d-1"), {**CALM, "self_care": 5}, 60)
    assert _worrying_notices().filter(recipient_user=doctor.user).count() == 1

    # On the rota without an account: told by e-mail at the directory address.
    CareTeamMember.objects.filter(patient=due.patient).delete()
    no_account = ProfessionalFactory(
        organisation=due.patient.expert_centre, user=None, email="garde@centre.invalid"
    )
    shift.professional = no_account
    shift.save()
    _answer(_next_due(due, "every-28d-3"), {**CALM, "self_care": 5}, 60)
    mailed = _worrying_notices().filter(recipient_user=None).get()
    assert mailed.email == "garde@centre.invalid" and mailed.channel == "email"
    shift.professional = doctor
    shift.save()

    CareTeamMember.objects.filter(patient=due.patient).delete()  # the on-call access too
    shift.delete()
    third = _answer(_next_due(due, "every-28d-2"), {**CALM, "self_care": 5}, 60)
    assert _worrying_notices().count() == 3
    event = AuditEvent.objects.get(details__event="prom_worrying_nobody_told")
    assert event.object_id == str(third.pk) and event.patient_id == due.patient_id


def _next_due(due, occurrence):
    return QuestionnaireDue.objects.create(
        patient=due.patient,
        pathway_instance=due.pathway_instance,
        organisation=due.organisation,
        instrument=due.instrument,
        instrument_version=due.instrument_version,
        occurrence=occurrence,
        due_on=timezone.localdate(),
        closes_on=timezone.localdate() + dt.timedelta(days=7),
    )


def test_the_thresholds_are_in_the_data_files():
    from oncoparcours.monitoring import prom_catalogue

    health = prom_catalogue.instrument("health-status", 1)
    assert health["worrying_drop"] == 20
    ability = {i["key"]: i.get("worrying_from") for i in health["items"]}
    assert ability["getting_about"] == ability["self_care"] == ability["usual_activities"] == 5
    assert prom_catalogue.instrument("quality-of-life", 1)["worrying_drop"] == 15
