"""Patient timeline entries from home follow-up: reports with an alert, confirmed adverse events."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from oncoparcours.core.choices import label
from oncoparcours.core.url_templates import UrlTemplate
from oncoparcours.patients.models import Patient
from oncoparcours.patients.timeline import TimelineEntry

from .labels import flag_label, term_label
from .models import AdverseEvent, Report


def reports_and_alerts(patient: Patient) -> Iterable[TimelineEntry]:
    # Plain values (issue 19): a report row holds the whole questionnaire and its grading (JSON),
    # read for nothing as model instances; the link from one ``UrlTemplate``.
    report_url = UrlTemplate("monitoring:report", "patient_id", "report_id")
    for report_id, submitted_at, level, result, max_grade in (
        Report.objects.filter(patient=patient)
        .exclude(level="none")
        .order_by("-submitted_at")
        .values_list("id", "submitted_at", "level", "result", "max_grade")[:20]
    ):
        flags = [flag_label(flag) for flag in result.get("flags", [])]
        detail = _("highest grade %(grade)s") % {"grade": max_grade}
        yield TimelineEntry(
            submitted_at,
            "report",
            _("Report: %(level)s alert") % {"level": label(Report, "level", level).lower()},
            " — ".join([detail, *flags]),
            report_url(patient_id=patient.pk, report_id=report_id),
        )
    for onset, term, grade, attribution in AdverseEvent.objects.filter(
        patient=patient, superseded_by__isnull=True
    ).values_list("onset", "term", "grade", "attribution")[:20]:
        yield TimelineEntry(
            onset,
            "adverse_event",
            _("Adverse event: %(term)s grade %(grade)s")
            % {"term": term_label(term), "grade": grade},
            label(AdverseEvent, "attribution", attribution),
        )
