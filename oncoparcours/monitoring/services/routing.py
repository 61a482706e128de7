"""Who is notified: the roles a rule names, resolved within the patient's care team (on-call
physicians of the patient's expert centre — the general, CAR-T, intensive-care and neurology
rotas — join the care team, recorded, for a limited time). A role nobody holds is reported as
not reached, on the alert itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction
from oncoparcours.directory.models import Professional
from oncoparcours.patients.models import CareTeamMember, CareTeamRole, Patient

from ..labels import role_label
from ..models import OnCallShift

ROLE_TO_CARE_TEAM = {
    "coordination_nurse": [CareTeamRole.COORDINATION_NURSE],
    "oncologist": [
        CareTeamRole.REFERRING_ONCOLOGIST,
        CareTeamRole.HAEMATOLOGIST,
        CareTeamRole.ORGAN_SPECIALIST,
    ],
    "car_t_on_call": [CareTeamRole.HAEMATOLOGIST],
    "pharmacist": [CareTeamRole.PHARMACIST],
    "on_call_physician": [
        CareTeamRole.ON_CALL,
        CareTeamRole.REFERRING_ONCOLOGIST,
        CareTeamRole.HAEMATOLOGIST,
    ],
}
ON_CALL_ROLES = {"car_t_on_call", "on_call_physician", "icu_on_call", "neurology_on_call"}
ON_CALL_ACCESS_DAYS = 14


def _current_team(patient: Patient) -> list[CareTeamMember]:
    today = timezone.localdate()
    return list(
        CareTeamMember.objects.filter(patient=patient, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("professional")
        .order_by("-is_lead", "role")
    )


def _on_call(patient: Patient, role: str) -> Professional | None:
    centre = patient.expert_centre_id or patient.proximity_centre_id
    if centre is None:
        return None
    now = timezone.now()
    shift = (
        OnCallShift.objects.filter(
            organisation_id=centre, role=role, starts_at__lte=now, ends_at__gt=now
        )
        .select_related("professional")
        .order_by("-starts_at")
        .first()
    )
    return shift.professional if shift else None


@dataclass
class Routing:
    recipients: list[tuple[Professional, str]] = field(default_factory=list)
    unreached: list[str] = field(default_factory=list)  # roles nobody holds right now


def route(patient: Patient, roles: list[str], *, actor_label: str) -> Routing:
    """Who to notify for these roles; never nobody while the patient has a care team (the lead
    is notified when no one holds any of the roles)."""
    team = _current_team(patient)
    chosen: dict[object, tuple[Professional, str]] = {}
    unreached: list[str] = []
    for role in dict.fromkeys(roles):
        reached = False
        if role in ON_CALL_ROLES:
            on_call = on_call_reach(patient, role, actor_label=actor_label, team=team)
            if on_call is not None:
                chosen.setdefault(on_call.pk, (on_call, role))
                continue
        for member in team:
            if member.role in ROLE_TO_CARE_TEAM.get(role, []):
                chosen.setdefault(member.professional_id, (member.professional, role))
                reached = True
        if not reached:
            unreached.append(role)
    if not chosen and team:
        lead = team[0]
        chosen[lead.professional_id] = (lead.professional, "care_team_lead")
    return Routing(list(chosen.values()), unreached)


def on_call_reach(
    patient: Patient,
    role: str,
    *,
    actor_label: str,
    team: list[CareTeamMember] | None = None,
) -> Professional | None:
    """The one on-call resolution, shared by alert routing (``route``), the portal's urgent
    messages and worrying questionnaire answers: the professional on the rota for ``role`` right
    now at the patient's expert centre (else proximity centre), given access to the record for
    the on-call time (as for an alert) when not already in the care team; None when nobody is on
    the rota (no fallback here: the caller says so truthfully). Whether the person has an
    account is the caller's concern (told in the application, else by e-mail)."""
    on_call = _on_call(patient, role)
    if team is None:
        team = _current_team(patient)
    if on_call is not None and not any(member.professional_id == on_call.pk for member in team):
        _grant_on_call_access(patient, on_call, role, actor_label)
    return on_call


def recipients(
    patient: Patient, roles: list[str], *, actor_label: str
) -> list[tuple[Professional, str]]:
    """(professional, role) pairs to notify; never empty while the patient has a care team."""
    return route(patient, roles, actor_label=actor_label).recipients


def notified_note(routing: Routing, reasons: tuple[dict[str, str], ...] = ()) -> str:
    """The note of a "notified" event: roles reached, roles nobody holds, why extra roles were
    notified (French, as the care team reads it)."""
    parts = [", ".join(sorted({role for _p, role in routing.recipients}))]
    if routing.unreached:
        parts.append(
            _("not reached (nobody on the rota or in the care team): %(roles)s")
            % {"roles": ", ".join(str(role_label(r)) for r in routing.unreached)}
        )
    parts += [reason.get("fr", "") for reason in reasons]
    return " — ".join(part for part in parts if part)


def _grant_on_call_access(
    patient: Patient, professional: Professional, role: str, actor_label: str
) -> None:
    today = timezone.localdate()
    CareTeamMember.objects.create(
        patient=patient,
        professional=professional,
        role=CareTeamRole.ON_CALL,
        start=today,
        end=today + dt.timedelta(days=ON_CALL_ACCESS_DAYS),
        reason=_("On call (%(role)s) for an alert — %(by)s")
        % {"role": role_label(role), "by": actor_label},
    )
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        details={"care_team": "on_call", "professional": str(professional.pk), "role": role},
    )
