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

from ..models import (
    Alert,
    AlertEvent,
    AlertEventKind,
    AlertRecipient,
    Level,
    PatientAccessLink,
    Report,
    Treatment,
)
from ..rules import grading, policy
from .routing import recipients
from .rulesets import rule_set_for_patient


@dataclass(frozen=True)
class Submitted:
    report: Report
    alert: Alert | None
    created: bool


def treatment_context(patient: Patient) -> tuple[str, int | None]:
    """The treatment a report is graded for, from the patient's pathways in progress."""
    from oncoparcours.pathways.models import ActivityInstance, PathwayInstance

    codes = set(
        PathwayInstance.objects.filter(
            patient=patient, status__in=["active", "paused"]
        ).values_list("template__code", flat=True)
    )
    if "car-t" in codes:
        infusion = (
            ActivityInstance.objects.filter(
                patient=patient, template_activity="car-t-infusion", status="done"
            )
            .order_by("-done_on")
            .first()
        )
        days = (
            (timezone.localdate() - infusion.done_on).days
            if infusion and infusion.done_on
            else None
        )
        return Treatment.CAR_T, days
    if "home-immunotherapy" in codes:
        return Treatment.IMMUNOTHERAPY, None
    return Treatment.OTHER, None


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
    treatment: str | None = None,
    days_since_infusion: int | None = None,
    submitted_at: dt.datetime | None = None,
) -> Submitted:
    """Grade, triage and store a report with its alert. ``submitted_at`` is for reports entered
    after the fact (paper visit sheets, imports, demo history); deadlines count from it."""
    existing = Report.objects.filter(submission_key=submission_key).select_related("alert").first()
    if existing is not None:
        if existing.patient_id != patient.pk:
            raise ApplicationError(_("This submission key belongs to another report."))
        return Submitted(existing, getattr(existing, "alert", None), False)
    if treatment is None:
        treatment, inferred_days = treatment_context(patient)
        days_since_infusion = (
            days_since_infusion if days_since_infusion is not None else inferred_days
        )
    context: dict[str, Any] = {"treatment": treatment, "source": source}
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


def _store(
    now: dt.datetime,
    patient: Patient,
    assessment: grading.Assessment,
    source: str,
    key: uuid.UUID,
    reporter: User | None,
    link: PatientAccessLink | None,
    vitals: dict[str, Any],
    comment: str,
) -> Submitted:
    stored, rule_set = rule_set_for_patient(patient)
    result = grading.grade(assessment)
    decision = policy.decide(rule_set, assessment, result)
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
        treatment=assessment.treatment,
        days_since_infusion=assessment.days_since_infusion,
        observations=assessment.observations,
        vitals=vitals,
        comment=comment,
        result={
            **grading.grading_as_dict(result),
            "alert": decision.as_dict("fr"),
            "rule_set": rule_set.label,
        },
        max_grade=result.max_grade,
        level=decision.level,
        worsened=previous is not None and result.max_grade > previous,
        rule_set_label=stored.label,
    )
    report.save()
    alert = None
    if decision.level != Level.NONE:
        alert = create_alert(
            patient=patient, report=report, decision=decision, rule_set_label=stored.label, now=now
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
            "link": str(link.pk) if link else None,
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
        notify=list(decision.notify),
        respond_within_minutes=decision.respond_within_minutes,
        deadline=deadline,
        advice=decision.advice.get("fr", ""),
        rule=decision.rule,
        rule_set_label=rule_set_label,
        organisation_id=patient.expert_centre_id or patient.proximity_centre_id,
        created_at=now,
    )
    alert.save()
    routed = recipients(patient, list(decision.notify), actor_label=rule_set_label)
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
        note=", ".join(sorted({role for _p, role in routed})),
    )
    return alert
