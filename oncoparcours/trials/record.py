"""The "Clinical trials" section of the patient record: ranked arms with every reason."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from oncoparcours.patients.record import RecordSection

from . import selectors
from .describe import reason
from .rules.criteria import BIOMARKER_CRITERIA, MET
from .rules.matching import ArmMatch
from .rules.tree import leaves


def _negated_paths(tree: dict[str, Any], path: str = "tree", negated: bool = False) -> set[str]:
    if "and" in tree or "or" in tree:
        children = next(iter(tree.values()))
        return {
            p for i, c in enumerate(children) for p in _negated_paths(c, f"{path}.{i}", negated)
        }
    if "not" in tree:
        return _negated_paths(tree["not"], f"{path}.not", not negated)
    return {path} if negated else set()


def match_rows(matches: list[ArmMatch]) -> list[dict[str, Any]]:
    """The ranked arms as rows for ``trials/_matches.html`` (record section, board case)."""
    rows = []
    for match in matches:
        negated = _negated_paths(match.arm.tree)
        rows.append(
            {
                "arm": match.arm.payload,
                "met": match.value == MET,
                "unknowns": match.unknowns,
                "distance_km": match.distance_km,
                "site": match.site,
                "invitation_sites": match.arm.invitation_sites,
                "basket": is_basket(match.arm.tree),
                "reasons": [reason(leaf, leaf.path in negated) for leaf in match.leaves],
            }
        )
    return rows


def is_basket(tree: dict[str, Any]) -> bool:
    """A basket arm: any solid tumour (or any haematological malignancy) with a biomarker."""
    found = leaves(tree)
    return any(c.get("criterion") == "disease" and c.get("group") for c, _n in found) and any(
        c.get("criterion") in BIOMARKER_CRITERIA and not negated for c, negated in found
    )


def trials_section(access: Any, request: Any) -> RecordSection:
    # Loaded on its own (a lazy record section, issue 19): its request's read of the patient is
    # audited by patients.record_views; not a second time here.
    matches = selectors.patient_trial_matches(
        user=request.user, patient=access.patient, audit=False
    )
    rows = match_rows(matches)
    return RecordSection(
        title=_("Clinical trials"),
        template="trials/record_section.html",
        context={"rows": rows, "patient": access.patient},
        order=6,
    )
