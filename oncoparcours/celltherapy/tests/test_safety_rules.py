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
        assert f"EMA EPAR {product.brand}" in product.label.smpc
        assert product.label.proximity_hours == 2
        assert (product.label.proximity_weeks, product.label.no_driving_weeks) == (4, 8)
        assert product.label.periods() == {"near_centre_weeks": 4, "no_driving_weeks": 8}
        assert product.label.tocilizumab_doses >= 1
        assert product.label.tocilizumab_further_within_hours == 8
        assert set(product.label.sources) == set(catalogue.LABEL_VALUES)


# Documents that are not the EU SmPC text: a value read in one of them is "EU SmPC to confirm"
# (or the project's stricter reading), never presented as the EU label.
NOT_THE_EU_TEXT = (
    "DOMAIN.md",
    "Swiss",
    "UK SmPC",
    "US prescribing information",
    "Assumed",
    "document read was not recorded",
    "without recording the copy read",
)


def test_each_label_value_cites_the_document_it_was_read_in():
    for product in catalogue.products():
        for name, source in product.label.sources.items():
            assert source.status in catalogue.SOURCE_STATUSES, (product.code, name)
            assert len(source.document) > 20, (product.code, name)
            if source.status == "eu_smpc":
                assert "EU SmPC" in source.document or "EU product information" in (
                    source.document
                ), (product.code, name)
                # A value read only in another document is never presented as the EU label.
                leading = source.document.split(";")[0].split("(")[0]
                assert not any(word in leading for word in NOT_THE_EU_TEXT), (product.code, name)
            else:
                assert not product.label.confirmed(name)


def test_the_data_file_no_longer_claims_the_eu_smpc_for_every_value():
    text = (Path(catalogue.DATA) / "products.yaml").read_text(encoding="utf-8")
    assert "EU SmPC 4.4 of each product" not in text
    assert "consulted 2026-12" not in text


@pytest.mark.parametrize(
    ("code", "value", "status", "document_says"),
    [
        # The values the safety review found attributed to the EU SmPC but read elsewhere.
        ("brexucabtagene_autoleucel", "thaw_limit_minutes", "to_confirm", "Swiss product"),
        ("ciltacabtagene_autoleucel", "thaw_limit_minutes", "to_confirm", "US prescribing"),
        ("tisagenlecleucel", "proximity", "to_confirm", "UK SmPC"),
        # Breyanzi: daily to D10 is the project's reading, not the label's.
        ("lisocabtagene_maraleucel", "monitoring_days", "stricter_reading", "stricter reading"),
        ("lisocabtagene_maraleucel", "tocilizumab", "to_confirm", "not read"),
        # Read in EU SmPC copies during the 2026-12 review.
        ("axicabtagene_ciloleucel", "tocilizumab", "eu_smpc", "EU SmPC Yescarta section 4.2"),
        ("brexucabtagene_autoleucel", "tocilizumab", "eu_smpc", "EU SmPC Tecartus section 4.2"),
        ("idecabtagene_vicleucel", "tocilizumab", "eu_smpc", "EU SmPC Abecma section 4.2"),
        # From DOMAIN.md only.
        ("ciltacabtagene_autoleucel", "monitoring_days", "to_confirm", "DOMAIN.md"),
        ("axicabtagene_ciloleucel", "no_driving_weeks", "to_confirm", "DOMAIN.md"),
    ],
)
def test_where_each_reviewed_value_comes_from(code, value, status, document_says):
    source = label(code).source(value)
    assert source.status == status
    assert document_says in source.document
    assert label(code).confirmed(value) is (status == "eu_smpc")


@pytest.mark.parametrize(
    ("chosen", "short", "effective"),
    [
        ({}, {}, {"near_centre_weeks": 4, "no_driving_weeks": 8}),  # the label's
        ({"near_centre_weeks": 4, "no_driving_weeks": 8}, {}, None),  # exactly the label
        ({"near_centre_weeks": 3}, {"near_centre_weeks": 4}, {"near_centre_weeks": 4}),
        ({"near_centre_weeks": 0}, {"near_centre_weeks": 4}, {"near_centre_weeks": 4}),
        ({"near_centre_weeks": 5}, {}, {"near_centre_weeks": 5}),  # longer: allowed
        ({"no_driving_weeks": 7}, {"no_driving_weeks": 8}, {"no_driving_weeks": 8}),
        ({"no_driving_weeks": 0}, {"no_driving_weeks": 8}, {"no_driving_weeks": 8}),
        ({"no_driving_weeks": 9}, {}, {"no_driving_weeks": 9}),
        ({"no_driving_weeks": "8"}, {}, {"no_driving_weeks": 8}),  # stored as text
        ({"near_centre_weeks": "two"}, {"near_centre_weeks": 4}, {"near_centre_weeks": 4}),
        (
            {"near_centre_weeks": 2, "no_driving_weeks": 2},
            {"near_centre_weeks": 4, "no_driving_weeks": 8},
            {"near_centre_weeks": 4, "no_driving_weeks": 8},
        ),
    ],
)
def test_the_label_is_the_floor_of_the_stay_near_the_centre_and_the_driving_ban(
    chosen, short, effective
):
    floors = label("tisagenlecleucel").periods()
    assert safety.periods_below_label(chosen, floors) == short
    applied = safety.effective_periods(chosen, floors)
    assert applied == {**floors, **(effective or {})}


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
    # Never 0 weeks in the template; the real floor is each product's label, checked when the
    # pathway is applied (registered by this app).
    assert (
        parameters["near_centre_weeks"]["min"] >= 1 and parameters["no_driving_weeks"]["min"] >= 1
    )
    from oncoparcours.pathways.parameter_checks import has_checks

    assert has_checks(template["id"])


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


CONFIRMED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
VALID_HOURS = 72


@pytest.mark.parametrize(
    ("reserved", "further", "required", "after", "problem"),
    [
        (None, False, 1, dt.timedelta(hours=1), "not_confirmed"),
        (0, True, 1, dt.timedelta(hours=1), "too_few"),
        (1, False, 1, dt.timedelta(hours=1), "no_further_access"),
        (1, True, 1, dt.timedelta(hours=1), None),
        (1, True, 2, dt.timedelta(hours=1), "too_few"),
        (2, True, 2, dt.timedelta(hours=1), None),
        # The confirmation's validity before the infusion (72 hours, products.yaml).
        (2, True, 1, dt.timedelta(0), None),  # confirmed at the infusion minute
        (2, True, 1, dt.timedelta(hours=71, minutes=59), None),
        (2, True, 1, dt.timedelta(hours=72), None),  # exactly 72 hours: still valid
        (2, True, 1, dt.timedelta(hours=72, seconds=1), "expired"),
        (2, True, 1, dt.timedelta(days=21), "expired"),  # confirmed at order time
        (2, True, 1, -dt.timedelta(minutes=1), "not_confirmed"),  # after the infusion
        (0, True, 1, dt.timedelta(days=21), "too_few"),  # a release stays a release
    ],
)
def test_tocilizumab_before_infusion(reserved, further, required, after, problem):
    assert (
        safety.tocilizumab_problem(
            doses_reserved=reserved,
            further_dose_access=further,
            required_doses=required,
            confirmed_at=CONFIRMED if reserved is not None else None,
            at=CONFIRMED + after,
            valid_hours=VALID_HOURS,
        )
        == problem
    )


def test_the_tocilizumab_confirmation_window_is_data_with_its_reason():
    assert catalogue.tocilizumab_confirmation_hours() == VALID_HOURS
    data = yaml.safe_load((Path(catalogue.DATA) / "products.yaml").read_text(encoding="utf-8"))
    reason = data["tocilizumab_confirmation"]["source"]
    assert "Project's choice, safer reading" in reason and "4.2" in reason


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
        ("dexamethasone", "40", "mg", None),
        ("dexamethasone", "40.5", "mg", "above_limit"),
        ("dexamethasone", "10", "mg/kg", "unit"),
        # Methylprednisolone: the labels' 1 g/day, in mg or entered per kg.
        ("methylprednisolone", "1000", "mg", None),
        ("methylprednisolone", "1001", "mg", "above_limit"),
        ("methylprednisolone", "2", "mg/kg", None),
        ("methylprednisolone", "2.5", "mg/kg", None),  # refused by the first version (2 mg/kg)
        ("methylprednisolone", "14.3", "mg/kg", None),  # 1 g for 70 kg
        ("methylprednisolone", "20", "mg/kg", None),  # 1 g for 50 kg
        ("methylprednisolone", "30", "mg/kg", None),  # 1 g for 33 kg; paediatric pulse
        ("methylprednisolone", "30.5", "mg/kg", "above_limit"),
        ("methylprednisolone", "1000", "mg/kg", "above_limit"),  # mg typed in the kg field
        ("methylprednisolone", "1", "g", "unit"),
    ],
)
def test_doses_of_a_crs_icans_episode(drug, dose, unit, problem):
    found = catalogue.drug(drug)
    assert found is not None
    assert safety.dose_problem(dose=Decimal(dose), unit=unit, limits=found.limits) == problem


def test_every_unit_a_drug_is_entered_in_has_its_own_limit():
    for drug in catalogue.drugs():
        assert drug.units == tuple(drug.limits) and drug.units
        assert all(limit > 0 for limit in drug.limits.values())
    # A dose is compared with the limit of the unit it was entered in, never another's.
    limits = {"mg": Decimal("1000"), "mg/kg": Decimal("30")}
    assert safety.dose_problem(dose=Decimal("500"), unit="mg", limits=limits) is None
    assert safety.dose_problem(dose=Decimal("500"), unit="mg/kg", limits=limits) == "above_limit"
    assert safety.dose_problem(dose=Decimal("31"), unit="mg/kg", limits=limits) == "above_limit"
    assert safety.dose_problem(dose=Decimal("31"), unit="mg", limits=limits) is None


@pytest.mark.parametrize(
    ("product", "code", "age", "indicated"),
    [
        ("ciltacabtagene_autoleucel", "C90.0", 60, True),
        ("ciltacabtagene_autoleucel", "C82.9", 60, False),  # a lymphoma: not Carvykti's
        ("idecabtagene_vicleucel", "C83.3", 60, False),
        ("axicabtagene_ciloleucel", "C83.3", 60, True),
        ("axicabtagene_ciloleucel", "C85.2", 60, True),
        ("axicabtagene_ciloleucel", "C92.0", 60, False),  # AML
        ("tisagenlecleucel", "C91.0", 25, True),  # B-ALL up to 25 years
        ("tisagenlecleucel", "C91.0", 26, False),
        ("brexucabtagene_autoleucel", "C91.0", 26, True),  # B-ALL from 26 years
        ("brexucabtagene_autoleucel", "C91.0", 25, False),
        ("brexucabtagene_autoleucel", "C83.1", 70, True),  # mantle cell
        ("lisocabtagene_maraleucel", "C90.0", 60, False),
    ],
)
def test_the_label_s_indications_by_diagnosis_and_age(product, code, age, indicated):
    from oncoparcours.celltherapy import catalogue
    from oncoparcours.celltherapy.rules import safety

    codes = catalogue.product(product).indication_codes
    assert safety.indication_matches(codes, [code], age) is indicated
