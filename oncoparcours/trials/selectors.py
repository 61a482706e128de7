"""Reads of the registry and of a patient's matches (the patient read is scoped and audited)."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from typing import Any

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Network
from oncoparcours.directory.rules import icd10
from oncoparcours.patients.models import (
    Diagnosis,
    MolecularFinding,
    MolecularKind,
    MolecularMethod,
    Patient,
    PerformanceScale,
    PerformanceStatus,
    Staging,
    TreatmentCourse,
)
from oncoparcours.patients.selectors import visible_patient_filter

from .models import (
    OPEN_STATUSES,
    Arm,
    ArmStatus,
    MatchValue,
    PatientArmMatch,
    Trial,
    TrialSite,
)
from .rules.criteria import NOT_MET
from .rules.facts import DiagnosisFacts, NegativeFacts, PatientFacts, VariantFacts
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
    names: dict[uuid.UUID, list[str]] = {}
    invited: dict[uuid.UUID, list[str]] = {}
    for site in TrialSite.objects.filter(
        trial_id__in={a.trial_id for a in arms}, status__in=OPEN_STATUSES
    ).only("trial_id", "latitude", "longitude", "name", "city", "status"):
        name = f"{site.name} ({site.city})" if site.city else site.name
        if site.by_invitation:  # listed, never the nearest open site (models.py)
            invited.setdefault(site.trial_id, []).append(name)
        elif site.latitude is not None and site.longitude is not None:
            sites.setdefault(site.trial_id, []).append((site.latitude, site.longitude))
            names.setdefault(site.trial_id, []).append(name)
    specs = []
    for arm in arms:
        if not arm.tree or needs_curation(arm.tree["tree"]):
            continue
        label = f"{arm.trial.identifier} — {arm.code}"
        specs.append(ArmSpec(str(arm.pk), label, arm.tree["tree"],
                             tuple(sites.get(arm.trial_id, ())), payload=arm,
                             site_names=tuple(names.get(arm.trial_id, ())),
                             invitation_sites=tuple(invited.get(arm.trial_id, ()))))  # fmt: skip
    return specs


def open_arms() -> list[Arm]:
    """Every open arm of a recruiting trial (one query), for choosing one in a decision."""
    return list(
        Arm.objects.filter(status=ArmStatus.OPEN, trial__overall_status__in=OPEN_STATUSES)
        .select_related("trial")
        .order_by("trial__title", "code")
    )


def patient_facts(patient: Patient) -> PatientFacts:
    """What matching knows of the patient (five queries)."""
    return facts_for_patients([patient])[patient.pk]


# How long a performance status or an M0 staging is taken as current for matching (safer reading:
# older, the criterion is to verify; docs/clinical-rules.md).
CURRENT_FOR_DAYS = 90


def _recent(day: Any) -> bool:
    if day is None:
        return False
    if hasattr(day, "date") and callable(day.date):
        day = day.date()
    return (timezone.localdate() - day).days <= CURRENT_FOR_DAYS


def facts_for_patients(patients: list[Patient]) -> dict[uuid.UUID, PatientFacts]:
    """What matching knows of each patient, in five queries whatever their number (the caller
    passes batches of a few thousand)."""
    ids = [p.pk for p in patients]
    diagnoses: dict[uuid.UUID, list[DiagnosisFacts]] = defaultdict(list)
    for drow in (
        Diagnosis.objects.filter(patient_id__in=ids)
        .order_by("-diagnosed_on")
        .values("patient_id", "icd10", "icdo3_topography", "icdo3_morphology")
    ):
        diagnoses[drow["patient_id"]].append(
            DiagnosisFacts(drow["icd10"], drow["icdo3_topography"], drow["icdo3_morphology"])
        )
    staging: dict[uuid.UUID, dict[str, Any]] = {}
    for srow in (
        Staging.objects.filter(diagnosis__patient_id__in=ids)
        .order_by("staged_on")  # the latest wins
        .values("diagnosis__patient_id", "m", "stage_group", "staged_on")
    ):
        staging[srow["diagnosis__patient_id"]] = dict(srow)
    treatments: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for trow in TreatmentCourse.objects.filter(patient_id__in=ids).values(
        "patient_id", "line", "regimen", "kind"
    ):
        treatments[trow["patient_id"]].append(dict(trow))
    ecog: dict[uuid.UUID, int | None] = {}
    for erow in (
        PerformanceStatus.objects.filter(patient_id__in=ids, scale=PerformanceScale.ECOG)
        .order_by("recorded_on")  # the latest wins
        .values("patient_id", "value", "recorded_on")
    ):
        ecog[erow["patient_id"]] = erow["value"] if _recent(erow["recorded_on"]) else None
    molecular: dict[uuid.UUID, list[MolecularFinding]] = defaultdict(list)
    findings = MolecularFinding.objects.current().filter(patient_id__in=ids)
    for finding in findings.order_by("sampled_on"):
        molecular[finding.patient_id].append(finding)
    today = timezone.localdate()
    out = {}
    for patient in patients:
        latest = staging.get(patient.pk)
        metastatic, stage_group = None, ""
        if latest:
            m = (latest["m"] or "").upper()
            # M1 stays true; an M0 says "not metastatic" only while recent (a relapse or
            # progression since is not always staged again): older, it is to verify.
            recent_m0 = m.startswith("M0") and _recent(latest["staged_on"])
            metastatic = True if m.startswith("M1") else False if recent_m0 else None
            stage_group = latest["stage_group"] or ""
        given = treatments.get(patient.pk, [])
        lines = [t["line"] for t in given if t["line"]]
        variants, tmb, msi, ihc, sequenced = [], None, "", {}, False
        negatives = []
        her2_specimen, erbb2_amplification = None, []
        # Results of the latest specimen per marker (same sampling date): two that differ there
        # are discordant (``criteria.discordant``), whatever order the records came in.
        ihc_days: dict[str, tuple[Any, list[tuple[str, float]]]] = {}
        msi_day: tuple[Any, list[str]] = (None, [])
        tmb_day: tuple[Any, list[float]] = (None, [])
        for finding in molecular.get(patient.pk, ()):  # later results overwrite
            amplification = finding.gene == "ERBB2" and finding.alteration_type == "amplification"
            by_ish = finding.method == MolecularMethod.ISH
            if amplification and finding.kind == MolecularKind.VARIANT:
                benign = finding.classification is not None and finding.classification <= 2
                if not benign:
                    erbb2_amplification.append((finding.sampled_on, True, by_ish))
            elif amplification and finding.kind == MolecularKind.NEGATIVE and not finding.exon:
                erbb2_amplification.append((finding.sampled_on, False, by_ish))
            if finding.kind == MolecularKind.VARIANT:
                sequenced = True
                variants.append(VariantFacts(finding.gene, finding.alteration_type,
                    finding.exon, finding.protein_change, finding.fusion_partner,
                    finding.classification))  # fmt: skip
            elif finding.kind == MolecularKind.NEGATIVE:
                negatives.append(NegativeFacts(finding.gene, finding.alteration_type, finding.exon))
            elif finding.kind == MolecularKind.TMB:
                tmb = finding.tmb
                if tmb_day[0] != finding.sampled_on:
                    tmb_day = (finding.sampled_on, [])
                if tmb is not None:
                    tmb_day[1].append(tmb)
            elif finding.kind == MolecularKind.MSI:
                msi = finding.msi_status
                if msi_day[0] != finding.sampled_on:
                    msi_day = (finding.sampled_on, [])
                msi_day[1].append(finding.msi_status)
            elif finding.ihc_value is not None:
                ihc[finding.ihc_marker] = (finding.ihc_scale, finding.ihc_value)
                day, same = ihc_days.get(finding.ihc_marker, (None, []))
                if day != finding.sampled_on:
                    same = []
                same.append(ihc[finding.ihc_marker])
                ihc_days[finding.ihc_marker] = (finding.sampled_on, same)
                if finding.ihc_marker == "HER2":
                    her2_specimen = finding.sampled_on
        # Only the ERBB2 amplification results of the latest HER2 score's specimen (same sampling
        # date) are read beside it; of those, only the ones by in situ hybridisation decide a 2+
        # (by NGS or a method not recorded: to verify, ``criteria.ihc``).
        her2_ish: tuple[bool, ...] | None = None
        her2_other: tuple[bool, ...] = ()
        if her2_specimen is not None:
            own = [(hit, ish) for day, hit, ish in erbb2_amplification if day == her2_specimen]
            her2_ish = tuple(hit for hit, ish in own if ish)
            her2_other = tuple(hit for hit, ish in own if not ish)
        out[patient.pk] = PatientFacts(
            age=patient.age_on(today),
            sex=patient.sex,
            diagnoses=tuple(diagnoses.get(patient.pk, ())),
            metastatic=metastatic,
            stage_group=stage_group,
            # Lines only when numbered: counting courses would count radiotherapy, hormone
            # therapy and each adjuvant course as lines (to verify instead).
            prior_lines=max(lines) if lines else None,
            prior_drugs=frozenset(w for t in given for w in WORD.findall(t["regimen"].lower())),
            prior_classes=frozenset(t["kind"] for t in given),
            ecog=ecog.get(patient.pk),
            sequenced=sequenced,
            variants=tuple(variants),
            negatives=tuple(negatives),
            tmb=tmb,
            msi=msi,
            ihc=ihc,
            ihc_values={m: tuple(v) for m, (_d, v) in ihc_days.items() if len(set(v)) > 1},
            msi_values=tuple(msi_day[1]) if len(set(msi_day[1])) > 1 else (),
            tmb_values=tuple(tmb_day[1]) if len(set(tmb_day[1])) > 1 else (),
            her2_ish=her2_ish,
            her2_other=her2_other,
            latitude=patient.latitude,
            longitude=patient.longitude,
        )
    return out


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


PRIORITY_NETWORKS = ("FEM-NET", "GLIOREC", "RECAP")


def networks_for_worklist() -> list[Network]:
    """Networks with an ICD-10 scope, FEM-NET, GLIOREC and RECAP first (the pilots)."""
    networks = [n for n in Network.objects.order_by("code") if n.icd10_ranges]
    first = {code: i for i, code in enumerate(PRIORITY_NETWORKS)}
    return sorted(networks, key=lambda n: (first.get(n.code, len(first)), n.code))


def _next_category(code: str) -> str:
    letter, number, _sub = icd10.parse(code)
    return f"{letter}{number + 1:02d}" if number < 99 else chr(ord(letter) + 1) + "00"


def icd10_scope_filter(ranges: list[tuple[str, str]], field: str = "icd10") -> Q:
    """A database filter for codes inside the ranges (``directory.rules.icd10.in_range`` on
    normalised codes: a bound without subdivision covers the whole category)."""
    condition = Q(pk__in=[])
    for start, end in ranges:
        start, end = icd10.normalise(start), icd10.normalise(end)
        upper = (
            Q(**{f"{field}__lte": end})
            if "." in end
            else Q(**{f"{field}__lt": _next_category(end)})
        )
        condition |= Q(**{f"{field}__gte": start}) & upper
    return condition


def network_worklist(
    *, user: User, network: Network, trial_id: uuid.UUID | None = None, result: str = ""
) -> QuerySet[Patient]:
    """The user's patients (care team, or break-the-glass) with a cancer in the network's scope
    and at least one open arm met or to verify: met first. Query count independent of size."""
    matches = PatientArmMatch.objects.filter(
        arm__status=ArmStatus.OPEN, arm__trial__overall_status__in=OPEN_STATUSES
    )
    if trial_id:
        matches = matches.filter(arm__trial_id=trial_id)
    if result == "met":
        matches = matches.filter(value=MatchValue.MET)
    elif result == "to_verify":
        matches = matches.filter(value=MatchValue.TO_VERIFY)
    in_scope = Diagnosis.objects.filter(icd10_scope_filter(network.scope_ranges))
    return (
        Patient.objects.filter(visible_patient_filter(user, "pk"))
        .filter(pk__in=in_scope.values("patient_id"), deceased_on__isnull=True)
        .filter(pk__in=matches.values("patient_id"))
        .annotate(
            met=Count(
                "trial_matches", filter=Q(trial_matches__in=matches.filter(value=MatchValue.MET))
            ),
            to_verify=Count(
                "trial_matches",
                filter=Q(trial_matches__in=matches.filter(value=MatchValue.TO_VERIFY)),
            ),
        )
        .prefetch_related(
            Prefetch(
                "trial_matches",
                queryset=matches.select_related("arm__trial").order_by("-value", "unknowns"),
                to_attr="open_matches",
            )
        )
        .annotate(
            # Eligible (an arm met) first, then to verify, then the rest; by name within each.
            rank=Case(When(met__gt=0, then=0), When(to_verify__gt=0, then=1), default=2)
        )
        .order_by("rank", "sort_name", "pk")
    )


def tree_edit_preview(*, user: User, arm: Arm, tree: dict[str, Any]) -> dict[str, Any]:
    """Which patients the edit adds (now met or to verify), removes, and whose result changes
    between met and to verify, before saving: the user's own patients by name with both results,
    the others as counts. Every patient is evaluated (batches)."""
    from .describe import result_label
    from .rules.bulk import Cohort, indices_of

    visible = set(
        Patient.objects.filter(visible_patient_filter(user, "pk")).values_list("pk", flat=True)
    )
    lists: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "changed": []}
    others = {"added": 0, "removed": 0, "changed": 0}
    patients = list(Patient.objects.filter(deceased_on__isnull=True).order_by("sort_name", "pk"))
    for start in range(0, len(patients), 2000):
        batch = patients[start : start + 2000]
        facts = facts_for_patients(batch)
        cohort = Cohort([facts[p.pk] for p in batch])  # vectorised (rules/bulk.py)
        was_sets = cohort.arm_sets(arm.tree["tree"]) if arm.tree else (0, 0)
        now_sets = cohort.arm_sets(tree)
        changed = (was_sets[0] ^ now_sets[0]) | (was_sets[1] ^ now_sets[1])
        for index in indices_of(changed):
            was = cohort.value_of(was_sets, index)
            now = cohort.value_of(now_sets, index)
            what = "removed" if now == NOT_MET else "added" if was == NOT_MET else "changed"
            if batch[index].pk in visible:
                lists[what].append({"patient": batch[index], "was": result_label(was),
                                    "now": result_label(now)})  # fmt: skip
            else:
                others[what] += 1
    shown = [e["patient"] for entries in lists.values() for e in entries]
    audit_record(actor=user, action=AuditAction.VIEW,
                 details={"what": "curation preview", "arm": str(arm.pk),
                          "patients": [str(p.pk) for p in shown][:200]})  # fmt: skip
    return {**lists, **{f"others_{k}": v for k, v in others.items()}}
