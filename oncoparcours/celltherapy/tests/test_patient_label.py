"""The EFS day grid and its request list show each patient's birth date next to the name (two
homonyms are told apart), with a query count that does not grow with the bookings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oncoparcours.celltherapy.services import efs
from oncoparcours.celltherapy.tests.test_efs import request
from oncoparcours.testing.celltherapy import in_hours
from oncoparcours.testing.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_the_efs_day_grid_shows_name_and_birth_date(client, car_t_patient, setting, haematologist):
    staff = setting.efs_staff.user
    scheduled = request(car_t_patient, setting, haematologist)
    efs.booking_schedule(
        booking=scheduled, actor=staff, machine=setting.apheresis, starts_at=in_hours(1, 9)
    )
    waiting = PatientFactory(birth_last_name="Attente", first_names="Rose")
    request(waiting, setting, haematologist)
    client.force_login(staff)
    day = in_hours(1, 9).date().isoformat()
    url = reverse("celltherapy:efs_day") + f"?jour={day}"
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    born = car_t_patient.birth_date.strftime("%d/%m/%Y")
    assert f"{car_t_patient.display_name} ({born})" in page  # in the grid
    assert f"ATTENTE Rose ({waiting.birth_date:%d/%m/%Y})" in page  # in the requests
    assert "/" not in page.split("heure locale, ")[1].split(")")[0]  # the zone in words
    for hour in (11, 14):
        other = request(PatientFactory(), setting, haematologist)
        efs.booking_schedule(
            booking=other,
            actor=staff,
            machine=setting.second_apheresis,
            starts_at=in_hours(1, hour),
        )
        request(PatientFactory(), setting, haematologist)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) <= len(few)
