"""Demo clinical trials: the synthetic CTML trials of ``trials/data/demo_trials.yaml`` (a BRAF
V600 basket, an NTRK fusion basket, MSI-H colorectal, HER2 3+ breast, EGFR lung), open at a few
French cancer centres of the demo region, and molecular results on some of the demo
oncologist's patients so that the record's "Clinical trials" section shows matches; a lung
cancer on the thoracic board's agenda has a BRAF V600E (the basket trial on the board case).

Everything goes through the services, as users would have entered it."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from oncoparcours.directory.models import Organisation, Professional
from oncoparcours.patients.models import Diagnosis
from oncoparcours.patients.molecular_services import molecular_finding_add
from oncoparcours.trials import services as trials
from oncoparcours.trials.models import TrialSite

from .pathways import loader_user

DEMO_TRIALS = Path(__file__).resolve().parents[1] / "trials" / "data" / "demo_trials.yaml"
# Molecular results by ICD-10 prefix of the patient's cancer (text as typed in the form).
RESULTS = (
    ("C18", {"kind": "variant", "gene": "BRAF", "alteration_type": "snv", "exon": "15",
             "protein_change": "p.V600E", "classification": "5"}),
    ("C34", {"kind": "variant", "gene": "EGFR", "alteration_type": "indel", "exon": "19",
             "protein_change": "p.E746_A750del", "classification": "5"}),
    ("C34", {"kind": "negative", "gene": "ALK", "alteration_type": "fusion"}),
    ("C18", {"kind": "negative", "gene": "KRAS"}),
    ("C73", {"kind": "variant", "gene": "ETV6", "alteration_type": "fusion",
             "fusion_partner": "NTRK3", "classification": "5"}),
    ("C50", {"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": "3+"}),
    ("C19", {"kind": "msi", "msi_status": "msi_h"}),
    ("C20", {"kind": "tmb", "tmb": "14.5"}),
)  # fmt: skip


class TrialsDemo:
    def __init__(self, *, seed: int) -> None:
        self.rng = random.Random(seed + 1515)
        self.loader = loader_user()

    @transaction.atomic
    def run(self) -> int:
        # Curators of the trial criteria: the network coordinator and one oncologist.
        Professional.objects.filter(user__username__in=("coordinateur", "oncologue")).update(
            is_trial_curator=True
        )
        # The initial load notifies no one; the results recorded below raise the notices.
        imported = trials.trials_import_ctml(
            actor=self.loader, content=DEMO_TRIALS.read_text(), notify=False
        )
        centres = list(
            Organisation.objects.filter(kind__in=("clcc", "chu"), latitude__isnull=False)
            .order_by("name")
            .only("id", "name", "city", "latitude", "longitude")[:12]
        )
        for trial in imported:
            for centre in self.rng.sample(centres, k=min(3, len(centres))):
                TrialSite.objects.create(
                    trial=trial, organisation=centre, name=centre.name, city=centre.city,
                    latitude=centre.latitude, longitude=centre.longitude, status="RECRUITING",
                    contact="Unité de recherche clinique",
                )  # fmt: skip
        return self._molecular_results() + self._board_basket_case()

    def _board_basket_case(self) -> int:
        """A lung cancer on the thoracic board's agenda with a BRAF V600E found by the panel:
        the case page shows the BRAF basket trial (met) before the session."""
        from django.db.models import Exists, OuterRef

        from oncoparcours.boards.models import AgendaItem
        from oncoparcours.patients.models import MolecularFinding

        # A patient without a molecular result entered by hand (the generated biomarkers, now
        # structured, do not count).
        entered = MolecularFinding.objects.filter(
            patient_id=OuterRef("case__patient_id"), from_biomarker__isnull=True
        )
        item = (
            AgendaItem.objects.filter(
                ~Exists(entered),
                outcome="pending",
                case__status="scheduled",
                case__board__short_name="RCP thoracique CLB",
            )
            .select_related("case__patient", "case__submitted_by")
            .order_by("session__starts_at", "position")
            .first()
        )
        if item is None:
            return 0
        molecular_finding_add(
            actor=item.case.submitted_by,
            patient=item.case.patient,
            raw={"kind": "variant", "gene": "BRAF", "alteration_type": "snv", "exon": "15",
                 "protein_change": "p.V600E", "classification": "5",
                 "source": "Panel NGS (ADN tumoral)",
                 "sampled_on": (timezone.localdate() - dt.timedelta(days=6)).isoformat()},
        )  # fmt: skip
        return 1

    def _molecular_results(self) -> int:
        oncologist = Professional.objects.filter(user__username="oncologue").first()
        if oncologist is None:
            return 0
        recorded = 0
        sampled_on = timezone.localdate() - dt.timedelta(days=20)
        for prefix, raw in RESULTS:
            diagnoses = (
                Diagnosis.objects.filter(
                    icd10__startswith=prefix,
                    patient__care_team__professional=oncologist,
                    diagnosed_on__lte=sampled_on,
                )
                .select_related("patient")
                .order_by("patient__sort_name")[:2]
            )
            for diagnosis in diagnoses:
                molecular_finding_add(
                    actor=oncologist.user,  # type: ignore[arg-type]
                    patient=diagnosis.patient,
                    raw={**raw, "sampled_on": sampled_on.isoformat(), "source": "Panel NGS"},
                )
                recorded += 1
        return recorded
