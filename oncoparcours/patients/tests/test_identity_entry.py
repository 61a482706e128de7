"""Entering an identity: each trait checked with a message naming the field, nothing saved on a
refusal; homonyms refused until the user confirms a different person (audited)."""

import datetime as dt

import pytest
from django.urls import reverse

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.patients import services
from oncoparcours.patients.models import Patient, list_label
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory, valid_ins

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1957, 3, 12)


def entry(**changes):
    data = {
        "ins": valid_ins("F", BIRTH, "37"),
        "birth_last_name": "Dupont",
        "first_names": "Marie Hélène",
        "birth_date": BIRTH,
        "sex": "F",
        "birth_place_code": "37261",
        "postcode": "37000",
        "phone": "06 12 34 56 78",
    }
    return data | changes


def test_a_valid_entry_is_stored_in_rniv_capitals_and_e164(clinician):
    patient = services.patient_create(actor=clinician.user, data=entry(used_first_name="Élise"))
    patient.refresh_from_db()
    assert (patient.birth_last_name, patient.first_names, patient.used_first_name) == (
        "DUPONT",
        "MARIE HELENE",
        "ELISE",
    )
    assert patient.phone == "+33612345678"
    assert patient.label == "DUPONT Marie Helene (12/03/1957)"
    # Lists that read columns rather than models (the worklist) print the same label.
    assert (
        list_label(
            birth_last_name=patient.birth_last_name,
            used_last_name=patient.used_last_name,
            first_names=patient.first_names,
            birth_date=patient.birth_date,
        )
        == patient.label
    )
    married = {
        "birth_last_name": "DUPONT",
        "used_last_name": "MARTIN",
        "first_names": "MARIE-CLAIRE",
    }
    assert list_label(**married, birth_date=BIRTH) == "MARTIN Marie-Claire (12/03/1957)"
    assert Patient(**married, birth_date=BIRTH).label == "MARTIN Marie-Claire (12/03/1957)"


INS_1957_F_37 = valid_ins("F", BIRTH, "37")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"sex": ""}, "sex", "vide"),
        ({"birth_last_name": "Dupont2"}, "birth_last_name", "chiffres"),
        ({"first_names": "Marie."}, "first_names", "lettres"),
        ({"used_last_name": "Martin & Cie"}, "used_last_name", "lettres"),
        ({"birth_date": dt.date(2999, 1, 1)}, "birth_date", "futur"),
        ({"birth_date": dt.date(1899, 12, 31)}, "birth_date", "1900"),
        ({"birth_place_code": "7505"}, "birth_place_code", "5 caractères"),
        ({"birth_place_code": "96001"}, "birth_place_code", "code commune INSEE"),
        ({"postcode": "3700"}, "postcode", "5 chiffres"),
        ({"postcode": "97800"}, "postcode", "code postal français"),
        ({"phone": "06 12 34"}, "phone", "10 chiffres"),
        ({"phone": "+44 20 7946 0958"}, "phone", "+33"),
        ({"ins": INS_1957_F_37[:13] + "00"}, "ins", "clé"),
        ({"sex": "M"}, "ins", "sexe"),
        ({"birth_date": dt.date(1957, 4, 12)}, "ins", "année et au mois"),
    ],
)
def test_each_wrong_trait_is_refused_naming_the_field(clinician, changes, field, words):
    data = entry(ins=INS_1957_F_37) | changes
    with pytest.raises(ApplicationError) as refused:
        services.patient_create(actor=clinician.user, data=data)
    assert field in refused.value.errors
    assert words.lower() in " ".join(refused.value.errors[field]).lower()
    assert not Patient.objects.exists()


def _nia(first_digit: str) -> str:
    """A temporary number (NIA) for a person born in March 1957 in Indre-et-Loire."""
    from oncoparcours.core.rules.identifiers import ins_key

    body = f"{first_digit}570337200100"
    return body + f"{ins_key(body):02d}"


def test_a_temporary_number_is_checked_against_the_sex_like_an_ins(clinician):
    with pytest.raises(ApplicationError) as refused:
        services.patient_create(actor=clinician.user, data=entry(ins=_nia("8"), sex="M"))
    assert "sexe" in " ".join(refused.value.errors["ins"]).lower()
    assert not Patient.objects.exists()
    patient = services.patient_create(actor=clinician.user, data=entry(ins=_nia("8"), sex="F"))
    assert patient.ins == _nia("8")


def test_a_corsican_ins_and_an_overseas_phone_are_accepted(clinician):
    ins = valid_ins("M", BIRTH, "2A")
    patient = services.patient_create(
        actor=clinician.user,
        data=entry(ins=ins, sex="M", birth_place_code="2A004", phone="0696 12 34 56"),
    )
    assert patient.ins == ins and patient.phone == "+596696123456"


def test_an_unchanged_legacy_name_is_not_rewritten_on_edit(clinician, patient):
    Patient.objects.filter(pk=patient.pk).update(first_names="Hélène", phone="06 11 22 33 44")
    patient.refresh_from_db()
    services.patient_update(
        actor=clinician.user,
        patient=patient,
        data={"first_names": "Hélène", "phone": "06 11 22 33 44", "city": "Tours"},
        reason="moved",
    )
    patient.refresh_from_db()
    assert (patient.first_names, patient.phone, patient.city) == (
        "Hélène",
        "06 11 22 33 44",
        "Tours",
    )
    with pytest.raises(ApplicationError) as refused:
        services.patient_update(actor=clinician.user, patient=patient, data={"phone": "12"})
    assert "phone" in refused.value.errors


# Homonyms -----------------------------------------------------------------------------------


def test_a_homonym_in_my_care_team_is_shown_and_needs_a_confirmation(clinician_client, clinician):
    mine = PatientFactory(birth_last_name="DUPONT", first_names="Marie Claire", birth_date=BIRTH)
    CareTeamMemberFactory(patient=mine, professional=clinician)
    form = {key: str(value) for key, value in entry(ins="").items()} | {
        "birth_last_name": "dupont",
        "first_names": "marie",
    }
    refused = clinician_client.post(reverse("patients:create"), form)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "DUPONT Marie Claire (12/03/1957)" in body
    assert "homonym_confirmed" in refused.context["form"].errors
    assert Patient.objects.count() == 1
    assert AuditEvent.objects.filter(
        patient_id=mine.pk, action="view", details__what="homonym warning"
    ).exists()

    saved = clinician_client.post(reverse("patients:create"), form | {"homonym_confirmed": "on"})
    assert saved.status_code == 302
    created = Patient.objects.exclude(pk=mine.pk).get()
    event = AuditEvent.objects.get(patient_id=created.pk, action="create")
    assert event.details["homonym_confirmed"] is True
    assert event.details["homonyms_shown"] == [str(mine.pk)]


def test_a_homonym_outside_my_care_teams_is_only_mentioned(clinician_client):
    hidden = PatientFactory(
        birth_last_name="Dupont", first_names="Marie", birth_date=BIRTH, city="Secretville"
    )
    form = {key: str(value) for key, value in entry(ins="").items()}
    refused = clinician_client.post(reverse("patients:create"), form)
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "autre équipe de soins" in body and "identitovigilance" in body
    assert str(hidden.pk) not in body and "Secretville" not in body and hidden.ins not in body
    assert refused.context["homonyms"].visible == []
    saved = clinician_client.post(reverse("patients:create"), form | {"homonym_confirmed": "on"})
    assert saved.status_code == 302
    event = AuditEvent.objects.filter(action="create").latest("id")
    assert event.details["homonyms_elsewhere"] == 1 and event.details["homonyms_shown"] == []


@pytest.mark.parametrize(
    "other",
    [
        {"birth_last_name": "LEROY", "first_names": "Marie"},
        {"birth_last_name": "Dupont", "first_names": "Paul"},
        {"birth_last_name": "Dupont", "first_names": "Marie", "birth_date": dt.date(1957, 3, 13)},
    ],
)
def test_different_names_or_birth_dates_are_not_homonyms(clinician, other):
    PatientFactory(**({"birth_date": BIRTH} | other))
    assert services.patient_create(actor=clinician.user, data=entry())


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ({}, {"birth_last_name": "DUPOND", "first_names": "MARIE"}),
        ({}, {"birth_last_name": "DUPONT", "first_names": "ANNE MARIE"}),
        ({}, {"birth_last_name": "MARTIN", "first_names": "MARIE", "used_last_name": "DUPONT"}),
        ({"birth_last_name": "Saint-Pierre"}, {"birth_last_name": "ST PIERRE"}),
        ({"birth_last_name": "N'Diaye"}, {"birth_last_name": "NDIAYE"}),
        ({"first_names": "Jean-Pierre"}, {"first_names": "JEAN PIERRE"}),
        ({"birth_last_name": "Martin", "used_last_name": "Dupont"}, {}),
    ],
)
def test_a_likely_duplicate_written_differently_needs_the_confirmation(clinician, typed, recorded):
    """RNIV search before creating: birth date + the first letters of the names, so that
    accents, separators, abbreviations, compound first names or a birth name typed as the used
    name do not hide the record already there."""
    names = {"birth_last_name": "DUPONT", "first_names": "MARIE HELENE"} | recorded
    PatientFactory(birth_date=BIRTH, **names)
    with pytest.raises(services.HomonymWarning):
        services.patient_create(actor=clinician.user, data=entry(**typed))
    assert Patient.objects.count() == 1


def test_the_duplicate_search_costs_the_same_queries_whatever_the_patients_born_that_day(
    clinician,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oncoparcours.patients.selectors import identity_homonyms

    candidate = Patient(birth_last_name="DUPONT", first_names="MARIE", birth_date=BIRTH)
    PatientFactory(birth_last_name="DUPONT", first_names="MARIE", birth_date=BIRTH)
    identity_homonyms(user=clinician.user, patient=candidate)  # the user's own caches filled
    with CaptureQueriesContext(connection) as few:
        identity_homonyms(user=clinician.user, patient=candidate)
    for letter in "ABCDE":
        PatientFactory(birth_last_name=f"DUPONT{letter}", first_names="MARIE", birth_date=BIRTH)
        PatientFactory(birth_last_name="LEROY", first_names="PAUL", birth_date=BIRTH)
    with CaptureQueriesContext(connection) as many:
        found = identity_homonyms(user=clinician.user, patient=candidate)
    assert len(many.captured_queries) == len(few.captured_queries) <= 4
    assert found.elsewhere + len(found.visible) == 6


def test_editing_a_name_into_a_homonym_needs_the_confirmation(clinician, patient):
    PatientFactory(birth_last_name="Durand", first_names="Jeanne", birth_date=patient.birth_date)
    data = {"birth_last_name": "Durand"}
    with pytest.raises(services.HomonymWarning):
        services.patient_update(actor=clinician.user, patient=patient, data=data, reason="typo")
    services.patient_update(
        actor=clinician.user, patient=patient, data=data, reason="typo", homonym_confirmed=True
    )
    patient.refresh_from_db()
    assert patient.birth_last_name == "DURAND"


def test_the_creation_form_starts_without_a_sex(clinician_client):
    body = clinician_client.get(reverse("patients:create")).content.decode()
    select = body[body.index('name="sex"') : body.index("</select>", body.index('name="sex"'))]
    assert '<option value="" selected>—</option>' in select
    assert "selected" not in select.replace('<option value="" selected>', "")


def test_the_edit_page_keeps_an_unchanged_old_name_and_refuses_a_new_wrong_one(
    clinician_client, patient
):
    Patient.objects.filter(pk=patient.pk).update(birth_last_name="Moreau1")
    url = reverse("patients:edit", args=[patient.pk])
    form = {
        "birth_last_name": "Moreau1",
        "first_names": patient.first_names,
        "birth_date": patient.birth_date.isoformat(),
        "sex": patient.sex,
        "ins": patient.ins,
        "departement": patient.departement,
    }
    moved = {"city": "Lyon", "correction_reason": "moved"}
    assert clinician_client.post(url, form | moved).status_code == 302
    refused = clinician_client.post(url, form | {"first_names": "Jeanne2"})
    # The missing reason for the correction is reported in the same round.
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"first_names", "correction_reason"}


def test_every_problem_of_a_new_identity_is_reported_in_one_round(clinician_client, clinician):
    """A cold try-out found errors coming in three rounds (form, then service, then homonyms):
    the sex left empty, a wrong INS, a wrong postcode, phone and birth place and a homonym are
    all reported by the first submission, and nothing is saved."""
    mine = PatientFactory(birth_last_name="DUPONT", first_names="Marie", birth_date=BIRTH)
    CareTeamMemberFactory(patient=mine, professional=clinician)
    wrong_ins = INS_1957_F_37[:-2] + f"{(int(INS_1957_F_37[-2:]) + 1) % 97:02d}"
    form = {key: str(value) for key, value in entry().items()} | {
        "sex": "",
        "ins": wrong_ins,
        "postcode": "3700",
        "phone": "12",
        "birth_place_code": "96001",
    }
    refused = clinician_client.post(reverse("patients:create"), form)
    assert refused.status_code == 400
    errors = refused.context["form"].errors
    assert {"sex", "ins", "postcode", "phone", "birth_place_code", "homonym_confirmed"} <= set(
        errors
    )
    assert refused.context["homonyms"].visible == [mine]
    body = refused.content.decode()
    assert "DUPONT Marie (12/03/1957)" in body
    assert "::" not in body and ": :" not in body
    start = body.index('id="error-summary"')
    summary = body[start : body.index("</div>", start)]
    assert summary.count(" : ") <= summary.count("<li>")  # one colon per line at most
    assert Patient.objects.count() == 1


def test_a_homonym_and_a_wrong_trait_come_together_from_the_service(clinician):
    PatientFactory(birth_last_name="DUPONT", first_names="Marie", birth_date=BIRTH)
    with pytest.raises(services.HomonymWarning) as refused:
        services.patient_create(actor=clinician.user, data=entry(postcode="3700"))
    assert {"postcode", "homonym_confirmed"} <= set(refused.value.errors)
    with pytest.raises(ApplicationError) as still:
        services.patient_create(
            actor=clinician.user, data=entry(postcode="3700"), homonym_confirmed=True
        )
    assert set(still.value.errors) == {"postcode"}


def test_an_edit_reports_a_wrong_trait_and_the_missing_reason_together(clinician, patient):
    with pytest.raises(ApplicationError) as refused:
        services.patient_update(
            actor=clinician.user, patient=patient, data={"phone": "12", "city": "Ailleurs"}
        )
    assert {"phone", "correction_reason"} <= set(refused.value.errors)
