"""Timeline entries from the patient record itself."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from oncoparcours.core.choices import display
from oncoparcours.core.french import title_for

from .models import Patient, Staging
from .timeline import TimelineEntry


def _prefetched(patient: Patient, name: str) -> bool:
    """Whether the record page already read this relation of the patient (then reused)."""
    return name in getattr(patient, "_prefetched_objects_cache", {})


def diagnoses(patient: Patient) -> Iterable[TimelineEntry]:
    for diagnosis in patient.diagnoses.all():
        yield TimelineEntry(
            diagnosis.diagnosed_on,
            "diagnosis",
            _("Diagnosis %(code)s") % {"code": diagnosis.icd10},
            diagnosis.label,
        )
    if _prefetched(patient, "diagnoses"):
        stagings = [s for d in patient.diagnoses.all() for s in d.stagings.all()]
    else:
        stagings = list(
            Staging.objects.filter(diagnosis__patient=patient).select_related("diagnosis")
        )
    for staging in stagings:
        yield TimelineEntry(
            staging.staged_on, "staging", _("Staging"), f"{staging.diagnosis.icd10} {staging}"
        )


def care_team(patient: Patient) -> Iterable[TimelineEntry]:
    members = (
        patient.care_team.all()
        if _prefetched(patient, "care_team")
        else patient.care_team.select_related("professional")
    )
    for member in members:
        yield TimelineEntry(
            member.start,
            "care_team",
            _("Joined the care team"),
            # the role as the care-team card says it (gendered), after a dash: a role may carry
            # its own parentheses ("Infirmière de coordination (IDEC)")
            f"{member.professional.full_name} — "
            f"{title_for(display(member, 'role'), member.professional)}",
        )
        if member.end:
            yield TimelineEntry(
                member.end,
                "care_team",
                _("Left the care team"),
                f"{member.professional.full_name} — {member.reason}",
            )


def consents(patient: Patient) -> Iterable[TimelineEntry]:
    for record in patient.consents.all():
        yield TimelineEntry(
            record.recorded_on,
            "consent",
            display(record, "decision"),
            f"{display(record, 'kind')} — {display(record, 'scope')}",
        )


def performance(patient: Patient) -> Iterable[TimelineEntry]:
    for status in patient.performance_statuses.all():
        yield TimelineEntry(status.recorded_on, "performance", _("Performance status"), str(status))


def treatments(patient: Patient) -> Iterable[TimelineEntry]:
    for course in patient.treatments.all():
        yield TimelineEntry(
            course.started_on,
            "treatment",
            _("Treatment started: %(kind)s") % {"kind": display(course, "kind")},
            course.regimen,
        )
        if course.ended_on:
            yield TimelineEntry(
                course.ended_on,
                "treatment",
                _("Treatment ended: %(kind)s") % {"kind": display(course, "kind")},
                f"{course.regimen} — {display(course, 'end_reason')}",
            )
