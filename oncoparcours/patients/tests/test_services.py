import datetime as dt

import pytest
from django.utils import timezone

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.patients import services
from oncoparcours.patients.models import BreakGlassAccess, CareTeamMember, Diagnosis, Patient
from oncoparcours.testing.factories import ProfessionalFactory, valid_ins

from .helpers import add_staging, record_diagnosis

pytestmark = pytest.mark.django_db


def identity(**overrides):
    data = {
        "birth_last_name": "Martin",
        "first_names": "Louise",
        "birth_date": dt.date(1958, 4, 2),
        "sex": "F",
        "departement": "69",
    }
    data["ins"] = valid_ins("F", data["birth_date"])
    data.update(overrides)
    return data


def test_creating_a_patient_makes_the_creator_lead_and_is_audited(clinician):
    patient = services.patient_create(actor=clinician.user, data=identity())
    member = CareTeamMember.objects.get(patient=patient)
    assert (member.professional, member.is_lead, member.role) == (
        clinician,
        True,
        "referring_oncologist",
    )
    assert AuditEvent.objects.filter(patient_id=patient.pk, action="create").count() == 1
    assert patient.search_text.startswith("martin louise")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"birth_date": timezone.localdate() + dt.timedelta(days=1)}, "birth_date"),
        ({"ins": "260000000000000"}, "ins"),
        ({"ins": valid_ins("M", dt.date(1958, 4, 2))}, "ins"),  # INS of a man, patient is a woman
        ({"ins": valid_ins("F", dt.date(1959, 4, 2))}, "ins"),  # INS born another year
        ({"departement": "99"}, "departement"),
        ({"deceased_on": dt.date(1950, 1, 1)}, "deceased_on"),
    ],
)
def test_invalid_identity_names_the_field_and_saves_nothing(clinician, overrides, field):
    with pytest.raises(ApplicationError) as error:
        services.patient_create(actor=clinician.user, data=identity(**overrides))
    assert field in error.value.errors
    assert Patient.objects.count() == 0
    assert CareTeamMember.objects.count() == 0


def test_duplicate_ins_is_refused(clinician):
    data = identity()
    services.patient_create(actor=clinician.user, data=data)
    with pytest.raises(ApplicationError) as error:
        services.patient_create(actor=clinician.user, data={**data, "first_names": "Autre"})
    assert "ins" in error.value.errors
    assert Patient.objects.count() == 1


def test_diagnosis_is_flagged_from_the_survival_table(clinician, patient):
    diagnosis = services.diagnosis_add(
        actor=clinician.user,
        patient=patient,
        icd10="c71.9",
        icdo3_morphology="9440/3",
        diagnosed_on=dt.date(2025, 2, 1),
    )
    assert (diagnosis.icd10, diagnosis.poor_prognosis, diagnosis.five_year_survival) == (
        "C71.9",
        True,
        7,
    )
    assert diagnosis.survival_table_version == "survival-2026.1"
    assert diagnosis.survival_entry == "glioblastoma"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"icd10": "C99.9"}, "icd10"),
        ({"icd10": "C34.7"}, "icd10"),  # C34 has no .7 subdivision
        ({"icd10": "lung"}, "icd10"),
        ({"diagnosed_on": dt.date(1950, 1, 1)}, "diagnosed_on"),  # before birth (1960)
        ({"diagnosed_on": timezone.localdate() + dt.timedelta(days=3)}, "diagnosed_on"),
        ({"icdo3_morphology": "8140"}, "icdo3_morphology"),
        ({"icdo3_topography": "C99.9"}, "icdo3_topography"),
    ],
)
def test_invalid_diagnosis_is_refused_without_saving(clinician, patient, kwargs, field):
    arguments = {"icd10": "C34.1", "diagnosed_on": dt.date(2025, 2, 1), **kwargs}
    with pytest.raises(ApplicationError) as error:
        services.diagnosis_add(actor=clinician.user, patient=patient, **arguments)
    assert field in error.value.errors
    assert Diagnosis.objects.count() == 0


def test_staging_validates_each_category(clinician, patient):
    diagnosis = services.diagnosis_add(
        actor=clinician.user, patient=patient, icd10="C34.1", diagnosed_on=dt.date(2025, 2, 1)
    )
    with pytest.raises(ApplicationError) as error:
        services.staging_add(
            actor=clinician.user,
            diagnosis=diagnosis,
            kind="clinical",
            t="T9",
            n="N1",
            m="M7",
            staged_on=dt.date(2025, 2, 3),
        )
    assert set(error.value.errors) == {"t", "m"}
    staging = services.staging_add(
        actor=clinician.user,
        diagnosis=diagnosis,
        kind="clinical",
        t="T2a",
        n="N1",
        m="M0",
        stage_group="IIB",
        staged_on=dt.date(2025, 2, 3),
    )
    assert str(staging) == "cT2a cN1 cM0 — IIB"


def test_performance_status_range(clinician, patient):
    with pytest.raises(ApplicationError) as error:
        services.performance_status_add(
            actor=clinician.user,
            patient=patient,
            scale="ecog",
            value=5,
            recorded_on=dt.date(2025, 1, 1),
        )
    assert "value" in error.value.errors
    with pytest.raises(ApplicationError):
        services.performance_status_add(
            actor=clinician.user,
            patient=patient,
            scale="karnofsky",
            value=55,
            recorded_on=dt.date(2025, 1, 1),
        )


def test_care_team_membership_lifecycle(clinician, patient):
    nurse = ProfessionalFactory(profession="nurse", specialty="coordination_nursing")
    member = services.care_team_add(
        actor=clinician.user,
        patient=patient,
        professional=nurse,
        role="coordination_nurse",
        reason="IDEC du parcours",
    )
    with pytest.raises(ApplicationError, match="a déjà ce rôle"):
        services.care_team_add(
            actor=clinician.user, patient=patient, professional=nurse, role="coordination_nurse"
        )
    with pytest.raises(ApplicationError) as error:
        services.care_team_end(
            actor=clinician.user, member=member, end=timezone.localdate(), reason="  "
        )
    assert "reason" in error.value.errors
    services.care_team_end(
        actor=clinician.user, member=member, end=timezone.localdate(), reason="Relais"
    )
    lead = CareTeamMember.objects.get(patient=patient, is_lead=True)
    with pytest.raises(ApplicationError, match="autre responsable"):
        services.care_team_end(
            actor=clinician.user, member=lead, end=timezone.localdate(), reason="Départ"
        )


def test_break_glass_is_reasoned_time_limited_and_audited(outsider, patient):
    with pytest.raises(ApplicationError) as error:
        services.break_glass_open(
            actor=outsider.user, ins=patient.ins, reason="urgence", minutes=60
        )
    assert "reason" in error.value.errors
    with pytest.raises(ApplicationError) as error:
        services.break_glass_open(
            actor=outsider.user,
            ins="189127512501282",
            reason="Patient inconscient aux urgences",
            minutes=60,
        )
    assert "ins" in error.value.errors
    assert AuditEvent.objects.filter(action="break_glass", details__found=False).count() == 1
    access = services.break_glass_open(
        actor=outsider.user, ins=patient.ins, reason="Patient inconscient aux urgences", minutes=30
    )
    assert access.expires_at - access.started_at == dt.timedelta(minutes=30)
    assert (
        AuditEvent.objects.filter(
            action="break_glass", patient_id=patient.pk, break_glass=True
        ).count()
        == 1
    )
    with pytest.raises(ApplicationError) as error:
        services.break_glass_open(
            actor=outsider.user,
            ins=patient.ins,
            reason="Patient inconscient aux urgences",
            minutes=100000,
        )
    assert "minutes" in error.value.errors
    assert BreakGlassAccess.objects.count() == 1


def test_staging_and_biomarkers_recompute_the_prognosis_and_audit_the_change(clinician, patient):
    day = dt.date(2025, 2, 1)
    diagnosis = services.diagnosis_add(
        actor=clinician.user, patient=patient, icd10="C50.4", diagnosed_on=day
    )
    # Nothing known yet: not decided, never "not poor prognosis".
    assert (diagnosis.prognosis_status, diagnosis.poor_prognosis) == ("to_check", None)
    assert diagnosis.prognosis_missing == ["morphology", "metastasis"]
    add_staging(clinician.user, diagnosis, "T2", "N1", "M1", "IV", day=day)
    diagnosis.refresh_from_db()
    assert (diagnosis.prognosis_status, diagnosis.survival_entry) == ("poor", "breast-metastatic")
    assert diagnosis.five_year_survival == 27
    for marker, value in (("RE", "0 %"), ("RP", "0 %"), ("HER2", "IHC 1+")):
        services.biomarker_add(
            actor=clinician.user,
            diagnosis=diagnosis,
            marker=marker,
            result="negative",
            value=value,
            tested_on=day,
        )
    diagnosis.refresh_from_db()
    assert (diagnosis.survival_entry, diagnosis.five_year_survival) == (
        "breast-tnbc-metastatic",
        12,
    )
    changes = AuditEvent.objects.filter(
        object_id=str(diagnosis.pk), action="update", details__what="prognosis"
    ).order_by("id")
    assert [(e.details["from"]["status"], e.details["to"]["status"]) for e in changes] == [
        ("to_check", "poor"),
        ("poor", "poor"),  # the figure changed (27 % -> 12 %): RE and RP alone changed nothing
    ]
    assert changes[1].details["to"]["entry"] == "breast-tnbc-metastatic"


def test_recompute_command_applies_the_current_table_once(clinician, patient):
    from django.core.management import call_command

    diagnosis = record_diagnosis(
        clinician.user, patient, "C56", "8461/3", stage=("T3c", "N0", "M0", "IIIC")
    )
    # As flagged by the first table (per organ only): ovary 43 %, not poor prognosis.
    Diagnosis.objects.filter(pk=diagnosis.pk).update(
        poor_prognosis=False,
        five_year_survival=43,
        survival_reference="Ovaire",
        survival_entry="Ovaire",
        survival_table_version="francim-2021.1",
        prognosis_missing=[],
    )
    call_command("prognosis_recompute", "--dry-run")
    diagnosis.refresh_from_db()
    assert diagnosis.survival_table_version == "francim-2021.1"  # dry run: nothing changed
    call_command("prognosis_recompute")
    diagnosis.refresh_from_db()
    assert (diagnosis.poor_prognosis, diagnosis.survival_entry) == (True, "ovary-hgsc-figo-3-4")
    assert diagnosis.survival_table_version == "survival-2026.1"
    event = AuditEvent.objects.filter(object_id=str(diagnosis.pk), details__what="prognosis")
    assert event.latest("id").details["from"] == {
        "status": "not_poor",
        "entry": "Ovaire",
        "table": "francim-2021.1",
    }
    before = AuditEvent.objects.count()
    counts = services.diagnoses_recompute(actor=None)
    assert counts == {("unchanged", "poor"): 1}
    assert AuditEvent.objects.count() == before  # idempotent, nothing audited twice


def test_break_glass_grants_are_read_once_per_request_and_a_new_one_is_seen_at_once(
    outsider, patient, django_assert_num_queries
):
    """Issue 19: inside one HTTP request the grants are read once (each panel filters on them);
    a grant opened during that request is seen by what the request reads next."""
    from oncoparcours.core import request_context
    from oncoparcours.patients.selectors import patients_for_user, professional_for

    user = outsider.user
    professional_for(user)  # cached on the user object, as during a request
    token = request_context.activate(request_context.RequestContext(path="/", memo={}))
    try:
        with django_assert_num_queries(2):  # the grants, then the patients
            assert list(patients_for_user(user)) == []
        with django_assert_num_queries(1):  # the patients only
            assert list(patients_for_user(user)) == []
        services.break_glass_open(
            actor=user, ins=patient.ins, reason="Patient inconscient aux urgences", minutes=30
        )
        assert list(patients_for_user(user)) == [patient]
    finally:
        request_context.deactivate(token)
    # Outside a request (commands, the worker) nothing is kept.
    with django_assert_num_queries(2):
        assert list(patients_for_user(user)) == [patient]
