"""The demo's intensive-care beds (issue 18): the intensivist's login listed last, her menu entry
and page, the qualified order's infusion date on a confirmed bed, a request waiting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oncoparcours.celltherapy.models import BedReservation, CarTOrder
from oncoparcours.demo.institutions import DEMO_LOGINS

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_icu_demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", seed=11, patients=400, quiet=True)
    assert DEMO_LOGINS[-1].username == "reanimateur"
    qualified = CarTOrder.objects.get(state="qualified")
    assert qualified.planned_infusion_on == timezone.localdate() + dt.timedelta(days=21)
    assert qualified.bed_reservations.get().status == "confirmed"
    assert BedReservation.objects.filter(status="requested").count() == 1
    client = Client()
    client.login(username="reanimateur", password="demo-oncoparcours")
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("celltherapy:icu_beds") in home
    # The qualified order's bed starts in three weeks: the grid from two weeks on shows it.
    later = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    page = client.get(reverse("celltherapy:icu_beds") + f"?jour={later}")
    assert page.status_code == 200
    assert qualified.patient.last_name.upper() in page.content.decode()
    haematologist = Client()
    haematologist.force_login(get_user_model().objects.get(username="hematologue"))
    assert (
        reverse("celltherapy:icu_beds")
        not in haematologist.get(reverse("core:home")).content.decode()
    )
