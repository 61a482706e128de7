"""The pages people use: the patient's self-report (form and JSON), the nurse visit, the inbox and
the alert page."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.monitoring.models import Alert, AlertEvent, Report
from oncoparcours.monitoring.services import access_link_revoke
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    PatientFactory,
    TreatmentCourseFactory,
)

pytestmark = pytest.mark.django_db


def self_report_url(token: str) -> str:
    return reverse("monitoring:self_report", args=[token])


def test_the_self_report_page_opens_with_the_link_and_only_with_it(
    client, link_token, patient, nurse
):
    page = client.get(self_report_url(link_token))
    assert page.status_code == 200
    assert "Jeanne" in page.content.decode()
    assert client.get(self_report_url("not-a-token")).status_code == 404
    link = patient.access_links.get()
    access_link_revoke(link=link, actor=nurse.user)
    assert client.get(self_report_url(link_token)).status_code == 404


def test_an_expired_link_no_longer_works(client, link_token, patient):
    import datetime as dt

    from django.utils import timezone

    patient.access_links.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(self_report_url(link_token)).status_code == 404


def test_the_token_is_not_stored_in_clear(link_token, patient):
    link = patient.access_links.get()
    assert link_token not in link.token_hash


def test_a_self_report_reaches_the_nurse_and_a_double_click_makes_one_report(
    client, link_token, nurse
):
    key = str(uuid.uuid4())
    data = {
        "submission_key": key,
        "stools_over_baseline_per_day": "2",
        "comment": "Un peu fatiguée",
    }
    first = client.post(self_report_url(link_token), data)
    second = client.post(self_report_url(link_token), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Report.objects.count() == 1
    alert = Alert.objects.get()
    assert list(alert.recipients.values_list("professional", flat=True)) == [nurse.pk]
    done = client.get(first["Location"])
    assert "vous rappelle dans les 3 jours" in done.content.decode()  # grade 1: within 72 h


def test_an_emergency_report_tells_the_patient_to_call_15(client, link_token):
    response = client.post(
        self_report_url(link_token),
        {"submission_key": str(uuid.uuid4()), "dyspnea": "life_threatening"},
        follow=True,
    )
    body = response.content.decode()
    assert "Appelez le 15" in body
    assert 'href="tel:15"' in body


def test_a_caregiver_can_answer_for_the_patient(client, link_token):
    client.post(
        self_report_url(link_token),
        {"submission_key": str(uuid.uuid4()), "caregiver": "on", "fatigue": "none"},
    )
    assert Report.objects.get().source == "caregiver"


def test_an_out_of_range_answer_names_the_field_and_saves_nothing(client, link_token):
    response = client.post(
        self_report_url(link_token), {"submission_key": str(uuid.uuid4()), "temperature_c": "60"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["temperature_c"]
    assert Report.objects.count() == 0


# --- JSON ---------------------------------------------------------------------------------------


def post_json(client, token: str, body: object):
    return client.post(
        reverse("monitoring:self_report_api", args=[token]),
        json.dumps(body),
        content_type="application/json",
    )


def test_the_json_api_is_idempotent_and_returns_the_advice(client, link_token):
    body = {"submission_key": str(uuid.uuid4()), "observations": {"temperature_c": 39.5}}
    first = post_json(client, link_token, body)
    again = post_json(client, link_token, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["report"] == again.json()["report"]
    assert first.json()["level"] == "urgent"
    assert Report.objects.count() == 1
    assert (first["Cache-Control"], first["Pragma"]) == ("no-store", "no-cache")


@pytest.mark.parametrize(
    ("observations", "field"),
    [
        ({"temperature_c": 60}, "temperature_c"),
        ({"stools_over_baseline_per_day": -2}, "stools_over_baseline_per_day"),
        (
            {"ice": {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 11}},
            "ice_attention",
        ),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"temperature_c": "hot"}, "temperature_c"),
    ],
)
def test_the_json_api_refuses_bad_input_naming_the_field(client, link_token, observations, field):
    response = post_json(
        client, link_token, {"submission_key": str(uuid.uuid4()), "observations": observations}
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert Report.objects.count() == 0


def test_the_json_api_refuses_a_missing_key_and_an_unknown_link(client, link_token):
    response = post_json(client, link_token, {"observations": {}})
    assert (response.status_code, response.json()["error"]["field"]) == (400, "submission_key")
    assert post_json(client, "nope", {"submission_key": str(uuid.uuid4())}).status_code == 404


# --- staff pages --------------------------------------------------------------------------------


def test_a_nurse_visit_records_vitals_and_observations(nurse_client, patient):
    url = reverse("monitoring:nurse_visit", args=[patient.pk])
    response = nurse_client.post(
        url,
        {
            "submission_key": str(uuid.uuid4()),
            "temperature_c": "38.6",
            "systolic_bp": "105",
            "diastolic_bp": "60",
            "heart_rate": "102",
            "spo2": "95",
            "weight_kg": "61.5",
            "fatigue": "relieved_by_rest",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.source == "nurse"
    assert report.vitals == {
        "systolic_bp": 105,
        "diastolic_bp": 60,
        "heart_rate": 102,
        "spo2": 95,
        "weight_kg": 61.5,
    }
    assert report.observations["temperature_c"] == 38.6


@pytest.fixture
def on_car_t(patient):
    return TreatmentCourseFactory(
        patient=patient, kind="car_t", regimen="axicabtagene ciloleucel", started_on=today(-3)
    )


def today(days: int = 0) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_a_partial_ice_score_is_refused_item_by_item(clinician_client, patient, on_car_t):
    url = reverse("monitoring:clinician_assessment", args=[patient.pk])
    response = clinician_client.post(
        url, {"submission_key": str(uuid.uuid4()), "ice_orientation": "4", "ice_naming": "3"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"ice_commands", "ice_writing", "ice_attention"} <= set(errors)
    assert Report.objects.count() == 0


def test_a_clinician_assessment_grades_crs_and_icans(clinician_client, patient, on_car_t):
    url = reverse("monitoring:clinician_assessment", args=[patient.pk])
    response = clinician_client.post(
        url,
        {
            "submission_key": str(uuid.uuid4()),
            "days_since_infusion": "3",
            "temperature_c": "39.2",
            "hypotension": "fluid_responsive",
            "ice_orientation": "3",
            "ice_naming": "3",
            "ice_commands": "1",
            "ice_writing": "1",
            "ice_attention": "0",
            "consciousness": "awake",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.result["crs"]["grade"] == 2
    assert (report.result["icans"]["grade"], report.result["icans"]["ice_score"]) == (1, 8)
    assert report.level == "immediate"


def test_the_inbox_shows_my_alerts_most_pressing_first(nurse_client, submit, patient):
    routine = submit({"stools_over_baseline_per_day": 2}).alert
    other = PatientFactory()
    CareTeamMemberFactory(
        patient=other, professional=patient.care_team.get(is_lead=True).professional
    )
    submit({"stools_over_baseline_per_day": 2}, patient=other)  # not the nurse's patient
    response = nurse_client.get(reverse("monitoring:inbox"))
    assert [a.pk for a in response.context["page_obj"]] == [routine.pk]
    assert (
        nurse_client.get(reverse("monitoring:inbox"), {"level": "urgent"})
        .context["page_obj"]
        .paginator.count
        == 0
    )


def test_the_inbox_orders_by_level_and_filters_overdue(clinician_client, submit):
    urgent = submit({"stools_over_baseline_per_day": 5}).alert
    immediate = submit({"rash_bsa_percent": 40, "rash_symptoms": "moderate_or_severe"}).alert
    page = clinician_client.get(reverse("monitoring:inbox")).context["page_obj"]
    assert [a.pk for a in page] == [immediate.pk, urgent.pk]
    overdue = clinician_client.get(reverse("monitoring:inbox"), {"overdue": "on"}).context[
        "page_obj"
    ]
    assert list(overdue) == []
    emergency = submit({"dyspnea": "life_threatening"}).alert  # respond within 0 minutes
    page = clinician_client.get(reverse("monitoring:inbox")).context["page_obj"]
    assert [a.pk for a in page] == [emergency.pk, immediate.pk, urgent.pk]
    overdue = clinician_client.get(reverse("monitoring:inbox"), {"overdue": "on"}).context[
        "page_obj"
    ]
    assert [a.pk for a in overdue] == [emergency.pk]


def test_the_inbox_query_count_does_not_grow_with_alerts(
    clinician_client, submit, django_assert_max_num_queries
):
    for _ in range(3):
        submit({"stools_over_baseline_per_day": 5})
    with django_assert_max_num_queries(12) as few:
        clinician_client.get(reverse("monitoring:inbox"))
    for _ in range(20):
        submit({"stools_over_baseline_per_day": 5})
    with django_assert_max_num_queries(len(few.captured_queries)):
        clinician_client.get(reverse("monitoring:inbox"))


def test_the_inbox_pages_hold_every_alert_once_in_rank_order(clinician_client, submit):
    """The inbox reads a page as ranked ids, then those alerts: no alert lost or repeated
    between pages, and each carries its state."""
    urgent = [submit({"stools_over_baseline_per_day": 5}).alert for _ in range(50)]
    immediate = submit({"rash_bsa_percent": 40, "rash_symptoms": "moderate_or_severe"}).alert
    first = clinician_client.get(reverse("monitoring:inbox")).context["page_obj"]
    second = clinician_client.get(reverse("monitoring:inbox"), {"page": 2}).context["page_obj"]
    assert first.paginator.count == 51
    assert first[0].pk == immediate.pk
    shown = [a.pk for a in first] + [a.pk for a in second]
    assert len(shown) == 51 and set(shown) == {a.pk for a in urgent} | {immediate.pk}
    assert all(a.acknowledged is False and a.step == 0 for a in second)


def test_acknowledge_then_resolve_from_the_alert_page(clinician_client, submit, clinician):
    alert = submit({"rash_bsa_percent": 40, "rash_symptoms": "moderate_or_severe"}).alert
    url = alert.get_absolute_url()
    assert (
        clinician_client.post(url, {"do": "acknowledge", "note": "Je rappelle"}).status_code == 302
    )
    page = clinician_client.get(url).content.decode()
    assert '<option value="" selected>—</option>' in page  # nothing recorded by default
    unchosen = clinician_client.post(url, {"do": "resolve", "action": "", "note": "x"})
    assert unchosen.status_code == 400 and unchosen.context["resolve_form"].errors["action"]
    refused = clinician_client.post(url, {"do": "resolve", "action": "consultation"})
    assert refused.status_code == 400
    assert refused.context["resolve_form"].errors["note"]
    done = clinician_client.post(
        url, {"do": "resolve", "action": "er_referral", "note": "Adressée aux urgences"}
    )
    assert done.status_code == 302
    kinds = list(AlertEvent.objects.filter(alert=alert).values_list("kind", "actor"))
    assert kinds == [
        ("notified", None),
        ("acknowledged", clinician.user.pk),
        ("resolved", clinician.user.pk),
    ]


def test_follow_up_page_shows_the_trend_and_query_count_is_bounded(
    clinician_client, submit, patient, django_assert_max_num_queries
):
    for temperature in (37.0, 38.2, 39.4):
        submit({"temperature_c": temperature})
    with django_assert_max_num_queries(20) as few:
        page = clinician_client.get(reverse("monitoring:follow_up", args=[patient.pk]))
    body = page.content.decode()
    assert "<svg" in body and "39.4" in body.replace(",", ".")
    for _ in range(15):
        submit({"temperature_c": 38.5})
    with django_assert_max_num_queries(len(few.captured_queries)):
        clinician_client.get(reverse("monitoring:follow_up", args=[patient.pk]))


# Who was told, truthfully (safety review) -------------------------------------------------------


def _emergency_page(client, token):
    response = client.post(
        self_report_url(token),
        {"submission_key": str(uuid.uuid4()), "dyspnea": "life_threatening"},
        follow=True,
    )
    return response.content.decode()


def test_the_emergency_page_says_who_was_really_told(client, link_token):
    body = _emergency_page(client, link_token)
    assert "Une alerte a été envoyée à un médecin de votre équipe de soins." in body
    assert "prévenu" not in body and "a aussi été alerté" not in body
    assert ">Appeler le 15</a>" in body


def test_without_a_physician_the_emergency_page_does_not_claim_one_was_told(
    client, nurse, organisation
):
    from oncoparcours.monitoring.services import access_link_create
    from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

    alone = PatientFactory(expert_centre=organisation)
    CareTeamMemberFactory(patient=alone, professional=nurse, role="coordination_nurse")
    _link, token = access_link_create(patient=alone, actor=nurse.user, days=30)
    body = _emergency_page(client, token)
    assert "Une alerte a été envoyée à votre équipe de soins." in body
    assert "médecin de garde" not in body and "médecin d'astreinte" not in body
    assert "Appelez le 15" in body


def test_the_alert_page_says_when_and_to_whom_the_next_escalation_goes(
    clinician_client, submit, patient
):
    from oncoparcours.monitoring.services import escalate_overdue_alerts

    from .conftest import later

    alert = submit({"stools_over_baseline_per_day": 5}).alert  # urgent: 24 h, then on-call
    url = reverse("monitoring:alert", args=[patient.pk, alert.pk])
    body = clinician_client.get(url).content.decode()
    assert "Sans prise en charge, l'alerte est transmise à : médecin d&#x27;astreinte" in body
    assert "(escalade 1 sur 3)" in body
    minutes = 24 * 60 + 1
    for _ in range(3):
        escalate_overdue_alerts(now=later(minutes))
        minutes += 121
    body = clinician_client.get(url).content.decode()
    assert "La dernière escalade a été faite (3 sur 3)" in body
    assert "personne d'autre ne sera prévenu automatiquement" in body


def test_an_escalation_to_a_role_nobody_holds_says_so_in_the_history(submit, nurse, organisation):
    from oncoparcours.monitoring.services import escalate_overdue_alerts
    from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

    from .conftest import later

    alone = PatientFactory(expert_centre=organisation)
    CareTeamMemberFactory(patient=alone, professional=nurse, role="coordination_nurse")
    alert = submit({"fatigue": "relieved_by_rest"}, patient=alone).alert  # routine, then oncologist
    escalate_overdue_alerts(now=later(3 * 24 * 60 + 1))
    note = AlertEvent.objects.get(alert=alert, kind="escalated").note
    assert "non joint" in note and "oncologue" in note


def test_a_worrying_comment_shows_the_advice_and_3114_and_is_flagged_for_the_team(
    client, link_token, nurse
):
    response = client.post(
        self_report_url(link_token),
        {"submission_key": str(uuid.uuid4()), "comment": "j'en peux plus, je veux en finir"},
        follow=True,
    )
    body = response.content.decode()
    assert "Votre commentaire mentionne un signe d'alerte" in body
    assert 'href="tel:3114"' in body and 'href="tel:15"' in body
    assert "Si cela s'aggrave : appelez votre équipe de soins, n'écrivez pas." in body
    assert "nouveau message" not in body and "autre message" not in body
    report = Report.objects.get()
    assert [sign["category"] for sign in report.comment_warning_signs] == ["suicide"]
    client.force_login(nurse.user)
    staff = client.get(report.get_absolute_url()).content.decode()
    assert "Commentaire inquiétant" in staff and "idées de suicide" in staff
    # The wording is true: a worrying comment alone raises an urgent alert (comment-alert.yaml).
    assert report.alert.level == "immediate"  # self-harm words (comment-alert 2026.3)
    assert "ne déclenche pas d'alerte" not in body and "ne déclenche pas d'alerte" not in staff
    assert "contient des mots qui nous inquiètent : votre équipe de soins est prévenue" in body
    assert "déclenche à lui seul une alerte" in staff


def test_an_emergency_with_a_worrying_comment_keeps_one_call_15_button(client, link_token):
    body = client.post(
        self_report_url(link_token),
        {
            "submission_key": str(uuid.uuid4()),
            "dyspnea": "life_threatening",
            "comment": "j'etouffe",
        },
        follow=True,
    ).content.decode()
    assert body.count('href="tel:15"') == 1
    assert "Votre commentaire mentionne un signe d'alerte" in body


def test_a_plain_comment_is_not_flagged(client, link_token):
    client.post(
        self_report_url(link_token),
        {"submission_key": str(uuid.uuid4()), "comment": "Merci pour tout"},
    )
    assert Report.objects.get().comment_warning_signs == []


def alerts_panel(response):
    return next(p for p in response.context["panels"] if p.template.endswith("panels/alerts.html"))


def test_the_home_alert_panel_counts_open_alerts_and_lists_the_first_unacknowledged(
    clinician_client, clinician, submit, nurse
):
    """Counts per level and unacknowledged, and the first six unacknowledged alerts in the
    inbox's rank, from one ranking of the open alerts."""
    from oncoparcours.monitoring.selectors import RankedAlerts, inbox
    from oncoparcours.monitoring.services import alert_acknowledge, alert_resolve

    urgent = [submit({"stools_over_baseline_per_day": 5}).alert for _ in range(8)]
    immediate = submit({"rash_bsa_percent": 40, "rash_symptoms": "moderate_or_severe"}).alert
    emergency = submit({"dyspnea": "life_threatening"}).alert
    for alert in urgent[:2]:
        alert_acknowledge(alert=alert, actor=nurse.user)
    alert_resolve(alert=urgent[7], actor=clinician.user, action="consultation", note="vu")
    stranger = PatientFactory()  # not in the clinician's care team
    submit({"stools_over_baseline_per_day": 5}, patient=stranger)

    panel = alerts_panel(clinician_client.get(reverse("core:home")))
    assert panel.context["counts"] == {
        "urgent": 7,
        "immediate": 1,
        "emergency": 1,
        "unacknowledged": 7,
    }
    assert panel.context["severe"] == 2
    shown = [a.pk for a in panel.context["alerts"]]
    assert shown[:2] == [emergency.pk, immediate.pk]
    assert set(shown[2:]) <= {a.pk for a in urgent[2:7]} and len(shown) == 6
    ranked = RankedAlerts(inbox(user=clinician.user, status="unacknowledged"))[:6]
    assert shown == [a.pk for a in ranked]
    assert all(a.patient.pk == emergency.patient_id for a in panel.context["alerts"])

    # Fewer unacknowledged alerts than the panel shows: only those, the counts unchanged.
    for alert in urgent[2:7]:
        alert_acknowledge(alert=alert, actor=nurse.user)
    panel = alerts_panel(clinician_client.get(reverse("core:home")))
    assert [a.pk for a in panel.context["alerts"]] == [emergency.pk, immediate.pk]
    assert panel.context["counts"] == {
        "urgent": 7,
        "immediate": 1,
        "emergency": 1,
        "unacknowledged": 2,
    }


def test_the_home_alert_panel_reads_the_alerts_in_two_queries(clinician_client, submit):
    """The open alerts ranked once (counts and first ids together), then the rows shown; the
    same two queries whatever the number of alerts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def home_queries() -> tuple[int, int]:
        """The home's queries, and those reading the alerts."""
        with CaptureQueriesContext(connection) as captured:
            assert clinician_client.get(reverse("core:home")).status_code == 200
        queries = [q["sql"] for q in captured.captured_queries]
        return len(queries), sum('"monitoring_alert"' in sql for sql in queries)

    assert home_queries()[1] == 1  # none open: no panel
    submit({"stools_over_baseline_per_day": 5})
    total, alerts = home_queries()
    assert alerts == 2
    for _ in range(12):
        submit({"stools_over_baseline_per_day": 5})
    assert home_queries() == (total, 2)


def test_the_record_section_s_open_alerts_are_those_of_the_alerts_with_their_state(
    clinician, submit, nurse, patient
):
    """``patient_open_alerts`` (the record's follow-up section, issue 19) gives the unresolved
    ones among the latest ten of ``patient_alerts``, with the same acknowledgement."""
    from oncoparcours.monitoring.selectors import patient_alerts, patient_open_alerts
    from oncoparcours.monitoring.services import alert_acknowledge, alert_resolve

    alerts = [submit({"stools_over_baseline_per_day": 5}).alert for _ in range(12)]
    for alert in alerts[9:11]:
        alert_acknowledge(alert=alert, actor=nurse.user)
    for alert in (alerts[11], alerts[3]):
        alert_resolve(alert=alert, actor=clinician.user, action="consultation", note="vu")
    submit({"stools_over_baseline_per_day": 5}, patient=PatientFactory())  # another patient
    expected = [
        (a.pk, a.acknowledged) for a in patient_alerts(patient.pk, limit=10) if not a.resolved
    ]
    shown = [(a.pk, a.acknowledged) for a in patient_open_alerts(patient.pk, among_latest=10)]
    assert shown == expected
    assert len(shown) == 8 and sum(acknowledged for _pk, acknowledged in shown) == 2
