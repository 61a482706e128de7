import datetime as dt

import pytest
from django.urls import reverse

from oncoparcours.core.models import AuditEvent
from oncoparcours.patients.models import Diagnosis, Patient
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    OrganisationFactory,
    PatientFactory,
    valid_ins,
)

pytestmark = pytest.mark.django_db


def make_patients(professional, count, **kwargs):
    patients = []
    for index in range(count):
        patient = PatientFactory(birth_last_name=f"Nom{index:03d}", **kwargs)
        CareTeamMemberFactory(patient=patient, professional=professional)
        DiagnosisFactory(patient=patient, icd10="C50.4" if index % 2 else "C34.1")
        patients.append(patient)
    return patients


def test_list_shows_only_my_patients_and_is_audited(clinician_client, clinician, patient):
    stranger = PatientFactory(birth_last_name="Inconnu")
    body = clinician_client.get(reverse("patients:list")).content.decode()
    assert "MOREAU" in body and "INCONNU" not in body
    event = AuditEvent.objects.filter(action="list").latest("id")
    assert (
        str(patient.pk) in event.details["shown"] and str(stranger.pk) not in event.details["shown"]
    )


def test_search_by_name_ins_diagnosis_centre_and_prognosis(clinician_client, clinician):
    centre = OrganisationFactory(name="CH de Vienne", kind="ch")
    patients = make_patients(clinician, 6)
    patients[0].expert_centre = centre
    patients[0].save()
    PatientFactory(birth_last_name="Élise")  # accented, not mine

    def names(**params):
        response = clinician_client.get(reverse("patients:list"), params)
        return {p.birth_last_name for p in response.context["page_obj"]}

    assert names(q="nom003") == {"Nom003"}
    assert names(q=patients[4].ins) == {"Nom004"}
    assert names(icd10="C50") == {"Nom001", "Nom003", "Nom005"}
    assert names(centre=centre.pk) == {"Nom000"}
    assert names(prognosis="poor") == {p.birth_last_name for p in patients}


def test_accent_insensitive_search(clinician_client, clinician):
    patient = PatientFactory(birth_last_name="Lévêque", first_names="Hélène")
    CareTeamMemberFactory(patient=patient, professional=clinician)
    response = clinician_client.get(reverse("patients:list"), {"q": "leveque helene"})
    assert [p.pk for p in response.context["page_obj"]] == [patient.pk]


@pytest.mark.parametrize("count", [3, 40])
def test_patient_pages_query_counts_do_not_grow_with_data(
    count, clinician_client, clinician, django_assert_max_num_queries
):
    patients = make_patients(clinician, count)
    for patient in patients[:3]:
        for _ in range(count // 3):
            DiagnosisFactory(patient=patient, icd10="C18.7")
    with django_assert_max_num_queries(10):
        assert clinician_client.get(reverse("patients:list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert (
            clinician_client.get(reverse("patients:list"), {"q": "nom", "icd10": "C50"}).status_code
            == 200
        )
    # 34: + treatments in course, CAR-T timeline; + the session guard's lock check and the
    # identity corrections (issue 13); 42: + the molecular results, the trials section (open
    # arms, their sites, and the patient's facts: diagnoses, staging, treatments, ECOG,
    # molecular results) (issue 15); 43: + the portal section (accesses, latest threads: one
    # query each whatever their number) (issue 16)
    # 44: + the history of corrected / withdrawn molecular results (issue 15).
    # 40: diagnoses, stagings, care team and performance read once for the page and the
    # timeline; the break-the-glass grants once per request (issue 19).
    # 30: the tumour boards, clinical trials and portal sections load on their own (htmx, when
    # they scroll into view), each from its URL below (issue 19).
    # 25: the care team read with the access check; the consents, the molecular results (the
    # page, its prognosis explanations, its section) and the CAR-T orders (section, timeline)
    # read once (issue 19; test_record_queries.py).
    # 24: the treatments read once for their section and the timeline (issue 19).
    with django_assert_max_num_queries(24):
        assert (
            clinician_client.get(reverse("patients:detail", args=[patients[0].pk])).status_code
            == 200
        )
    # Each lazy section: the request's session, user, lock check, access and audit event (7),
    # plus its own reads: cases and referrals (2); the open arms, their sites and the patient's
    # facts (6); the portal accesses and latest threads (2).
    for key, ceiling in (("boards", 9), ("trials", 13), ("portal", 9)):
        url = reverse("patients:record_section", args=[patients[0].pk, key])
        with django_assert_max_num_queries(ceiling):
            assert clinician_client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    # 18: the week panel reads the user's roles from their additional specialties and current
    # organisations (hospital at home) in one query (issue 12); + the lock check (issue 13);
    # 21: + the patient messages waiting (the visible-patients filter and one count) (issue 16).
    # 16: the break-the-glass grants read once per request, not once per panel; the week's two
    # counts in one query; the recent care-team members with their professional (issue 19).
    with django_assert_max_num_queries(16):
        assert clinician_client.get(reverse("core:home")).status_code == 200


def test_create_patient_form_names_the_wrong_fields(clinician_client):
    response = clinician_client.post(
        reverse("patients:create"),
        {
            "ins": "289127512501200",
            "birth_last_name": "Durand",
            "first_names": "Léa",
            "birth_date": "2999-01-01",
            "sex": "F",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "birth_date" in errors
    assert Patient.objects.count() == 0


def test_create_patient_then_add_a_diagnosis_through_the_pages(clinician_client):
    birth = dt.date(1961, 7, 14)
    response = clinician_client.post(
        reverse("patients:create"),
        {
            "ins": valid_ins("M", birth),
            "birth_last_name": "Durand",
            "first_names": "Luc",
            "birth_date": birth.isoformat(),
            "sex": "M",
            "departement": "37",
        },
    )
    patient = Patient.objects.get()
    assert response.status_code == 302 and response["Location"] == patient.get_absolute_url()
    url = reverse("patients:diagnosis_create", args=[patient.pk])
    bad = clinician_client.post(
        url, {"icd10": "C34.1", "diagnosed_on": "1950-01-01", "laterality": "left"}
    )
    assert bad.status_code == 400
    assert "diagnosed_on" in bad.context["form"].errors
    good = clinician_client.post(
        url,
        {
            "icd10": "C34.1",
            "diagnosed_on": "2025-01-10",
            "laterality": "left",
            "icdo3_morphology": "8041/3",
            "is_primary": "on",
        },
    )
    assert good.status_code == 302
    diagnosis = Diagnosis.objects.get()
    assert (diagnosis.poor_prognosis, diagnosis.five_year_survival) == (True, 7)
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "C34.1" in page


def test_network_suggestion_lists_nearest_expert_centres(clinician_client, clinician):
    from oncoparcours.directory.models import Network, NetworkMembership

    recap = Network.objects.get(code="RECAP")
    near = OrganisationFactory(name="Centre proche", latitude=45.8, longitude=4.9)
    far = OrganisationFactory(name="Centre lointain", latitude=48.85, longitude=2.35)
    NetworkMembership.objects.create(network=recap, organisation=far, role="pilot")
    NetworkMembership.objects.create(network=recap, organisation=near, role="expert")
    patient = PatientFactory(latitude=45.75, longitude=4.85)
    CareTeamMemberFactory(patient=patient, professional=clinician)
    DiagnosisFactory(patient=patient, icd10="C34.1", poor_prognosis=True)
    response = clinician_client.get(patient.get_absolute_url())
    suggestion = response.context["suggestions"][0]
    assert suggestion.network.code == "RECAP"
    assert [c.membership.organisation.name for c in suggestion.centres] == [
        "Centre proche",
        "Centre lointain",
    ]


def test_record_shows_the_prognosis_reasoning(clinician_client, clinician, patient):
    from .helpers import add_staging, record_diagnosis

    ovary = record_diagnosis(clinician.user, patient, "C56", "8461/3")
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    # Not staged yet: "to check", what is missing, and what the answer could become.
    assert "Non déterminé — à vérifier" in page
    assert "stade (groupe de stade ou TNM)" in page
    assert "Carcinome séreux de haut grade de l&#x27;ovaire" in page
    assert "Orientation vers un réseau à vérifier pour C56 : FEM-NET" in page
    add_staging(clinician.user, ovary, "T3c", "N0", "M0", "IIIC")
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "Mauvais pronostic" in page
    assert "survie nette à 5 ans 29,2 %" in page
    assert "SEER Cancer Statistics Review 1975–2015" in page  # the source
    assert "survival-2026.1" in page  # the table version
    assert "Réseau suggéré pour C56 : FEM-NET" in page
    # A decided "not poor" answer says which data would change it.
    record_diagnosis(clinician.user, patient, "C18.7", "8140/3", stage=("T3", "N1", "M0", "IIIB"))
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "Changerait la réponse" in page
    assert "métastatique (M1) → Côlon-rectum métastatique" in page


def test_old_table_flags_are_explained_with_their_own_table(clinician_client, clinician, patient):
    diagnosis = DiagnosisFactory(
        patient=patient,
        icd10="C56",
        poor_prognosis=False,
        five_year_survival=43,
        survival_reference="Ovaire",
        survival_entry="Ovaire",
        survival_table_version="francim-2021.1",
    )
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert diagnosis.prognosis_status == "not_poor"
    table = page[page.index("<dt>Table de survie</dt>") :]
    table = table[: table.index("</dd>")]
    assert "Survie nette à 5 ans en France (Francim, 2021) — première table" in table
    assert "table actuelle (survie nette à 5 ans en France (Francim, 2021), précisée" in table
    assert "décembre 2026) pas encore appliquée" in table
    assert ">francim-2021.1<" not in table and ">survival-2026.1<" not in table  # tooltips only


def test_filter_patients_whose_prognosis_is_to_check(clinician_client, clinician):
    checked = PatientFactory(birth_last_name="Verifier")
    decided = PatientFactory(birth_last_name="Decide")
    for person in (checked, decided):
        CareTeamMemberFactory(patient=person, professional=clinician)
    DiagnosisFactory(
        patient=checked, icd10="C50.4", poor_prognosis=None, prognosis_missing=["metastasis"]
    )
    DiagnosisFactory(patient=decided, icd10="C50.4", poor_prognosis=False)
    response = clinician_client.get(reverse("patients:list"), {"prognosis": "to_check"})
    assert [p.birth_last_name for p in response.context["page_obj"]] == ["Verifier"]
    assert "pronostic à vérifier" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("clinician", True),
        ("coordination_nurse", True),
        ("ars_evaluator", False),
        ("centre_manager", False),
        ("network_coordinator", False),
    ],
)
def test_only_the_care_roles_open_patient_records(client, organisation, role, allowed):
    from oncoparcours.testing.factories import ProfessionalFactory, UserFactory

    professional = ProfessionalFactory(organisation=organisation, user=UserFactory(role=role))
    client.force_login(professional.user)
    page = client.get(reverse("patients:list")).content.decode()
    assert (reverse("patients:create") in page) is allowed
    assert client.get(reverse("patients:create")).status_code == (200 if allowed else 403)


def test_the_simple_biomarker_entry_records_a_structured_result(
    clinician_client, clinician, patient
):
    """ "KRAS G12C", "PD-L1 TPS 0 %", "HER2 3+" typed in the simple entry become molecular results
    (the only source: record, board, matching); the wording typed is kept; an entry that cannot
    be structured without guessing is refused naming the field, nothing saved."""
    from oncoparcours.patients import services
    from oncoparcours.patients.models import MolecularFinding

    day = dt.date(2025, 2, 1)
    diagnosis = services.diagnosis_add(
        actor=clinician.user, patient=patient, icd10="C34.1", diagnosed_on=day
    )
    url = reverse("patients:biomarker_create", args=[patient.pk, diagnosis.pk])
    for marker, alteration, result, value in (
        ("KRAS G12C", "", "positive", ""),
        ("PD-L1", "", "negative", "TPS 0 %"),
        ("HER2", "surexpression", "positive", "IHC 3+"),
        ("ALK", "fusion", "negative", ""),
    ):
        response = clinician_client.post(
            url,
            {"marker": marker, "alteration": alteration, "result": result, "value": value,
             "tested_on": "2025-02-01"},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:3000]
    kras = MolecularFinding.objects.get(gene="KRAS")
    assert (kras.kind, kras.alteration_type, kras.protein_change) == ("variant", "snv", "p.G12C")
    assert (kras.reported_marker, kras.reported_alteration) == ("KRAS G12C", "")
    assert kras.classification is None  # not said: matching reads it "to verify"
    pdl1 = MolecularFinding.objects.get(ihc_marker="PD-L1")
    assert (pdl1.ihc_scale, pdl1.ihc_value, pdl1.reported_value) == ("percent", 0, "TPS 0 %")
    page = clinician_client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    biomarkers = page.split("Biomarqueurs</dt>")[1].split("</dd>")[0]
    assert "PD-L1 TPS 0 %" in biomarkers
    assert "HER2 IHC 3+" in biomarkers
    assert "KRAS" in biomarkers and "p.G12C" in biomarkers
    assert "classe non notée (à vérifier)" in biomarkers
    assert "ALK : aucune altération retrouvée (Fusion)" in biomarkers

    refused = clinician_client.post(
        url,
        {"marker": "EGFR", "alteration": "mutation exon 19/21", "result": "negative",
         "value": "", "tested_on": "2025-02-01"},
    )  # fmt: skip
    assert refused.status_code == 400
    form = refused.context["form"]
    assert list(form.errors) == ["alteration"]
    assert MolecularFinding.objects.count() == 4


@pytest.mark.parametrize("role", ["pharmacist", "coordination_nurse", "liberal_nurse"])
def test_the_simple_biomarker_entry_is_for_physicians_and_hidden_from_others(client, patient, role):
    """Nurses and pharmacists of the care team read the biomarkers but get 403 on the entry, and
    the record shows them no "add" link to it (a link answering 403 broke their journeys)."""
    from oncoparcours.testing.factories import (
        CareTeamMemberFactory,
        ProfessionalFactory,
        UserFactory,
    )

    diagnosis = DiagnosisFactory(patient=patient, icd10="C50.4")
    member = ProfessionalFactory(user=UserFactory(role=role), specialty="hospital_pharmacy")
    CareTeamMemberFactory(patient=patient, professional=member)
    client.force_login(member.user)
    url = reverse("patients:biomarker_create", args=[patient.pk, diagnosis.pk])
    body = client.get(patient.get_absolute_url()).content.decode()
    assert "Biomarqueurs" in body and url not in body
    assert client.get(url).status_code == 403
    data = {"marker": "HER2", "result": "positive", "value": "3+", "tested_on": "2025-02-01"}
    assert client.post(url, data).status_code == 403


def test_the_physician_sees_the_add_biomarker_link(clinician_client, patient):
    diagnosis = DiagnosisFactory(patient=patient, icd10="C50.4")
    body = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert reverse("patients:biomarker_create", args=[patient.pk, diagnosis.pk]) in body


def test_the_edit_form_and_record_show_numbers_the_french_way(clinician_client, patient):
    """Latitude typed "45,75" comes back "45,75" (not "45.75"); the phone stored as +33…
    reads 06 00 00 00 01 on the record and in the form."""
    patient.latitude, patient.longitude, patient.phone = 45.75, 4.85, "+33600000001"
    patient.save()
    form = clinician_client.get(reverse("patients:edit", args=[patient.pk])).content.decode()
    assert 'value="45,75"' in form and 'value="4,85"' in form and "45.75" not in form
    assert 'value="06 00 00 00 01"' in form and "+33600000001" not in form
    record = clinician_client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert "06 00 00 00 01" in record and "+33600000001" not in record


def test_the_timeline_names_care_team_roles_as_the_care_team_card_does(client, patient, clinician):
    """Cold try-out: the timeline said "Hélène VASSEUR (Oncologue référent)" and "(Infirmier de
    coordination (IDEC))" while the card said "Oncologue référente"."""
    from oncoparcours.testing.factories import CareTeamMemberFactory, ProfessionalFactory

    clinician.civility = "mme"
    clinician.save()
    nurse = ProfessionalFactory(civility="mme", first_name="Sophie", last_name="Renaud")
    CareTeamMemberFactory(
        patient=patient, professional=nurse, role="coordination_nurse", is_lead=False
    )
    client.force_login(clinician.user)
    page = client.get(patient.get_absolute_url()).content.decode()
    assert f"{clinician.full_name} — Oncologue référente" in page
    assert f"{nurse.full_name} — Infirmière de coordination (IDEC)" in page
    assert "(Infirmier de coordination (IDEC))" not in page and "(Oncologue référent)" not in page
