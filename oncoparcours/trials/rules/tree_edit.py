"""Criterion-by-criterion edits of an eligibility tree (pure): list the criteria with their
paths (the paths of ``tree_problems`` and ``compile_tree``: ``tree.0.1``, ``tree.2.not``),
remove some, add one at the top level (AND, optionally as an exclusion: NOT)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CriterionAt:
    path: str
    criterion: dict[str, Any]
    negated: bool  # under an odd number of NOT: an exclusion


def criteria_at(
    node: dict[str, Any], path: str = "tree", negated: bool = False
) -> list[CriterionAt]:
    for key in ("and", "or"):
        if key in node:
            return [c for i, child in enumerate(node[key])
                    for c in criteria_at(child, f"{path}.{i}", negated)]  # fmt: skip
    if "not" in node:
        return criteria_at(node["not"], f"{path}.not", not negated)
    return [CriterionAt(path, node, negated)]


def _without(node: dict[str, Any], path: str, drop: set[str]) -> dict[str, Any] | None:
    if path in drop:
        return None
    for key in ("and", "or"):
        if key in node:
            kept = [k for i, c in enumerate(node[key])
                    if (k := _without(c, f"{path}.{i}", drop)) is not None]  # fmt: skip
            return {key: kept} if kept else None
    if "not" in node:
        inner = _without(node["not"], f"{path}.not", drop)
        return None if inner is None else {"not": inner}
    return node


def tree_without(tree: dict[str, Any], paths: set[str]) -> dict[str, Any] | None:
    """The tree without the criteria at ``paths``; a group left empty goes too (``None`` when
    nothing is left)."""
    return _without(copy.deepcopy(tree), "tree", paths)


def tree_with(tree: dict[str, Any] | None, criterion: dict[str, Any], *, negated: bool) -> dict:
    """``criterion`` (or NOT criterion) added to the top-level AND."""
    added = {"not": criterion} if negated else criterion
    if tree is None:
        return added
    children = list(tree["and"]) if "and" in tree else [tree]
    return {"and": [*copy.deepcopy(children), added]}
