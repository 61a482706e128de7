"""A failed bedside check raises an urgent alert to the patient's haematologist/oncologist, the
CAR-T on-call physician and the pharmacist, through the alert inbox of home follow-up."""

from __future__ import annotations

import datetime as dt

from oncoparcours.monitoring.models import Alert, AlertKind
from oncoparcours.monitoring.rules.policy import Decision
from oncoparcours.monitoring.services.reports import create_alert

from ..models import BedsideCheck, CarTOrder

RULE = "car_t_bedside_identity_check"
RESPOND_WITHIN_MINUTES = 15


def raise_alert(order: CarTOrder, check: BedsideCheck, now: dt.datetime) -> Alert:
    decision = Decision(
        level="urgent",
        respond_within_minutes=RESPOND_WITHIN_MINUTES,
        notify=("car_t_on_call", "oncologist", "pharmacist"),
        advice={
            "fr": (
                f"Contrôle d'identité au lit du patient en échec pour {order.coi} : perfusion "
                "bloquée. Ne pas perfuser ; vérifier l'identité du patient et la poche, puis "
                "refaire le contrôle à deux."
            ),
            "en": (
                f"Failed bedside identity check for {order.coi}: infusion blocked. Do not "
                "infuse; check the patient's identity and the bag, then repeat the check."
            ),
        },
        rule=RULE,
    )
    return create_alert(
        patient=order.patient,
        report=None,
        decision=decision,
        rule_set_label="CAR-T",
        now=now,
        kind=AlertKind.BEDSIDE_CHECK,
        dedup_key=f"bedside:{order.pk.hex[:20]}:{check.attempt}",
    )
