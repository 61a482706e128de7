"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium); never a downloaded
browser. Skipped when Chromium is absent (`.ci/run` installs it)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from oncoparcours.testing.servers import SmtpInbox

BIN = Path(sys.executable).parent
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves (fixtures) are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    yield page
    # Let the requests the page still makes (lazy panels loading after the last assertion, each
    # writing its audit row) finish before the test database is flushed: the live server answers
    # from another thread, and a row written during the flush breaks it (seen on a loaded machine).
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_load_state("networkidle", timeout=10_000)
    context.close()


TEST_PASSWORD = "correct horse battery"


def login(page, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def axe_violations(page, *, impact: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the current page."""
    # Evaluated through DevTools, so the page's CSP (no inline script) does not block it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in impact
    ]


def settled(action, attempts: int = 50):  # type: ignore[no-untyped-def]
    """Run a database call from the test while the live server may still be finishing a request
    (the browser can cancel a request the server goes on handling, e.g. a double click):
    SQLite's shared in-memory database then reports the table as locked for a moment."""
    import time

    from django.db import OperationalError

    for attempt in range(attempts):
        try:
            return action()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.1)
    return None


# --- the demo served once per run, shared by the journeys -------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_command(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [str(BIN / "oncoparcours"), *args], env=env, check=True, capture_output=True, timeout=600
    )


@dataclass(frozen=True)
class ServedDemo:
    url: str
    outbox: Path | None  # where the served demo writes its SMS (None: a demo served elsewhere)
    # The local SMTP server the served demo's secure health mail goes to (None: served elsewhere)
    secure_mailbox: SmtpInbox | None = None


@pytest.fixture(scope="session")
def served_demo(demo_server: ServedDemo) -> str:
    return demo_server.url


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedDemo]:
    """A small demo region in its own SQLite file, served by `oncoparcours serve` (or the demo
    already served at JOURNEYS_BASE_URL, e.g. `make demo`'s, when a developer sets it; then
    JOURNEYS_OUTBOX_DIR names its outbox)."""
    if os.environ.get("JOURNEYS_BASE_URL"):
        outbox = os.environ.get("JOURNEYS_OUTBOX_DIR")
        yield ServedDemo(
            os.environ["JOURNEYS_BASE_URL"].rstrip("/"), Path(outbox) if outbox else None
        )
        return
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # The journeys serve their own SQLite demo whatever the database under test: CI runs them
        # once, in its SQLite pass, not again in the PostgreSQL pass.
        pytest.skip("role journeys run in the SQLite pass of the suite")
    from aiosmtpd.controller import Controller

    data_dir = tmp_path_factory.mktemp("journeys")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        ONCOPARCOURS_ENV="dev",
        DEBUG="false",
        ONCOPARCOURS_DATA_DIR=str(data_dir),
        BIND=f"127.0.0.1:{port}",
        WEB_WORKERS="2",
        LOGIN_LOCKOUT_IP_THRESHOLD="1000",
    )
    demo_command(env, "migrate", "--noinput")
    demo_command(env, "demo", "--seed", "42", "--patients", "120", "--quiet")
    # The served demo's secure health mail (letters to GPs) goes to a real local SMTP server
    # (plain SMTP: the TLS client certificate is the production setting, same code path).
    mailbox = SmtpInbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    server_env = {
        **env,
        "SECURE_MAIL_HOST": "127.0.0.1",
        "SECURE_MAIL_PORT": str(smtp.port),
        "SECURE_MAIL_USE_TLS": "false",
    }
    server = subprocess.Popen(
        [str(BIN / "oncoparcours"), "serve"],
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                smtp.stop()
                raise RuntimeError("oncoparcours serve did not start") from None
            time.sleep(0.3)
    yield ServedDemo(f"http://127.0.0.1:{port}", data_dir / "outbox", mailbox)
    server.terminate()
    server.wait(timeout=30)
    smtp.stop()
