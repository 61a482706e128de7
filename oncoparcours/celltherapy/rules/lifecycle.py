"""The CAR-T order lifecycle (pure): explicit transitions, who may make each one, and the custody
event each physical step records."""

from __future__ import annotations

from dataclasses import dataclass

STATES = (
    "qualified",
    "apheresis_scheduled",
    "collected",
    "shipped_to_manufacturer",
    "in_manufacturing",
    "released",
    "shipped_to_site",
    "received_at_pui",
    "in_cryostorage",
    "dispensed",
    "thawed",
    "infused",
    "cancelled",
    "out_of_specification",
)
TERMINAL = frozenset({"infused", "cancelled", "out_of_specification"})


@dataclass(frozen=True)
class Step:
    to: str
    roles: frozenset[str]
    custody: str = ""  # the custody event kind recorded with the step ("" = none)
    holder: str = ""  # who holds the product afterwards: efs | courier | manufacturer | pui | ward


CLINICIAN = frozenset({"clinician"})
EFS = frozenset({"efs_staff"})
PHARMACY = frozenset({"pharmacist"})
WARD = frozenset({"clinician", "coordination_nurse"})

FORWARD: dict[str, Step] = {
    "qualified": Step("apheresis_scheduled", EFS | CLINICIAN),
    "apheresis_scheduled": Step("collected", EFS, "collected", "efs"),
    "collected": Step("shipped_to_manufacturer", EFS, "shipped", "courier"),
    "shipped_to_manufacturer": Step(
        "in_manufacturing", PHARMACY | CLINICIAN, "received_by_manufacturer", "manufacturer"
    ),
    "in_manufacturing": Step("released", PHARMACY | CLINICIAN, "released", "manufacturer"),
    "released": Step("shipped_to_site", PHARMACY, "shipped", "courier"),
    "shipped_to_site": Step("received_at_pui", PHARMACY, "received", "pui"),
    "received_at_pui": Step("in_cryostorage", PHARMACY, "stored", "pui"),
    "in_cryostorage": Step("dispensed", PHARMACY, "dispensed", "ward"),
    "dispensed": Step("thawed", WARD, "thawed", "ward"),
    "thawed": Step("infused", WARD, "infused", "patient"),
}
CANCELLABLE = frozenset(s for s in STATES if s not in TERMINAL and s not in {"thawed"})
OUT_OF_SPEC_FROM = frozenset(
    {
        "in_manufacturing",
        "released",
        "shipped_to_site",
        "received_at_pui",
        "in_cryostorage",
        "dispensed",
        "thawed",
    }
)


def allowed_next(state: str) -> list[str]:
    options = []
    if state in FORWARD:
        options.append(FORWARD[state].to)
    if state in CANCELLABLE:
        options.append("cancelled")
    if state in OUT_OF_SPEC_FROM:
        options.append("out_of_specification")
    return options


def step_for(state: str, target: str) -> Step | None:
    """The step from ``state`` to ``target``, or None when the transition is not allowed."""
    if state in FORWARD and FORWARD[state].to == target:
        return FORWARD[state]
    if target == "cancelled" and state in CANCELLABLE:
        return Step("cancelled", CLINICIAN)
    if target == "out_of_specification" and state in OUT_OF_SPEC_FROM:
        return Step("out_of_specification", PHARMACY | CLINICIAN, "quarantined", "")
    return None


# The pathway activities (CAR-T template) each state completes: the order is placed on a validated
# board decision with its eligibility checklist complete, then each physical step.
PATHWAY_ACTIVITY: dict[str, tuple[str, ...]] = {
    "qualified": ("rcp-qualification", "eligibility-checklist"),
    "apheresis_scheduled": ("manufacturing-slot",),
    "collected": ("leukapheresis",),
    "shipped_to_manufacturer": ("shipment-to-manufacturer",),
    "released": ("product-release",),
    "received_at_pui": ("receipt-at-pui",),
    "in_cryostorage": ("cryostorage",),
    "infused": ("car-t-infusion",),
}
