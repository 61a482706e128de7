"""Appending to the chain of custody and verifying it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.ledger_keys import ledger_keys
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Organisation

from ..models import CarTOrder, CustodyEvent, CustodyKind
from ..rules import custody as ledger


@dataclass(frozen=True)
class CustodyDetails:
    """What the person recording a physical step enters (all optional but the time)."""

    at: dt.datetime | None = None
    place: str = ""
    container: str = ""
    seal: str = ""
    temperature_c: float | None = None
    logger: str = ""
    note: str = ""


PROBLEM_MESSAGES = {
    "first_must_be_collection": gettext_noop(
        "The chain of custody starts with the collection of the cells."
    ),
    "closed": gettext_noop(
        "The chain of custody of this product is closed (infused or quarantined)."
    ),
    "gap": gettext_noop(
        "Gap in custody: the product is held by %(holder)s, not by %(organisation)s. Record the "
        "handover first."
    ),
    "out_of_order": gettext_noop("A “%(kind)s” event cannot follow “%(previous)s”."),
}


def _kind_label(kind: str) -> str:
    return str(dict(CustodyKind.choices).get(kind, kind)).lower()


def _refusal(problem: str, kind: str, previous: CustodyEvent | None, organisation: str) -> str:
    return _(PROBLEM_MESSAGES[problem]) % {
        "holder": previous.holder if previous else "",
        "organisation": organisation,
        "kind": _kind_label(kind),
        "previous": _kind_label(previous.kind) if previous else "",
    }


def check_temperature(value: float | None) -> None:
    if ledger.temperature_problem(value):
        raise ApplicationError(
            _("%(value)s °C is not a physical temperature (between −273.15 and 60 °C).")
            % {"value": value},
            field="temperature_c",
        )


def _check_details(details: CustodyDetails, previous: CustodyEvent | None) -> dt.datetime:
    check_temperature(details.temperature_c)
    at = details.at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ApplicationError(_("An event cannot be dated in the future."), field="at")
    if previous is not None and at < previous.at:
        raise ApplicationError(
            _("This event is dated before the previous one (%(previous)s, %(time)s).")
            % {
                "previous": _kind_label(previous.kind),
                "time": timezone.localtime(previous.at).strftime("%d/%m/%Y %H:%M"),
            },
            field="at",
        )
    return at


def custody_append(
    *,
    order: CarTOrder,
    kind: str,
    actor: User,
    organisation: Organisation | None,
    organisation_label: str,
    holder: str,
    details: CustodyDetails,
) -> CustodyEvent:
    """Append one event (the caller holds the order's row lock). Refuses incoherent events."""
    if kind not in CustodyKind.values:
        raise ApplicationError(_("Unknown custody event."), field="kind")
    previous = order.custody.order_by("-sequence").first()
    history: list[dict[str, Any]] = [
        {"kind": kind, "holder": holder}
        for kind, holder in order.custody.order_by("sequence").values_list("kind", "holder")
    ]
    problem = ledger.coherence_problem(kind, history, organisation_label)
    if problem:
        raise ApplicationError(_refusal(problem, kind, previous, organisation_label), field="kind")
    at = _check_details(details, previous)
    keys = ledger_keys()
    event = CustodyEvent(
        order=order,
        key_id=keys.current_id,
        sequence=previous.sequence + 1 if previous else 1,
        kind=kind,
        actor=actor,
        actor_label=_actor_label(kind, actor, organisation, organisation_label),
        organisation=organisation,
        organisation_label=organisation_label,
        holder=holder,
        place=details.place.strip(),
        at=at.astimezone(dt.UTC),
        container=details.container.strip(),
        seal=details.seal.strip(),
        temperature_c=details.temperature_c,
        logger=details.logger.strip(),
        note=details.note.strip(),
        prev_hash=previous.hash if previous else ledger.GENESIS,
    )
    event.hash = ledger.event_mac(event.as_chain_dict(), event.prev_hash, keys.keys[event.key_id])
    event.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=order.patient_id,
        obj=event,
        details={"kind": kind, "sequence": event.sequence, "coi": order.coi},
    )
    return event


MANUAL_KINDS = (CustodyKind.INSPECTION, CustodyKind.HANDOVER, CustodyKind.CRYOPRESERVED)


def _check_cryopreservation(details: CustodyDetails) -> None:
    """Freezing the apheresis material: where and at what temperature are part of the record."""
    errors = {}
    if not details.place.strip():
        errors["place"] = [_("Say where the material was frozen (cell-therapy unit, freezer).")]
    if details.temperature_c is None:
        errors["temperature_c"] = [_("Give the storage temperature after freezing.")]
    elif details.temperature_c >= 0:
        errors["temperature_c"] = [_("A frozen product is below 0 °C: check the temperature.")]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)


@transaction.atomic
def custody_record(
    *,
    order: CarTOrder,
    kind: str,
    actor: User,
    organisation: Organisation | None,
    holder: str = "",
    details: CustodyDetails,
) -> CustodyEvent:
    """An event outside the lifecycle steps: an inspection (temperature check) by the current
    holder, a handover from the current holder to someone else, or the cryopreservation of the
    apheresis material by the cell-therapy unit that holds it (where, when, temperature)."""
    if kind not in MANUAL_KINDS:
        raise ApplicationError(
            _(
                "Only inspections, handovers and cryopreservations are recorded here; other "
                "events come with the order's steps."
            ),
            field="kind",
        )
    if kind == CustodyKind.CRYOPRESERVED:
        _check_cryopreservation(details)
    order = CarTOrder.objects.select_for_update().get(pk=order.pk)
    label = organisation.name if organisation else actor.display_name
    previous = order.custody.order_by("-sequence").first()
    if kind == CustodyKind.HANDOVER:
        if not holder.strip():
            raise ApplicationError(_("Say who receives the product."), field="holder")
        if previous is not None and previous.holder not in (label, "courier"):
            raise ApplicationError(_refusal("gap", kind, previous, label), field="kind")
    else:
        holder = previous.holder if previous else label
    return custody_append(
        order=order,
        kind=kind,
        actor=actor,
        organisation=organisation,
        organisation_label=label,
        holder=holder.strip(),
        details=details,
    )


def custody_verify(
    order: CarTOrder,
    anchored: list | bool | None = True,
    *,
    events: list[CustodyEvent] | None = None,
) -> list[ledger.Break]:
    """Recompute the chain as stored (by insertion order) and list where it breaks, including
    against its last anchored head (by default read from the anchor table). ``events``: the
    order's events already read from the database (the order page reads them once), in any
    order; they are verified in insertion (id) order like a fresh read."""
    if events is None:
        rows = list(CustodyEvent.objects.filter(order=order).order_by("id"))
    else:
        rows = sorted(events, key=lambda e: e.pk)
    events_ = [e.as_chain_dict() for e in rows]
    if anchored is True:
        anchored = latest_anchored_head(order.pk)
    breaks = ledger.verify(events_, ledger_keys().keys)
    return breaks + ledger.against_anchor(events_, anchored or None)


def latest_anchored_head(order_id: uuid.UUID) -> list | None:
    """The head of this chain in the latest valid anchor of the table that holds it."""
    from oncoparcours.core.anchors import anchor_is_valid
    from oncoparcours.core.models import LedgerAnchor

    key = str(order_id)
    anchors = LedgerAnchor.objects.filter(state__custody__chains__has_key=key).order_by("-sequence")
    for anchor in anchors[:5]:
        if anchor_is_valid(anchor):
            return anchor.state["custody"]["chains"][key]
    return None


def custody_verify_all(
    batch: int = 5000, reference: dict[str, Any] | None = None
) -> Iterator[tuple[uuid.UUID, list[ledger.Break]]]:
    """Every chain of the database in one streamed pass (events ordered by order, insertion),
    each compared with its head in ``reference`` (the folded anchors' custody state); chains
    anchored but now absent are reported truncated."""
    keys = ledger_keys().keys
    anchored: dict[str, Any] = dict((reference or {}).get("chains", {}))
    current: uuid.UUID | None = None
    chain: list[dict] = []
    events = CustodyEvent.objects.order_by("order_id", "id").iterator(chunk_size=batch)

    def result() -> tuple[uuid.UUID, list[ledger.Break]]:
        assert current is not None
        head = anchored.pop(str(current), None)
        return current, ledger.verify(chain, keys) + ledger.against_anchor(chain, head)

    for event in events:
        if event.order_id != current:
            if current is not None:
                yield result()
            current, chain = event.order_id, []
        chain.append(event.as_chain_dict())
    if current is not None:
        yield result()
    for order_id, head in anchored.items():
        yield uuid.UUID(order_id), [ledger.Break(int(head[0]), "truncated")]


def custody_heads() -> dict[str, Any]:
    """The state anchored for the custody ledger: every chain's length and head MAC."""
    chains: dict[str, list] = {}
    total = 0
    rows = CustodyEvent.objects.order_by("order_id", "sequence").values_list(
        "order_id", "sequence", "hash"
    )
    for order_id, sequence, mac in rows.iterator(chunk_size=5000):
        chains[str(order_id)] = [sequence, mac]
        total += 1
    return {"chains": chains, "events": total}


def custody_compare(reference: dict[str, Any]) -> list[str]:
    """The custody ledger against its anchored state (truncated or rewritten chains)."""
    if not reference:
        return []
    anchored = reference.get("chains", {})
    found: dict[str, list[dict[str, Any]]] = {}
    rows = CustodyEvent.objects.values("order_id", "sequence", "hash")
    for row in rows.iterator(chunk_size=5000):
        if str(row["order_id"]) in anchored:
            found.setdefault(str(row["order_id"]), []).append(dict(row))
    problems = []
    for chain, head in anchored.items():
        for item in ledger.against_anchor(found.get(chain, []), head):
            problems.append(f"custody chain {chain} event #{item.sequence}: {item.problem}")
    events = CustodyEvent.objects.count()
    if events < int(reference.get("events", 0)):
        problems.append(
            f"custody ledger: {events} events, {reference['events']} anchored (truncated)"
        )
    return problems


# What happens at the manufacturer's site, recorded at the hospital on the manufacturer's word.
AT_THE_MANUFACTURER = frozenset({"received_by_manufacturer", "released"})


def _actor_label(
    kind: str, actor: User, organisation: Organisation | None, organisation_label: str
) -> str:
    """Who did it: for a step at the manufacturer's site, the manufacturer (the hospital user only
    recorded it), never a hospital pharmacist named as if he were at the manufacturer."""
    if kind in AT_THE_MANUFACTURER and organisation is None and organisation_label:
        return _("%(manufacturer)s (recorded by %(name)s)") % {
            "manufacturer": organisation_label,
            "name": actor.display_name,
        }
    return actor.display_name
