"""Every notification kind the code registers is documented in docs/notifications.md (its table
of kinds names each one between backticks), and ships its three French templates."""

from __future__ import annotations

import re
from pathlib import Path

from django.template.loader import get_template

from oncoparcours.core.notifications import services

DOC = Path(__file__).resolve().parents[3] / "docs" / "notifications.md"


def documented_kinds() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("## Kinds", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE))


def test_every_kind_in_the_code_is_documented():
    in_code = set(services.KINDS)
    assert "portal_message_urgent" in in_code and "board_decision_letter" in in_code
    assert in_code - documented_kinds() == set(), "kinds missing from docs/notifications.md"
    assert documented_kinds() - in_code == set(), "kinds documented but not in the code"


def test_every_kind_has_its_french_templates():
    for kind in services.KINDS:
        for part in ("subject", "body", "sms"):
            get_template(f"core/notifications/{kind}.{part}.txt")
