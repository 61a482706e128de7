"""Reads of the registry and of a patient's matches (the patient read is scoped and audited)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction, User
from oncoparcours.patients.models import MolecularKind, Patient, PerformanceScale

from .models import OPEN_STATUSES, Arm, ArmStatus, Trial, TrialSite
from .rules.facts import DiagnosisFacts, PatientFacts, VariantFacts
from .rules.matching import ArmMatch, ArmSpec, Matcher
from .rules.tree import needs_curation

WORD = re.compile(r"[a-zà-ÿ0-9-]+")


def trials_search(*, query: str = "", status: str = "", stale_only: bool = False) -> QuerySet:
    trials = Trial.objects.annotate(arm_count=Count("arms", distinct=True)).order_by("title")
    if query:
        for word in query.lower().split():
            trials = trials.filter(search_text__contains=word)
    if status:
        trials = trials.filter(overall_status=status)
    if stale_only:
        stale = [t.pk for t in Trial.objects.only("retrieved_at", "refresh_days") if t.is_stale()]
        trials = trials.filter(pk__in=stale)
    return trials


def trial_get(*, trial_id: uuid.UUID) -> Trial:
    return get_object_or_404(
        Trial.objects.prefetch_related(
            Prefetch("arms", queryset=Arm.objects.order_by("code")),
            Prefetch("sites", queryset=TrialSite.objects.select_related("organisation")),
        ),
        pk=trial_id,
    )


def open_arm_specs() -> list[ArmSpec]:
    """Every open, curated arm of a recruiting trial, with the trial's open French sites
    (three queries whatever the registry's size)."""
    arms = list(
        Arm.objects.filter(status=ArmStatus.OPEN, trial__overall_status__in=OPEN_STATUSES)
        .select_related("trial")
        .order_by("trial__title", "code")
    )
    sites: dict[uuid.UUID, list[tuple[float, float]]] = {}
    for site in TrialSite.objects.filter(
        trial_id__in={a.trial_id for a in arms},
        status__in=OPEN_STATUSES,
        latitude__isnull=False,
        longitude__isnull=False,
    ).only("trial_id", "latitude", "longitude"):
        sites.setdefault(site.trial_id, []).append((site.latitude, site.longitude))  # type: ignore[arg-type]
    specs = []
    for arm in arms:
        if not arm.tree or needs_curation(arm.tree["tree"]):
            continue
        label = f"{arm.trial.identifier} — {arm.code}"
        specs.append(ArmSpec(str(arm.pk), label, arm.tree["tree"],
                             tuple(sites.get(arm.trial_id, ())), payload=arm))  # fmt: skip
    return specs


def patient_facts(patient: Patient) -> PatientFacts:
    """What matching knows of the patient (five queries)."""
    diagnoses = tuple(
        DiagnosisFacts(d.icd10, d.icdo3_topography, d.icdo3_morphology)
        for d in patient.diagnoses.all()
    )
    latest_staging = (
        patient.diagnoses.filter(stagings__isnull=False)
        .values("stagings__m", "stagings__stage_group")
        .order_by("-stagings__staged_on")
        .first()
    )
    metastatic, stage_group = None, ""
    if latest_staging:
        m = (latest_staging["stagings__m"] or "").upper()
        metastatic = True if m.startswith("M1") else False if m.startswith("M0") else None
        stage_group = latest_staging["stagings__stage_group"] or ""
    treatments = list(patient.treatments.values("line", "regimen", "kind"))
    lines = [t["line"] for t in treatments if t["line"]]
    ecog = (
        patient.performance_statuses.filter(scale=PerformanceScale.ECOG)
        .order_by("-recorded_on")
        .values_list("value", flat=True)
        .first()
    )
    variants, tmb, msi, ihc, sequenced = [], None, "", {}, False
    for finding in patient.molecular.order_by("sampled_on"):  # later results overwrite
        if finding.kind == MolecularKind.VARIANT:
            sequenced = True
            variants.append(VariantFacts(finding.gene, finding.alteration_type,
                finding.exon, finding.protein_change, finding.fusion_partner))  # fmt: skip
        elif finding.kind == MolecularKind.TMB:
            tmb = finding.tmb
        elif finding.kind == MolecularKind.MSI:
            msi = finding.msi_status
        elif finding.ihc_value is not None:
            ihc[finding.ihc_marker] = (finding.ihc_scale, finding.ihc_value)
    return PatientFacts(
        age=patient.age_on(timezone.localdate()),
        sex=patient.sex,
        diagnoses=diagnoses,
        metastatic=metastatic,
        stage_group=stage_group,
        prior_lines=(max(lines) if lines else len(treatments)) if treatments else None,
        prior_drugs=frozenset(w for t in treatments for w in WORD.findall(t["regimen"].lower())),
        prior_classes=frozenset(t["kind"] for t in treatments),
        ecog=ecog,
        sequenced=sequenced,
        variants=tuple(variants),
        tmb=tmb,
        msi=msi,
        ihc=ihc,
        latitude=patient.latitude,
        longitude=patient.longitude,
    )


def patient_trial_matches(*, user: User, patient: Patient, audit: bool = True) -> list[ArmMatch]:
    """The patient's ranked arms (the caller has checked the care team). Audited, unless the
    caller's own read is (the record page writes one event for the whole page)."""
    matches = Matcher(open_arm_specs()).match(patient_facts(patient))
    if not audit:
        return matches
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        patient_id=patient.pk,
        details={"trial_matches": [m.arm.key for m in matches]},
    )
    return matches


def trial_open_filter() -> Q:
    return Q(overall_status__in=OPEN_STATUSES)


def arm_versions(arm: Arm) -> list[Any]:
    return list(arm.tree_versions.select_related("author").order_by("-number")[:20])
