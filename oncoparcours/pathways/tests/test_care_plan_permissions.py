"""Who plans a patient's care (``patients/permissions.py`` ``may_plan_care``): treatments in
course, pathways and a non-objection are for the care team's physicians, coordination nurses and
lead. The other members (liberal nurses, pharmacists, EFS staff) read them, get 403 on the forms,
see no link to them, and may still record a patient's objection."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from oncoparcours.pathways.models import PathwayInstance
from oncoparcours.patients.models import ConsentRecord, TreatmentCourse
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    ProfessionalFactory,
    TreatmentCourseFactory,
)

pytestmark = pytest.mark.django_db

TREATMENT = {"kind": "chemotherapy", "regimen": "FOLFOX", "line": "1", "started_on": "01/10/2026"}


def member(patient, role, specialty, lead=False):
    professional = ProfessionalFactory(user__role=role, specialty=specialty)
    CareTeamMemberFactory(patient=patient, professional=professional, is_lead=lead)
    return professional


@pytest.mark.parametrize("lead", [False, True])
@pytest.mark.parametrize(
    "role,specialty",
    [
        ("liberal_nurse", "liberal_nursing"),
        ("pharmacist", "hospital_pharmacy"),
        ("efs_staff", "haematology"),
    ],
)
def test_other_members_read_the_care_plan_but_cannot_change_it(
    client, instance, template, role, specialty, lead
):
    """Even as the care team's lead (who opened the record): being lead is not enough."""
    patient = instance.patient
    course = TreatmentCourseFactory(patient=patient, regimen="Pembrolizumab")
    client.force_login(member(patient, role, specialty, lead=lead).user)
    record = client.get(patient.get_absolute_url()).content.decode()
    assert template.title in record and "Pembrolizumab" in record  # the sections are read
    forms = {
        reverse("patients:treatment_start", args=[patient.pk]): TREATMENT,
        reverse("patients:treatment_end", args=[patient.pk, course.pk]): {
            "ended_on": dt.date.today().strftime("%d/%m/%Y"),
            "end_reason": "completed",
        },
        reverse("pathways:apply", args=[patient.pk]): {"template": "chemotherapy-cycles"},
        reverse("pathways:refusal", args=[patient.pk]): {},
        reverse("pathways:pause", args=[patient.pk, instance.pk]): {"reason": "hospitalisation"},
        reverse("pathways:end", args=[patient.pk, instance.pk]): {},
        reverse("pathways:phase_advance", args=[patient.pk, instance.pk]): {},
    }
    refused = client.get(reverse("patients:treatment_start", args=[patient.pk]))
    assert "Retour au dossier du patient" in refused.content.decode()
    assert f'href="{patient.get_absolute_url()}"' in refused.content.decode()
    for url, data in forms.items():
        assert url not in record, url
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    detail = client.get(instance.get_absolute_url()).content.decode()
    assert reverse("pathways:pause", args=[patient.pk, instance.pk]) not in detail
    instance.refresh_from_db()
    course.refresh_from_db()
    assert instance.status == "active" and course.ended_on is None
    assert TreatmentCourse.objects.filter(patient=patient).count() == 1
    assert PathwayInstance.objects.filter(patient=patient).count() == 1


def test_the_coordination_nurse_records_a_treatment_and_sees_the_links(
    client, instance, coordination_nurse
):
    patient = instance.patient
    client.force_login(coordination_nurse.user)
    start = reverse("patients:treatment_start", args=[patient.pk])
    record = client.get(patient.get_absolute_url()).content.decode()
    assert start in record and reverse("pathways:apply", args=[patient.pk]) in record
    assert client.post(start, TREATMENT).status_code == 302
    assert TreatmentCourse.objects.get(patient=patient).regimen == "FOLFOX"
    detail = client.get(instance.get_absolute_url()).content.decode()
    assert reverse("pathways:pause", args=[patient.pk, instance.pk]) in detail


def test_any_member_records_an_objection_but_not_a_non_objection(client, patient):
    client.force_login(member(patient, "liberal_nurse", "liberal_nursing").user)
    url = reverse("patients:consent_create", args=[patient.pk])
    decision = {"kind": "data_sharing", "scope": "research", "recorded_on": "01/12/2026"}
    refused = client.post(url, {**decision, "decision": "non_opposition"})
    assert refused.status_code == 400
    assert (
        "non-opposition est enregistrée par les médecins et les infirmières de coordination"
        in refused.context["form"].errors["decision"][0]
    )
    assert not ConsentRecord.objects.filter(patient=patient).exists()
    assert client.post(url, {**decision, "decision": "opposition"}).status_code == 302
    assert ConsentRecord.objects.get(patient=patient).decision == "opposition"


def test_a_break_glass_access_records_no_decision(client, patient):
    from oncoparcours.patients import services

    outsider = ProfessionalFactory(user__role="clinician")
    services.break_glass_open(
        actor=outsider.user, ins=patient.ins, reason="Patient inconscient aux urgences", minutes=30
    )
    client.force_login(outsider.user)
    url = reverse("patients:consent_create", args=[patient.pk])
    assert url not in client.get(patient.get_absolute_url()).content.decode()
    data = {"kind": "data_sharing", "scope": "research", "recorded_on": "01/12/2026"}
    assert client.post(url, {**data, "decision": "opposition"}).status_code == 403
    assert not ConsentRecord.objects.filter(patient=patient).exists()


def test_the_pathway_page_says_its_states_and_pause_reason_in_words(clinician_client, instance):
    patient = instance.patient
    url = reverse("pathways:pause", args=[patient.pk, instance.pk])
    paused = clinician_client.post(url, {"reason": "toxicity", "note": ""}, follow=True)
    page = paused.content.decode()
    assert "Parcours suspendu." in page  # the message is French, as the page title
    assert "(toxicity)" not in page and "active →" not in page and "→ paused" not in page
    assert "(Toxicité)" in page and "(en cours → suspendu)" in page


def test_an_activity_is_cancelled_by_the_planners_or_its_assignee_only(client, instance):
    """A liberal nurse records a visit done, but cancels, reschedules or assigns only what is
    assigned to her (a cancelled CAR-T assessment is final and re-dates the pathway)."""
    patient = instance.patient
    nurse = member(patient, "liberal_nurse", "liberal_nursing")
    first, second = instance.activities.filter(status__in=("planned", "scheduled")).order_by(
        "due_date", "key"
    )[:2]
    second.assigned_to = nurse
    second.save(update_fields=["assigned_to"])
    client.force_login(nurse.user)

    def url(activity, action):
        return reverse(
            "pathways:activity_action", args=[patient.pk, instance.pk, activity.pk, action]
        )

    cancel = {"to": "cancelled", "note": "Patient absent", "version": first.version}
    assert client.get(url(first, "status")).status_code == 403
    assert client.post(url(first, "status"), cancel).status_code == 403
    assert client.get(url(first, "assign")).status_code == 403
    assert client.get(url(first, "done")).status_code == 200
    page = client.get(instance.get_absolute_url()).content.decode()
    assert url(first, "status") not in page and url(second, "status") in page
    assert url(second, "assign") not in page
    assert client.get(url(second, "status")).status_code == 200
    first.refresh_from_db()
    assert first.status in ("planned", "scheduled")


def test_a_pathway_the_patient_follows_is_flagged_before_the_form(clinician_client, instance):
    patient = instance.patient
    url = reverse("pathways:apply", args=[patient.pk])
    chooser = clinician_client.get(url).content.decode()
    assert f'value="{instance.template.code}" disabled' in chooser and "déjà suivi" in chooser
    chosen = clinician_client.get(url, {"template": instance.template.code}).content.decode()
    assert "suit déjà ce parcours" in chosen


def test_the_treatment_form_says_every_error_at_once(client, patient, coordination_nurse):
    client.force_login(coordination_nurse.user)
    url = reverse("patients:treatment_start", args=[patient.pk])
    future = (dt.date.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    refused = client.post(url, {**TREATMENT, "regimen": "", "line": "0", "started_on": future})
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"regimen", "line", "started_on"}
    assert not TreatmentCourse.objects.filter(patient=patient).exists()
