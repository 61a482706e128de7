"""No internal code reaches a user (issue 14): every demo role opens its menu pages and the pages
they link to, and no code of the known code sets (choice values of every model, identifiers and
values of the pathway templates, rule sets and data files, observation keys and answers) appears
in the visible text. Codes a user must type (import file columns) are shown inside ``<code>``;
versioned source references ("car-t.yaml", "default@2") are citations, not codes."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from oncoparcours.core.models import User
from oncoparcours.core.navigation import nav_items_for
from oncoparcours.demo.institutions import DEMO_LOGINS
from oncoparcours.monitoring.rules.observations import OBSERVATIONS

pytestmark = pytest.mark.django_db(transaction=True)

CODE = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)+$")
TOKEN = re.compile(r"(?<![\w.@/-])[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)+(?![\w@/-]|\.yaml)")
HIDDEN = re.compile(r"<(script|style|code|textarea)\b.*?</\1>|<[^>]+>", re.S)
HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)"')
SKIPPED = ("/deconnexion/", "/static/", "/admin/", "/i18n/")
PAGES_PER_ROLE = 60
DATA_FILES = ("*/data/**/*.yaml", "pathways/templates/*.yaml", "monitoring/rulesets/*.yaml")
# Trials in MatchMiner's CTML format: its keys are the criteria's verbatim source text, which the
# registry shows on purpose (issue 15: every criterion keeps its source text).
SOURCE_FORMAT_FILES = ("demo_trials.yaml",)


def _collect(value: Any, codes: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _collect(key, codes)
            _collect(item, codes)
    elif isinstance(value, list):
        for item in value:
            _collect(item, codes)
    elif isinstance(value, str) and CODE.match(value) and re.search("[a-z]", value):
        codes.add(value)


def known_codes() -> set[str]:
    codes: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            _collect([code for code, _label in getattr(field, "choices", None) or []], codes)
    package = Path(settings.PACKAGE_DIR)
    for pattern in DATA_FILES:
        for path in package.glob(pattern):
            if path.name in SOURCE_FORMAT_FILES:
                continue
            for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
                _collect(document, codes)
    for key, (kind, spec) in OBSERVATIONS.items():
        _collect([key, *(spec if kind == "enum" else ())], codes)
    return codes


def visible_text(page: str) -> str:
    return html.unescape(HIDDEN.sub(" ", page))


def test_no_demo_page_shows_an_internal_code(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", seed=5, patients=150, quiet=True)
    codes = known_codes()
    assert {"relieved_by_rest", "sequence-1", "manufacturing_days", "tpe_40h"} <= codes
    found: dict[str, set[str]] = {}
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        client = Client()
        client.force_login(user)
        queue = [reverse(item.url_name) for item in nav_items_for(user.role)]
        seen: set[str] = set()
        while queue and len(seen) < PAGES_PER_ROLE:
            url = queue.pop(0)
            if url in seen or urlsplit(url).path.startswith(SKIPPED):
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code != 200 or "html" not in response["Content-Type"]:
                continue
            page = response.content.decode()
            for token in TOKEN.findall(visible_text(page)):
                if token in codes:
                    found.setdefault(token, set()).add(f"{login.username} {url}")
            queue.extend(href.replace("&amp;", "&") for href in HREF.findall(page))
    assert not found, "\n".join(f"{code}: {sorted(where)[:3]}" for code, where in found.items())
