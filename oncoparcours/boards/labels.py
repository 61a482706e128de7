"""Sentences for the minimal-dataset codes and the quorum roles, and pathway templates suggested
by a decision."""

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
    "patient_opposed": _(
        "the patient's decision: they objected to the review — if they have changed their mind, "
        "record their new decision on the record's consent form"
    ),
}

# Roles of the quorum compositions (boards/data/compositions.yaml): what the role is, and the
# shortfall when nobody fills it.
ROLE_LABELS = {
    "surgeon": _("Surgeon"),
    "medical_oncologist": _("Medical oncologist"),
    "radiation_oncologist": _("Radiation oncologist"),
    "haematologist": _("Haematologist"),
    "paediatric_oncologist": _("Paediatric oncologist"),
    "gastroenterologist": _("Gastroenterologist (organ specialist)"),
    "pulmonologist": _("Pulmonologist (organ specialist)"),
    "biotherapy_pharmacist": _("Biotherapy referent pharmacist"),
}
MISSING_ROLE_LABELS = {
    "surgeon": _("no surgeon"),
    "medical_oncologist": _("no medical oncologist"),
    "radiation_oncologist": _("no radiation oncologist"),
    "haematologist": _("no haematologist"),
    "paediatric_oncologist": _("no paediatric oncologist"),
    "gastroenterologist": _("no gastroenterologist"),
    "pulmonologist": _("no pulmonologist"),
    "biotherapy_pharmacist": _("no biotherapy referent pharmacist"),
}

# Which composition a quorum was checked against (``Composition.applies_to``).
COMPOSITION_LABELS = {
    "solid": _("solid tumour: composition outside haematology"),
    "haematology": _(
        "haematological malignancy (ICD-10 C81–C96, D45–D47): haematology composition"
    ),
    "mixed": _(
        "solid tumours and haematological malignancies on one agenda (or no diagnosis): both "
        "compositions at once"
    ),
}

# Modalities → pathway templates that implement them (the chair's decision → one step to apply).
TEMPLATES_BY_MODALITY = {
    "immunotherapy": "home-immunotherapy",
    "car_t": "car-t",
    "work_up": "fast-track-diagnosis",
}


def suggested_templates(decision: Decision) -> list[tuple[str, str]]:
    """(code, title) of the pathway templates a decision's modalities suggest."""
    from oncoparcours.pathways.selectors import latest_templates

    codes = [TEMPLATES_BY_MODALITY[m] for m in decision.modalities if m in TEMPLATES_BY_MODALITY]
    titles = {t.code: t.title for t in latest_templates().filter(code__in=codes)}
    return [(code, titles.get(code, code)) for code in codes]
