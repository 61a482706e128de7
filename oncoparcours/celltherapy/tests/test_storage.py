"""Cryostorage temperature log: excursions notify the pharmacists on duty; impossible values
are refused; acknowledgement once, by a pharmacist."""

import datetime as dt

import pytest
from django.utils import timezone

from oncoparcours.celltherapy.models import ExcursionAcknowledgement, TankExcursion, TankReading
from oncoparcours.celltherapy.services.storage import excursion_acknowledge, reading_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.monitoring.models import OnCallShift
from oncoparcours.testing.factories import ProfessionalFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_reading_at_the_threshold_is_not_an_excursion(setting):
    reading = reading_record(tank=setting.tank, temperature_c=-150.0, actor=setting.pharmacist.user)
    assert not reading.excursion and not TankExcursion.objects.exists()


def test_an_excursion_notifies_the_pharmacists_of_the_pharmacy(setting):
    reading = reading_record(tank=setting.tank, temperature_c=-142.5, actor=None, source="sonde")
    excursion = TankExcursion.objects.get(reading=reading)
    assert list(excursion.notified.all()) == [setting.pharmacist]
    assert excursion.threshold_c == -150.0


def test_the_pharmacist_on_duty_is_notified_when_a_rota_exists(setting):
    on_duty = ProfessionalFactory(
        organisation=setting.pharmacy,
        specialty="hospital_pharmacy",
        user=UserFactory(username="pui-garde", role="pharmacist"),
    )
    now = timezone.now()
    OnCallShift.objects.create(
        organisation=setting.pharmacy,
        role="pharmacist_on_duty",
        professional=on_duty,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=11),
    )
    reading = reading_record(tank=setting.tank, temperature_c=-120.0, actor=None)
    assert list(TankExcursion.objects.get(reading=reading).notified.all()) == [on_duty]


def test_a_configurable_threshold(setting):
    setting.tank.alarm_above_c = -170.0
    setting.tank.save()
    assert reading_record(tank=setting.tank, temperature_c=-160.0, actor=None).excursion


@pytest.mark.parametrize("value", [-300.0, 75.0])
def test_impossible_temperatures_are_refused_and_nothing_saved(setting, value):
    with pytest.raises(ApplicationError) as caught:
        reading_record(tank=setting.tank, temperature_c=value, actor=None)
    assert "temperature_c" in caught.value.errors
    assert not TankReading.objects.exists()


def test_acknowledging_an_excursion_once_with_the_action_taken(setting):
    reading = reading_record(tank=setting.tank, temperature_c=-100.0, actor=None)
    excursion = TankExcursion.objects.get(reading=reading)
    with pytest.raises(ApplicationError):
        excursion_acknowledge(excursion=excursion, actor=setting.nurse.user, action_taken="vu")
    with pytest.raises(ApplicationError):
        excursion_acknowledge(excursion=excursion, actor=setting.pharmacist.user, action_taken=" ")
    excursion_acknowledge(
        excursion=excursion, actor=setting.pharmacist.user, action_taken="Transfert en cuve B"
    )
    with pytest.raises(ApplicationError, match="déjà acquittée"):
        excursion_acknowledge(excursion=excursion, actor=setting.pharmacist.user, action_taken="x")


def test_an_excursion_acknowledged_at_a_past_time_never_future_nor_before_it(setting):
    now = timezone.now()
    reading = reading_record(
        tank=setting.tank, temperature_c=-120.0, at=now - dt.timedelta(hours=5), actor=None
    )
    excursion = TankExcursion.objects.get(reading=reading)
    for bad in (now + dt.timedelta(hours=2), now - dt.timedelta(hours=6)):
        with pytest.raises(ApplicationError) as caught:
            excursion_acknowledge(
                excursion=excursion, actor=setting.pharmacist.user, action_taken="vu", at=bad
            )
        assert "at" in caught.value.errors
    assert not ExcursionAcknowledgement.objects.exists()
    done = excursion_acknowledge(
        excursion=excursion,
        actor=setting.pharmacist.user,
        action_taken="Remplissage d'azote",
        at=now - dt.timedelta(hours=4, minutes=30),
    )
    assert done.at == now - dt.timedelta(hours=4, minutes=30)
