"""Who changes what on a patient record, beyond reading it (every current member of the care team
and a break-glass access read it; a break-glass access never writes).

- The care team (add or end a member): its physicians, its coordination nurses (IDEC) and its
  lead, whatever the lead's role (the professional who opened the record answers for it).
- The identity (names, birth date, INS, address, GP and centres): the same people.
- Diagnoses and their TNM staging: the physicians of the care team and its lead.
- Treatments in course (start, end), pathways (apply, record a refusal, next phase, pause,
  resume, end) and a patient's non-objection: the physicians and the coordination nurses of the
  care team (its lead only when one of them). A treatment in course decides how home reports
  are graded, so it is not for the people who only carry out a part of the care. An objection
  is recorded by any current member of the care team (a patient may tell it to whoever is at
  the bedside; it only ever restricts), never through a break-glass access.

Liberal nurses (IDEL), pharmacists and EFS staff of the care team read these and record what
they do themselves (reports, visits, bookings). Roles without patient records (board secretary,
managers, evaluators, administrators) are never members. Molecular results have their own rule
(``molecular_services.MOLECULAR_ENTRY_ROLES``); board submissions too (``boards``: a physician
of the care team).

Where it is enforced: the views answer 403 and the record hides the links; the services refuse
every caller (view, FHIR import, command, internal caller) with an ``ApplicationError`` naming the
rule, before anything is written: ``patients/services.py`` (``patient_update``: identity;
``diagnosis_add``, ``staging_add``: diagnosis; ``care_team_add``, ``care_team_end``: care team;
``treatment_start``, ``treatment_end``: care plan; ``consent_record``: care plan for a
non-objection, any member for an objection) and ``pathways/services`` (``pathway_apply``,
``pathway_refusal_record``, ``phase_advance``, ``pathway_pause``, ``pathway_resume``,
``pathway_end``: care plan). A refusal is not audited (the transaction it would be written in is
rolled back; refused writes are not audited elsewhere either).

The one system path is ``system_writes()``: data loaders that stand for no member of a care team
(the demo loader, the benchmark builders) run inside it and are not checked. It cannot be opened
during a web request (``RuntimeError``), so no view reaches it.
See docs/security.md "Who changes a patient record"."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.utils.translation import gettext as _

from oncoparcours.core import request_context
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import Role, User

from .selectors import PatientAccess, patient_access_for_user

CARE_TEAM_MANAGING_ROLES = frozenset({Role.CLINICIAN, Role.COORDINATION_NURSE})
IDENTITY_EDITING_ROLES = frozenset({Role.CLINICIAN, Role.COORDINATION_NURSE})
CLINICAL_ENTRY_ROLES = frozenset({Role.CLINICIAN})
CARE_PLAN_ROLES = frozenset({Role.CLINICIAN, Role.COORDINATION_NURSE})


def _member_with(user: User, access: PatientAccess | None, roles: frozenset[str]) -> bool:
    if access is None or access.membership is None:
        return False
    return user.role in roles or access.membership.is_lead


def may_manage_care_team(user: User, access: PatientAccess | None) -> bool:
    return _member_with(user, access, CARE_TEAM_MANAGING_ROLES)


def may_edit_identity(user: User, access: PatientAccess | None) -> bool:
    return _member_with(user, access, IDENTITY_EDITING_ROLES)


def may_enter_diagnosis(user: User, access: PatientAccess | None) -> bool:
    return _member_with(user, access, CLINICAL_ENTRY_ROLES)


def may_plan_care(user: User, access: PatientAccess | None) -> bool:
    """Treatments in course, pathways and a non-objection (see the module's description): a
    physician or a coordination nurse of the care team. Being its lead is not enough here (a
    liberal nurse or EFS staff member who opened the record is its lead)."""
    if access is None or access.membership is None:
        return False
    return user.role in CARE_PLAN_ROLES


def may_record_objection(user: User, access: PatientAccess | None) -> bool:
    """Any current member of the care team (not a break-glass access, which changes nothing)."""
    return access is not None and access.membership is not None


def record_permissions(user: User, access: PatientAccess | None) -> dict[str, bool]:
    """The flags the record page uses to show or hide its links."""
    return {
        "may_manage_care_team": may_manage_care_team(user, access),
        "may_edit_identity": may_edit_identity(user, access),
        "may_enter_diagnosis": may_enter_diagnosis(user, access),
        "may_plan_care": may_plan_care(user, access),
        "may_record_objection": may_record_objection(user, access),
    }


_system_writes: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "oncoparcours_system_writes", default=False
)


@contextmanager
def system_writes() -> Iterator[None]:
    """Writes by a data loader that stands for no member of a care team (the demo loader, the
    benchmark builders): the ``require_*`` checks below let them through. Refused during a web
    request, so that no view can open it."""
    if request_context.request_memo() is not None:
        raise RuntimeError("system_writes() is for commands and loaders, not web requests")
    token = _system_writes.set(True)
    try:
        yield
    finally:
        _system_writes.reset(token)


def _allowed(
    rule: Callable[[User, PatientAccess | None], bool], actor: User, patient_id: uuid.UUID
) -> bool:
    if _system_writes.get():
        return True
    return rule(actor, patient_access_for_user(user=actor, patient_id=patient_id))


def require_care_team_manager(actor: User, patient_id: uuid.UUID) -> None:
    if not _allowed(may_manage_care_team, actor, patient_id):
        raise ApplicationError(
            _("The care team is changed by its physicians, its coordination nurses and its lead.")
        )


def require_identity_editor(actor: User, patient_id: uuid.UUID) -> None:
    if not _allowed(may_edit_identity, actor, patient_id):
        raise ApplicationError(
            _(
                "The identity is corrected by the care team's physicians, its coordination "
                "nurses and its lead."
            )
        )


def require_diagnosis_author(actor: User, patient_id: uuid.UUID) -> None:
    if not _allowed(may_enter_diagnosis, actor, patient_id):
        raise ApplicationError(
            _("Diagnoses and stagings are entered by the care team's physicians and its lead.")
        )


def require_care_planner(actor: User, patient_id: uuid.UUID) -> None:
    """Treatments in course and pathways (``may_plan_care``)."""
    if not _allowed(may_plan_care, actor, patient_id):
        raise ApplicationError(
            _(
                "Treatments in course and pathways are recorded by the care team's physicians "
                "and coordination nurses."
            )
        )


def require_decision_recorder(actor: User, patient_id: uuid.UUID, *, objection: bool) -> None:
    """A patient's objection by any current member, a non-objection by a care planner."""
    if objection:
        if not _allowed(may_record_objection, actor, patient_id):
            raise ApplicationError(
                _("A patient's objection is recorded by a current member of the care team.")
            )
    elif not _allowed(may_plan_care, actor, patient_id):
        raise ApplicationError(
            _(
                "A non-objection is recorded by the care team's physicians and coordination "
                "nurses; you may record an objection."
            ),
            field="decision",
        )
