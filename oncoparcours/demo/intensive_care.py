"""Demo of the intensive-care bed reservations after a CAR-T infusion (issue 18): the CHRU de
Tours' medical ICU, its intensivist (login ``reanimateur``), a few stays and reservations. Runs
after the other demos with its own seeded random, so no earlier draw moves."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from oncoparcours.celltherapy.models import BedStay, BedUnit, CarTOrder
from oncoparcours.celltherapy.services import icu_beds
from oncoparcours.directory.models import Organisation, OrganisationMembership, Professional
from oncoparcours.patients.models import Patient

from .institutions import DEMO_LOGINS, DEMO_PASSWORD

OPEN_STATES = ("qualified", "apheresis_scheduled", "in_manufacturing", "in_cryostorage")


class IcuDemo:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed + 1818)
        self.today = timezone.localdate()

    def _intensivist(self, hospital: Organisation) -> Professional:
        login = next(item for item in DEMO_LOGINS if item.username == "reanimateur")
        user = get_user_model().objects.create_user(
            username=login.username,
            password=DEMO_PASSWORD,
            first_name=login.first_name,
            last_name=login.last_name,
            role=login.role,
        )
        professional = Professional.objects.create(
            user=user,
            first_name=login.first_name,
            last_name=login.last_name,
            civility="mme",
            profession=login.profession,
            specialty=login.specialty,
            email="c.dumas@demo.invalid",
        )
        OrganisationMembership.objects.create(
            professional=professional,
            organisation=hospital,
            function=login.function,
            start=self.today - dt.timedelta(days=900),
        )
        return professional

    @transaction.atomic
    def run(self) -> None:
        hospital = Organisation.objects.get(short_name="CHRU Tours")
        intensivist = self._intensivist(hospital)
        unit = BedUnit.objects.create(
            organisation=hospital, name="Réanimation médicale", beds=8, intensive_care=True
        )
        unit.staff.add(intensivist)
        answering = intensivist.user
        assert answering is not None
        # Other patients of the unit (no CAR-T): five stays around today.
        others = list(Patient.objects.order_by("id").values_list("id", flat=True)[:200])
        for _n in range(5):
            start = self.today + dt.timedelta(days=self.rng.randint(-10, 12))
            BedStay.objects.create(
                unit=unit,
                patient_id=self.rng.choice(others),
                start=start,
                end=start + dt.timedelta(days=self.rng.randint(3, 12)),
            )
        haematologist = get_user_model().objects.get(username="hematologue")
        orders = list(
            CarTOrder.objects.filter(treating_centre=hospital, state__in=OPEN_STATES).order_by(
                "created_at", "id"
            )
        )
        qualified = next((o for o in orders if o.state == "qualified"), None)
        if qualified is not None:
            # The qualified order's infusion in three weeks, on a confirmed bed.
            day = self.today + dt.timedelta(days=21)
            reservation = icu_beds.reservation_request(
                actor=haematologist, order=qualified, unit=unit, infusion_on=day
            )
            icu_beds.reservation_move(actor=answering, reservation=reservation, to="confirmed")
            icu_beds.infusion_date_set(actor=haematologist, order=qualified, day=day)
        rest = [o for o in orders if o.pk != getattr(qualified, "pk", None)]
        if rest:  # a request waiting for the ICU's answer
            icu_beds.reservation_request(
                actor=haematologist,
                order=rest[0],
                unit=unit,
                infusion_on=self.today + dt.timedelta(days=self.rng.randint(4, 8)),
            )
        if len(rest) > 1:  # a confirmed bed, the date not fixed yet
            reservation = icu_beds.reservation_request(
                actor=haematologist,
                order=rest[1],
                unit=unit,
                infusion_on=self.today + dt.timedelta(days=self.rng.randint(9, 14)),
            )
            icu_beds.reservation_move(actor=answering, reservation=reservation, to="confirmed")
