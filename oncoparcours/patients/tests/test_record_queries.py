"""The patient record reads each of the patient's relations once (issue 19): the access check,
the page, its sections, the prognosis explanations and the timeline share the rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oncoparcours.patients.models import ConsentRecord, MolecularFinding
from oncoparcours.patients.molecular_services import (
    molecular_finding_add,
    molecular_finding_correct,
    molecular_finding_withdraw,
)
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    ProfessionalFactory,
    TreatmentCourseFactory,
)

pytestmark = pytest.mark.django_db

ONCE = (
    "patients_careteammember",
    "patients_consentrecord",
    "patients_molecularfinding",
    "patients_treatmentcourse",  # the treatments section and the timeline
    "celltherapy_cartorder",
)


def main_table(sql: str) -> str:
    """The table a query reads first (those below have no sub-query in their select list)."""
    return sql.split(" FROM ", 1)[1].split()[0].strip('"') if " FROM " in sql else ""


def record_queries(client, patient) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(patient.get_absolute_url()).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def rich_record(patient, clinician) -> None:
    """Diagnoses assessed with the survival table (their explanation reads the molecular
    results), molecular results with a correction and a withdrawal, consents, a larger care
    team."""
    for icd10 in ("C50.4", "C34.1", "C18.7"):
        DiagnosisFactory(
            patient=patient,
            icd10=icd10,
            poor_prognosis=None,
            prognosis_missing=["metastasis"],
            survival_table_version="survival-2026.1",
        )
    for kind, raw in (
        ("tmb", {"tmb": "4"}),
        ("tmb", {"tmb": "12"}),
        ("msi", {"msi_status": "msi_h"}),
    ):
        molecular_finding_add(
            actor=clinician.user,
            patient=patient,
            raw={"kind": kind, "sampled_on": "2026-01-05", "source": "NGS", **raw},
        )
    first, second, _third = MolecularFinding.objects.filter(patient=patient).order_by("tmb")
    corrected = molecular_finding_correct(
        actor=clinician.user,
        finding=first,
        raw={"kind": "tmb", "tmb": "5", "sampled_on": "2026-01-05", "source": "NGS"},
        reason="erreur de saisie",
    )
    molecular_finding_correct(
        actor=clinician.user,
        finding=corrected,
        raw={"kind": "tmb", "tmb": "6", "sampled_on": "2026-01-05", "source": "NGS"},
        reason="seconde relecture",
    )
    molecular_finding_withdraw(actor=clinician.user, finding=second, reason="mauvais patient")
    for day, decision in ((1, "opposed"), (2, "not_opposed")):
        ConsentRecord.objects.create(
            patient=patient,
            kind="data_sharing",
            scope="research",
            decision=decision,
            recorded_on=dt.date(2026, 1, day),
            recorded_by=clinician.user,
        )
    TreatmentCourseFactory(patient=patient, recorded_by=clinician.user)
    TreatmentCourseFactory(
        patient=patient,
        kind="immune_checkpoint_inhibitor",
        regimen="Pembrolizumab",
        started_on=dt.date(2025, 3, 1),
        ended_on=dt.date(2025, 9, 1),
        end_reason="toxicity",
        recorded_by=clinician.user,
    )
    for role in ("coordination_nurse", "gp"):
        CareTeamMemberFactory(
            patient=patient, professional=ProfessionalFactory(), role=role, is_lead=False
        )


def test_the_record_reads_each_relation_once_whatever_the_record_holds(
    clinician_client, clinician, patient
):
    plain = record_queries(clinician_client, patient)
    rich_record(patient, clinician)
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "mauvais patient" in page and "erreur de saisie" in page  # the history is shown
    assert "seconde relecture" in page
    # Linked in Python (issue 19): only the last version is in force; the first correction is
    # marked as corrected again.
    assert page.count("(since corrected again)") + page.count("(corrigé de nouveau depuis)") == 1
    in_force = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "TMB 6 mut/Mb" in in_force and "TMB 5 mut/Mb" not in in_force
    assert "Pembrolizumab" in page
    queries = record_queries(clinician_client, patient)
    read = Counter(main_table(sql) for sql in queries)
    assert {table: read[table] for table in ONCE} == dict.fromkeys(ONCE, 1)
    # The same queries for the plain and the rich record (without a diagnosis), but for the
    # diagnoses' stagings and the networks of excellence suggested for the diagnoses whose
    # prognosis is to check (networks, their centres).
    extra = Counter(map(main_table, queries)) - Counter(map(main_table, plain))
    assert sorted(extra.elements()) == [
        "directory_network",
        "directory_networkmembership",
        "patients_staging",
    ]
    assert len(queries) == len(plain) + 3
    assert len(queries) <= 24


def test_the_membership_read_from_the_care_team_is_the_users_current_one(
    client, clinician, patient
):
    """The record finds the user's membership in the care team it reads: a membership that has
    ended does not count; a current lead one is preferred."""
    from oncoparcours.patients.selectors import patient_access_for_user

    CareTeamMemberFactory(
        patient=patient,
        professional=clinician,
        role="organ_specialist",
        is_lead=False,
        start=dt.date(2020, 1, 1),
        end=dt.date(2021, 1, 1),
    )
    for care_team in (False, True):
        access = patient_access_for_user(
            user=clinician.user, patient_id=patient.pk, care_team=care_team
        )
        assert access is not None and access.membership is not None
        assert access.membership.is_lead and access.membership.end is None
    patient.care_team.filter(professional=clinician, end__isnull=True).update(
        end=dt.date(2025, 6, 1)
    )
    for care_team in (False, True):
        assert (
            patient_access_for_user(user=clinician.user, patient_id=patient.pk, care_team=care_team)
            is None
        )
