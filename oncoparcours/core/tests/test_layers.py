"""The apps' dependency order of docs/architecture.md holds: nothing imports upward, and the
few imports between apps on the same floor are declared here (so no import circle can form)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
FLOOR = {
    "core": 0,
    "directory": 1,
    "patients": 2,
    "trials": 3,
    "pathways": 3,
    "planning": 4,
    "monitoring": 5,
    "boards": 5,
    "celltherapy": 5,
    "portal": 6,
    "interop": 7,
    "indicators": 7,
    "privacy": 7,
    "demo": 8,
}
# Same floor, one way only: CAR-T qualification comes from a board decision, and bedside or
# storage incidents raise monitoring alerts.
SIDEWAYS = {("celltherapy", "boards"), ("celltherapy", "monitoring")}


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "oncoparcours" and len(parts) > 1 and parts[1] in FLOOR:
                found.add(parts[1])
    return found


def app_imports() -> set[tuple[str, str, str]]:
    edges = set()
    for app in FLOOR:
        for path in (PACKAGE / app).rglob("*.py"):
            if {"tests", "migrations"} & set(path.parts):
                continue
            for other in imported_apps(path) - {app}:
                edges.add((app, other, str(path.relative_to(PACKAGE))))
    return edges


def test_every_app_has_a_floor():
    apps = {p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists()}
    assert apps - set(FLOOR) == set()  # planning has its floor before it exists


def test_nothing_imports_upward_or_sideways_undeclared():
    wrong = sorted(
        f"{path}: {app} imports {other}"
        for app, other, path in app_imports()
        if FLOOR[other] > FLOOR[app]
        or (FLOOR[other] == FLOOR[app] and (app, other) not in SIDEWAYS)
    )
    assert wrong == []


def test_declared_sideways_imports_are_one_way():
    assert not {(b, a) for a, b in SIDEWAYS} & SIDEWAYS
