"""Page budget (issue 19): server time and SQL queries of every main page, per demo role,
against the budgets of ``bench/page_budget.toml``; exits 1 when a page is over its budget.

Nothing is served over the network: Django's test client runs the pages in this process (DEBUG
off, the real middleware, templates and database) against the database already loaded by
``make demo`` (the SQLite file under var/ by default, or --database-url for PostgreSQL). Each
demo role logs in through the login page, then each of its main pages is requested once to warm
up, once with its SQL queries captured (count and time spent in SQL), and --repeat times timed.

Pages of a role: the entries of its main navigation (the registry in ``core.navigation``), plus
the pages reached from them that the issue names: name search, patient record, board session,
CAR-T order, and the patient portal's home for the demo patient. Each section the record loads
on its own (htmx, ``patients.record.lazy_section_keys``) is measured as a page of its own,
"record section <key>", requested as htmx does (``HX-Request: true``: the fragment only); so
is each lazy home panel the role sees ("home panel <key>", ``core.navigation``).

    .venv/bin/python bench/page_budget.py                       # var/oncoparcours.sqlite3
    .venv/bin/python bench/page_budget.py --database-url postgres://postgres@127.0.0.1/onco
    .venv/bin/python bench/page_budget.py --roles oncologue,idec --repeat 50
    .venv/bin/python bench/page_budget.py --queries-only        # deterministic: counts only

Time budgets are for one request at a time on the project's 2-core machine; on a loaded machine
scale them with --time-factor (e.g. 2) or check the query counts only (--queries-only). The "CPU
ms" column (this process's CPU time per request, median) moves much less than the wall-clock
time when other processes share the cores: compare changes with it on a busy machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
import urllib.parse
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

BUDGET_FILE = Path(__file__).resolve().parent / "page_budget.toml"
ROLES = (
    "oncologue",
    "hematologue",
    "neuro-oncologue",
    "idec",
    "idel",
    "pharmacien",
    "efs",
    "secretaire",
    "coordinateur",
    "directeur",
    "ars",
    "admin",
)
PORTAL_PHONE = "0600000001"
FRAGMENT_PREFIX = "record section "  # pages requested as htmx fragments
HOME_PANEL_PREFIX = "home panel "  # the home's lazy panels, also htmx fragments
PAGE_NAMES = {  # navigation key -> page name in the budget file
    "patients": "patient list",
    "alerts": "alert inbox",
    "portal_messages": "patient messages",
}


@dataclass
class Measure:
    role: str
    page: str
    path: str
    status: int = 0
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU time per request
    queries: int = 0
    sql_ms: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else float("nan")

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_ms) if self.cpu_ms else float("nan")

    @property
    def p95(self) -> float:
        return common.percentile(self.times_ms, 95)


def load_budgets(path: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    data = tomllib.loads(path.read_text())
    return data.get("default", {}), data.get("pages", {})


def login(client: Any, username: str) -> None:
    """Log in through the login page (second factor marked done when the settings ask for it)."""
    from oncoparcours.core.auth import second_factor

    response = client.post("/connexion/", {"username": username, "password": common.PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"login failed for {username}: HTTP {response.status_code}")
    session = client.session
    session[second_factor.SECOND_FACTOR_SESSION_KEY] = "bench"
    session.save()


def portal_login(client: Any) -> bool:
    """Open a portal session for the demo patient (the code step is not what is measured)."""
    from oncoparcours.portal.models import PortalAccount
    from oncoparcours.portal.session import SESSION_KEY

    account = PortalAccount.objects.filter(
        phone=PORTAL_PHONE, kind="patient", revoked_at__isnull=True
    ).first()
    if account is None:
        return False
    session = client.session
    session[SESSION_KEY] = {"account": str(account.pk), "epoch": account.session_epoch}
    session.save()
    return True


def detail_pages(user: Any) -> dict[str, str]:
    """The detail pages of the issue for this user: a name search, a patient record, a board
    session, a CAR-T order (each where the user has one to see)."""
    from django.db.models import Count
    from django.urls import reverse

    from oncoparcours.boards.models import Session
    from oncoparcours.celltherapy.models import CarTOrder
    from oncoparcours.core.navigation import home_panel_visible_to, lazy_home_panel_keys
    from oncoparcours.patients.record import lazy_section_keys
    from oncoparcours.patients.selectors import patients_for_user, professional_for

    pages: dict[str, str] = {
        HOME_PANEL_PREFIX + key: reverse("core:home_panel", args=[key])
        for key in lazy_home_panel_keys()
        if home_panel_visible_to(key, user.role)
    }
    visible = patients_for_user(user)
    first = visible.order_by("sort_name", "pk").values_list("pk", "sort_name").first()
    if first is not None:
        pages["name search"] = "/patients/?" + urllib.parse.urlencode({"q": first[1][:4]})
        # The record of the visible patient with the most recorded care (alerts, pathway,
        # board, CAR-T…) is the heaviest one; ordered by its pk for a stable choice.
        order = CarTOrder.objects.filter(patient__in=visible).order_by("pk").first()
        patient_id = order.patient_id if order is not None else first[0]
        pages["patient record"] = f"/patients/{patient_id}/"
        for key in lazy_section_keys():
            pages[FRAGMENT_PREFIX + key] = reverse(
                "patients:record_section", args=[patient_id, key]
            )
        if order is not None:
            pages["CAR-T order"] = f"/patients/{order.patient_id}/car-t/{order.pk}/"
    professional = professional_for(user)
    if professional is not None:
        session = (
            Session.objects.filter(board__members__professional=professional)
            .annotate(item_count=Count("items"))
            .order_by("-item_count", "-pk")
            .first()
        )
        if session is not None:
            pages["board session"] = f"/rcp/seances/{session.pk}/"
    return pages


def pages_for(user: Any) -> dict[str, str]:
    from django.urls import NoReverseMatch, reverse

    from oncoparcours.core.navigation import nav_items_for

    pages: dict[str, str] = {}
    for item in nav_items_for(user.role):
        try:
            pages[PAGE_NAMES.get(item.key, item.key)] = reverse(item.url_name)
        except NoReverseMatch:
            continue
    pages.update(detail_pages(user))
    return pages


class QueryTimer:
    """Counts the page's SQL queries and the time spent in them (a database execute wrapper)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def measure(client: Any, role: str, page: str, path: str, repeat: int, queries_only: bool):  # type: ignore[no-untyped-def]
    from django.db import connection

    result = Measure(role, page, path)
    headers = _headers(page)
    client.get(path, **headers)  # warm-up: caches, template loading, first-request work
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        result.status = client.get(path, **headers).status_code
    result.queries = timer.count
    result.sql_ms = timer.seconds * 1000
    for _ in range(0 if queries_only else repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(path, **headers)
        result.times_ms.append((time.perf_counter() - started) * 1000)
        result.cpu_ms.append((time.process_time() - cpu_started) * 1000)
    return result


def _headers(page: str) -> dict[str, str]:
    """A lazy record section or home panel is requested as htmx does: its fragment alone."""
    fragment = page.startswith((FRAGMENT_PREFIX, HOME_PANEL_PREFIX))
    return {"HTTP_HX_REQUEST": "true"} if fragment else {}


def profile(client: Any, role: str, page: str, path: str, repeat: int) -> None:
    from pyinstrument import Profiler

    headers = _headers(page)
    client.get(path, **headers)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(repeat):
            client.get(path, **headers)
    common.RESULTS.mkdir(exist_ok=True)
    target = common.RESULTS / f"profile-{role}-{page.replace(' ', '_')}.txt"
    target.write_text(profiler.output_text(unicode=True, show_all=False))
    print(f"profile of {role} {page}: {target.relative_to(common.ROOT)}", file=sys.stderr)


def check(
    result: Measure, defaults: dict[str, Any], budgets: dict[str, dict[str, Any]], factor: float
) -> list[str]:
    budget = {**defaults, **budgets.get(result.page, {})}
    breaches = []
    if result.status != 200:
        breaches.append(f"HTTP {result.status}")
    if result.queries > int(budget.get("queries", 10**6)):
        breaches.append(f"{result.queries} queries > {budget['queries']}")
    if result.times_ms and result.p95 > float(budget.get("ms", 1e9)) * factor:
        breaches.append(f"p95 {result.p95:.1f} ms > {float(budget['ms']) * factor:.0f} ms")
    return breaches


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", type=Path, default=common.ROOT / "var")
    parser.add_argument("--budget", type=Path, default=BUDGET_FILE)
    parser.add_argument("--roles", default=",".join(ROLES), help="demo logins, comma separated")
    parser.add_argument("--no-portal", action="store_true", help="skip the portal's home")
    parser.add_argument("--pages", default="", help="only these page names, comma separated")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--time-factor", type=float, default=1.0)
    parser.add_argument("--queries-only", action="store_true")
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="ROLE:PAGE",
        help="profile this page's timed requests with pyinstrument (text in bench/results/)",
    )
    args = parser.parse_args()

    env = common.environment(args.database_url, args.data_dir)
    # No static file is requested: WhiteNoise's warning about an uncollected folder is noise.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    database = common.django_setup(env)
    from django.conf import settings
    from django.test import Client

    from oncoparcours.core.models import User

    assert not settings.DEBUG, "the budget is measured with DEBUG off"
    defaults, budgets = load_budgets(args.budget)
    runs: list[tuple[str, Client, dict[str, str]]] = []
    for username in [r.strip() for r in args.roles.split(",") if r.strip()]:
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"skipped {username}: no such demo login", file=sys.stderr)
            continue
        client = Client()
        login(client, username)
        runs.append((username, client, pages_for(user)))
    if not args.no_portal:
        client = Client()
        if portal_login(client):
            runs.append(("portal", client, {"portal home": "/portail/"}))
        else:
            print("skipped the portal: no demo patient account", file=sys.stderr)

    results: list[tuple[Measure, list[str]]] = []
    print(f"{database}; {args.repeat} timed requests per page; load average {_load()}")
    print("| role | page | status | median ms | p95 ms | CPU ms | queries | SQL ms | budget |")
    print("|---|---|---|---|---|---|---|---|---|")
    only = {p.strip() for p in args.pages.split(",") if p.strip()}
    for username, client, pages in runs:
        for page, path in pages.items():
            if only and page not in only:
                continue
            if f"{username}:{page}" in args.profile:
                profile(client, username, page, path, args.repeat)
            result = measure(client, username, page, path, args.repeat, args.queries_only)
            breaches = check(result, defaults, budgets, args.time_factor)
            results.append((result, breaches))
            cells: list[object] = [
                username,
                page,
                result.status,
                f"{result.median:.1f}" if result.times_ms else "-",
                f"{result.p95:.1f}" if result.times_ms else "-",
                f"{result.cpu_median:.1f}" if result.cpu_ms else "-",
                result.queries,
                f"{result.sql_ms:.1f}",
                "; ".join(breaches) or "ok",
            ]
            print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)
    record = {
        "benchmark": "page_budget",
        "database": database,
        "repeat": args.repeat,
        "load_average": _load(),
        "pages": [
            {
                "role": r.role,
                "page": r.page,
                "path": r.path,
                "status": r.status,
                "median_ms": round(r.median, 2) if r.times_ms else None,
                "p95_ms": round(r.p95, 2) if r.times_ms else None,
                "cpu_median_ms": round(r.cpu_median, 2) if r.cpu_ms else None,
                "queries": r.queries,
                "sql_ms": round(r.sql_ms, 2),
                "breaches": b,
            }
            for r, b in results
        ],
    }
    print(f"\nsaved {common.save('page_budget', record).relative_to(common.ROOT)}")
    over = [(r, b) for r, b in results if b]
    if over:
        print(f"\n{len(over)} page(s) over budget:")
        for r, b in over:
            print(f"  {r.role} {r.page} ({r.path}): {'; '.join(b)}")
        sys.exit(1)
    print("every page within its budget")


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
