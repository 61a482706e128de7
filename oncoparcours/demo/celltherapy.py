"""Demo cell therapy at the CHRU de Tours: CAR-T orders of the demo's CAR-T patients at every
lifecycle stage across manufacturers (one out of specification, one cancelled), the pharmacy's
cryostorage tanks with two weeks of readings and an open temperature excursion, the EFS Tours
care centre with its machines, opening hours and a busy week, and the 8 haematology intensive
care beds (seed 000) with stays that leave no bed free after one planned infusion.

Orders, custody, readings, requests and future slots go through the services, with past times
for the history. Slots of the days already past this week are inserted directly as done: the
scheduling service refuses the past, as it should."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from oncoparcours.celltherapy import catalogue
from oncoparcours.celltherapy.models import (
    BedStay,
    BedUnit,
    Booking,
    CarTOrder,
    CentreSchedule,
    Machine,
    Storage,
    Tank,
    TankExcursion,
)
from oncoparcours.celltherapy.services import bedside, efs, orders, storage
from oncoparcours.celltherapy.services.custody import CustodyDetails
from oncoparcours.core.models import User
from oncoparcours.directory.models import Organisation
from oncoparcours.pathways.models import PathwayInstance
from oncoparcours.patients.models import Patient

PRODUCTS = [p.code for p in catalogue.products()]
# The stage each demo order reaches, in order of the patients (every state at least once).
STAGES = [
    "qualified",
    "apheresis_scheduled",
    "collected",
    "shipped_to_manufacturer",
    "in_manufacturing",
    "released",
    "shipped_to_site",
    "received_at_pui",
    "in_cryostorage",
    "in_cryostorage",
    "dispensed",
    "thawed",
    "infused",
    "infused",
    "infused",
    "out_of_specification",
    "cancelled",
    "infused",
    "infused",
    "infused",
    "infused",
    "infused",
    "infused",
    "infused",
    "in_cryostorage",
    "released",
    "collected",
    "in_manufacturing",
]
PATH = [
    "apheresis_scheduled",
    "collected",
    "shipped_to_manufacturer",
    "in_manufacturing",
    "released",
    "shipped_to_site",
    "received_at_pui",
    "in_cryostorage",
    "dispensed",
    "thawed",
    "infused",
]
# Hours after the previous step (manufacturing time is drawn per manufacturer below).
STEP_HOURS = {
    "collected": 72,
    "shipped_to_manufacturer": 4,
    "in_manufacturing": 26,
    "shipped_to_site": 20,
    "received_at_pui": 22,
    "in_cryostorage": 1,
    "thawed": 1,
    "infused": 1,
}
MANUFACTURING_DAYS = {
    "Kite Pharma (Gilead)": (15, 19),
    "Novartis": (21, 28),
    "Bristol Myers Squibb": (20, 26),
    "Janssen (Johnson & Johnson)": (27, 35),
}
WEEKDAY_HOURS = {str(d): ["08:00", "18:00"] for d in range(5)} | {"5": ["08:00", "12:30"]}


def _user(username: str) -> User:
    return get_user_model().objects.get(username=username)


class CellTherapyDemo:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed + 6)
        self.now = timezone.now()
        self.hospital = Organisation.objects.get(short_name="CHRU Tours")
        self.pharmacy = Organisation.objects.get(short_name="PUI CHRU Tours")
        self.efs_centre = Organisation.objects.get(short_name="EFS Tours")
        self.haematologist = _user("hematologue")
        self.pharmacist = _user("pharmacien")
        self.efs_staff = _user("efs")

    @transaction.atomic
    def run(self) -> None:
        self.resources()
        self.tank_log()
        patients = self.car_t_patients()
        for index, (patient, stage) in enumerate(zip(patients, STAGES, strict=False)):
            self.order(patient, stage, index)
        self.busy_week()
        self.beds(patients)

    # Resources -----------------------------------------------------------------------------
    def resources(self) -> None:
        self.tanks = [
            Tank.objects.create(
                organisation=self.pharmacy, name="Cuve MTI 1", racks=6, slots_per_rack=10
            ),
            Tank.objects.create(
                organisation=self.pharmacy, name="Cuve MTI 2 (secours)", racks=4, slots_per_rack=10
            ),
        ]
        names = [
            ("Spectra Optia 1", "apheresis"),
            ("Spectra Optia 2", "apheresis"),
            ("Spectra Optia 3", "apheresis"),
            ("Spectra Optia 4", "apheresis"),
            ("Cellex (photophérèse)", "photopheresis"),
            ("Fauteuil saignée 1", "chair"),
            ("Fauteuil saignée 2", "chair"),
        ]
        self.machines = [
            Machine.objects.create(centre=self.efs_centre, name=n, kind=k) for n, k in names
        ]
        CentreSchedule.objects.create(centre=self.efs_centre, hours=WEEKDAY_HOURS, staff=7)
        self.unit = BedUnit.objects.create(
            organisation=self.hospital, name="Hématologie — soins intensifs", beds=8
        )

    def tank_log(self) -> None:
        """Two weeks of readings every 6 hours; an excursion two days ago is still open on the
        first tank, an older one on the second was acknowledged."""
        for tank in self.tanks:
            moment = self.now - dt.timedelta(days=14)
            while moment < self.now - dt.timedelta(hours=1):
                value = round(self.rng.uniform(-192.0, -183.0), 1)
                storage.reading_record(
                    tank=tank, temperature_c=value, at=moment, source="sonde PT100", actor=None
                )
                moment += dt.timedelta(hours=6)
        open_one = storage.reading_record(
            tank=self.tanks[0],
            temperature_c=-141.5,
            at=self.now - dt.timedelta(days=2, hours=3),
            source="sonde PT100",
            actor=None,
        )
        closed = storage.reading_record(
            tank=self.tanks[1],
            temperature_c=-146.0,
            at=self.now - dt.timedelta(days=9),
            source="sonde PT100",
            actor=None,
        )
        assert open_one.excursion and closed.excursion
        storage.excursion_acknowledge(
            excursion=TankExcursion.objects.get(reading=closed),
            actor=self.pharmacist,
            action_taken=(
                "Remplissage d'azote liquide effectué, température revenue à −188 °C en 40 min."
            ),
        )

    # Orders --------------------------------------------------------------------------------
    def car_t_patients(self) -> list[Patient]:
        """Patients of the CAR-T pathway at Tours first, then other patients of the CAR-T
        haematologist there (lymphoma, myeloma), up to one per demo stage."""
        chosen = list(
            dict.fromkeys(
                PathwayInstance.objects.filter(
                    template__code="car-t", patient__expert_centre=self.hospital
                )
                .order_by("start_date")
                .values_list("patient_id", flat=True)
            )
        )
        if len(chosen) < len(STAGES):
            more = (
                Patient.objects.filter(
                    care_team__professional__user=self.haematologist,
                    diagnoses__icd10__regex=r"^C(8[1-5]|90)",
                    deceased_on__isnull=True,
                )
                .exclude(pk__in=chosen)
                .order_by("sort_name")
                .values_list("pk", flat=True)
                .distinct()
            )
            chosen += list(dict.fromkeys(more))[: len(STAGES) - len(chosen)]
        patients = {p.pk: p for p in Patient.objects.filter(pk__in=chosen)}
        return [patients[pk] for pk in chosen]

    def order(self, patient: Patient, stage: str, index: int) -> CarTOrder:
        product = PRODUCTS[index % len(PRODUCTS)]
        info = catalogue.product(product)
        assert info is not None
        order = orders.order_create(
            actor=self.haematologist,
            data=orders.OrderInput(
                patient=patient,
                product=product,
                indication=info.indications[0],
                eligibility={key: True for key, _label in catalogue.eligibility_items()},
                manufacturer_reference=f"{info.coi_prefix}-{2026}-{1000 + index * 37}",
                treating_centre=self.hospital,
                pharmacy=self.pharmacy,
                efs_centre=self.efs_centre,
                planned_infusion_on=(timezone.localdate() + dt.timedelta(days=21))
                if stage == "qualified"
                else None,
            ),
        )
        if stage in ("qualified", "cancelled"):
            if stage == "cancelled":
                orders.order_transition(
                    order=order,
                    actor=self.haematologist,
                    data=orders.TransitionInput(
                        to="cancelled",
                        reason=(
                            "Progression rapide sous traitement d'attente : patient non éligible."
                        ),
                    ),
                )
            return order
        target = "in_manufacturing" if stage == "out_of_specification" else stage
        steps = PATH[: PATH.index(target) + 1]
        moments = self._timeline(
            order, steps, days_ago=14 if stage == "out_of_specification" else 0
        )
        for step, moment in zip(steps, moments, strict=True):
            order = self._step(order, step, moment)
        if stage == "out_of_specification":
            orders.order_transition(
                order=order,
                actor=self.haematologist,
                data=orders.TransitionInput(
                    to="out_of_specification",
                    reason=(
                        "Viabilité cellulaire 58 % au contrôle de libération (seuil 80 %) : "
                        "lot non libéré, nouvelle collecte à discuter."
                    ),
                    custody=CustodyDetails(at=moments[-1] + dt.timedelta(days=12)),
                ),
            )
        CarTOrder.objects.filter(pk=order.pk).update(created_at=moments[0] - dt.timedelta(days=6))
        return order

    def _timeline(self, order: CarTOrder, steps: list[str], days_ago: int = 0) -> list[dt.datetime]:
        """Times of the steps, ending shortly before now (or ``days_ago`` before)."""
        low, high = MANUFACTURING_DAYS.get(order.manufacturer, (18, 26))
        gaps = []
        for step in steps:
            if step == "released":
                gaps.append(self.rng.randint(low, high) * 24.0)
            elif step == "dispensed":
                gaps.append(self.rng.randint(3, 12) * 24.0)
            else:
                gaps.append(float(STEP_HOURS.get(step, 6)))
        end = self.now - dt.timedelta(days=days_ago, hours=self.rng.randint(2, 40))
        total = sum(gaps[1:])
        moment = end - dt.timedelta(hours=total)
        moments = []
        for gap in [0.0, *gaps[1:]]:
            moment += dt.timedelta(hours=gap)
            moments.append(moment)
        return moments

    def _step(self, order: CarTOrder, step: str, moment: dt.datetime) -> CarTOrder:
        actor = {
            "apheresis_scheduled": self.efs_staff,
            "collected": self.efs_staff,
            "shipped_to_manufacturer": self.efs_staff,
            "thawed": self.haematologist,
            "infused": self.haematologist,
        }.get(step, self.pharmacist)
        details = CustodyDetails(
            at=moment,
            temperature_c=-185.0
            if step in ("shipped_to_site", "received_at_pui", "in_cryostorage")
            else None,
            container=f"DS-{self.rng.randint(1000, 9999)}" if step.startswith("shipped") else "",
            seal=f"SC{self.rng.randint(100000, 999999)}" if step.startswith("shipped") else "",
            logger=f"TL-{self.rng.randint(100, 999)}" if step.startswith("shipped") else "",
        )
        extra: dict = {}
        if step == "in_cryostorage":
            taken = set(
                Storage.objects.filter(tank=self.tanks[0], released_at__isnull=True).values_list(
                    "position", flat=True
                )
            )
            extra = {
                "tank": self.tanks[0],
                "position": next(p for p in self.tanks[0].positions() if p not in taken),
            }
        if step == "infused":
            bedside.bedside_confirm(
                order=order,
                actor=self.haematologist,
                identity_confirmed=True,
                scanned_coi=order.coi,
            )
            bedside.bedside_confirm(
                order=order, actor=self.pharmacist, identity_confirmed=True, scanned_coi=order.coi
            )
        return orders.order_transition(
            order=order, actor=actor, data=orders.TransitionInput(to=step, custody=details, **extra)
        )

    # EFS -----------------------------------------------------------------------------------
    def busy_week(self) -> None:
        """Every machine busy most of this week: past days done, coming days scheduled, plus
        requests waiting (one mobile session)."""
        zone = zoneinfo.ZoneInfo(self.efs_centre.time_zone)
        today = timezone.localdate()
        monday = today - dt.timedelta(days=today.weekday())
        patients = list(
            Patient.objects.filter(departement__in=["37", "41"], deceased_on__isnull=True).order_by(
                "sort_name"
            )[:60]
        )
        if not patients:
            return
        procedures = [
            "plasma_exchange",
            "red_cell_exchange",
            "leuko_thrombocytapheresis",
            "hsc_collection",
            "ldl_apheresis",
        ]
        for offset in range(6):
            day = monday + dt.timedelta(days=offset)
            hours = WEEKDAY_HOURS.get(str(day.weekday()))
            if not hours:
                continue
            for machine in self.machines:
                start = dt.datetime.combine(day, dt.time.fromisoformat(hours[0]), tzinfo=zone)
                close = dt.datetime.combine(day, dt.time.fromisoformat(hours[1]), tzinfo=zone)
                code = {"photopheresis": "photopheresis", "chair": "phlebotomy"}.get(machine.kind)
                while True:
                    procedure = catalogue.procedure(code or self.rng.choice(procedures))
                    assert procedure is not None
                    end = start + dt.timedelta(minutes=procedure.minutes)
                    if end > close:
                        break
                    if self.rng.random() < 0.8:
                        self._booking(
                            self.rng.choice(patients), procedure.code, machine, start, end
                        )
                    start = end + dt.timedelta(minutes=30)
        for index, patient in enumerate(patients[:5]):
            efs.booking_request(
                actor=self.haematologist,
                data=efs.BookingRequest(
                    patient=patient,
                    centre=self.efs_centre,
                    procedure=[
                        "plasma_exchange",
                        "photopheresis",
                        "red_cell_exchange",
                        "donor_lymphocytes",
                        "plasma_exchange",
                    ][index],
                    wanted_from=today + dt.timedelta(days=7),
                    wanted_until=today + dt.timedelta(days=14),
                    note="Patient grabataire : séance au lit souhaitée." if index == 0 else "",
                    requesting_organisation=self.hospital,
                    mobile_site=self.hospital if index == 0 else None,
                ),
            )
        efs.programme_requests(centre=self.efs_centre, actor=self.efs_staff, days=28)

    def _booking(
        self,
        patient: Patient,
        procedure: str,
        machine: Machine,
        start: dt.datetime,
        end: dt.datetime,
    ) -> None:
        today = timezone.localdate()
        request = efs.booking_request(
            actor=self.haematologist,
            data=efs.BookingRequest(
                patient=patient,
                centre=self.efs_centre,
                procedure=procedure,
                wanted_from=min(start.date(), today),
                wanted_until=max(start.date(), today),
                requesting_organisation=self.hospital,
            ),
        )
        if start > self.now + dt.timedelta(minutes=10):
            efs.booking_schedule(
                booking=request, actor=self.efs_staff, machine=machine, starts_at=start
            )
            return
        Booking.objects.filter(pk=request.pk).update(
            machine=machine,
            starts_at=start,
            ends_at=end,
            status="done" if end < self.now else "scheduled",
            version=2,
        )

    # Beds ----------------------------------------------------------------------------------
    def beds(self, patients: list[Patient]) -> None:
        """Occupancy of the 8 beds: current stays, and a full week three weeks from now that
        collides with the planned infusion of the qualified order."""
        today = timezone.localdate()
        others = list(
            Patient.objects.filter(departement="37").exclude(pk__in=[p.pk for p in patients])[:16]
        )
        for index, patient in enumerate(others[:6]):
            BedStay.objects.create(
                unit=self.unit,
                patient=patient,
                start=today - dt.timedelta(days=index + 1),
                end=today + dt.timedelta(days=3 + index),
            )
        for index, patient in enumerate(others[6:14]):
            start = today + dt.timedelta(days=20 + index % 3)
            BedStay.objects.create(
                unit=self.unit, patient=patient, start=start, end=start + dt.timedelta(days=12)
            )
