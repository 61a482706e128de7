"""Trials on the board case (issue 15): the ranked arms with every criterion's reason before the
session, and a decision that proposes a registry arm (linked), the free text as fallback only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.boards.models import Decision
from oncoparcours.boards.services import decisions
from oncoparcours.boards.services.decisions import Proposal
from oncoparcours.core.errors import ApplicationError
from oncoparcours.patients.molecular_services import molecular_finding_add
from oncoparcours.trials import services as trials
from oncoparcours.trials.models import Arm, TrialSite

from .conftest import client_for
from .test_views import DECISION, run_session

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[2] / "trials" / "data" / "demo_trials.yaml"


@pytest.fixture
def braf_case(complete_case, clinician):
    patient = complete_case.patient
    patient.latitude, patient.longitude = 45.76, 4.84
    patient.save()
    molecular_finding_add(
        actor=clinician.user, patient=patient,
        raw={"kind": "variant", "gene": "BRAF", "alteration_type": "snv",
             "protein_change": "p.V600E", "classification": "5", "sampled_on": "2025-01-10",
             "source": "NGS"},
    )  # fmt: skip
    for trial in trials.trials_import_ctml(actor=None, content=DEMO.read_text()):
        TrialSite.objects.create(
            trial=trial, name="Centre Léon Bérard", city="Lyon", latitude=45.74,
            longitude=4.88, status="RECRUITING",
        )  # fmt: skip
    return complete_case


def braf_arm() -> Arm:
    return Arm.objects.get(trial__nct_id="NCT09900001", code="BRAF-V600")


def test_the_case_page_shows_the_basket_trial_with_its_reasons(braf_case, clinician):
    page = client_for(clinician).get(braf_case.get_absolute_url()).content.decode()
    section = page.split('id="h-trials"')[1].split("</section>")[0]
    assert "NCT09900001 — BRAF-V600" in section and "essai panier" in section
    assert "Maladie : toute tumeur solide" in section
    assert "Altération notée : BRAF p.V600E" in section
    assert "Centre Léon Bérard (Lyon)" in section  # the nearest open French site
    # The MSI-H colorectal arm stays "to verify": no MSI result recorded.
    assert "NCT09900003 — A" in section and "à vérifier" in section
    # Ranked: the arm met on recorded data comes first.
    assert section.index("NCT09900001") < section.index("NCT09900003")


def test_the_decision_proposes_a_registry_arm_linked_from_the_decision(
    session, clinician, specialists, braf_case
):
    client, _url, item = run_session(session, clinician, specialists, braf_case)
    panel = reverse("boards:case_panel", args=[session.pk, item.pk])
    form_page = client.get(panel).content.decode()
    arm = braf_arm()
    assert f'value="{arm.pk}"' in form_page and "Correspond à ce patient" in form_page
    both = client.post(panel, {**DECISION, "trial_arm": arm.pk, "trial": "Autre essai"})
    assert both.status_code == 400 and not Decision.objects.exists()
    assert "pas les deux" in both.content.decode()
    response = client.post(panel, {**DECISION, "trial_arm": arm.pk})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.trial_arm == arm and decision.trial_identifier == "NCT09900001"
    page = client.get(braf_case.get_absolute_url()).content.decode()
    link = reverse("trials:detail", args=[arm.trial_id]) + f"#arm-{arm.pk}"
    assert f'href="{link}"' in page


def test_a_closed_arm_is_refused_but_a_correction_may_keep_it(
    session, clinician, specialists, braf_case
):
    client, _url, item = run_session(session, clinician, specialists, braf_case)
    arm = braf_arm()
    suspended = Arm.objects.get(trial__nct_id="NCT09900003", code="B")
    base = dict(DECISION)
    proposal = Proposal(**{**base, "trial_arm": suspended})  # type: ignore[arg-type]
    with pytest.raises(ApplicationError) as refused:
        decisions.decision_validate(actor=clinician.user, item=item, proposal=proposal)
    assert refused.value.errors and "trial_arm" in refused.value.errors
    assert not Decision.objects.exists()
    panel = reverse("boards:case_panel", args=[session.pk, item.pk])
    client.post(panel, {**DECISION, "trial_arm": arm.pk})
    first = Decision.objects.get()
    Arm.objects.filter(pk=arm.pk).update(status="closed")
    amend = reverse("boards:amend", args=[braf_case.patient_id, braf_case.pk, first.pk])
    form_page = client.get(amend).content.decode()
    assert f'<option value="{arm.pk}" selected' in form_page  # the arm, not the free text
    response = client.post(
        amend, {**DECISION, "trial_arm": arm.pk, "correction_reason": "Lieu précisé"}
    )
    assert response.status_code == 302
    second = Decision.objects.get(version=2)
    assert second.trial_arm == arm and second.amends == first
    # Free text stays possible for a trial not in the registry.
    response = client.post(
        reverse("boards:amend", args=[braf_case.patient_id, braf_case.pk, second.pk]),
        {**DECISION, "trial": "Essai académique local", "correction_reason": "Autre essai"},
    )
    assert response.status_code == 302
    third = Decision.objects.get(version=3)
    assert third.trial_arm is None and third.trial == "Essai académique local"


def test_an_arm_the_record_contradicts_is_refused_with_the_unmet_criteria(
    session, clinician, specialists, braf_case
):
    """Cold try-out: any arm could be proposed for any patient (a breast HER2 arm for a lung
    cancer) with no warning. The record must be corrected first, then the arms matched again."""
    _client, _url, item = run_session(session, clinician, specialists, braf_case)
    her2 = Arm.objects.get(trial__nct_id="NCT09900004")
    proposal = Proposal(**{**dict(DECISION), "trial_arm": her2})  # type: ignore[arg-type]
    with pytest.raises(ApplicationError) as refused:
        decisions.decision_validate(actor=clinician.user, item=item, proposal=proposal)
    message = refused.value.errors["trial_arm"][0]
    assert "ne remplit pas ce bras" in message and "C50" in message
    assert not Decision.objects.exists()
    proposal = Proposal(**{**dict(DECISION), "trial_arm": braf_arm()})  # type: ignore[arg-type]
    decisions.decision_validate(actor=clinician.user, item=item, proposal=proposal)
    assert Decision.objects.get().trial_arm == braf_arm()


def test_the_case_dataset_and_its_pdf_read_the_structured_molecular_results(
    complete_case, clinician
):
    """One source (issue 15): the board case's biomarkers are the patient's molecular results in
    force, the ones matching reads; a former free-text biomarker that could not be structured
    shows "to verify"; a withdrawn result is not shown."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from oncoparcours.boards.services.cases import dataset_from_record
    from oncoparcours.patients.models import Biomarker
    from oncoparcours.patients.molecular_services import (
        biomarkers_to_structured,
        molecular_entry_add,
        molecular_finding_withdraw,
    )

    patient = complete_case.patient
    molecular_entry_add(
        actor=clinician.user, patient=patient, marker="KRAS G12C", result="positive",
        tested_on=complete_case.diagnosis.diagnosed_on,
    )  # fmt: skip
    withdrawn = molecular_entry_add(
        actor=clinician.user, patient=patient, marker="MSI-H", result="positive",
        tested_on=complete_case.diagnosis.diagnosed_on,
    )  # fmt: skip
    molecular_finding_withdraw(actor=clinician.user, finding=withdrawn, reason="autre patient")
    Biomarker.objects.create(
        diagnosis=complete_case.diagnosis, marker="MGMT", alteration="méthylation",
        result="positive", tested_on=complete_case.diagnosis.diagnosed_on,
    )  # fmt: skip
    biomarkers_to_structured(actor=clinician.user)
    with translation.override("fr"):
        dataset = dataset_from_record(complete_case)
        texts = [b["text"] for b in dataset["biomarkers"]]
        assert any("KRAS" in t and "p.G12C" in t and "à vérifier" in t for t in texts), texts
        assert not any("MSI" in t for t in texts)
        (mgmt,) = [b for b in dataset["biomarkers"] if b["to_verify"]]
        assert "MGMT" in mgmt["text"] and "à vérifier" in mgmt["text"]
        html = render_to_string(
            "boards/pdf/rcp_record.html",
            {"case": complete_case, "patient": patient, "dataset": dataset, "history": []},
        )
    row = html.split("<th>Biomarqueurs</th>")[1].split("</tr>")[0]
    assert "p.G12C" in row and "MGMT" in row and "MSI" not in row


def test_results_recorded_after_submission_are_shown_on_the_case_and_in_session(
    session, clinician, specialists, braf_case
):
    """Cold try-out: the case kept the list read at submission, without a BRAF p.V600E recorded
    later that the trials panel used. Both case pages list it under "added since"; a corrected
    result shows as gone; once decided, the dataset (and the signed record) do not change."""
    from oncoparcours.boards.models import Case
    from oncoparcours.boards.services.cases import case_submit
    from oncoparcours.patients.models import MolecularFinding

    # braf_case's BRAF was recorded before submission: resubmit-free path, a new case.
    patient = braf_case.patient
    Case.objects.filter(pk=braf_case.pk).update(status="withdrawn")
    case = case_submit(
        actor=clinician.user, patient=patient, board=braf_case.board,
        diagnosis=braf_case.diagnosis, question="Essai ?", context="new_diagnosis",
        informed_today=True,
    )  # fmt: skip
    client = client_for(clinician)
    assert "depuis l'inscription" not in client.get(case.get_absolute_url()).content.decode()
    molecular_finding_add(
        actor=clinician.user,
        patient=patient,
        raw={"kind": "tmb", "tmb": "12", "sampled_on": "2025-02-10", "source": "NGS"},
    )
    old = MolecularFinding.objects.get(patient=patient, gene="BRAF")
    from oncoparcours.patients.molecular_services import molecular_finding_withdraw

    molecular_finding_withdraw(actor=clinician.user, finding=old, reason="Saisi par erreur")
    page = client.get(case.get_absolute_url()).content.decode()
    block = page.split("Résultats ajoutés depuis l'inscription du dossier")[1]
    assert "TMB 12" in block.split("</ul>")[0]
    gone = page.split("Résultats corrigés ou retirés depuis l'inscription du dossier")[1]
    assert "BRAF" in gone.split("</ul>")[0]
    client, _url, item = run_session(session, clinician, specialists, case)
    panel = client.get(reverse("boards:case_panel", args=[session.pk, item.pk])).content.decode()
    assert "Résultats ajoutés depuis l'inscription du dossier" in panel
    client.post(reverse("boards:case_panel", args=[session.pk, item.pk]), DECISION)
    case.refresh_from_db()
    assert case.status == "decided"
    assert "TMB" not in " ".join(b["text"] for b in case.dataset["biomarkers"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Résultats ajoutés depuis" not in page


def test_a_new_stage_or_performance_status_after_registration_is_shown(complete_case, clinician):
    """Review findings: only molecular results were compared with the case's dataset; a stage
    (also on another diagnosis, or dated earlier than the last one), a performance status or a
    new diagnosis recorded after registration reached the board unseen."""
    from oncoparcours.patients.services import performance_status_add, staging_add
    from oncoparcours.testing.factories import DiagnosisFactory

    client = client_for(clinician)
    page = client.get(complete_case.get_absolute_url()).content.decode()
    assert "depuis l'inscription" not in page
    today = timezone.localdate()
    staging_add(
        actor=clinician.user, diagnosis=complete_case.diagnosis, kind="clinical",
        t="T3", n="N1", m="M1", stage_group="IV", staged_on=today - dt.timedelta(days=15),
    )  # fmt: skip
    performance_status_add(
        actor=clinician.user, patient=complete_case.patient, scale="ecog", value=3,
        recorded_on=today,
    )  # fmt: skip
    second = DiagnosisFactory(patient=complete_case.patient, icd10="C78.7")
    page = client.get(complete_case.get_absolute_url()).content.decode()
    block = page.split("Saisi dans le dossier du patient depuis l'inscription du dossier")[1]
    block = block.split("</ul>")[0]
    staged = (today - dt.timedelta(days=15)).strftime("%d/%m/%Y")
    assert "Nouvelle stadification" in block and "M1" in block and staged in block
    assert f"Nouvel état général : ECOG / OMS 3 ({today:%d/%m/%Y})" in block
    assert f"Nouveau diagnostic : {second.icd10}" in block
    # Re-read from the case page: the dataset is current again, nothing is listed.
    complete_case.refresh_from_db()
    from oncoparcours.boards.services.cases import _refresh

    _refresh(complete_case)
    complete_case.save()
    assert (
        "depuis l'inscription" not in client.get(complete_case.get_absolute_url()).content.decode()
    )


def test_an_arm_enrolling_by_invitation_says_so_where_the_decision_proposes_it(
    session, clinician, specialists, braf_case
):
    """A trial whose French sites all enrol by invitation (or the trial itself): the decision
    form's option says "sur invitation" (one cannot simply refer the patient there), and the
    decision shows the badge."""
    client, _url, item = run_session(session, clinician, specialists, braf_case)
    panel = reverse("boards:case_panel", args=[session.pk, item.pk])
    arm = braf_arm()
    page = client.get(panel).content.decode()
    option = page.split(f'value="{arm.pk}"')[1].split("</option>")[0]
    assert "sur invitation" not in option  # its site recruits
    TrialSite.objects.filter(trial=arm.trial).update(status="ENROLLING_BY_INVITATION")
    page = client.get(panel).content.decode()
    option = page.split(f'value="{arm.pk}"')[1].split("</option>")[0]
    assert "NCT09900001 — BRAF-V600" in option and "— sur invitation" in option
    arm.trial.overall_status = "ENROLLING_BY_INVITATION"
    arm.trial.save()
    assert client.post(panel, {**DECISION, "trial_arm": arm.pk}).status_code == 302
    page = client.get(braf_case.get_absolute_url()).content.decode()
    decision = page.split('class="decision"')[1].split("</article>")[0]
    assert '<span class="badge badge--warning">sur invitation</span>' in decision
