"""Every demo role's journey (issue 14), at desktop (1280×900) and phone (390×844) sizes, on
the real demo served by `oncoparcours serve`: log in, open the home page, every page of the
menu and the first page one click deeper from each (a patient record, an alert, a board
session, a CAR-T order…). A journey fails on an internal code shown to the user, a Django debug
page, a page wider than a phone screen, and any link of a visited page that answers 403, 404 or
a server error."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from oncoparcours.demo.institutions import DEMO_LOGINS, DEMO_PASSWORD

pytestmark = pytest.mark.browser

USERNAMES = [login.username for login in DEMO_LOGINS] + ["admin"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# An internal code: a snake_case token (`relieved_by_rest`, `tpe_40h`) in the visible text.
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# Legitimate tokens of the visible text that look like codes (none left: the triage rules' sources
# no longer show the rule file's `also_notify` key).
ALLOWED_CODES: frozenset[str] = frozenset()
# English left on a French page: words and phrases of our own English wording that French never
# uses (capitalised buttons, joining phrases, Python values). Citations of English publications
# stay legitimate, so common words ("the", "of", "cells") are not listed alone.
ENGLISH = re.compile(
    r"\b(?:Save|Cancel|Submit|Search|Download|Delete|Edit|Details|Loading|Sign in|Log out|"
    r"Back to|Record:|None|True|False|on top of|default policy|CAR-T cells|wild type|"
    r"Not assessable|Waiting|Nothing to do|per week|of which|Please)\b"
)
# E-mail addresses, web addresses and file names (a configuration file named on purpose).
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|\S+\.(?:ya?ml|json|csv|pdf|parquet)\b")
# The text a user reads: visible text nodes and the choices of lists, without what the page marks
# as code on purpose (<code>, <pre>: a rule's definition shown to the physician who validates it).
VISIBLE_TEXT = """() => {
  const skip = "code, pre, kbd, samp, script, style, noscript, template";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || element.closest(skip)) continue;
    if (element.tagName !== "OPTION" && !element.checkVisibility()) continue;
    parts.push(node.textContent);
  }
  return parts.join(" ");
}"""
DEBUG_PAGE = ("Traceback", "DEBUG = True", "Request Method:")
# Leaving the session, downloads of static files and Django's own administration are not pages
# of the role's journey (the administration's links are still checked).
NOT_A_JOURNEY_PAGE = ("/deconnexion/", "/static/", "/admin/", "/suivi/")
NOT_CHECKED = ("/deconnexion/", "/static/")
UUID = "[0-9a-f-]{36}"
# The pages one click deeper every journey opens when a menu page links to one: a patient's
# record, an alert, a board session, a CAR-T order.
KEY_PAGES = [
    re.compile(rf"^/patients/{UUID}/$"),
    re.compile(rf"^/patients/{UUID}/alertes/{UUID}/$"),
    re.compile(rf"^/rcp/seances/{UUID}/$"),
    re.compile(rf"^/patients/{UUID}/car-t/{UUID}/$"),
]


# Link answers are the same at both sizes: asked once per role, and for at most
# LINKS_PER_SHAPE links of one shape (`/patients/<id>/`: the first patients of a list).
_link_status: dict[tuple[str, str], int] = {}
_shapes: dict[tuple[str, str], int] = {}
LINKS_PER_SHAPE = 2
ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")


def shape(link: str) -> str:
    return ID.sub("<id>", link.split("?")[0])


class Journey:
    def __init__(self, page, base_url: str, username: str) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.base_url = base_url
        self.username = username
        self.problems: list[str] = []
        self.visited: set[str] = set()

    def local(self, href: str) -> str | None:
        url = urljoin(self.page.url, href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.base_url:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def links(self, scope: str = "body") -> list[str]:
        hrefs = self.page.eval_on_selector_all(
            f"{scope} a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        found = []
        for href in hrefs:
            path = self.local(href) if href and not href.startswith("#") else None
            if path and path not in found:
                found.append(path)
        return found

    def visit(self, path: str) -> bool:
        self.visited.add(path)
        response = self.page.goto(path)
        status = response.status if response else 0
        if status != 200:
            self.problems.append(f"{path}: answers {status}")
            return False
        self.check_page(path)
        return True

    def check_page(self, path: str) -> None:
        text = self.page.inner_text("body")
        for marker in DEBUG_PAGE:
            if marker in text:
                self.problems.append(f"{path}: Django debug page ({marker!r})")
        read = self.page.evaluate(VISIBLE_TEXT)
        codes = set(CODE.findall(NOT_WORDS.sub(" ", read))) - ALLOWED_CODES
        if codes:
            self.problems.append(f"{path}: internal codes shown: {sorted(codes)[:8]}")
        english = english_words(read)
        if english:
            self.problems.append(f"{path}: English words shown: {english[:8]}")
        if re.search(r"\b[\w-]+/[\w-]+\.(?:ya?ml|py)\b", read):
            self.problems.append(f"{path}: a file name shown instead of its source's title")
        # Wider than the screen: the page scrolls sideways (on a phone, or the EFS day grid on
        # a 1,280 px desktop screen); wide tables scroll inside their own frame instead.
        widths = self.page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        if widths[0] > widths[1] + 1:
            self.problems.append(f"{path}: {widths[0]} px wide on a {widths[1]} px screen")
        for link in self.links():
            if link.startswith(NOT_CHECKED):
                continue
            key = (self.username, link)
            if key not in _link_status:
                kind = (self.username, shape(link))
                if _shapes.get(kind, 0) >= LINKS_PER_SHAPE:
                    continue
                _shapes[kind] = _shapes.get(kind, 0) + 1
                answer = self.page.request.get(link, max_redirects=5)
                _link_status[key] = answer.status
            status = _link_status[key]
            if status in (403, 404) or status >= 500:
                self.problems.append(f"{path}: link {link} answers {status}")


def english_words(text: str) -> list[str]:
    return sorted(set(ENGLISH.findall(NOT_WORDS.sub(" ", text))))


def test_the_english_deny_list_has_no_false_positive_on_french_and_citations():
    french = (
        "Enregistrer : Perfusé. Annuler la commande… Rechercher un patient. Télécharger (CSV). "
        "Détails ; Aucune ; Vrai ; Cellules CAR-T ; non muté (sauvage). Lee DW et al. ASTCT "
        "consensus grading for cytokine release syndrome and neurologic toxicity associated with "
        "immune effector cells. Biol Blood Marrow Transplant 2019 ; « Politique de tri par défaut »"
    )
    assert english_words(french) == []
    english = "ASCO 2021, on top of the default policy default@2 ; CAR-T cells ; Save ; None"
    assert english_words(english) == ["CAR-T cells", "None", "Save", "default policy", "on top of"]


def log_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/connexion/" not in url)


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("username", USERNAMES)
def test_role_journey(browser, served_demo: str, username: str, size: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=served_demo, locale="fr-FR", viewport=VIEWPORTS[size])
    page = context.new_page()
    try:
        log_in(page, username)
        journey = Journey(page, served_demo, username)
        journey.visit("/")
        menu = journey.links(".main-nav")
        for path in menu:
            if path in journey.visited or not journey.visit(path):
                continue
            deeper = [
                link
                for link in journey.links("main")
                if link not in journey.visited
                and link not in menu
                and "?" not in link
                and not link.startswith(NOT_A_JOURNEY_PAGE)
            ]
            if deeper:
                journey.visit(deeper[0])
            for key_page in KEY_PAGES:
                first = next((link for link in deeper if key_page.match(link)), None)
                if first and not any(key_page.match(seen) for seen in journey.visited):
                    journey.visit(first)
        assert not journey.problems, "\n".join(journey.problems)
    finally:
        context.close()


def test_the_phone_menu_folds_behind_its_button(browser, served_demo: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=served_demo, locale="fr-FR", viewport=VIEWPORTS["phone"])
    page = context.new_page()
    try:
        log_in(page, "idec")
        toggle = page.get_by_role("button", name="Menu")
        menu_link = page.locator(".main-nav").get_by_role("link", name="Patients")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not menu_link.is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        menu_link.click()
        page.wait_for_url("**/patients/")
    finally:
        context.close()
