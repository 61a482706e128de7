"""Every write of the trial registry: imports (all-or-nothing per file) and tree versions."""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Organisation
from oncoparcours.patients.models import search_key

from .importers import ctgov, ctml
from .matching_services import arms_rematch
from .models import Arm, ArmTreeVersion, Trial, TrialSite
from .rules.tree import document_problems


def _problem_text(problems: list[tuple[str, str]]) -> str:
    """Every problem with its path, in words ("tree.0.max : ECOG … de 0 à 5")."""
    from .curation_forms import PROBLEMS

    return "; ".join(f"{path} : {PROBLEMS.get(code, code)}" for path, code in problems[:20])


@transaction.atomic
def arm_tree_save(
    *, actor: User | None, arm: Arm, document: dict[str, Any], note: str = ""
) -> ArmTreeVersion:
    """A new version of the arm's eligibility tree (earlier versions are kept)."""
    problems = document_problems(document)
    if problems:
        raise ApplicationError(
            _("The eligibility tree is not valid: %(problems)s")
            % {"problems": _problem_text(problems)},
            field="document",
        )
    arm = Arm.objects.select_for_update().get(pk=arm.pk)
    version = ArmTreeVersion.objects.create(
        arm=arm, number=arm.tree_version + 1, document=document, author=actor, note=note
    )
    arm.tree, arm.tree_version = document, version.number
    arm.save(update_fields=["tree", "tree_version", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=arm, details={"version": version.number}
    )
    return version


def _organisation_for(name: str, city: str) -> Organisation | None:
    """Our directory's organisation of that name in that city, when there is exactly one."""
    if not city:
        return None
    matches = [
        o
        for o in Organisation.objects.filter(city__iexact=city).only("id", "name", "city")
        if search_key(o.name) == search_key(name)
    ]
    return matches[0] if len(matches) == 1 else None


def _save_trial(actor: User | None, data: ctgov.TrialData) -> Trial:
    for checked in data.arms:
        if problems := document_problems(checked.tree):
            raise ctgov.RecordError(
                _("arm %(code)s: %(problems)s")
                % {"code": checked.code, "problems": _problem_text(problems)}
            )
    trial = Trial.objects.filter(nct_id=data.nct_id).first() if data.nct_id else None
    created = trial is None
    trial = trial or Trial()
    before = trial.overall_status
    fields = ("nct_id", "eu_ct_number", "eudract_number", "sponsor_code", "title", "phase")
    for name in (*fields, "sponsor", "overall_status", "conditions", "eligibility_text", "source"):
        setattr(trial, name, getattr(data, name))
    trial.retrieved_at = timezone.now()
    trial.save()
    trial.sites.all().delete()
    TrialSite.objects.bulk_create(
        TrialSite(
            trial=trial,
            organisation=_organisation_for(site.name, site.city),
            name=site.name,
            city=site.city,
            latitude=site.latitude,
            longitude=site.longitude,
            status=site.status,
            contact=site.contact,
        )
        for site in data.sites
    )
    changed = []
    status_changed = not created and trial.overall_status != before
    for arm_data in data.arms:
        arm, new = Arm.objects.get_or_create(
            trial=trial, code=arm_data.code, defaults={"status": arm_data.status}
        )
        if new or status_changed or arm.status != arm_data.status or arm.tree != arm_data.tree:
            changed.append(arm)
        arm.description, arm.status = arm_data.description, arm_data.status
        arm.save(update_fields=["description", "status", "updated_at"])
        if arm.tree != arm_data.tree:
            arm_tree_save(actor=actor, arm=arm, document=arm_data.tree, note="import")
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT if created else AuditAction.UPDATE,
        obj=trial,
        details={"source": data.source, "arms": len(data.arms), "sites": len(data.sites)},
    )
    trial.changed_arms = changed  # type: ignore[attr-defined]
    return trial


def _import(
    actor: User | None, records: list[tuple[str, Any]], parse: Any, notify: bool = True
) -> list[Trial]:
    """Parse every record first; any error refuses the whole file (each bad record named)."""
    retrieved = timezone.now().date().isoformat()
    parsed, errors = [], []
    for label, record in records:
        try:
            parsed.append(parse(record, retrieved=retrieved))
        except ctgov.RecordError as error:  # every problem of the record, in words
            errors.append(_("%(record)s: %(problems)s") % {"record": label, "problems": error})
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            errors.append(
                _("%(record)s: unexpected content (%(error)s)")
                % {"record": label, "error": repr(error)}
            )
    if errors:
        raise ApplicationError(_("Nothing imported. %(errors)s") % {"errors": " | ".join(errors)})
    with transaction.atomic():
        trials = []
        for (label, _record), data in zip(records, parsed, strict=True):
            try:
                trials.append(_save_trial(actor, data))
            except ctgov.RecordError as error:
                problems = _("%(record)s: %(problems)s") % {"record": label, "problems": error}
                raise ApplicationError(
                    _("Nothing imported. %(errors)s") % {"errors": problems}
                ) from error
        changed = [arm for trial in trials for arm in trial.changed_arms]  # type: ignore[attr-defined]
        if changed:  # new arms, status or eligibility changes: the patients are matched again
            arms_rematch(actor=actor, arms=changed, reason="import", notify=notify)
        return trials


def trials_import_ctgov(*, actor: User | None, content: str, notify: bool = True) -> list[Trial]:
    try:
        document = json.loads(content)
    except json.JSONDecodeError as error:
        raise ApplicationError(_("Not JSON: %(error)s") % {"error": error}) from error
    studies = ctgov.studies_of(document)
    records = []
    for index, study in enumerate(studies):
        nct: Any = ""
        protocol = study.get("protocolSection") if isinstance(study, dict) else None
        ident = protocol.get("identificationModule") if isinstance(protocol, dict) else None
        if isinstance(ident, dict):
            nct = ident.get("nctId", "")
        label = _("record %(number)s") % {"number": index + 1}
        records.append((label + (f" ({nct})" if nct else ""), study))
    return _import(actor, records, ctgov.parse_study, notify)


def trials_import_ctml(*, actor: User | None, content: str, notify: bool = True) -> list[Trial]:
    try:
        documents = [d for d in yaml.safe_load_all(content) if d is not None]
    except yaml.YAMLError as error:
        raise ApplicationError(_("Not YAML: %(error)s") % {"error": error}) from error
    records = [(_("document %(number)s") % {"number": i + 1}
                + f" ({d.get('nct_id', '?') if isinstance(d, dict) else '?'})", d)
               for i, d in enumerate(documents)]  # fmt: skip
    return _import(actor, records, ctml.parse_ctml, notify)


def trial_export_ctml(*, trial: Trial) -> str:
    data = ctgov.TrialData(
        title=trial.title,
        overall_status=trial.overall_status,
        source=trial.source,
        nct_id=trial.nct_id,
        sponsor_code=trial.sponsor_code,
        phase=trial.phase,
        arms=[ctgov.ArmData(a.code, a.description, a.status, a.tree) for a in trial.arms.all()],
    )
    try:
        document = ctml.trial_to_ctml(data)
    except ctml.ExportError as error:
        raise ApplicationError(_("Cannot export to CTML: %(error)s") % {"error": error}) from error
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
