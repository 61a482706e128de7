"""Audit events in words a patient reads (the right-of-access summary, the record's audit page):
what was seen, who saw it and in which role. The trail itself keeps its codes (``details.what``,
``object_type``, ``action``); these functions only translate them for display, and never show
a code: an unknown one falls back to the model's name, then to "patient data"."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .french import title_for
from .models import AuditEvent, Role

WHAT_LABELS = {
    "record": gettext_lazy("the patient record"),
    "edit": gettext_lazy("the identity form"),
    "homonym warning": gettext_lazy("a warning about patients with the same name"),
    "diagnosis form": gettext_lazy("the diagnosis form"),
    "staging form": gettext_lazy("the staging form"),
    "biomarker form": gettext_lazy("the biomarker form"),
    "performance form": gettext_lazy("the general condition form"),
    "care team form": gettext_lazy("the care team form"),
    "care team end form": gettext_lazy("the form ending a care team membership"),
    "consent form": gettext_lazy("the consent form"),
    "audit trail": gettext_lazy("the list of accesses to the record"),
    "molecular result form": gettext_lazy("the molecular result form"),
    "molecular import form": gettext_lazy("the molecular result import"),
    "treatment form": gettext_lazy("the treatment form"),
    "treatment end form": gettext_lazy("the form ending a treatment"),
    "prognosis": gettext_lazy("the survival estimate"),
    "self-report form": gettext_lazy("the home follow-up questionnaire (personal link)"),
    "patient assessment form": gettext_lazy("the home follow-up questionnaire"),
    "nurse assessment form": gettext_lazy("the nurse visit form (symptoms and vital signs)"),
    "clinician assessment form": gettext_lazy("the CAR-T assessment form"),
    "follow-up": gettext_lazy("the home follow-up (symptoms and vital signs)"),
    "report": gettext_lazy("a follow-up report (symptoms and vital signs)"),
    "adverse event form": gettext_lazy("the adverse event form"),
    "reporting links": gettext_lazy("the personal follow-up links"),
    "alert inbox": gettext_lazy("the list of follow-up alerts"),
    "alert": gettext_lazy("a follow-up alert (symptoms and vital signs)"),
    "referral": gettext_lazy("a referral to an expert centre"),
    "referrals to my centres": gettext_lazy("the list of referrals to an expert centre"),
    "referral to answer": gettext_lazy("a referral to answer"),
    "session agenda": gettext_lazy("the agenda of a tumour board meeting"),
    "case in session": gettext_lazy("the case presented at a tumour board meeting"),
    "incomplete board cases": gettext_lazy("the list of incomplete tumour board cases"),
    "my board cases": gettext_lazy("the list of tumour board cases"),
    "case form": gettext_lazy("the tumour board case form"),
    "case edit": gettext_lazy("the tumour board case form"),
    "board case": gettext_lazy("the tumour board case"),
    "case withdraw": gettext_lazy("the withdrawal of a tumour board case"),
    "case attachment": gettext_lazy("a document attached to the tumour board case"),
    "board document": gettext_lazy("a tumour board document"),
    "decision correction": gettext_lazy("the correction of a tumour board decision"),
    "outbox": gettext_lazy("the sending of tumour board documents"),
    "trials worklist": gettext_lazy("the list of patients for clinical trials"),
    "curation preview": gettext_lazy("a clinical trial's eligibility check"),
    "apply pathway form": gettext_lazy("the care pathway form"),
    "phase transition": gettext_lazy("a care pathway step"),
    "programme refusal form": gettext_lazy("the care programme refusal form"),
    "worklist": gettext_lazy("the care pathway worklist"),
    "efs day": gettext_lazy("the day schedule of an EFS care centre"),
    "efs request form": gettext_lazy("the EFS request form"),
    "tocilizumab": gettext_lazy("the tocilizumab availability"),
    "benefit-risk": gettext_lazy("the benefit-risk review before the infusion"),
    "episode": gettext_lazy("the CAR-T treatment"),
    "car-t orders": gettext_lazy("the list of CAR-T orders"),
    "car-t order form": gettext_lazy("the CAR-T order form"),
    "car-t order": gettext_lazy("the CAR-T order"),
    "car-t step": gettext_lazy("a CAR-T order step"),
    "custody event": gettext_lazy("the CAR-T product custody record"),
    "bedside check": gettext_lazy("the bedside check before the infusion"),
    "car-t label": gettext_lazy("the CAR-T product label"),
    "portal accesses": gettext_lazy("the patient portal accounts"),
    "portal thread": gettext_lazy("a conversation with the care team"),
    "portal calendar": gettext_lazy("the calendar of care (patient portal)"),
    "portal documents": gettext_lazy("the documents (patient portal)"),
    "portal document download": gettext_lazy("a document (patient portal)"),
    "portal consent form": gettext_lazy("the consent form (patient portal)"),
    "portal report history": gettext_lazy("the follow-up history (patient portal)"),
    "portal contacts": gettext_lazy("the care team contacts (patient portal)"),
    "portal messages": gettext_lazy("the messages (patient portal)"),
    "portal message thread": gettext_lazy("a conversation (patient portal)"),
    "access-right export": gettext_lazy("the right-of-access export"),
}
PREFIX_LABELS = (
    ("activity ", gettext_lazy("a care pathway activity")),
    ("pathway ", gettext_lazy("the care pathway")),
    ("programme ", gettext_lazy("the list of patients of a care programme")),
)
ACCOUNT_ROLES = {"patient": gettext_lazy("Patient"), "caregiver": gettext_lazy("Caregiver")}


def what_label(event: AuditEvent) -> str:
    """What the event's actor saw or changed, in words."""
    details = event.details or {}
    code = str(details.get("what", ""))
    if code in WHAT_LABELS:
        return str(WHAT_LABELS[code])
    for prefix, label in PREFIX_LABELS:
        if code.startswith(prefix):
            return str(label)
    if "trial_matches" in details:
        return _("the clinical trials the patient may join")
    if event.object_type:
        try:
            model = apps.get_model(event.object_type)
        except (LookupError, ValueError):
            model = None
        if model is not None:
            return str(model._meta.verbose_name)
    return _("patient data")


def who_and_role(event: AuditEvent) -> tuple[str, str]:
    """The person's name and their role in words (feminine title for a woman); the patient or
    the caregiver for the portal and the personal follow-up link. Needs ``actor__professional``
    selected to stay at one query."""
    details = event.details or {}
    actor: Any = event.actor
    if actor is not None:
        professional = getattr(actor, "professional", None)
        name = professional.full_name if professional else actor.get_full_name() or actor.username
        return name, title_for(Role(actor.role).label, professional or actor)
    kind = details.get("portal_kind")
    if kind in ACCOUNT_ROLES:
        return event.actor_label.rsplit(" (", 1)[0], str(ACCOUNT_ROLES[kind])
    if details.get("what") == "self-report form":
        return _("The patient or a relative"), _("Personal follow-up link")
    return event.actor_label or _("The platform"), "—"
