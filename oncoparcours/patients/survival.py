"""The poor-prognosis flag of a diagnosis: the facts read from the record, the fields stored on
the diagnosis, and the explanation shown on the patient record (matched entry, figure, source,
what is missing, what would change the answer). The rule itself is ``rules/prognosis.py``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .models import Diagnosis, MolecularFinding, Staging
from .referential import survival_table, survival_table_for
from .rules import biomarker_mapping, prognosis

STORED_FIELDS = (
    "poor_prognosis",
    "five_year_survival",
    "survival_reference",
    "survival_entry",
    "survival_table_version",
    "prognosis_missing",
)


def facts_for(
    diagnosis: Diagnosis,
    *,
    stagings: Iterable[Staging] | None = None,
    findings: Iterable[MolecularFinding] | None = None,
) -> prognosis.Facts:
    """What the record says about the diagnosis (uses prefetched stagings, and the patient's
    current molecular results when prefetched as ``current_molecular``). The receptor status is
    read from the structured molecular results (``rules.biomarker_mapping.marker_results``):
    they are the patient's, not one tumour's — with two cancers, a clinician confirms which
    tumour a result belongs to (docs/clinical-rules.md §8)."""
    stagings = diagnosis.stagings.all() if stagings is None else stagings
    if findings is None:
        findings = getattr(diagnosis.patient, "current_molecular", None)
    if findings is None:
        findings = MolecularFinding.objects.current().filter(patient_id=diagnosis.patient_id)
    return prognosis.Facts(
        icd10=diagnosis.icd10,
        morphology=diagnosis.icdo3_morphology,
        age=diagnosis.patient.age_on(diagnosis.diagnosed_on),
        stagings=tuple(
            prognosis.StagingFacts(t=s.t, n=s.n, m=s.m, group=s.stage_group) for s in stagings
        ),
        markers=biomarker_mapping.marker_results(findings),
    )


def stored_values(assessment: prognosis.Assessment) -> dict[str, Any]:
    return {
        "poor_prognosis": assessment.poor_prognosis,
        "five_year_survival": assessment.survival_5y,
        "survival_reference": assessment.entry_label[:200],
        "survival_entry": assessment.entry_key[:80],
        "survival_table_version": assessment.table_version,
        "prognosis_missing": list(assessment.missing),
    }


def apply(diagnosis: Diagnosis, assessment: prognosis.Assessment) -> dict[str, tuple[Any, Any]]:
    """Store the assessment on the diagnosis (not saved); returns {field: (old, new)}."""
    changes = {}
    for name, value in stored_values(assessment).items():
        old = getattr(diagnosis, name)
        if old != value:
            changes[name] = (old, value)
            setattr(diagnosis, name, value)
    return changes


def assess(diagnosis: Diagnosis, **facts: Any) -> prognosis.Assessment:
    """The diagnosis assessed with the current table."""
    return prognosis.assess(survival_table(), facts_for(diagnosis, **facts))


def fact_label(code: str) -> str:
    labels = {
        prognosis.MORPHOLOGY: _("histology (ICD-O-3 morphology)"),
        prognosis.HISTOLOGY: _(
            "survival of this histology at this site (the site figure holds only for its usual"
            " histologies)"
        ),
        prognosis.STAGE: _("stage (stage group or TNM)"),
        prognosis.METASTASIS: _("distant metastasis (TNM M category)"),
        prognosis.AGE: _("age at diagnosis"),
        "marker:ER": _("oestrogen receptor status (ER)"),
        "marker:PR": _("progesterone receptor status (PR)"),
        "marker:HER2": _("HER2 status"),
    }
    if code in labels:
        return labels[code]
    return _("%(marker)s status") % {"marker": code.removeprefix("marker:")}


@dataclass(frozen=True)
class Explanation:
    """Why a diagnosis has its prognosis flag, for the patient record."""

    status: str
    status_label: str
    table_version: str
    current_version: str
    table_label: str  # the tables in words (sources and date); versions stay as tooltips
    current_label: str
    threshold_percent: float | None
    entry: prognosis.Entry | None
    missing: tuple[str, ...]
    pending: tuple[tuple[prognosis.Candidate, str], ...]  # with the missing facts, as text
    alternatives: tuple[prognosis.Candidate, ...]
    # "To check": the figures the answer could have once the missing facts are known.
    figures: tuple[float, ...] = ()
    figures_approx: bool = False

    @property
    def is_current(self) -> bool:
        return self.table_version == self.current_version

    @property
    def figure_range(self) -> tuple[float, float] | None:
        """Lowest and highest candidate figure of an undetermined answer (None when fewer than
        two figures: no range to give)."""
        return (self.figures[0], self.figures[-1]) if len(self.figures) > 1 else None

    @property
    def shows_approx(self) -> bool:
        """Whether a figure shown on the record is marked approx. (then the mark is explained)."""
        shown = [c.entry for c, _needs in self.pending] + [c.entry for c in self.alternatives]
        if self.entry is not None and self.status in ("poor", "not_poor"):
            shown.append(self.entry)
        return (self.figures_approx and self.figure_range is not None) or any(
            entry.approx for entry in shown
        )


def explain(diagnosis: Diagnosis) -> Explanation:
    """The stored flag, detailed with the table version that set it and the record's facts."""
    table = survival_table_for(diagnosis.survival_table_version)
    assessment = prognosis.assess(table, facts_for(diagnosis)) if table else None
    entry = table.entry(diagnosis.survival_entry) if table and diagnosis.survival_entry else None
    return Explanation(
        status=diagnosis.prognosis_status,
        status_label=diagnosis.prognosis_status_label,
        table_version=diagnosis.survival_table_version,
        current_version=survival_table().version,
        table_label=table.label if table else diagnosis.survival_table_version,
        current_label=survival_table().label,
        threshold_percent=table.threshold_percent if table else None,
        entry=entry,
        missing=tuple(fact_label(code) for code in diagnosis.prognosis_missing),
        pending=tuple(
            (c, ", ".join(fact_label(code) for code in c.missing))
            for c in (assessment.pending if assessment else ())
        ),
        alternatives=assessment.alternatives if assessment else (),
        figures=assessment.figures if assessment else (),
        figures_approx=assessment.figures_approx if assessment else False,
    )
