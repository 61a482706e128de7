"""The bedside identity check by two professionals: a mismatch blocks the infusion and raises
an alert; a pass lets the infusion be recorded."""

import pytest

from oncoparcours.celltherapy.models import BedsideCheck
from oncoparcours.celltherapy.services.bedside import BedsideConfirmation, bedside_confirm
from oncoparcours.core.errors import ApplicationError
from oncoparcours.monitoring.models import Alert
from oncoparcours.testing.celltherapy import advance, place_order, reserve_tocilizumab, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def thawed(car_t_patient, haematologist):
    return walk_to(place_order(car_t_patient, haematologist), "thawed")


def test_the_infusion_is_blocked_without_a_passed_check(thawed, haematologist):
    with pytest.raises(ApplicationError, match="lit du patient"):
        advance(thawed, "infused", haematologist)
    thawed.refresh_from_db()
    assert thawed.state == "thawed"


def test_a_mismatch_blocks_the_infusion_and_alerts_the_care_team(thawed, setting, haematologist):
    first = bedside_confirm(
        order=thawed, actor=setting.nurse.user, identity_confirmed=True, scanned_coi=thawed.coi
    )
    assert isinstance(first, BedsideConfirmation)
    wrong = thawed.coi[:-1] + ("A" if thawed.coi[-1] != "A" else "B")
    check = bedside_confirm(
        order=thawed, actor=haematologist, identity_confirmed=True, scanned_coi=wrong
    )
    assert isinstance(check, BedsideCheck) and not check.passed
    assert set(check.problems) == {"coi_second", "coi_differ"}
    alert = Alert.objects.get(patient=thawed.patient, kind="bedside_check")
    assert alert.level == "urgent" and thawed.coi in alert.advice
    assert alert.recipients.exists()
    with pytest.raises(ApplicationError):
        advance(thawed, "infused", haematologist)


def test_the_same_person_cannot_confirm_twice(thawed, setting):
    bedside_confirm(
        order=thawed, actor=setting.nurse.user, identity_confirmed=True, scanned_coi=thawed.coi
    )
    with pytest.raises(ApplicationError, match="second professionnel"):
        bedside_confirm(
            order=thawed, actor=setting.nurse.user, identity_confirmed=True, scanned_coi=thawed.coi
        )


def test_an_unconfirmed_identity_fails_the_check(thawed, setting, haematologist):
    bedside_confirm(
        order=thawed, actor=setting.nurse.user, identity_confirmed=False, scanned_coi=thawed.coi
    )
    check = bedside_confirm(
        order=thawed, actor=haematologist, identity_confirmed=True, scanned_coi=thawed.coi.lower()
    )
    assert check.problems == ["identity_first"]


def test_a_passed_check_after_a_failed_one_lets_the_infusion_through(
    thawed, setting, haematologist
):
    bedside_confirm(
        order=thawed,
        actor=setting.nurse.user,
        identity_confirmed=True,
        scanned_coi="COI-OTHER-0000",
    )
    bedside_confirm(
        order=thawed, actor=haematologist, identity_confirmed=True, scanned_coi=thawed.coi
    )
    bedside_confirm(
        order=thawed, actor=setting.nurse.user, identity_confirmed=True, scanned_coi=thawed.coi
    )
    check = bedside_confirm(
        order=thawed, actor=haematologist, identity_confirmed=True, scanned_coi=f" {thawed.coi} "
    )
    assert check.passed and check.attempt == 2
    reserve_tocilizumab(thawed)
    order = advance(thawed, "infused", haematologist)
    assert order.state == "infused"
    assert order.custody.last().holder == "patient"


def test_the_check_waits_for_the_product_on_the_ward(car_t_patient, setting, haematologist):
    order = walk_to(place_order(car_t_patient, haematologist), "in_cryostorage")
    with pytest.raises(ApplicationError):
        bedside_confirm(
            order=order, actor=setting.nurse.user, identity_confirmed=True, scanned_coi=order.coi
        )
