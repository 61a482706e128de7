"""PROMs: instruments read and scored from their data files, questionnaires created on the
programme's schedule (once), missed after their window, answered by the patient or a nurse
(append-only), completion rates in one query."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.core.errors import ApplicationError
from oncoparcours.monitoring import prom_catalogue, prom_selectors
from oncoparcours.monitoring.models import DueStatus, PromAnswer, QuestionnaireDue
from oncoparcours.monitoring.rules import proms as rules
from oncoparcours.monitoring.services.proms import prom_answer, proms_schedule

HEALTH = prom_catalogue.instrument("health-status")
QOL = prom_catalogue.instrument("quality-of-life")
CALM = {"getting_about": 1, "self_care": 1, "usual_activities": 2, "pain": 2, "mood": 1}


def test_every_scheduled_instrument_exists_and_has_a_source():
    plan = prom_catalogue.schedules()
    assert plan["source"]["document"]
    for programme in plan["programmes"].values():
        for code in programme["instruments"]:
            assert prom_catalogue.instrument(code)["source"]["licence"]


@pytest.mark.parametrize(
    ("raw", "errors"),
    [
        ({**CALM, "overall": "80"}, {}),
        ({**CALM, "overall": ""}, {"overall": "required"}),
        ({**CALM, "overall": "101"}, {"overall": "range"}),
        ({**CALM, "overall": "huit"}, {"overall": "range"}),
        ({**CALM, "pain": "6", "overall": "50"}, {"pain": "choice"}),
        ({"overall": "50"}, dict.fromkeys(CALM, "required")),
    ],
)
def test_answers_are_read_with_a_reason_per_bad_item(raw, errors):
    assert rules.read_answers(HEALTH, raw)[1] == errors


@pytest.mark.parametrize(
    ("instrument", "answers", "score", "worrying"),
    [
        (HEALTH, {**CALM, "overall": 70}, 70, []),
        (HEALTH, {**CALM, "pain": 4, "overall": 40}, 40, ["pain"]),
        (HEALTH, {**CALM, "pain": 3, "mood": 5, "overall": 40}, 40, ["mood"]),
        (QOL, dict.fromkeys(QOL["scale_items"], 1) | {"overall": 9}, 100, []),
        (QOL, dict.fromkeys(QOL["scale_items"], 5) | {"overall": 0}, 0, ["mood"]),
        (QOL, dict.fromkeys(QOL["scale_items"], 3) | {"mood": 4, "overall": 5}, 46, ["mood"]),
    ],
)
def test_score_and_worrying_items(instrument, answers, score, worrying):
    assert rules.score(instrument, answers) == score
    assert rules.worrying(instrument, answers) == worrying


def test_occurrences_at_inclusion_every_four_weeks_and_at_each_sequence_end():
    start = dt.date(2026, 1, 5)
    programme = prom_catalogue.schedules()["programmes"]["home-immunotherapy"]
    found = rules.occurrences(
        programme,
        start=start,
        today=dt.date(2026, 3, 10),
        sequence_ends=[("sequence-1", dt.date(2026, 3, 1)), ("sequence-2", dt.date(2026, 9, 1))],
    )
    assert [(o.key, o.due_on) for o in found] == [
        ("inclusion", start),
        ("every-28d-1", dt.date(2026, 2, 2)),
        ("every-28d-2", dt.date(2026, 3, 2)),
        ("end-sequence-1", dt.date(2026, 3, 1)),
    ]
    ended = rules.occurrences(
        programme, start=start, today=dt.date(2026, 6, 1), ended_on=dt.date(2026, 2, 10)
    )
    assert [o.key for o in ended] == ["inclusion", "every-28d-1"]
    assert rules.occurrences(programme, start=start, today=dt.date(2026, 1, 4)) == []


# --- with the database -------------------------------------------------------------------------


@pytest.fixture
def home_pathway(patient, clinician):
    from oncoparcours.pathways.models import PathwayTemplate
    from oncoparcours.pathways.services import pathway_apply

    return pathway_apply(
        template=PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True),
        patient=patient,
        start=timezone.localdate() - dt.timedelta(days=2),
        parameters={},
        actor=clinician.user,
    )


@pytest.fixture
def due(home_pathway):
    proms_schedule()
    return QuestionnaireDue.objects.get(pathway_instance=home_pathway, instrument="health-status")


@pytest.mark.django_db
def test_the_schedule_creates_each_questionnaire_once_then_closes_it_as_missed(home_pathway):
    today = timezone.localdate()
    assert proms_schedule(today=today).created == 2  # both instruments at inclusion
    assert proms_schedule(today=today).created == 0  # run again: nothing new
    rows = QuestionnaireDue.objects.filter(pathway_instance=home_pathway)
    assert {(r.instrument, r.occurrence, r.status) for r in rows} == {
        ("health-status", "inclusion", "due"),
        ("quality-of-life", "inclusion", "due"),
    }
    assert rows[0].closes_on == home_pathway.start_date + dt.timedelta(days=7)
    assert [d.instrument for d in prom_selectors.proms_open(home_pathway.patient_id)] == [
        "health-status",
        "quality-of-life",
    ]
    later = proms_schedule(today=today + dt.timedelta(days=6))
    assert later.missed == 2 and later.created == 0
    assert set(rows.values_list("status", flat=True)) == {"missed"}


@pytest.mark.django_db
def test_a_pathway_without_schedule_or_a_deceased_patient_gets_no_questionnaire(
    home_pathway, patient
):
    type(patient).objects.filter(pk=patient.pk).update(deceased_on=timezone.localdate())
    assert proms_schedule().created == 0


@pytest.mark.django_db
def test_bad_answers_name_the_item_and_change_nothing(due):
    with pytest.raises(ApplicationError) as raised:
        prom_answer(
            due=due,
            answers={**CALM, "overall": "150"},
            source="patient",
            submission_key=uuid.uuid4(),
        )
    assert list(raised.value.errors) == ["overall"]
    due.refresh_from_db()
    assert due.status == DueStatus.DUE and not PromAnswer.objects.exists()


@pytest.mark.django_db
def test_an_answer_is_stored_once_and_a_closed_questionnaire_refuses_another(due):
    key = uuid.uuid4()
    answers = {**CALM, "mood": 4, "overall": 35}
    first = prom_answer(due=due, answers=answers, source="patient", submission_key=key)
    assert prom_answer(due=due, answers=answers, source="patient", submission_key=key) == first
    assert (first.score, first.worrying) == (35, ["mood"])
    due.refresh_from_db()
    assert due.status == DueStatus.ANSWERED and due.answered_at is not None
    with pytest.raises(ApplicationError, match="ne peut plus être rempli"):
        prom_answer(due=due, answers=answers, source="nurse", submission_key=uuid.uuid4())
    with pytest.raises(PermissionError):
        PromAnswer.objects.filter(pk=first.pk).update(score=99)


@pytest.mark.django_db
def test_the_nurse_answers_on_the_patients_behalf(nurse_client, nurse, patient, due):
    url = reverse("monitoring:prom", kwargs={"patient_id": patient.pk, "due_id": due.pk})
    page = nurse_client.get(url)
    assert "Douleur ou inconfort du corps" in page.content.decode()
    bad = nurse_client.post(url, {**CALM, "submission_key": uuid.uuid4()})
    assert bad.status_code == 400
    assert "Merci de répondre à cette question." in bad.content.decode()
    done = nurse_client.post(
        url, {**CALM, "pain": 5, "overall": 30, "submission_key": uuid.uuid4()}, follow=True
    )
    answer = PromAnswer.objects.get(due=due)
    assert (answer.source, answer.reporter, answer.worrying) == ("nurse", nurse.user, ["pain"])
    body = done.content.decode()
    assert "30 / 100" in body
    listing = nurse_client.get(reverse("monitoring:proms", kwargs={"patient_id": patient.pk}))
    assert "Mon état de santé aujourd&#x27;hui" in listing.content.decode()


@pytest.mark.django_db
def test_completion_rates_per_centre_and_instrument_in_one_query(due, django_assert_num_queries):
    prom_answer(
        due=due, answers={**CALM, "overall": 60}, source="patient", submission_key=uuid.uuid4()
    )
    with django_assert_num_queries(1):
        rows = prom_selectors.prom_completion()
    by_instrument = {row.instrument: row for row in rows}
    health = by_instrument["Mon état de santé aujourd'hui"]
    assert (health.asked, health.answered, health.missed, health.open, health.rate) == (
        1,
        1,
        0,
        0,
        100,
    )
    quality = by_instrument["Ma qualité de vie cette semaine"]
    assert (quality.open, quality.rate) == (1, None)
