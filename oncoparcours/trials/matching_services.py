"""Re-matching: the stored results (``PatientArmMatch``) are rewritten after a new biomarker, an
arm's tree or status change, or a trial's status change. The referring physician gets an in-app
notice only when the result changed for them: a new arm met or to verify (or to verify → met),
an arm that matched closed, or an arm no longer met because the patient's data changed (no
longer matching, or met → to verify: a board may already have proposed it — safer reading).
Re-running with nothing new changes nothing and notifies no one
(idempotent)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.core.notifications.services import Recipient, notification_send
from oncoparcours.patients.models import CareTeamMember, CareTeamRole, Patient
from oncoparcours.patients.selectors import professional_for

from . import selectors
from .models import OPEN_STATUSES, Arm, ArmStatus, PatientArmMatch
from .rules.bulk import Cohort, indices_of
from .rules.criteria import MET, UNKNOWN
from .rules.facts import PatientFacts
from .rules.matching import ArmSpec, Matcher
from .rules.tree import leaves

KIND = "trial_match"
BATCH = 2000


@dataclass
class Change:
    patient_id: uuid.UUID
    new: list[str] = field(default_factory=list)  # arm labels newly met or to verify
    now_met: list[str] = field(default_factory=list)  # to verify → met
    closed: list[str] = field(default_factory=list)  # arms that matched and closed
    gone: list[str] = field(default_factory=list)  # no longer matching (patient data changed)
    no_longer_met: list[str] = field(default_factory=list)  # met → to verify

    @property
    def notify(self) -> bool:
        return bool(self.new or self.now_met or self.closed or self.gone or self.no_longer_met)


def _label(arm: Arm) -> str:
    return f"{arm.trial.identifier} — {arm.code}"


def _results(matcher: Matcher, facts: PatientFacts) -> dict[str, tuple[int, int]]:
    out = {}
    for arm in matcher.candidates(facts):
        leaves: list = []
        value = arm.evaluate(facts, leaves)
        if value != 0:
            out[arm.key] = (value, sum(1 for leaf in leaves if leaf.value == UNKNOWN))
    return out


def _apply(
    patient_id: uuid.UUID,
    results: dict[str, tuple[int, int]],
    stored: dict[str, PatientArmMatch],
    arms: dict[str, Arm],
    closed: set[str],
) -> Change:
    """Write the difference for one patient; ``closed``: stored arms that closed."""
    change = Change(patient_id)
    now = timezone.now()
    for key, row in stored.items():
        if key not in results:
            (change.closed if key in closed else change.gone).append(_label(row.arm))
            row.delete()
    for key, (value, unknowns) in results.items():
        current = stored.get(key)
        if current is None:
            PatientArmMatch.objects.create(patient_id=patient_id, arm_id=key, value=value,
                                           unknowns=unknowns, updated_at=now)  # fmt: skip
            change.new.append(_label(arms[key]))
        elif (current.value, current.unknowns) != (value, unknowns):
            if value == MET and current.value != MET:
                change.now_met.append(_label(arms[key]))
            elif current.value == MET and value != MET:
                change.no_longer_met.append(_label(arms[key]))
            current.value, current.unknowns, current.updated_at = value, unknowns, now
            current.save(update_fields=["value", "unknowns", "updated_at"])
    return change


def _stored(patient_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, PatientArmMatch]]:
    out: dict[uuid.UUID, dict[str, PatientArmMatch]] = {}
    for row in PatientArmMatch.objects.filter(patient_id__in=list(patient_ids)).select_related(
        "arm__trial"
    ):
        out.setdefault(row.patient_id, {})[str(row.arm_id)] = row
    return out


def _rematch(
    actor: User | None,
    patients: list[Patient],
    specs: list[ArmSpec],
    reason: str,
    closed: set[str] = frozenset(),  # type: ignore[assignment]
    notify: bool = True,
) -> list[Change]:
    matcher = Matcher(specs)
    arms = {spec.key: spec.payload for spec in specs}
    changes = []
    for start in range(0, len(patients), BATCH):
        batch = patients[start : start + BATCH]
        facts = selectors.facts_for_patients(batch)
        stored = _stored(p.pk for p in batch)
        for patient in batch:
            results = _results(matcher, facts[patient.pk])
            change = _apply(patient.pk, results, stored.get(patient.pk, {}), arms, closed)
            if change.notify:
                changes.append(change)
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            details={"trial_rematch": reason, "patients_changed": len(changes),
                     "patients": [str(c.patient_id) for c in changes[:200]]},
        )  # fmt: skip
    if notify:
        for change in changes:
            if change.notify:
                transaction.on_commit(lambda c=change: _notify(actor, c, reason))  # type: ignore[misc]
    return changes


@transaction.atomic
def patient_rematch(
    *, actor: User | None, patient: Patient, reason: str, notify: bool = True
) -> Change | None:
    """Re-match one patient against every open arm (after a new biomarker, for instance)."""
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    changes = _rematch(actor, [patient], selectors.open_arm_specs(), reason, notify=notify)
    return changes[0] if changes else None


@transaction.atomic
def patients_rematch(
    *, actor: User | None, patients: list[Patient] | None = None, notify: bool = True
) -> list[Change]:
    """Full re-match (every patient unless given), by batches."""
    chosen = patients if patients is not None else list(Patient.objects.order_by("pk"))
    return _rematch(actor, chosen, selectors.open_arm_specs(), "full", notify=notify)


@transaction.atomic
def arm_status_set(*, actor: User | None, arm: Arm, status: str) -> list[Change]:
    """An arm opens, is suspended or closes: the patients it matched are told when it closes;
    when it opens, every patient is matched against it."""
    if status not in ArmStatus.values:
        raise ValueError(status)
    arm = Arm.objects.select_for_update().select_related("trial").get(pk=arm.pk)
    if arm.status == status:
        return []
    before = arm.status
    arm.status = status
    arm.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=arm,
                 details={"status": [before, status]})  # fmt: skip
    return arms_rematch(actor=actor, arms=[arm], reason=f"arm status {status}")


def arms_rematch(
    *, actor: User | None, arms: list[Arm], reason: str, notify: bool = True
) -> list[Change]:
    """After a change to these arms (status, tree, their trial's status): the patients they
    matched and, for the arms open now, every patient."""
    keys = {str(a.pk) for a in arms}
    specs = selectors.open_arm_specs()
    open_now = {s.key for s in specs} & keys
    closed = keys - open_now
    affected = set(
        PatientArmMatch.objects.filter(arm_id__in=keys).values_list("patient_id", flat=True)
    )
    if open_now:
        # Which patients the open arms now meet or leave to verify: the vectorised engine over
        # every patient (batches), then the full per-patient re-match of those only.
        trees = {s.key: s.tree for s in specs if s.key in open_now}
        everyone = list(Patient.objects.order_by("pk"))
        for start in range(0, len(everyone), BATCH):
            batch = everyone[start : start + BATCH]
            facts = selectors.facts_for_patients(batch)
            cohort = Cohort([facts[p.pk] for p in batch])
            for tree in trees.values():
                met, to_verify = cohort.arm_sets(tree)
                affected.update(batch[i].pk for i in indices_of(met | to_verify))
    patients = list(Patient.objects.filter(pk__in=affected).order_by("pk"))
    return _rematch(actor, patients, specs, reason, closed=closed, notify=notify)


def trial_is_open(arm: Arm) -> bool:
    return arm.status == ArmStatus.OPEN and arm.trial.overall_status in OPEN_STATUSES


def referring_users(patient_id: uuid.UUID) -> list[User]:
    """The care team's lead, else its referring oncologists / haematologists, with an account."""
    members = list(
        CareTeamMember.objects.filter(patient_id=patient_id, end__isnull=True,
                                      professional__user__isnull=False)
        .select_related("professional__user")
        .order_by("-is_lead", "start")
    )  # fmt: skip
    leads = [m for m in members if m.is_lead] or [
        m for m in members
        if m.role in (CareTeamRole.REFERRING_ONCOLOGIST, CareTeamRole.HAEMATOLOGIST)
    ]  # fmt: skip
    users: dict[int, User] = {}
    for member in leads:
        user = member.professional.user
        if user is not None and user.is_active:
            users[user.pk] = user
    return list(users.values())


def _notify(actor: User | None, change: Change, reason: str) -> None:
    patient = Patient.objects.get(pk=change.patient_id)
    parts = []
    if change.new:
        parts.append(_("new arms met or to verify: %(arms)s") % {"arms": ", ".join(change.new)})
    if change.now_met:
        parts.append(_("now met: %(arms)s") % {"arms": ", ".join(change.now_met)})
    if change.closed:
        parts.append(_("closed: %(arms)s") % {"arms": ", ".join(change.closed)})
    if change.gone:
        parts.append(_("no longer matching: %(arms)s") % {"arms": ", ".join(change.gone)})
    if change.no_longer_met:
        parts.append(_("now to verify: %(arms)s") % {"arms": ", ".join(change.no_longer_met)})
    text = _("Clinical trials for %(patient)s changed — %(changes)s. See the record.") % {
        "patient": patient.display_name,
        "changes": "; ".join(parts),
    }
    for user in referring_users(patient.pk):
        notification_send(
            kind=KIND,
            recipient=Recipient.for_user(user),
            # The in-app page shows the subject: it carries the whole notice.
            context={"subject": text[:400], "text": text,
                     "patient_url": patient.get_absolute_url()},
            actor=actor,
            patient_id=patient.pk,
            chain=("in_app",),
        )  # fmt: skip


def on_new_results(*, actor: User, patient: Patient, notify: bool = True) -> None:
    """New molecular results recorded for the patient (``patients`` hook)."""
    patient_rematch(actor=actor, patient=patient, reason="new biomarker", notify=notify)


def _leaf_key(c: dict) -> str:
    import json

    return json.dumps({k: v for k, v in c.items() if k not in ("provenance", "curator", "date")},
                      sort_keys=True)  # fmt: skip


def stamp_curated(old_tree: dict, new_tree: dict, curator: str) -> list[tuple[str, str]]:
    """Mark every criterion added or changed by the edit as curated by ``curator`` today (the
    unchanged ones keep their provenance); each must carry its verbatim source text. Returns the
    problems as (path, code)."""
    before = {_leaf_key(c) for c, _n in leaves(old_tree)} if old_tree else set()
    problems = []
    today = timezone.localdate().isoformat()

    def walk(node: dict, path: str) -> None:
        for op in ("and", "or"):
            if op in node and isinstance(node[op], list):
                for i, child in enumerate(node[op]):
                    if isinstance(child, dict):
                        walk(child, f"{path}.{i}")
                return
        if "not" in node and isinstance(node["not"], dict):
            walk(node["not"], f"{path}.not")
            return
        if "criterion" in node and _leaf_key(node) not in before:
            if not str(node.get("text", "")).strip():
                problems.append((f"{path}.text", "required"))
            node.update(provenance="curated", curator=curator, date=today)

    walk(new_tree, "tree")
    return problems


@transaction.atomic
def arm_tree_curate(
    *,
    actor: User,
    arm: Arm,
    tree: dict,
    note: str,
) -> list[Change]:
    """A curator's edit of an arm's eligibility tree: a new version (earlier ones kept), the
    changed criteria stamped curated, then every patient matched again against the arm."""
    from .services import arm_tree_save

    arm = Arm.objects.select_related("trial").get(pk=arm.pk)
    old = arm.tree.get("tree", {}) if arm.tree else {}
    professional = professional_for(actor)
    curator = professional.full_name if professional else ""
    problems = stamp_curated(old, tree, curator or actor.get_full_name() or actor.get_username())
    if problems:
        raise ApplicationError(
            _("Each criterion added or changed needs its verbatim source text: %(paths)s")
            % {"paths": ", ".join(path for path, _code in problems)},
            field="tree",
        )
    if not note.strip():
        raise ApplicationError(_("Say what the edit changes and why."), field="note")
    arm_tree_save(actor=actor, arm=arm, document={"schema": 1, "tree": tree}, note=note.strip())
    return arms_rematch(actor=actor, arms=[arm], reason="curation")
