"""What the teams did with the alerts of the past: every home follow-up alert older than a day
was acknowledged and resolved in time by one of the professionals it was sent to, through the
alert services, with a delay that fits its level and a note saying what was done. Only the
recent alerts (the last day's, or those taken in charge in the last three days) stay open, so
each inbox of the demo shows a handful of alerts, not a backlog nobody would leave.

Runs after every demo that submits reports, with its own random generator (the rest of the
region is unchanged)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from oncoparcours.core.models import User
from oncoparcours.monitoring.models import Alert, AlertEvent, AlertEventKind, AlertRecipient
from oncoparcours.monitoring.services.alerts import alert_acknowledge, alert_resolve

from .pathways import loader_user

# An open alert younger than this is still waiting in an inbox.
KEEP_OPEN = dt.timedelta(hours=24)
# An alert taken in charge (acknowledged) younger than this is still being handled.
KEEP_HANDLED = dt.timedelta(hours=72)
# How long after the alert it was taken in charge (minutes), by level.
ACKNOWLEDGE_WITHIN = {
    "routine": (45, 360),
    "urgent": (10, 90),
    "immediate": (3, 25),
    "emergency": (2, 10),
}
# Then how long until it was closed (minutes), by level.
RESOLVE_WITHIN = {
    "routine": (10, 240),
    "urgent": (20, 180),
    "immediate": (30, 240),
    "emergency": (30, 180),
}
# What was done, by level (action, note).
OUTCOMES: dict[str, tuple[tuple[str, str], ...]] = {
    "routine": (
        ("advice_given", "Patient rappelé : conseils donnés, à reprendre au prochain contact."),
        ("advice_given", "Appel téléphonique : symptômes connus, surveillance à domicile."),
        ("no_action", "Relu : rien de nouveau par rapport au dernier contact."),
        ("consultation", "Point prévu à la prochaine consultation."),
    ),
    "urgent": (
        ("advice_given", "Rappel infirmier : traitement symptomatique, contrôle dans 48 h."),
        ("consultation", "Consultation avancée en hôpital de jour."),
        ("treatment_held", "Prochaine administration reportée, bilan biologique prescrit."),
    ),
    "immediate": (
        ("consultation", "Vu le jour même en hôpital de jour, bilan rassurant."),
        ("er_referral", "Adressé aux urgences, pris en charge."),
        ("admission", "Hospitalisé en oncologie pour surveillance et traitement."),
    ),
    "emergency": (
        ("er_referral", "SAMU appelé, transfert aux urgences."),
        ("admission", "Admis en soins intensifs, famille prévenue."),
    ),
}
MISSING_REPORT = (
    "advice_given",
    "Patiente rappelée : oubli de saisie, questionnaire rempli par téléphone.",
)


class AlertFollowUp:
    def __init__(self, *, seed: int, now: dt.datetime | None = None, stream: str = "final") -> None:
        self.rng = random.Random(f"{seed}-alert-follow-up-{stream}")
        self.now = now or timezone.now()
        self.loader = loader_user()

    def _closer(self, alert: Alert) -> User:
        """One of the professionals the alert was sent to (a demo login first), else the
        loader."""
        recipients = list(
            AlertRecipient.objects.filter(alert=alert, professional__user__isnull=False)
            .select_related("professional__user")
            .order_by("step", "role", "professional__last_name", "id")
        )
        users = [r.professional.user for r in recipients if r.professional.user is not None]
        demo = [u for u in users if u.username in ("idec", "oncologue", "hematologue", "idel")]
        if alert.level == "routine":
            nurses = [u for u in demo if u.username == "idec"]
            demo = nurses or demo
        chosen = demo or users
        return chosen[0] if chosen else self.loader

    def close(self, alert: Alert, *, after: dt.datetime | None = None) -> bool:
        """Acknowledge then resolve ``alert`` in the past; False when it cannot be dated before
        now."""
        level = alert.level if alert.level in ACKNOWLEDGE_WITHIN else "routine"
        start = max(alert.created_at, after or alert.created_at)
        acknowledged = AlertEvent.objects.filter(
            alert=alert, kind=AlertEventKind.ACKNOWLEDGED
        ).first()
        low, high = ACKNOWLEDGE_WITHIN[level]
        ack_at = start + dt.timedelta(minutes=self.rng.randint(low, high))
        low, high = RESOLVE_WITHIN[level]
        resolve_at = (acknowledged.at if acknowledged else ack_at) + dt.timedelta(
            minutes=self.rng.randint(low, high)
        )
        if alert.kind == "missing_report":
            action, note = MISSING_REPORT
        else:
            action, note = self.rng.choice(OUTCOMES[level])
        latest = self.now - dt.timedelta(minutes=5)
        if resolve_at > latest:
            return False
        actor = acknowledged.actor if acknowledged and acknowledged.actor else self._closer(alert)
        if acknowledged is None:
            alert_acknowledge(alert=alert, actor=actor, at=ack_at, note="")
        alert_resolve(alert=alert, actor=actor, action=action, note=note, at=resolve_at)
        return True

    def run(self) -> int:
        """Close the alerts of the past; returns how many were closed."""
        closed = 0
        with transaction.atomic():
            alerts = (
                Alert.objects.filter(created_at__lt=self.now - KEEP_OPEN)
                .exclude(events__kind=AlertEventKind.RESOLVED)
                .order_by("created_at", "id")
            )
            for alert in alerts:
                events = {e.kind: e for e in alert.events.order_by("at", "id")}
                acknowledged = events.get(AlertEventKind.ACKNOWLEDGED)
                if acknowledged is not None and alert.created_at >= self.now - KEEP_HANDLED:
                    continue  # taken in charge, still being handled
                escalated = events.get(AlertEventKind.ESCALATED)
                closed += self.close(alert, after=escalated.at if escalated else None)
        return closed
