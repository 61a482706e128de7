"""Submitting a report: validated with the triage contract, graded, triaged by the patient's
active rule set, and its alert created and routed — all in one transaction. The same submission
key twice (double click, network retry) yields the same report."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.patients.models import Patient

from .. import comment_checks
from ..models import (
    Alert,
    AlertEvent,
    AlertEventKind,
    AlertRecipient,
    Level,
    PatientAccessLink,
    Report,
)
from ..rules import context as context_rules
from ..rules import grading, policy, strictest
from ..rules.comment_alert import comment_decision
from ..rules.vitals import pressure_inverted
from .routing import notified_note, route
from .rulesets import rule_sets_for_patient

COMMENT_MAX = Report._meta.get_field("comment").max_length or 0


@dataclass(frozen=True)
class Submitted:
    report: Report
    alert: Alert | None
    created: bool


@dataclass(frozen=True)
class TreatmentContext:
    """What a patient's reports are graded for today: every treatment in course (the patient's
    recorded treatments and the treatment of their active pathways), mapped to the triage
    contract's treatments, and the days since a CAR-T infusion."""

    treatments: tuple[str, ...]
    days_since_infusion: int | None
    sources: tuple[str, ...]  # what they come from, for the care team

    @property
    def main(self) -> str:
        return self.treatments[0]


def treatment_context(patient: Patient) -> TreatmentContext:
    from oncoparcours.pathways.models import ActivityInstance, PathwayInstance
    from oncoparcours.patients.selectors import treatments_in_progress

    kinds: dict[str, str] = {}
    today = timezone.localdate()
    courses = treatments_in_progress(
        patient.pk, ended_within_days=context_rules.longest_after_end()
    )
    for course in courses:
        ended = course.ended_on
        if ended is not None and ended < today:
            if (today - ended).days > context_rules.after_end_days(course.kind):
                continue
            label = _("%(kind)s — %(regimen)s, ended on %(date)s") % {
                "kind": course.get_kind_display(),
                "regimen": course.regimen,
                "date": ended.strftime("%d/%m/%Y"),
            }
        else:
            label = f"{course.get_kind_display()} — {course.regimen}"
        kinds.setdefault(course.kind, label)
    instances = PathwayInstance.objects.filter(
        patient=patient, status__in=["active", "paused"]
    ).select_related("template")
    for instance in instances:
        kind = instance.template.definition.get("treatment")
        if kind:
            kinds.setdefault(kind, str(instance.template.title))
    mapped = context_rules.contract_treatments(kinds)
    days = None
    if "car_t" in mapped:
        infusion = (
            ActivityInstance.objects.filter(
                patient=patient, template_activity="car-t-infusion", status="done"
            )
            .order_by("-done_on")
            .values_list("done_on", flat=True)
            .first()
        )
        started = [c.started_on for c in courses if c.kind == "car_t"]
        day = infusion or (max(started) if started else None)
        days = (timezone.localdate() - day).days if day else None
    return TreatmentContext(mapped, days, tuple(kinds.values()))


def report_submit(
    *,
    patient: Patient,
    source: str,
    observations: dict[str, Any],
    submission_key: uuid.UUID,
    reporter: User | None = None,
    access_link: PatientAccessLink | None = None,
    vitals: dict[str, Any] | None = None,
    comment: str = "",
    treatments: tuple[str, ...] | None = None,
    days_since_infusion: int | None = None,
    submitted_at: dt.datetime | None = None,
) -> Submitted:
    """Grade, triage and store a report with its alert. The report is graded for every treatment
    in course (``treatments``, else the patient's treatment context) and the strictest answer
    wins. ``submitted_at`` is for reports entered after the fact (paper visit sheets, imports,
    demo history); deadlines count from it."""
    if len(comment) > COMMENT_MAX:
        raise ApplicationError(
            _("The comment is too long (%(length)s characters; at most %(limit)s).")
            % {"length": len(comment), "limit": COMMENT_MAX},
            field="comment",
        )
    if vitals and pressure_inverted(vitals):
        raise ApplicationError(
            _(
                "Systolic pressure (%(systolic)s mmHg) must be higher than diastolic pressure "
                "(%(diastolic)s mmHg): check both values."
            )
            % {"systolic": vitals["systolic_bp"], "diastolic": vitals["diastolic_bp"]},
            field="systolic_bp",
        )
    existing = Report.objects.filter(submission_key=submission_key).select_related("alert").first()
    if existing is not None:
        if existing.patient_id != patient.pk:
            raise ApplicationError(_("This submission key belongs to another report."))
        return Submitted(existing, getattr(existing, "alert", None), False)
    if treatments is None:
        current = treatment_context(patient)
        treatments = current.treatments
        days_since_infusion = (
            days_since_infusion if days_since_infusion is not None else current.days_since_infusion
        )
    if observations.get("neuro_changes") and "car_t" not in treatments:
        # The contract grades the relatives' watch only after CAR-T (or a T-cell engager): on
        # another treatment it would be stored with no alert. Refused, saying what to do.
        raise ApplicationError(
            _(
                "The relatives' neurological watch is triaged only after CAR-T cells or a T-cell "
                "engager, and none is in course: for a neurological change, call the unit now, "
                "or 15."
            ),
            field="neuro_changes",
        )
    context: dict[str, Any] = {"treatment": treatments[0], "source": source}
    if days_since_infusion is not None:
        context["days_since_infusion"] = days_since_infusion
    assessment, error = grading.validate({"context": context, "observations": observations})
    if error is not None:
        field = (
            error["field"].removeprefix("observations.").removeprefix("context.").replace(".", "_")
        )
        raise ApplicationError(error["message"], field=field or "__all__")
    assert assessment is not None
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _store(
                    submitted_at or timezone.now(),
                    patient,
                    assessment,
                    tuple(treatments),
                    source,
                    submission_key,
                    reporter,
                    access_link,
                    vitals or {},
                    comment,
                )
        except IntegrityError:
            # The same submission arrived twice at the same moment: the other one won, unless
            # its transaction was rolled back meanwhile (then store this one).
            report = (
                Report.objects.select_related("alert").filter(submission_key=submission_key).first()
            )
            if report is None:
                continue
            if report.patient_id != patient.pk:
                raise ApplicationError(
                    _("This submission key belongs to another report.")
                ) from None
            return Submitted(report, getattr(report, "alert", None), False)
    raise ApplicationError(_("The report could not be saved; send it again."))


SCANNED = ("patient", "caregiver")


def comment_warning_signs(comment: str) -> list[dict[str, Any]]:
    """The warning signs in a patient's or relative's free-text comment, by the portal's
    warning-words list (``portal/data/alarming_words.yaml``): what a secure message would have
    prompted for."""
    return comment_checks.warning_signs(comment)


def _store(
    now: dt.datetime,
    patient: Patient,
    assessment: grading.Assessment,
    treatments: tuple[str, ...],
    source: str,
    key: uuid.UUID,
    reporter: User | None,
    link: PatientAccessLink | None,
    vitals: dict[str, Any],
    comment: str,
) -> Submitted:
    candidates = rule_sets_for_patient(patient)
    triaged = strictest.triage(
        assessment, treatments=treatments, rule_sets=[compiled for _s, compiled in candidates]
    )
    stored = next(s for s, compiled in candidates if compiled is triaged.rule_set)
    result, decision = triaged.grading, triaged.decision
    signs = comment_warning_signs(comment) if source in SCANNED else []
    decision = comment_decision(
        decision,
        [sign["label"] for sign in signs],
        treatment=triaged.treatment,
        after_hours=bool(signs) and comment_checks.after_hours(timezone.localtime(now)),
        keys=[sign["category"] for sign in signs],
    )
    previous = (
        Report.objects.filter(patient=patient, submitted_at__lte=now)
        .order_by("-submitted_at")
        .values_list("max_grade", flat=True)
        .first()
    )
    report = Report(
        patient=patient,
        source=source,
        reporter=reporter,
        access_link=link,
        submission_key=key,
        submitted_at=now,
        treatment=triaged.treatment,
        days_since_infusion=assessment.days_since_infusion,
        observations=assessment.observations,
        vitals=vitals,
        comment=comment,
        comment_warning_signs=signs,
        result=strictest.as_result(triaged),
        max_grade=result.max_grade,
        level=decision.level,
        worsened=previous is not None and result.max_grade > previous,
        rule_set_label=stored.label,
    )
    report.save()
    alert = None
    if decision.level != Level.NONE:
        alert = create_alert(
            patient=patient,
            report=report,
            decision=decision,
            rule_set_label=stored.label,
            now=now,
            flags=list(result.flags),
        )
    audit_record(
        actor=reporter,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        obj=report,
        details={
            "source": source,
            "level": decision.level,
            "max_grade": result.max_grade,
            "flags": list(result.flags),
            "link": str(link.pk) if link else None,
            "comment_warning_signs": [sign["category"] for sign in report.comment_warning_signs],
        },
    )
    return Submitted(report, alert, True)


def create_alert(
    *,
    patient: Patient,
    report: Report | None,
    decision: policy.Decision,
    rule_set_label: str,
    now: dt.datetime,
    kind: str = "triage",
    dedup_key: str = "",
    flags: list[str] | None = None,
) -> Alert:
    deadline = (
        now + dt.timedelta(minutes=decision.respond_within_minutes)
        if decision.respond_within_minutes is not None
        else None
    )
    alert = Alert(
        patient=patient,
        report=report,
        kind=kind,
        dedup_key=dedup_key,
        level=decision.level,
        notify=[*decision.notify, *decision.also_notify],
        respond_within_minutes=decision.respond_within_minutes,
        deadline=deadline,
        advice=decision.advice.get("fr", ""),
        rule=decision.rule,
        rule_set_label=rule_set_label,
        flags=flags or [],
        organisation_id=patient.expert_centre_id or patient.proximity_centre_id,
        created_at=now,
    )
    alert.save()  # its open-alerts index row comes with it (database trigger)
    routing = route(patient, [*decision.notify, *decision.also_notify], actor_label=rule_set_label)
    routed = routing.recipients
    AlertRecipient.objects.bulk_create(
        [
            AlertRecipient(
                alert=alert, professional=professional, role=role, step=0, notified_at=now
            )
            for professional, role in routed
        ]
    )
    AlertEvent.objects.create(
        alert=alert,
        kind=AlertEventKind.NOTIFIED,
        step=0,
        deadline=deadline,
        at=now,
        note=notified_note(routing, decision.also_notify_reasons),
    )
    return alert
