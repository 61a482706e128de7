"""Boards and their members: a « recours » board is tied to its network's expert centre, and a
member represents only specialties recognised to them in the directory."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Network, NetworkMembership, Organisation, Professional
from oncoparcours.directory.rules import icd10

from ..models import Board, BoardMember
from ..rules import composition, recours


def case_composition(board: Board, diagnosis: str | None) -> composition.Composition:
    """The quorum composition for a case of this board, from the INCa reference data: the
    case's diagnosis (ICD-10) decides between the haematology composition and the one outside
    haematology; without a diagnosis, the board's scope decides, and a mixed scope needs both
    (safer reading)."""
    return composition.shipped().composition_for_case(
        kind=board.kind, scope=board.scope_ranges, diagnosis=diagnosis or None
    )


def board_compositions(board: Board) -> list[composition.Composition]:
    """The compositions this board's cases may need (one per kind of cancer in its scope)."""
    rules = composition.shipped()
    kind = board.scope_kind
    applies = [composition.SOLID, composition.HAEMATOLOGY] if kind == composition.MIXED else [kind]
    return [
        rules.composition_applying(kind=board.kind, scope=board.scope_ranges, applies_to=a)
        for a in applies
    ]


def scope_text(ranges: Iterable[tuple[str, str]]) -> str:
    return ", ".join(a if a == b else f"{a}–{b}" for a, b in ranges) or _("all cancers")


def diagnosis_scope_problem(board: Board, code: str | None) -> str | None:
    """Why a case with this diagnosis cannot go to this board (None when it can)."""
    if not code or not board.scope_ranges:
        return None
    try:
        inside = icd10.in_any_range(code, board.scope_ranges)
    except ValueError:
        inside = False
    if inside:
        return None
    return _(
        "The diagnosis %(code)s is outside the scope of %(board)s (%(scope)s): submit the case "
        "to a board that covers this cancer."
    ) % {"code": code, "board": board, "scope": scope_text(board.scope_ranges)}


def recours_problems(
    *,
    kind: str,
    network: Network | None,
    organisers: Iterable[Organisation],
    icd10_ranges: Iterable[Any],
) -> dict[str, list[str]]:
    """What keeps a board of this kind from being organised this way, per field."""
    organisers = list(organisers)
    scope = [
        (str(pair[0]), str(pair[1]))
        for pair in icd10_ranges or []
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]
    memberships = (
        NetworkMembership.objects.filter(network=network, organisation__in=organisers)
        if network is not None
        else NetworkMembership.objects.none()
    )
    found = recours.problems(
        kind=kind,
        scope=scope,
        has_network=network is not None,
        network_scope=network.scope_ranges if network is not None else [],
        memberships=[
            recours.OrganiserMembership(role=m.role, label_until=m.label_until) for m in memberships
        ],
        today=timezone.localdate(),
    )
    messages = {
        "missing": _(
            "An expert (recours) board belongs to a network: choose the network whose expert "
            "centre organises it."
        ),
        "all_cancers": _(
            "An expert (recours) board covers its network's cancers: give its ICD-10 scope."
        ),
        "outside_network": _(
            "The board's scope (%(scope)s) is outside the scope of %(network)s (%(network_scope)s)."
        )
        % {
            "scope": scope_text(scope),
            "network": network,
            "network_scope": scope_text(network.scope_ranges) if network else "",
        },
        "not_expert_centre": _(
            "An expert (recours) board is organised by a pilot or expert centre of %(network)s "
            "with a current label: %(organisers)s is not."
        )
        % {
            "network": network,
            "organisers": ", ".join(str(o) for o in organisers) or _("no organiser"),
        },
    }
    return {field: [messages[code]] for field, code in found.items()}


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        field_name, messages = next(iter(errors.items()))
        raise ApplicationError(messages[0], errors=errors, field=field_name)


@transaction.atomic
def board_create(*, actor: User | None, organisers: list[Organisation], **fields: Any) -> Board:
    """Create a board; a « recours » board is refused unless an organiser is an expert (or
    pilot) centre of its network and its scope lies within the network's."""
    board = Board(**fields)
    errors: dict[str, list[str]] = {}
    if not organisers:
        errors["organisers"] = [_("Choose the organising organisation.")]
    errors.update(
        recours_problems(
            kind=board.kind,
            network=board.network,
            organisers=organisers,
            icd10_ranges=board.icd10_ranges,
        )
    )
    _refuse(errors)
    board.save()
    board.organisers.set(organisers)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=board,
        details={"kind": board.kind, "network": str(board.network_id or "")},
    )
    return board


def member_specialty_problems(professional: Professional, specialties: list[str]) -> list[str]:
    """The declared specialties this professional does not hold (main or additional, RPPS)."""
    held = professional.recognised_specialties
    if not specialties:
        return [_("Give at least one specialty.")]
    missing = [s for s in specialties if s not in held]
    if not missing:
        return []
    from oncoparcours.directory.models import Specialty

    def label(code: str) -> str:
        return str(dict(Specialty.choices).get(code, code))

    return [
        _(
            "%(name)s does not hold %(specialties)s in the directory (recognised: %(held)s): "
            "declare a recognised specialty, or record the qualification in the directory first."
        )
        % {
            "name": professional.full_name,
            "specialties": ", ".join(label(s) for s in missing),
            "held": ", ".join(label(s) for s in sorted(held)) or _("none"),
        }
    ]


@transaction.atomic
def board_member_add(
    *,
    actor: User | None,
    board: Board,
    professional: Professional,
    specialties: list[str],
    site: Organisation | None = None,
    is_chair: bool = False,
) -> BoardMember:
    problems = member_specialty_problems(professional, specialties)
    if problems:
        raise ApplicationError(problems[0], field="specialties")
    if board.members.filter(professional=professional).exists():
        raise ApplicationError(_("Already a member of this board."), field="professional")
    member = BoardMember.objects.create(
        board=board,
        professional=professional,
        specialties=list(dict.fromkeys(specialties)),
        site=site,
        is_chair=is_chair,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=board,
        details={"member": str(professional.pk), "specialties": member.specialties},
    )
    return member
