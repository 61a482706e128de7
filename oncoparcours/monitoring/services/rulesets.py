"""Triage rule sets as governed data: files are loaded as drafts, validated by a named physician,
activated per organisation only when their vignette suite passes."""

from __future__ import annotations

import hashlib
import json
import uuid

import yaml
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, Role, User
from oncoparcours.directory.models import Organisation, Profession
from oncoparcours.patients.models import Patient
from oncoparcours.patients.selectors import professional_for

from .. import triage
from ..models import RuleSetActivation, RuleSetStatus, TriageRuleSet
from ..rules import policy

_parsed: dict[tuple[str, str], policy.RuleSet] = {}
PLATFORM_DEFAULT = "default"


def _checksum(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def compiled(rule_set: TriageRuleSet) -> policy.RuleSet:
    """The executable rule set of a stored version (cached per process)."""
    key = (rule_set.label, rule_set.checksum)
    if key not in _parsed:
        _parsed[key] = triage.rule_set_from_data(rule_set.definition)
    return _parsed[key]


@transaction.atomic
def rule_sets_load() -> list[str]:
    """Store every shipped rule-set file whose version is not stored yet, as a draft."""
    loaded = []
    for path in sorted(triage.RULESET_DIR.glob("*@*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        triage.rule_set_from_data(data)  # refuses an invalid file before anything is stored
        existing = TriageRuleSet.objects.filter(code=data["id"], version=data["version"]).first()
        if existing is not None:
            if existing.checksum != _checksum(data):
                raise ApplicationError(
                    _(
                        "%(label)s is already stored with other content: "
                        "give the changed file a new version."
                    )
                    % {"label": existing.label}
                )
            continue
        TriageRuleSet.objects.create(
            code=data["id"],
            version=data["version"],
            title_fr=data["title"]["fr"],
            title_en=data["title"].get("en", data["title"]["fr"]),
            source=data["source"],
            definition=data,
            checksum=_checksum(data),
            file_name=path.name,
        )
        loaded.append(f"{data['id']}@{data['version']}")
    return loaded


def _shipped_default() -> TriageRuleSet:
    """The newest shipped version of the contract's default policy, validated as shipped."""
    name, _sep, version = triage.latest_label(PLATFORM_DEFAULT).partition("@")
    default = TriageRuleSet.objects.get(code=name, version=int(version))
    if default.status == RuleSetStatus.DRAFT:
        default.status, default.validated_at = RuleSetStatus.VALIDATED, timezone.now()
        default.validation_note = (
            "Politique par défaut du contrat de tri, livrée avec l'application."
        )
        default.save()
    return default


def bootstrap_platform_default() -> None:
    """The contract's default policy, shipped with the application, is the platform default until
    the platform activates another one (recorded as such, without a physician's name). When the
    application ships a newer version of the default and the platform still uses an older one,
    the newer version replaces it (recorded too): the shipped default is the contract itself."""
    rule_sets_load()
    default = _shipped_default()
    current = _latest_activation(None)
    if current is not None and not (
        current.rule_set.code == default.code and current.rule_set.version < default.version
    ):
        return
    report = triage.check_vignettes(
        triage.shipped_vignettes(default.label) or {}, compiled(default)
    )
    note = (
        "Platform default at installation"
        if current is None
        else f"Platform default updated with the application ({current.rule_set.label} → "
        f"{default.label})"
    )
    RuleSetActivation.objects.create(rule_set=default, vignettes_checked=report.checked, note=note)


@transaction.atomic
def rule_set_validate(*, rule_set: TriageRuleSet, actor: User, note: str = "") -> TriageRuleSet:
    rule_set = TriageRuleSet.objects.select_for_update().get(pk=rule_set.pk)
    professional = professional_for(actor)
    if professional is None or professional.profession != Profession.PHYSICIAN:
        raise ApplicationError(_("A rule set is validated by a named physician."))
    if rule_set.status != RuleSetStatus.DRAFT:
        raise ApplicationError(
            _("Only a draft can be validated (this one is %(status)s).")
            % {"status": rule_set.get_status_display().lower()}
        )
    rule_set.status, rule_set.validated_by, rule_set.validated_at = (
        RuleSetStatus.VALIDATED,
        actor,
        timezone.now(),
    )
    rule_set.validation_note = note
    rule_set.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=rule_set, details={"validated": rule_set.label}
    )
    return rule_set


def vignette_report(rule_set: TriageRuleSet) -> triage.VignetteReport:
    suite = triage.shipped_vignettes(rule_set.label)
    if suite is None:
        return triage.VignetteReport()
    return triage.check_vignettes(suite, compiled(rule_set))


@transaction.atomic
def rule_set_activate(
    *, rule_set: TriageRuleSet, organisation: Organisation | None, actor: User, note: str = ""
) -> RuleSetActivation:
    rule_set = TriageRuleSet.objects.get(pk=rule_set.pk)  # its current status
    if actor.role not in (Role.CLINICIAN, Role.ADMINISTRATOR):
        raise ApplicationError(_("Only a physician or an administrator activates a rule set."))
    if rule_set.status != RuleSetStatus.VALIDATED:
        raise ApplicationError(_("Validate the rule set before activating it."))
    report = vignette_report(rule_set)
    if report.checked == 0:
        raise ApplicationError(
            _("This rule set has no vignette suite: write one before activating it.")
        )
    if not report.ok:
        raise ApplicationError(
            _("%(count)s vignette(s) disagree: fix the rule set or the vignettes first.")
            % {"count": len(report.disagreements)}
        )
    activation = RuleSetActivation.objects.create(
        organisation=organisation,
        rule_set=rule_set,
        activated_by=actor,
        vignettes_checked=report.checked,
        note=note,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=activation,
        details={
            "activated": rule_set.label,
            "organisation": str(organisation.pk) if organisation else None,
        },
    )
    return activation


def _latest_activation(organisation_id: uuid.UUID | None) -> RuleSetActivation | None:
    """The organisation's latest activation, else the platform's (one query)."""
    scope = Q(organisation__isnull=True)
    if organisation_id is not None:
        scope |= Q(organisation_id=organisation_id)
    return (
        RuleSetActivation.objects.filter(scope)
        .select_related("rule_set")
        .order_by(F("organisation_id").asc(nulls_last=True), "-activated_at", "-id")
        .first()
    )


def active_rule_set(organisation_id: uuid.UUID | None) -> TriageRuleSet:
    activation = _latest_activation(organisation_id)
    if activation is None:
        bootstrap_platform_default()
        activation = _latest_activation(organisation_id)
    assert activation is not None
    return activation.rule_set


def rule_set_for_patient(patient: Patient) -> tuple[TriageRuleSet, policy.RuleSet]:
    stored = active_rule_set(patient.expert_centre_id or patient.proximity_centre_id)
    return stored, compiled(stored)


def rule_sets_for_patient(patient: Patient) -> list[tuple[TriageRuleSet, policy.RuleSet]]:
    """The patient's organisation's active rule set, then — when that set is not built on it —
    the newest shipped default as a floor: a report is never triaged laxer than the contract's
    current default, whatever an organisation activated before it was published."""
    stored, compiled_set = rule_set_for_patient(patient)
    floor_label = triage.latest_label(PLATFORM_DEFAULT)
    if floor_label in _lineage(stored):
        return [(stored, compiled_set)]
    floor = _stored_floor(floor_label)
    return [(stored, compiled_set), (floor, compiled(floor))]


def _lineage(rule_set: TriageRuleSet) -> set[str]:
    """The labels a stored rule set is built on: itself, what it extends, and so on."""
    labels = {rule_set.label}
    parent = rule_set.definition.get("extends")
    while parent and str(parent) not in labels:
        labels.add(str(parent))
        parent = _file_extends(str(parent))
    return labels


def _file_extends(label: str) -> str | None:
    try:
        return triage.rule_set_file(label).get("extends")
    except KeyError:
        return None


def _stored_floor(label: str) -> TriageRuleSet:
    name, _sep, version = label.partition("@")
    stored = TriageRuleSet.objects.filter(code=name, version=int(version)).first()
    if stored is None:
        rule_sets_load()
        stored = TriageRuleSet.objects.get(code=name, version=int(version))
    return stored
