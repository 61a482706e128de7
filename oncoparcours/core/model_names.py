"""French names (English available) of the tables people see in the administration site, for the
models whose ``Meta`` gives none (Django would derive "Bed units" from the class name) and for
third-party apps ("Task Results" of django-tasks, the one-time-password devices).

Applied once at start-up by ``CoreConfig.ready`` through the app registry (no import of the apps
above ``core``); names are not schema, so no migration follows. ``core/tests/test_words.py``
fails on any model or app still named in English only."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

APP_NAMES = {
    "otp_totp": _("Authenticator apps"),
    "otp_static": _("Recovery codes"),
    "django_tasks_database": _("Background tasks"),
}

MODEL_NAMES = {
    "otp_totp.TOTPDevice": (_("authenticator app"), _("authenticator apps")),
    "otp_static.StaticDevice": (_("recovery code set"), _("recovery code sets")),
    "otp_static.StaticToken": (_("recovery code"), _("recovery codes")),
    "django_tasks_database.DBTaskResult": (_("task result"), _("task results")),
    "core.AuditSeal": (_("audit seal"), _("audit seals")),
    "core.LedgerAnchor": (_("ledger anchor"), _("ledger anchors")),
    "core.LoginAttempt": (_("login attempt"), _("login attempts")),
    "core.PeriodicRun": (_("periodic run"), _("periodic runs")),
    "pathways.PhaseInstance": (_("pathway phase"), _("pathway phases")),
    "pathways.ActivityInstance": (_("pathway activity"), _("pathway activities")),
    "pathways.PathwayEvent": (_("pathway event"), _("pathway events")),
    "pathways.PathwayRefusal": (_("pathway refusal"), _("pathway refusals")),
    "monitoring.PatientAccessLink": (_("patient access link"), _("patient access links")),
    "monitoring.Report": (_("symptom report"), _("symptom reports")),
    "monitoring.Alert": (_("alert"), _("alerts")),
    "monitoring.AlertEvent": (_("alert event"), _("alert events")),
    "monitoring.AlertRecipient": (_("alert recipient"), _("alert recipients")),
    "monitoring.AdverseEvent": (_("adverse event"), _("adverse events")),
    "monitoring.TriageRuleSet": (_("triage rule set"), _("triage rule sets")),
    "monitoring.RuleSetActivation": (_("rule set activation"), _("rule set activations")),
    "monitoring.OnCallShift": (_("on-call shift"), _("on-call shifts")),
    "boards.Board": (_("tumour board"), _("tumour boards")),
    "boards.BoardMember": (_("board member"), _("board members")),
    "boards.Session": (_("board session"), _("board sessions")),
    "boards.Case": (_("board case"), _("board cases")),
    "boards.Attachment": (_("attachment"), _("attachments")),
    "boards.AgendaItem": (_("agenda item"), _("agenda items")),
    "boards.Attendance": (_("attendance"), _("attendances")),
    "boards.Decision": (_("board decision"), _("board decisions")),
    "boards.Document": (_("board document"), _("board documents")),
    "boards.OutboxMessage": (_("outgoing message"), _("outgoing messages")),
    "boards.Referral": (_("referral"), _("referrals")),
    "celltherapy.OrderTransition": (_("order transition"), _("order transitions")),
    "celltherapy.Storage": (_("cryostorage"), _("cryostorages")),
    "celltherapy.TankReading": (_("tank reading"), _("tank readings")),
    "celltherapy.TankExcursion": (_("tank excursion"), _("tank excursions")),
    "celltherapy.ExcursionAcknowledgement": (
        _("excursion acknowledgement"),
        _("excursion acknowledgements"),
    ),
    "celltherapy.BedsideConfirmation": (_("bedside confirmation"), _("bedside confirmations")),
    "celltherapy.BedsideCheck": (_("bedside check"), _("bedside checks")),
    "celltherapy.TocilizumabConfirmation": (
        _("tocilizumab confirmation"),
        _("tocilizumab confirmations"),
    ),
    "celltherapy.BenefitRiskDecision": (_("benefit-risk decision"), _("benefit-risk decisions")),
    "celltherapy.BenefitRiskCountersignature": (
        _("benefit-risk countersignature"),
        _("benefit-risk countersignatures"),
    ),
    "celltherapy.EpisodeTreatment": (_("episode treatment"), _("episode treatments")),
    "celltherapy.Machine": (_("apheresis machine"), _("apheresis machines")),
    "celltherapy.CentreSchedule": (_("centre schedule"), _("centre schedules")),
    "celltherapy.Booking": (_("booking"), _("bookings")),
    "celltherapy.HaemoglobinResult": (_("haemoglobin result"), _("haemoglobin results")),
    "celltherapy.BedUnit": (_("bed unit"), _("bed units")),
    "celltherapy.BedStay": (_("bed stay"), _("bed stays")),
    "indicators.ExtractRun": (_("extract run"), _("extract runs")),
    "demo.DemoDataset": (_("demo dataset"), _("demo datasets")),
}


def apply_model_names() -> None:
    for label, name in APP_NAMES.items():
        try:
            apps.get_app_config(label).verbose_name = name
        except LookupError:
            continue  # an app left out of INSTALLED_APPS
    for label, (singular, plural) in MODEL_NAMES.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # an app left out of INSTALLED_APPS
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural


# Choice labels of third-party models that their own catalogues leave in English (django-tasks'
# result status): listed here so that our French catalogue holds them.
THIRD_PARTY_CHOICE_LABELS = (
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)
