"""When a referral to an INCa network of excellence is proposed for a diagnosis. Pure.

The networks are for poor-prognosis cancers (INCa: 5-year net survival < 33 %): a diagnosis in a
network's scope is proposed when it is poor prognosis, and shown "to check" when its prognosis is
not determined (missing facts, or a site the survival table does not cover) — safer reading: an
undetermined prognosis must not hide the network. A cancer known not to be poor prognosis is not
proposed."""

from __future__ import annotations

from enum import StrEnum

from .prognosis import Status


class Proposal(StrEnum):
    PROPOSED = "proposed"
    TO_CHECK = "to_check"


def referral_proposal(*, status: str, in_scope: bool) -> Proposal | None:
    if not in_scope:
        return None
    if status == Status.POOR:
        return Proposal.PROPOSED
    if status in (Status.TO_CHECK, Status.NOT_IN_TABLE):
        return Proposal.TO_CHECK
    return None
