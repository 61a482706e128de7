import datetime as dt

import pytest

from oncoparcours.directory import referential
from oncoparcours.directory.rules import accreditation, geo, icd10
from oncoparcours.directory.rules.dates import add_months


@pytest.mark.parametrize(
    ("code", "start", "end", "inside"),
    [
        ("C34.1", "C33", "C34", True),
        ("C34", "C33", "C34", True),
        ("C35", "C33", "C34", False),
        ("C32.9", "C33", "C34", False),
        ("C58", "C51", "C58", True),
        ("C50.4", "C50", "C50", True),
        ("C45.0", "C45.0", "C45.0", True),
        ("C45.1", "C45.0", "C45.0", False),
        ("C45", "C45.0", "C45.0", False),  # a bare category is only inside when fully covered
        ("D05.1", "C00", "C97", False),
    ],
)
def test_icd10_range_membership(code, start, end, inside):
    assert icd10.in_range(code, start, end) is inside


def test_icd10_parse_rejects_garbage():
    with pytest.raises(ValueError, match="not an ICD-10 code"):
        icd10.parse("lung")
    assert icd10.normalise("c341") == "C34.1"


def test_distance_paris_lyon_is_about_392_km():
    assert geo.distance_km(48.857, 2.352, 45.764, 4.836) == pytest.approx(392, abs=5)


def test_fort_de_france_is_drawn_in_the_martinique_inset():
    frame = geo.frame_for(14.616, -61.059)
    assert frame is not None and frame.key == "972"
    x, y = frame.project(14.616, -61.059)
    assert frame.x <= x <= frame.x + frame.width and frame.y <= y <= frame.y + frame.height


def test_metropolitan_points_keep_their_relative_positions():
    metro = geo.FRAMES[0]
    lille, marseille = metro.project(50.63, 3.06), metro.project(43.30, 5.38)
    brest, strasbourg = metro.project(48.39, -4.49), metro.project(48.57, 7.75)
    assert lille[1] < marseille[1]  # north is up
    assert brest[0] < strasbourg[0]  # west is left


# --- accreditation cycles ---------------------------------------------------------------------

JACIE = accreditation.Cycle(
    capability="jacie",
    cycle_months=48,
    interim_audit_months=24,
    interim_audit_warning_days=90,
    renewal_warning_days=365,
    source="test",
)
START = dt.date(2024, 3, 1)  # interim audit due 2026-03-01, expiry 2028-03-01


@pytest.mark.parametrize(
    ("today", "audited", "codes"),
    [
        (dt.date(2025, 11, 30), None, []),  # 91 days before the interim audit
        (dt.date(2025, 12, 1), None, ["interim_audit_due"]),  # 90 days before
        (dt.date(2026, 3, 1), None, ["interim_audit_due"]),  # on the day
        (dt.date(2026, 3, 2), None, ["interim_audit_overdue"]),
        (dt.date(2026, 3, 2), dt.date(2026, 2, 20), []),  # recorded: no alert
        (dt.date(2027, 3, 1), dt.date(2026, 2, 20), []),  # 365 days + 1 before expiry
        (dt.date(2027, 3, 2), dt.date(2026, 2, 20), ["renewal_due"]),  # 365 days before
        (dt.date(2027, 3, 2), None, ["interim_audit_overdue", "renewal_due"]),
        (dt.date(2028, 3, 1), dt.date(2026, 2, 20), ["renewal_due"]),  # last valid day
        (dt.date(2028, 3, 2), None, ["expired"]),  # only the expiry, once expired
    ],
)
def test_jacie_cycle_alerts(today, audited, codes):
    alerts = accreditation.alerts(
        JACIE,
        valid_from=START,
        valid_until=dt.date(2028, 3, 1),
        interim_audit_on=audited,
        today=today,
    )
    assert [a.code for a in alerts] == codes


def test_the_renewal_becomes_urgent_in_the_last_90_days_and_an_overdue_audit_comes_first():
    alerts = accreditation.alerts(
        JACIE, valid_from=START, valid_until=None, interim_audit_on=None, today=dt.date(2028, 1, 1)
    )
    assert [(a.code, a.urgent, a.due_on) for a in alerts] == [
        ("interim_audit_overdue", True, dt.date(2026, 3, 1)),
        ("renewal_due", True, dt.date(2028, 3, 1)),
    ]


def test_the_shipped_jacie_cycle_is_4_years_with_an_interim_audit_at_2_and_cites_its_source():
    cycles = referential.accreditation_cycles()
    jacie = cycles["jacie"]
    assert (jacie.cycle_months, jacie.interim_audit_months) == (48, 24)
    assert "JACIE" in jacie.source and "renouvelée tous les deux ans" in jacie.reading
    assert referential.accreditation_cycles_file()["version"]


def test_an_interim_audit_outside_the_cycle_is_refused():
    with pytest.raises(ValueError, match="outside"):
        accreditation.parse(
            {
                "cycles": [
                    {
                        "capability": "x",
                        "cycle_months": 12,
                        "interim_audit_months": 12,
                        "renewal_warning_days": 30,
                        "source": "s",
                    }
                ]
            }
        )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 15), -24, dt.date(2024, 1, 15)),
        (dt.date(2026, 1, 15), 48, dt.date(2030, 1, 15)),
    ],
)
def test_month_arithmetic_both_ways(day, months, expected):
    assert add_months(day, months) == expected
