"""Table tests of the CAR-T and EFS safety thresholds, on both sides of every one: the daily
monitoring window and the thaw-to-infusion limit of each product (read from its label data), the
haemoglobin gate of a phlebotomy at exactly 11.0 g/dL, tocilizumab, the sites' qualifications, the
board decision, the doses of a CRS/ICANS episode."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from oncoparcours.celltherapy import catalogue
from oncoparcours.celltherapy.rules import haemoglobin, safety

INFUSION = dt.date(2026, 3, 2)
# The EU SmPC values the data file must carry (DOMAIN.md: 10 days, 14 for ciltacabtagene).
WINDOWS = {
    "axicabtagene_ciloleucel": 10,
    "tisagenlecleucel": 10,
    "brexucabtagene_autoleucel": 10,
    "lisocabtagene_maraleucel": 10,
    "idecabtagene_vicleucel": 10,
    "ciltacabtagene_autoleucel": 14,
}
THAW_LIMITS = {
    "axicabtagene_ciloleucel": 180,
    "tisagenlecleucel": 30,
    "brexucabtagene_autoleucel": 30,
    "lisocabtagene_maraleucel": 120,
    "idecabtagene_vicleucel": 60,
    "ciltacabtagene_autoleucel": 150,
}


def label(code: str) -> catalogue.ProductLabel:
    product = catalogue.product(code)
    assert product is not None
    return product.label


def test_every_product_has_its_label_values_and_source():
    assert {p.code for p in catalogue.products()} == set(WINDOWS)
    for product in catalogue.products():
        assert product.label.smpc.startswith("EMA EPAR")
        assert product.label.proximity_hours == 2
        assert (product.label.proximity_weeks, product.label.no_driving_weeks) == (4, 8)
        assert product.label.tocilizumab_doses >= 1
        assert product.label.tocilizumab_further_within_hours == 8


@pytest.mark.parametrize(("code", "days"), WINDOWS.items())
@pytest.mark.parametrize(
    ("offset", "inside"),
    [(-1, False), (0, False), (1, True), ("last", True), ("after", False)],
)
def test_daily_monitoring_window_per_product(code, days, offset, inside):
    assert label(code).monitoring_days == days
    delta = {"last": days, "after": days + 1}.get(offset, offset)
    day = INFUSION + dt.timedelta(days=delta)
    assert safety.in_daily_window(INFUSION, day, label(code).monitoring_days) is inside


def test_the_car_t_template_plans_the_same_window_as_the_labels():
    path = Path(__file__).parents[2] / "pathways" / "templates" / "car-t.yaml"
    template = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert template["derived"]["monitoring_days"]["values"] == WINDOWS
    parameters = template["parameters"]
    assert parameters["near_centre_weeks"]["default"] == 4
    assert parameters["no_driving_weeks"]["default"] == 8


def test_the_monitoring_plan_counts_from_the_infusion_day():
    plan = safety.monitoring_plan(
        INFUSION, monitoring_days=14, near_centre_weeks=4, no_driving_weeks=8
    )
    assert (plan.daily_from, plan.daily_until) == (dt.date(2026, 3, 3), dt.date(2026, 3, 16))
    assert plan.near_centre_until == dt.date(2026, 3, 30)
    assert plan.no_driving_until == dt.date(2026, 4, 27)
    shorter = safety.monitoring_plan(
        INFUSION, monitoring_days=10, near_centre_weeks=2, no_driving_weeks=2
    )
    assert shorter.near_centre_until == shorter.no_driving_until == dt.date(2026, 3, 16)


THAWED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("code", "limit"), THAW_LIMITS.items())
@pytest.mark.parametrize(
    ("after", "exceeded"),
    [
        (dt.timedelta(0), False),
        ("limit", False),
        ("limit+1s", True),
        ("limit+1min", True),
    ],
)
def test_thaw_to_infusion_limit_per_product(code, limit, after, exceeded):
    assert label(code).thaw_limit_minutes == limit
    delta = {
        "limit": dt.timedelta(minutes=limit),
        "limit+1s": dt.timedelta(minutes=limit, seconds=1),
        "limit+1min": dt.timedelta(minutes=limit + 1),
    }.get(after, after)
    at = THAWED + delta
    assert safety.thaw_limit_exceeded(THAWED, at, label(code).thaw_limit_minutes) is exceeded


def test_minutes_since_thaw_round_up():
    assert safety.minutes_since_thaw(THAWED, THAWED) == 0
    assert safety.minutes_since_thaw(THAWED, THAWED + dt.timedelta(seconds=1)) == 1
    assert safety.minutes_since_thaw(THAWED, THAWED + dt.timedelta(minutes=30)) == 30


TODAY = dt.date(2026, 3, 2)
GATE = catalogue.haemoglobin_gate("phlebotomy")


@pytest.mark.parametrize(
    ("value", "measured_on", "max_age", "problem"),
    [
        ("11.1", TODAY, 30, None),
        ("11.0", TODAY, 30, "too_low"),  # HAS 2005: no session if Hb ≤ 11 g/dL
        ("10.9", TODAY, 30, "too_low"),
        ("14.0", TODAY - dt.timedelta(days=30), 30, None),
        ("14.0", TODAY - dt.timedelta(days=31), 30, "too_old"),
        ("14.0", TODAY, 0, None),  # the session's own value
        ("14.0", TODAY - dt.timedelta(days=1), 0, "too_old"),
        ("14.0", TODAY + dt.timedelta(days=1), 30, "future"),
        (None, TODAY, 30, "missing"),
        ("14.0", None, 30, "missing_date"),
        ("1.2", TODAY, 30, "implausible"),
        ("112", TODAY, 30, "implausible"),
    ],
)
def test_haemoglobin_gate_of_a_phlebotomy(value, measured_on, max_age, problem):
    assert GATE is not None and GATE.refuse_at_or_below == Decimal("11.0")
    assert GATE.booking_max_age_days == 30 and GATE.session_max_age_days == 0
    assert "HAS" in GATE.source
    assert (
        haemoglobin.haemoglobin_problem(
            value=Decimal(value) if value is not None else None,
            measured_on=measured_on,
            on=TODAY,
            refuse_at_or_below=GATE.refuse_at_or_below,
            max_age_days=max_age,
        )
        == problem
    )


def test_only_the_phlebotomy_has_a_haemoglobin_gate_and_it_is_not_an_apheresis():
    gated = [p.code for p in catalogue.procedures() if catalogue.haemoglobin_gate(p.code)]
    assert gated == ["phlebotomy"]
    phlebotomy = catalogue.procedure("phlebotomy")
    assert phlebotomy is not None
    assert set(phlebotomy.machines) == {"chair", "bed"} and phlebotomy.performer == "efs_nurse"
    apheresis = [p for p in catalogue.procedures() if "apheresis" in p.machines]
    assert all(p.performer == "apheresis_operator" for p in apheresis)


@pytest.mark.parametrize(
    ("reserved", "further", "required", "problem"),
    [
        (None, False, 1, "not_confirmed"),
        (0, True, 1, "too_few"),
        (1, False, 1, "no_further_access"),
        (1, True, 1, None),
        (1, True, 2, "too_few"),
        (2, True, 2, None),
    ],
)
def test_tocilizumab_before_infusion(reserved, further, required, problem):
    assert (
        safety.tocilizumab_problem(
            doses_reserved=reserved, further_dose_access=further, required_doses=required
        )
        == problem
    )


def qualification(products=("tisagenlecleucel",), until=TODAY, start=None, ars=True):
    return safety.Qualification(
        products=tuple(products),
        valid_from=start or TODAY - dt.timedelta(days=365),
        valid_until=until,
        issued_by_ars=ars,
    )


@pytest.mark.parametrize(
    ("rows", "status"),
    [
        ([], "none"),
        ([qualification()], "current"),  # valid until today: still current today
        ([qualification(until=TODAY - dt.timedelta(days=1))], "expired"),
        ([qualification(until=None)], "current"),
        ([qualification(start=TODAY + dt.timedelta(days=1), until=None)], "not_yet"),
        ([qualification(products=["axicabtagene_ciloleucel"])], "other_products"),
        ([qualification(ars=False)], "not_ars"),
        (
            [qualification(until=TODAY - dt.timedelta(days=400)), qualification(until=None)],
            "current",
        ),
    ],
)
def test_qualification_of_a_site_for_the_product(rows, status):
    assert safety.qualification_status(rows, "tisagenlecleucel", TODAY).status == status


@pytest.mark.parametrize(
    ("modalities", "same_patient", "latest", "problem"),
    [
        (["car_t"], True, True, None),
        (["chemotherapy", "car_t"], True, True, None),
        (["chemotherapy"], True, True, "not_car_t"),
        (["car_t"], False, True, "other_patient"),
        (["car_t"], True, False, "amended"),
    ],
)
def test_a_board_decision_recommending_car_t(modalities, same_patient, latest, problem):
    assert (
        safety.decision_problem(
            modalities=modalities, same_patient=same_patient, latest_version=latest
        )
        == problem
    )


@pytest.mark.parametrize(
    ("drug", "dose", "unit", "problem"),
    [
        ("tocilizumab", "8", "mg/kg", None),
        ("tocilizumab", "12", "mg/kg", None),
        ("tocilizumab", "12.5", "mg/kg", "above_limit"),
        ("tocilizumab", "800", "mg", None),
        ("tocilizumab", "801", "mg", "above_limit"),
        ("tocilizumab", "0", "mg", "not_positive"),
        ("dexamethasone", "10", "mg", None),
        ("dexamethasone", "10", "mg/kg", "unit"),
        ("methylprednisolone", "1000", "mg", None),
        ("methylprednisolone", "1001", "mg", "above_limit"),
    ],
)
def test_doses_of_a_crs_icans_episode(drug, dose, unit, problem):
    found = catalogue.drug(drug)
    assert found is not None
    assert (
        safety.dose_problem(
            dose=Decimal(dose),
            unit=unit,
            units=found.units,
            max_mg=found.max_mg,
            max_mg_per_kg=found.max_mg_per_kg,
        )
        == problem
    )
