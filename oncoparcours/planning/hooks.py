"""Hooks for the apps above planning (the architecture's registry pattern): planning never imports
them; they register a receiver in their ``AppConfig.ready()``.

``register_chair_plan_published(name, receiver)``: ``receiver(actor=, plan=)`` is called when a
chair / machine plan is published, inside the publishing transaction (an exception it raises
cancels the publication). It returns notes for the planner (French, no patient names: the planner
may not be in every patient's care team) — e.g. the EFS bookings it could not place."""

from __future__ import annotations

from typing import Protocol

from oncoparcours.core.models import User

from .models import ChairPlan


class ChairPlanReceiver(Protocol):
    def __call__(self, *, actor: User, plan: ChairPlan) -> list[str]: ...


_chair_plan_published: dict[str, ChairPlanReceiver] = {}


def register_chair_plan_published(name: str, receiver: ChairPlanReceiver) -> None:
    """Register (or replace, by name) a receiver of published chair / machine plans."""
    _chair_plan_published[name] = receiver


def chair_plan_published(*, actor: User, plan: ChairPlan) -> list[str]:
    """Call every receiver (in the order of their names); their notes, in that order."""
    notes: list[str] = []
    for name in sorted(_chair_plan_published):
        notes += _chair_plan_published[name](actor=actor, plan=plan)
    return notes


def registered() -> list[str]:
    return sorted(_chair_plan_published)
