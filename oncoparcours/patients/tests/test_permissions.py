"""Who changes the care team, the identity and the diagnoses, and who submits a board case: each
role of the care team, in the services (refused, nothing changed), on the form pages (403) and
on the record (no link). Rule: oncoparcours/patients/permissions.py."""

import datetime as dt

import pytest
from django.urls import reverse

from oncoparcours.boards.services.cases import may_submit_case
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import Role
from oncoparcours.patients import services
from oncoparcours.patients.models import CareTeamMember, Diagnosis, Staging
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    PatientFactory,
    ProfessionalFactory,
)

# role, profession, specialty, care team role
MEMBERS = {
    "clinician": (Role.CLINICIAN, "physician", "medical_oncology", "organ_specialist"),
    "idec": (Role.COORDINATION_NURSE, "nurse", "coordination_nursing", "coordination_nurse"),
    "idel": (Role.LIBERAL_NURSE, "nurse", "liberal_nursing", "liberal_nurse"),
    "pharmacist": (Role.PHARMACIST, "pharmacist", "hospital_pharmacy", "pharmacist"),
    "efs": (Role.EFS_STAFF, "physician", "transfusion_medicine", "efs_physician"),
}
# What each (non-lead) member may do: care team, identity, diagnosis, board case.
EXPECTED = {
    "clinician": (True, True, True, True),
    "idec": (True, True, False, False),
    "idel": (False, False, False, False),
    "pharmacist": (False, False, False, False),
    "efs": (False, False, False, False),
}


def _member(patient, key, *, lead=False):
    role, profession, specialty, team_role = MEMBERS[key]
    professional = ProfessionalFactory(profession=profession, specialty=specialty, user__role=role)
    CareTeamMemberFactory(patient=patient, professional=professional, role=team_role, is_lead=lead)
    return professional.user


@pytest.fixture
def team(patient):
    gp = CareTeamMemberFactory(patient=patient, is_lead=False, role="gp")
    return {key: _member(patient, key) for key in MEMBERS} | {"gp": gp}


def _try(call):
    try:
        call()
    except ApplicationError:
        return False
    return True


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(MEMBERS))
def test_the_services_follow_the_rule_for_each_role(patient, team, key):
    actor = team[key]
    may_team, may_identity, may_diagnosis, may_case = EXPECTED[key]
    today = dt.date.today()
    gp = team["gp"]
    ended = _try(
        lambda: services.care_team_end(actor=actor, member=gp, end=today, reason="Déménagement")
    )
    assert ended is may_team
    gp.refresh_from_db()
    assert (gp.end is not None) is may_team
    added = _try(
        lambda: services.care_team_add(
            actor=actor, patient=patient, professional=ProfessionalFactory(), role="surgeon"
        )
    )
    assert added is may_team
    assert CareTeamMember.objects.filter(patient=patient, role="surgeon").exists() is may_team
    updated = _try(
        lambda: services.patient_update(
            actor=actor, patient=patient, data={"city": "Vienne"}, reason="Déménagement"
        )
    )
    assert updated is may_identity
    patient.refresh_from_db()
    assert (patient.city == "Vienne") is may_identity
    diagnosis = DiagnosisFactory(patient=patient)
    before = Diagnosis.objects.count()
    entered = _try(
        lambda: services.diagnosis_add(
            actor=actor, patient=patient, icd10="C50.1", diagnosed_on=today
        )
    )
    assert entered is may_diagnosis
    assert Diagnosis.objects.count() == before + int(may_diagnosis)
    staged = _try(
        lambda: services.staging_add(
            actor=actor, diagnosis=diagnosis, kind="c", t="T2", n="N0", m="M0",
            staged_on=today,
        )
    )  # fmt: skip
    assert staged is may_diagnosis
    assert Staging.objects.filter(diagnosis=diagnosis).exists() is may_diagnosis
    assert may_submit_case(actor, patient) is may_case


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(MEMBERS))
def test_the_form_pages_answer_403_and_the_record_hides_the_links(client, patient, team, key):
    may_team, may_identity, may_diagnosis, may_case = EXPECTED[key]
    diagnosis = DiagnosisFactory(patient=patient)
    client.force_login(team[key])
    pages = {
        reverse("patients:care_team_add", args=[patient.pk]): may_team,
        reverse("patients:care_team_end", args=[patient.pk, team["gp"].pk]): may_team,
        reverse("patients:edit", args=[patient.pk]): may_identity,
        reverse("patients:diagnosis_create", args=[patient.pk]): may_diagnosis,
        reverse("patients:staging_create", args=[patient.pk, diagnosis.pk]): may_diagnosis,
        reverse("boards:case_create", args=[patient.pk]): may_case,
    }
    record = client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    # The tumour boards section (its "submit a case" link) loads on its own (issue 19).
    boards = reverse("patients:record_section", args=[patient.pk, "boards"])
    record += client.get(boards, HTTP_HX_REQUEST="true").content.decode()
    for url, allowed in pages.items():
        assert client.get(url).status_code == (200 if allowed else 403), url
        assert (f'href="{url}"' in record) is allowed, url
    # A refused POST changes nothing either.
    response = client.post(
        reverse("patients:care_team_end", args=[patient.pk, team["gp"].pk]),
        {"end": dt.date.today().isoformat(), "reason": "Fin"},
    )
    team["gp"].refresh_from_db()
    assert (team["gp"].end is not None) is may_team, response.status_code


@pytest.mark.django_db
def test_a_lead_liberal_nurse_manages_the_team_and_the_record_she_opened():
    patient = PatientFactory()
    lead = _member(patient, "idel", lead=True)
    gp = CareTeamMemberFactory(patient=patient, is_lead=False, role="gp")
    services.care_team_end(actor=lead, member=gp, end=dt.date.today(), reason="Déménagement")
    services.patient_update(actor=lead, patient=patient, data={"city": "Vienne"}, reason="Adresse")
    services.diagnosis_add(actor=lead, patient=patient, icd10="C50.1", diagnosed_on=dt.date.today())
    assert not may_submit_case(lead, patient)


@pytest.mark.django_db
def test_a_break_glass_access_reads_but_changes_nothing(patient, outsider):
    from django.utils import timezone

    from oncoparcours.patients.models import BreakGlassAccess

    now = timezone.now()
    BreakGlassAccess.objects.create(
        user=outsider.user,
        patient=patient,
        reason="Urgence vitale",
        started_at=now,
        expires_at=now + dt.timedelta(minutes=5),
    )
    gp = CareTeamMemberFactory(patient=patient, is_lead=False, role="gp")
    with pytest.raises(ApplicationError):
        services.care_team_end(
            actor=outsider.user, member=gp, end=dt.date.today(), reason="Urgence"
        )
    with pytest.raises(ApplicationError):
        services.patient_update(actor=outsider.user, patient=patient, data={"city": "Vienne"})
