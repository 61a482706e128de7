"""Sentences for the minimal-dataset codes, and pathway templates suggested by a decision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Decision

MISSING_LABELS = {
    "question": _("the question asked to the board"),
    "context": _("the context (new diagnosis, relapse, progression…)"),
    "diagnosis": _("the diagnosis (ICD-10) in the record"),
    "histology": _("the histology (ICD-O-3 morphology) of the diagnosis"),
    "stage": _("the TNM stage of the diagnosis"),
    "performance_status": _("a performance status (ECOG or Karnofsky) in the record"),
    "performance_status_outdated": _("a performance status from the last 3 months"),
    "prior_treatments": _("the prior treatments (relapse or progression)"),
    "patient_informed": _("the patient informed of the review (non-opposition)"),
}

# Modalities → pathway templates that implement them (the chair's decision → one step to apply).
TEMPLATES_BY_MODALITY = {
    "immunotherapy": "home-immunotherapy",
    "car_t": "car-t",
    "work_up": "fast-track-diagnosis",
}


def suggested_templates(decision: Decision) -> list[str]:
    return [TEMPLATES_BY_MODALITY[m] for m in decision.modalities if m in TEMPLATES_BY_MODALITY]
