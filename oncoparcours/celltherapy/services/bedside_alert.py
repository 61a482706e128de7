"""A failed bedside check raises an urgent alert to the patient's haematologist/oncologist, the
CAR-T on-call physician and the pharmacist, through the alert inbox of home follow-up: a failed
identity check, or a thawed product past its label's thaw-to-infusion limit."""

from __future__ import annotations

import datetime as dt

from oncoparcours.monitoring.models import Alert, AlertKind
from oncoparcours.monitoring.rules.policy import Decision
from oncoparcours.monitoring.services.reports import create_alert

from ..models import BedsideCheck, CarTOrder

RULE = "car_t_bedside_identity_check"
THAW_RULE = "car_t_thaw_to_infusion_limit"
RESPOND_WITHIN_MINUTES = 15


def _advice(order: CarTOrder, check: BedsideCheck) -> tuple[dict[str, str], str]:
    if check.problems == ["thaw_limit"]:
        return {
            "fr": (
                f"Délai entre décongélation et perfusion dépassé pour {order.coi} : perfusion "
                "bloquée. Ne pas perfuser ; déclarer le produit hors spécifications, le médecin "
                "peut ensuite consigner une décision bénéfice–risque contresignée par le "
                "pharmacien."
            ),
            "en": (
                f"Thaw-to-infusion limit exceeded for {order.coi}: infusion blocked. Do not "
                "infuse; declare the product out of specification, the physician may then record "
                "a benefit-risk decision countersigned by the pharmacist."
            ),
        }, THAW_RULE
    return {
        "fr": (
            f"Contrôle d'identité au lit du patient en échec pour {order.coi} : perfusion "
            "bloquée. Ne pas perfuser ; vérifier l'identité du patient et la poche, puis "
            "refaire le contrôle à deux."
        ),
        "en": (
            f"Failed bedside identity check for {order.coi}: infusion blocked. Do not "
            "infuse; check the patient's identity and the bag, then repeat the check."
        ),
    }, RULE


def raise_alert(order: CarTOrder, check: BedsideCheck, now: dt.datetime) -> Alert:
    advice, rule = _advice(order, check)
    decision = Decision(
        level="urgent",
        respond_within_minutes=RESPOND_WITHIN_MINUTES,
        notify=("car_t_on_call", "oncologist", "pharmacist"),
        advice=advice,
        rule=rule,
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
