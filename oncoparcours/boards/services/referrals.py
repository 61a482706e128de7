"""Referral of a poor-prognosis cancer to an expert centre of its INCa network:
requested → accepted / declined (with the reason), the delay kept."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Network, NetworkMembership, Organisation
from oncoparcours.directory.rules import geo, icd10
from oncoparcours.patients.consent import opposition_in_force
from oncoparcours.patients.models import (
    CareTeamMember,
    CareTeamRole,
    ConsentRecord,
    ConsentScope,
    Diagnosis,
    Patient,
)
from oncoparcours.patients.rules.networks import referral_proposal
from oncoparcours.patients.selectors import professional_for

from ..models import Board, BoardKind, Referral, ReferralStatus


def recours_board(network: Network, diagnosis: Diagnosis) -> Board | None:
    """The expert board of the network covering the diagnosis, if any."""
    for board in Board.objects.filter(
        network=network, is_active=True, kind__in=[BoardKind.RECOURS, BoardKind.RARE]
    ):
        if not board.icd10_ranges or icd10.in_any_range(diagnosis.icd10, board.scope_ranges):
            return board
    return None


def network_opposition(patient: Patient) -> ConsentRecord | None:
    """The patient's opposition to sharing their data with a network, in force today."""
    return opposition_in_force(patient.pk, purpose=ConsentScope.NETWORK)


def network_opposition_message(opposition: ConsentRecord) -> str:
    return _(
        "The patient objects to sharing their data with a network (expert centres, regional "
        "cancer network) since %(date)s: no referral can be requested or accepted. If the "
        "patient has changed their mind, record their new decision on the record's consent form "
        "first."
    ) % {"date": opposition.recorded_on.strftime("%d/%m/%Y")}


def referral_request(
    *,
    actor: User,
    patient: Patient,
    diagnosis: Diagnosis,
    network: Network,
    expert_centre: Organisation,
    note: str = "",
) -> Referral:
    """Refused, nothing recorded, when the patient objects to sharing with a network (the
    decision in force today, ``patients.rules.consent``): the referral would send their data to
    the expert centre."""
    opposition = network_opposition(patient)
    if opposition is not None:
        raise ApplicationError(network_opposition_message(opposition), field="network")
    errors: dict[str, list[str]] = {}
    in_scope = icd10.in_any_range(diagnosis.icd10, network.scope_ranges)
    if diagnosis.patient_id != patient.pk:
        errors["diagnosis"] = [_("This diagnosis belongs to another patient.")]
    elif not in_scope:
        errors["network"] = [_("This network does not cover this cancer.")]
    elif referral_proposal(status=diagnosis.prognosis_status, in_scope=in_scope) is None:
        # A prognosis still "to check" may be referred (safer reading: an undetermined
        # prognosis must not keep a patient from the network's expertise).
        errors["diagnosis"] = [_("Network referral is for poor-prognosis cancers.")]
    if not NetworkMembership.objects.filter(
        network=network, organisation=expert_centre, role__in=["pilot", "expert"]
    ).exists():
        errors["expert_centre"] = [_("This centre is not an expert centre of the network.")]
    if errors:
        field, messages = next(iter(errors.items()))
        raise ApplicationError(messages[0], errors=errors, field=field)
    distance = None
    if patient.latitude is not None and patient.longitude is not None:
        lat, lon = expert_centre.position
        distance = round(geo.distance_km(patient.latitude, patient.longitude, lat, lon), 1)
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                patient=patient,
                diagnosis=diagnosis,
                network=network,
                expert_centre=expert_centre,
                board=recours_board(network, diagnosis),
                distance_km=distance,
                note=note.strip(),
                requested_by=actor,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                patient_id=patient.pk,
                obj=referral,
                details={"network": network.code, "centre": str(expert_centre.pk)},
            )
    except IntegrityError:
        raise ApplicationError(
            _("A referral to this network is already waiting for an answer.")
        ) from None
    return referral


def _join_care_team(actor: User, referral: Referral) -> None:
    """The accepting expert joins the care team (until then the centre saw no identity)."""
    professional = professional_for(actor)
    assert professional is not None
    today = timezone.localdate()
    current = CareTeamMember.objects.filter(
        patient_id=referral.patient_id, professional=professional, start__lte=today
    ).filter(Q(end__isnull=True) | Q(end__gte=today))
    if not current.exists():
        CareTeamMember.objects.create(
            patient_id=referral.patient_id,
            professional=professional,
            role=CareTeamRole.EXPERT_CENTRE,
            start=today,
            reason=(
                _("Network referral accepted (%(network)s)") % {"network": referral.network.code}
            )[:250],
        )


def can_answer(user: User, referral: Referral) -> bool:
    professional = professional_for(user)
    return (
        professional is not None
        and professional.memberships.filter(organisation=referral.expert_centre).exists()
    )


@transaction.atomic
def referral_answer(*, actor: User, referral: Referral, accept: bool, reason: str = "") -> Referral:
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("patient")
        .get(pk=referral.pk)
    )
    if not can_answer(actor, referral):
        raise ApplicationError(_("A professional of the expert centre answers the referral."))
    if referral.status != ReferralStatus.REQUESTED:
        raise ApplicationError(
            _("This referral was already %(status)s.")
            % {"status": referral.get_status_display().lower()}
        )
    if not accept and len(reason.strip()) < 5:
        raise ApplicationError(_("Give the reason for declining."), field="reason")
    opposition = network_opposition(referral.patient) if accept else None
    if opposition is not None:
        # Accepting would bring the patient's record to the expert centre (care team).
        raise ApplicationError(network_opposition_message(opposition), field="answer")
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    referral.answered_by, referral.answered_at = actor, timezone.now()
    referral.answer_reason = reason.strip()
    referral.save()
    if accept:
        _join_care_team(actor, referral)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=referral.patient_id,
        obj=referral,
        details={"status": referral.status},
    )
    return referral
