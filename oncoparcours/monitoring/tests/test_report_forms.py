"""The report forms ask what each treatment needs (fever duration and blood count on
chemotherapy, chest / muscles / headache on immunotherapy, the relatives' neurological watch after
CAR-T), accept the French decimal comma, and name the field when an answer is wrong."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from oncoparcours.monitoring.models import Report
from oncoparcours.testing.factories import TreatmentCourseFactory

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return reverse("monitoring:self_report", args=[token])


def post(client, token, **answers):
    return client.post(url(token), {"submission_key": str(uuid.uuid4()), **answers})


def test_each_treatment_gets_its_own_questions(client, link_token, patient):
    page = client.get(url(link_token)).content.decode()
    for absent in ("neutrophils_g_per_l", "chest_pain", "neuro_changes"):
        assert f'name="{absent}"' not in page
    TreatmentCourseFactory(patient=patient, kind="chemotherapy")
    page = client.get(url(link_token)).content.decode()
    assert 'name="fever_hours_at_or_above_38"' in page and 'name="neutrophils_g_per_l"' in page
    assert "avant d&#x27;avoir appelé" in page or "avant d'avoir appelé" in page
    TreatmentCourseFactory(patient=patient, kind="immune_checkpoint_inhibitor")
    page = client.get(url(link_token)).content.decode()
    assert all(f'name="{n}"' in page for n in ("chest_pain", "muscle_weakness", "headache"))
    TreatmentCourseFactory(patient=patient, kind="car_t", regimen="Tisagenlecleucel")
    page = client.get(url(link_token)).content.decode()
    assert page.count('name="neuro_changes"') == 6
    assert "écriture" in page  # the handwriting question, in plain French


def test_a_febrile_patient_on_chemotherapy_is_told_to_call_now(client, link_token, patient):
    TreatmentCourseFactory(patient=patient, kind="chemotherapy")
    response = post(client, link_token, temperature_c="38,6", fever_hours_at_or_above_38="2")
    assert response.status_code == 302, response.context["form"].errors
    report = Report.objects.get()
    assert report.observations == {"temperature_c": 38.6, "fever_hours_at_or_above_38": 2.0}
    assert (report.level, report.result["flags"]) == (
        "immediate",
        ["suspected_febrile_neutropenia"],
    )
    done = client.get(response["Location"]).content.decode()
    assert "appelez le service maintenant" in done


def test_a_blood_count_older_than_a_day_never_lowers_the_alert(client, link_token, patient):
    TreatmentCourseFactory(patient=patient, kind="chemotherapy")
    post(
        client,
        link_token,
        temperature_c="38.6",
        neutrophils_g_per_l="2,1",
        neutrophils_when="earlier",
    )
    old = Report.objects.get()
    assert "neutrophils_g_per_l" not in old.observations
    assert old.level == "immediate"
    post(
        client,
        link_token,
        temperature_c="38.6",
        neutrophils_g_per_l="2,1",
        neutrophils_when="today",
    )
    fresh = Report.objects.exclude(pk=old.pk).get()
    assert fresh.observations["neutrophils_g_per_l"] == 2.1
    assert (fresh.level, fresh.result["flags"]) == ("urgent", [])


def test_a_count_without_its_date_is_refused_naming_the_field(client, link_token, patient):
    TreatmentCourseFactory(patient=patient, kind="chemotherapy")
    response = post(client, link_token, temperature_c="38.6", neutrophils_g_per_l="0.4")
    assert response.status_code == 400
    assert "neutrophils_when" in response.context["form"].errors
    assert Report.objects.count() == 0


def test_out_of_range_answers_are_refused_naming_the_field(client, link_token, patient):
    TreatmentCourseFactory(patient=patient, kind="chemotherapy")
    response = post(client, link_token, temperature_c="386", neutrophils_g_per_l="abc")
    assert response.status_code == 400
    assert {"temperature_c", "neutrophils_g_per_l"} <= set(response.context["form"].errors)
    assert Report.objects.count() == 0


def test_immunotherapy_questions_reach_the_flags(client, link_token, patient):
    TreatmentCourseFactory(patient=patient, kind="immune_checkpoint_inhibitor")
    post(client, link_token, chest_pain="mild", headache="moderate")
    report = Report.objects.get()
    assert report.result["flags"] == ["suspected_hypophysitis", "suspected_myocarditis_myositis"]
    assert report.level == "immediate"


def test_the_relative_s_watch_after_car_t(client, link_token, patient):
    TreatmentCourseFactory(patient=patient, kind="car_t", regimen="Axicabtagene ciloleucel")
    response = post(client, link_token, caregiver="on", neuro_changes=["confusion", "tremor"])
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.source, report.observations["neuro_changes"]) == (
        "caregiver",
        ["confusion", "tremor"],
    )
    assert (report.level, report.result["flags"]) == ("immediate", ["icans_screen_positive"])
    seizure = post(client, link_token, caregiver="on", neuro_changes=["seizure_witnessed"])
    assert "15" in client.get(seizure["Location"]).content.decode()
    assert Report.objects.order_by("-submitted_at").first().level == "emergency"
    refused = post(client, link_token, neuro_changes=["sneezing"])
    assert refused.status_code == 400 and "neuro_changes" in refused.context["form"].errors


def test_the_json_twin_names_the_field_of_a_wrong_neurological_answer(client, link_token, patient):
    TreatmentCourseFactory(patient=patient, kind="car_t", regimen="Tisagenlecleucel")
    response = client.post(
        reverse("monitoring:self_report_api", args=[link_token]),
        {
            "submission_key": str(uuid.uuid4()),
            "source": "caregiver",
            "observations": {"neuro_changes": ["tremor", "tremor"]},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "neuro_changes"
    assert Report.objects.count() == 0


def test_the_nurse_visit_records_a_count_and_the_relatives_findings(nurse_client, patient):
    TreatmentCourseFactory(patient=patient, kind="car_t", regimen="Tisagenlecleucel")
    response = nurse_client.post(
        reverse("monitoring:nurse_visit", args=[patient.pk]),
        {
            "submission_key": str(uuid.uuid4()),
            "temperature_c": "38,4",
            "neutrophils_g_per_l": "0,3",
            "neutrophils_when": "today",
            "neuro_changes": ["word_finding_difficulty"],
            "systolic_bp": "95",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    report = Report.objects.get()
    grades = {g["term"]: g["grade"] for g in report.result["grades"]}
    assert grades["febrile_neutropenia"] == 3 and grades["neutrophil_count_decreased"] == 4
    assert report.result["flags"] == ["icans_screen_positive"]
    assert report.vitals == {"systolic_bp": 95}


def test_the_clinician_form_shows_crs_and_icans_only_after_car_t(clinician_client, patient):
    page = clinician_client.get(reverse("monitoring:clinician_assessment", args=[patient.pk]))
    html = page.content.decode()
    assert 'name="ice_orientation"' not in html and 'name="creatinine_x_uln"' in html
    TreatmentCourseFactory(patient=patient, kind="car_t", regimen="Tisagenlecleucel")
    html = clinician_client.get(
        reverse("monitoring:clinician_assessment", args=[patient.pk])
    ).content.decode()
    assert 'name="ice_orientation"' in html and 'name="oxygen"' in html


def test_a_fever_duration_without_a_fever_temperature_asks_for_the_highest_one(
    client, link_token, patient
):
    """5 hours of fever with no temperature (or 37.6 after paracetamol) would grade nothing."""
    TreatmentCourseFactory(patient=patient, kind="chemotherapy")
    for answers in (
        {"fever_hours_at_or_above_38": "5"},
        {"fever_hours_at_or_above_38": "5", "temperature_c": "37,6"},
    ):
        response = post(client, link_token, **answers)
        assert response.status_code == 400
        assert "plus haute" in response.context["form"].errors["temperature_c"][0]
    assert Report.objects.count() == 0


def test_a_low_blood_pressure_or_saturation_must_be_interpreted_by_the_nurse(nurse_client, patient):
    TreatmentCourseFactory(patient=patient, kind="car_t", regimen="Tisagenlecleucel")
    url = reverse("monitoring:nurse_visit", args=[patient.pk])
    base = {"submission_key": str(uuid.uuid4()), "temperature_c": "38,9"}
    refused = nurse_client.post(url, {**base, "systolic_bp": "84", "spo2": "90"})
    assert refused.status_code == 400
    assert {"hypotension", "oxygen"} <= set(refused.context["form"].errors)
    accepted = nurse_client.post(
        url,
        {
            **base,
            "systolic_bp": "84",
            "spo2": "90",
            "hypotension": "fluid_responsive",
            "oxygen": "low_flow_nasal_cannula",
        },
    )
    assert accepted.status_code == 302
    report = Report.objects.get()
    assert report.result["crs"]["grade"] == 2 and report.level == "immediate"


def test_a_staff_count_older_than_a_day_is_kept_out_of_the_grading(nurse_client, patient):
    TreatmentCourseFactory(patient=patient, kind="chemotherapy")
    nurse_client.post(
        reverse("monitoring:nurse_visit", args=[patient.pk]),
        {
            "submission_key": str(uuid.uuid4()),
            "temperature_c": "38,6",
            "neutrophils_g_per_l": "3,2",
            "neutrophils_when": "earlier",
        },
    )
    report = Report.objects.get()
    assert "neutrophils_g_per_l" not in report.observations
    assert report.result["flags"] == ["suspected_febrile_neutropenia"]


def test_peritoneal_signs_are_reachable_from_the_clinical_assessment(clinician_client, patient):
    TreatmentCourseFactory(patient=patient, kind="immune_checkpoint_inhibitor")
    response = clinician_client.post(
        reverse("monitoring:clinician_assessment", args=[patient.pk]),
        {"submission_key": str(uuid.uuid4()), "peritoneal_signs": "on"},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert {g["term"]: g["grade"] for g in report.result["grades"]} == {"colitis": 3}


def test_after_sending_the_patient_sees_the_advice_and_whom_to_call(
    client, link_token, patient, organisation
):
    organisation.phone = "01 99 00 12 34"
    organisation.save()
    TreatmentCourseFactory(patient=patient, kind="car_t", regimen="Tisagenlecleucel")
    response = post(client, link_token, caregiver="on", neuro_changes=["seizure_witnessed"])
    page = client.get(response["Location"]).content.decode()
    assert 'href="tel:15"' in page
    assert "Allongez la personne sur le côté" in page  # the rule's first-aid advice
    assert 'href="tel:0199001234"' in page


# A symptom is never triaged without its grade --------------------------------------------------


def test_skin_symptoms_without_the_rash_extent_are_refused_on_the_patients_page(client, link_token):
    """ "The skin bothers me a lot" with no extent would grade nothing (no alert): refused."""
    for answers in (
        {"rash_symptoms": "moderate_or_severe"},
        {"rash_symptoms": "mild", "rash_bsa_percent": "0"},
    ):
        response = post(client, link_token, **answers)
        assert response.status_code == 400
        assert "peau" in response.context["form"].errors["rash_bsa_percent"][0]
    assert Report.objects.count() == 0


def test_skin_symptoms_without_the_rash_extent_are_refused_on_the_nurse_visit(
    nurse_client, patient
):
    response = nurse_client.post(
        reverse("monitoring:nurse_visit", args=[patient.pk]),
        {"submission_key": str(uuid.uuid4()), "rash_symptoms": "moderate_or_severe"},
    )
    assert response.status_code == 400
    assert "rash_bsa_percent" in response.context["form"].errors
    assert Report.objects.count() == 0


def test_the_json_twin_refuses_a_symptom_without_its_grade(client, link_token):
    for observations, field in (
        ({"rash_symptoms": "moderate_or_severe"}, "rash_bsa_percent"),
        ({"fever_hours_at_or_above_38": 5}, "temperature_c"),
        ({"fever_hours_above_40": 30}, "temperature_c"),
    ):
        response = client.post(
            reverse("monitoring:self_report_api", args=[link_token]),
            {
                "submission_key": str(uuid.uuid4()),
                "source": "patient",
                "observations": observations,
            },
            content_type="application/json",
        )
        assert response.status_code == 400
        assert response.json()["error"]["field"] == field
    assert Report.objects.count() == 0


def test_the_service_refuses_a_symptom_without_its_grade(submit):
    from oncoparcours.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        submit({"rash_symptoms": "moderate_or_severe"}, source="nurse")
    assert refused.value.field == "rash_bsa_percent"
    assert Report.objects.count() == 0


def test_a_neurological_change_sent_for_a_patient_without_car_t_is_refused_not_silenced(
    client, link_token
):
    """The contract raises the relatives' screen only after CAR-T: through the API, a seizure
    seen on another treatment would be stored with no alert. It is refused, saying what to do."""
    response = client.post(
        reverse("monitoring:self_report_api", args=[link_token]),
        {
            "submission_key": str(uuid.uuid4()),
            "source": "caregiver",
            "observations": {"neuro_changes": ["seizure_witnessed"]},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "neuro_changes"
    assert Report.objects.count() == 0
