"""The ARS evaluator in Chromium: the Article 51 dashboard and the near-home-care page, filtered
by centre and period, CSV and Parquet downloads, and a figure checked by hand against the data.
The extract is written by hand here (its construction from the application is tested apart)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login
from oncoparcours.indicators.extract import COLUMNS, SCHEMA, stamp_key
from oncoparcours.indicators.models import ExtractRun
from oncoparcours.testing.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _event(patient, kind, day, **fields):
    values = {
        "patient": patient,
        "kind": kind,
        "event_at": dt.datetime.combine(day, dt.time(12)),
        "overseas": False,
        **fields,
    }
    return tuple(values.get(column) for column in COLUMNS)


@pytest.fixture
def extract(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    north = OrganisationFactory(name="CHU Nord", short_name="Nord", kind="chu")
    south = OrganisationFactory(name="CH Sud", short_name="Sud", kind="ch")
    rows = []
    # Near home: Nord 10 patients (8 near home), Sud 6 patients (3 near home), all in March 2026.
    for number in range(10):
        rows.append(
            _event(
                f"n{number}",
                "rcp_decision",
                dt.date(2026, 3, 10),
                organisation=str(north.pk),
                board="b1",
                category="proximity" if number < 8 else "expert",
            )
        )
    for number in range(6):
        rows.append(
            _event(
                f"s{number}",
                "rcp_decision",
                dt.date(2026, 3, 12),
                organisation=str(south.pk),
                board="b1",
                category="proximity" if number < 3 else "transfer",
            )
        )
    # Article 51: 12 inclusions, 3 per week from 2 March 2026; 2 in April (outside March).
    for number in range(12):
        rows.append(
            _event(
                f"a{number}",
                "inclusion",
                dt.date(2026, 3, 2) + dt.timedelta(days=7 * (number // 3)),
                organisation=str(north.pk),
                template="home-immunotherapy",
            )
        )
    for number in range(2):
        rows.append(
            _event(
                f"b{number}",
                "inclusion",
                dt.date(2026, 4, 20),
                organisation=str(north.pk),
                template="home-immunotherapy",
            )
        )
    directory = tmp_path / "indicators"
    directory.mkdir()
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE events ({SCHEMA})")
    connection.executemany(f"INSERT INTO events VALUES ({', '.join('?' for _ in COLUMNS)})", rows)
    connection.execute(
        "CREATE TABLE organisations AS SELECT * FROM (VALUES (?, 'CHU Nord', 'Nord', 'chu', '32'), "
        "(?, 'CH Sud', 'Sud', 'ch', '93')) t(id, name, short_name, kind, region)",
        [str(north.pk), str(south.pk)],
    )
    connection.execute(
        "CREATE TABLE boards AS SELECT 'b1' AS id, 'RCP régionale' AS name, false AS overseas"
    )
    (directory / "events" / "part=0").mkdir(parents=True, exist_ok=True)  # the partitioned layout
    for table, path in (
        ("events", directory / "events" / "part=0" / "events.parquet"),
        ("organisations", directory / "organisations.parquet"),
        ("boards", directory / "boards.parquet"),
    ):
        connection.execute(f"COPY {table} TO '{path}' (FORMAT parquet)")
    stamp_key(directory)  # pseudonyms made with the application's key
    ExtractRun.objects.create(
        finished_at=dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC), events=len(rows)
    )
    UserFactory(username="ars-eval", role="ars_evaluator")
    return {"north": north, "south": south}


def test_the_evaluator_checks_article51_and_near_home_care(page, extract, tmp_path):  # type: ignore[no-untyped-def]
    login(page, "ars-eval")
    page.goto("/indicateurs/")
    page.get_by_role("link", name="Évaluation Article 51").first.click()
    expect(
        page.get_by_role("heading", name="Évaluation Article 51 — immunothérapie à domicile")
    ).to_be_visible()
    # 14 inclusions in all.
    expect(page.get_by_text("14 inclus")).to_be_visible()
    expect(page.locator("canvas#chart-a51_inclusions")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Du", exact=True).fill("2026-03-01")
    page.get_by_label("Au", exact=True).fill("2026-03-31")
    page.get_by_role("button", name="Appliquer").click()
    expect(page.get_by_text("12 inclus")).to_be_visible()

    page.goto("/indicateurs/near_home_share/")
    # By hand: (8 + 3) / (10 + 6) = 68.75 % → 68,8 %.
    expect(page.locator(".stat")).to_have_text("68,8 %")
    page.get_by_label("Établissement").select_option(str(extract["north"].pk))
    page.get_by_label("Du", exact=True).fill("2026-03-01")
    page.get_by_label("Au", exact=True).fill("2026-03-31")
    page.get_by_role("button", name="Appliquer").click()
    expect(page.locator(".stat")).to_have_text("80 %")  # Nord: 8 / 10
    assert axe_violations(page) == []
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Télécharger en CSV").click()
    csv_text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert "Ensemble;RCP;selon la définition de chaque RCP;10;8;80,0" in csv_text
    assert not any(line.startswith("#") for line in csv_text.splitlines())  # table only
    note = unquote(page.request.get(csv_download.value.url).headers["x-export-note"])
    assert note.startswith("0 patient exclu (opposition à la finalité « Évaluation et pilotage")
    with page.expect_download() as parquet_download:
        page.get_by_role("link", name="Télécharger en Parquet").click()
    saved = tmp_path / "near.parquet"
    parquet_download.value.save_as(saved)
    share = (
        duckdb.connect()
        .execute("SELECT share FROM read_parquet(?) WHERE stratum = 'Ensemble'", [str(saved)])
        .fetchone()
    )
    assert share == (80.0,)
