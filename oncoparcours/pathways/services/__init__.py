"""Every write to pathways: atomic, audited, with the actor. Split by concern:

* ``apply`` — applying a template to a patient;
* ``activities`` — activity transitions, scheduling, assignment;
* ``lifecycle`` — phase transitions, pause, resume, end; programme refusals;
* ``redating`` — recomputing due dates after a change.
"""

from .activities import activity_assign, activity_schedule, activity_transition
from .apply import pathway_apply
from .lifecycle import (
    pathway_end,
    pathway_pause,
    pathway_refusal_record,
    pathway_resume,
    phase_advance,
    phase_criteria,
)

__all__ = [
    "activity_assign",
    "activity_schedule",
    "activity_transition",
    "pathway_apply",
    "pathway_end",
    "pathway_pause",
    "pathway_refusal_record",
    "pathway_resume",
    "phase_advance",
    "phase_criteria",
]
