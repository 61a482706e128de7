"""Confirmed adverse events (a correction is a new row superseding the previous one); they feed
the pathway criteria (no grade ≥ 3 immune-related event) and the indicators."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.patients.models import Patient

from ..models import AdverseAction, AdverseEvent, Attribution, Outcome, Report

TERMS = (
    "fever",
    "diarrhea",
    "colitis",
    "abdominal_pain",
    "alanine_aminotransferase_increased",
    "aspartate_aminotransferase_increased",
    "blood_bilirubin_increased",
    "hepatitis",
    "dyspnea",
    "pneumonitis",
    "fatigue",
    "rash_maculo_papular",
    "pruritus",
    "nausea",
    "vomiting",
    "hypothyroidism",
    "hyperthyroidism",
    "adrenal_insufficiency",
    "hypophysitis",
    "cytokine_release_syndrome",
    "icans",
    "infection",
    "other",
)


@transaction.atomic
def adverse_event_record(
    *,
    patient: Patient,
    actor: User,
    term: str,
    grade: int,
    onset: dt.date,
    attribution: str,
    actions: list[str],
    outcome: str,
    note: str = "",
    report: Report | None = None,
    supersedes: AdverseEvent | None = None,
) -> AdverseEvent:
    errors: dict[str, list[str]] = {}
    if term not in TERMS:
        errors["term"] = [_("Unknown term.")]
    if not 1 <= grade <= 5:
        errors["grade"] = [_("A grade is 1 to 5.")]
    if onset > timezone.localdate():
        errors["onset"] = [_("The onset is in the future.")]
    elif onset < patient.birth_date:
        errors["onset"] = [_("The onset is before the patient's birth.")]
    if attribution not in Attribution.values:
        errors["attribution"] = [_("Choose an attribution.")]
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose an outcome.")]
    if any(action not in AdverseAction.values for action in actions):
        errors["actions"] = [_("Unknown action.")]
    if outcome == Outcome.FATAL and grade != 5:
        errors["grade"] = [_("A fatal outcome is grade 5.")]
    if supersedes is not None:
        if supersedes.patient_id != patient.pk:
            errors["supersedes"] = [_("This event belongs to another patient.")]
        elif AdverseEvent.objects.filter(supersedes=supersedes).exists():
            errors["supersedes"] = [
                _("This event was already corrected: correct the latest version.")
            ]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    event = AdverseEvent(
        patient=patient,
        term=term,
        grade=grade,
        onset=onset,
        attribution=attribution,
        actions=list(actions),
        outcome=outcome,
        note=note,
        report=report,
        supersedes=supersedes,
        recorded_by=actor,
    )
    event.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        obj=event,
        details={
            "term": term,
            "grade": grade,
            "corrects": str(supersedes.pk) if supersedes else None,
        },
    )
    return event


def current_adverse_events(patient: Patient) -> QuerySet[AdverseEvent]:
    """The latest version of each recorded adverse event."""
    return (
        AdverseEvent.objects.filter(patient=patient, superseded_by__isnull=True)
        .select_related("recorded_by")
        .order_by("-onset")
    )
