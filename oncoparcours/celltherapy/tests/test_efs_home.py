"""EFS staff find their day: a "Journée EFS" entry in the menu (the day grid) and, on their home
page, today's sessions at their centre split around now (done, under way, to come)."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.celltherapy.efs_selectors import today_at_centres
from oncoparcours.celltherapy.models import Booking
from oncoparcours.celltherapy.services import efs

pytestmark = pytest.mark.django_db


def session(setting, patient, actor, machine, start, minutes=60, status="scheduled"):
    """A session on the grid as the centre recorded it (past times: set directly, the
    scheduling service refuses the past, as it should)."""
    booking = efs.booking_request(
        actor=actor,
        data=efs.BookingRequest(
            patient=patient,
            centre=setting.efs_centre,
            procedure="plasma_exchange",
            wanted_from=start.date(),
            wanted_until=start.date(),
        ),
    )
    Booking.objects.filter(pk=booking.pk).update(
        machine=machine,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        status=status,
    )
    return Booking.objects.get(pk=booking.pk)


def test_today_at_the_centre_is_split_around_now(car_t_patient, setting, haematologist):
    zone = zoneinfo.ZoneInfo(timezone.get_current_timezone_name())
    noon = dt.datetime.combine(timezone.localdate(), dt.time(12), tzinfo=zone)
    args = (setting, car_t_patient, haematologist)
    session(*args, setting.apheresis, noon - dt.timedelta(hours=3), status="done")
    under_way = session(*args, setting.apheresis, noon - dt.timedelta(minutes=30))
    coming = session(*args, setting.second_apheresis, noon + dt.timedelta(hours=3))
    session(*args, setting.apheresis, noon + dt.timedelta(days=1))  # tomorrow: not today's
    today = today_at_centres(setting.efs_staff.user, now=noon)
    assert today is not None
    assert today.done == 1
    assert [b for b, _visible in today.under_way] == [under_way]
    assert [b for b, _visible in today.coming] == [coming]
    # The EFS joined the patient's care team with the request: the name is shown.
    assert all(visible for _b, visible in today.under_way + today.coming)
    # A clinician works at no EFS centre: no panel.
    assert today_at_centres(haematologist, now=noon) is None


def test_efs_staff_have_their_day_in_the_menu_and_on_their_home_page(client, setting):
    client.force_login(setting.efs_staff.user)
    home = client.get(reverse("core:home")).content.decode()
    day_url = reverse("celltherapy:efs_day")
    nav = home.split("</nav>")[0]
    assert f'href="{day_url}"' in nav and "Journée EFS" in nav
    assert "Aujourd&#x27;hui au centre EFS" in home  # the panel's heading
    assert "Ouvrir la journée EFS" in home
    assert client.get(day_url).status_code == 200


def test_a_clinician_has_no_efs_day_entry(client, haematologist):
    client.force_login(haematologist)
    home = client.get(reverse("core:home")).content.decode()
    assert "Journée EFS" not in home
