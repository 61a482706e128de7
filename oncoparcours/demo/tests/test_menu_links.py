"""No demo role is shown a link to a page it cannot open (issue 14): every page of a role's main
menu, and every link on those pages, answers without 403, 404 or a server error."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from oncoparcours.core.models import User
from oncoparcours.core.navigation import nav_items_for
from oncoparcours.demo.institutions import DEMO_LOGINS

pytestmark = pytest.mark.django_db(transaction=True)
HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)"')
# Leaving the session or the product is not a page of the role.
SKIPPED = ("/deconnexion/", "/static/", "/admin/")
LINKS_PER_ROLE = 80


def internal_links(html: str) -> list[str]:
    links = []
    for href in HREF.findall(html):
        path = urlsplit(href.replace("&amp;", "&"))
        if not path.path.startswith(SKIPPED):
            links.append(href.replace("&amp;", "&"))
    return links


def test_every_role_menu_and_its_pages_link_only_to_pages_the_role_can_open(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", seed=5, patients=150, quiet=True)
    broken: list[str] = []
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        client = Client()
        client.force_login(user)
        menu = [item.url_name for item in nav_items_for(user.role)]
        menu_urls = [reverse(name) for name in menu]
        queue = list(menu_urls)
        seen: set[str] = set()
        while queue and len(seen) < LINKS_PER_ROLE:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code in (403, 404) or response.status_code >= 500:
                broken.append(f"{login.username}: {url} → {response.status_code}")
                continue
            if url in menu_urls and response.status_code == 200:
                queue.extend(internal_links(response.content.decode()))
    assert not broken, "\n".join(broken)
