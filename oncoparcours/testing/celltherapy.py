"""Test helpers for cell therapy: a CAR-T setting (treating centre and its pharmacy, both
qualified by the regional health agency for every product, a tank, an EFS care centre with
machines and hours, the people of each), a validated board decision recommending CAR-T cells,
orders, and tampering with the custody ledger the way someone with database access would
(triggers disabled)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from oncoparcours.boards.models import Board, Case, Decision, Session
from oncoparcours.celltherapy import catalogue
from oncoparcours.celltherapy.models import (
    BedReservation,
    BedReservationEvent,
    BedUnit,
    CarTOrder,
    CentreSchedule,
    Machine,
    Storage,
    Tank,
)
from oncoparcours.celltherapy.services import orders
from oncoparcours.celltherapy.services.custody import CustodyDetails
from oncoparcours.core.db import _statements
from oncoparcours.core.models import User
from oncoparcours.directory.models import Capability, Organisation, Professional
from oncoparcours.patients.models import Diagnosis, Patient

from .factories import OrganisationFactory, ProfessionalFactory, UserFactory

WEEKDAYS_8_TO_18 = {str(day): ["08:00", "18:00"] for day in range(7)}


@dataclass
class Setting:
    hospital: Organisation
    pharmacy: Organisation
    efs_centre: Organisation
    pharmacist: Professional
    efs_staff: Professional
    nurse: Professional
    tank: Tank
    apheresis: Machine
    second_apheresis: Machine
    chair: Machine


def car_t_setting() -> Setting:
    existing = Organisation.objects.filter(name="CHU Test CAR-T").first()
    if existing is not None:
        return _reload(existing)
    hospital = OrganisationFactory(name="CHU Test CAR-T", kind="chu", short_name="CHU T")
    pharmacy = OrganisationFactory(name="PUI CHU Test", kind="pui", parent=hospital)
    efs_centre = OrganisationFactory(name="EFS Test", kind="efs_care_centre")
    pharmacist = ProfessionalFactory(
        organisation=pharmacy,
        profession="pharmacist",
        specialty="hospital_pharmacy",
        last_name="Pharma",
        user=UserFactory(username="pui-test", role="pharmacist"),
    )
    efs_staff = ProfessionalFactory(
        organisation=efs_centre,
        specialty="transfusion_medicine",
        last_name="Efs",
        user=UserFactory(username="efs-test", role="efs_staff"),
    )
    nurse = ProfessionalFactory(
        organisation=hospital,
        profession="nurse",
        specialty="hospital_nursing",
        last_name="Infirmiere",
        user=UserFactory(username="ide-test", role="coordination_nurse"),
    )
    tank = Tank.objects.create(organisation=pharmacy, name="Cuve A", racks=2, slots_per_rack=5)
    machines = [
        Machine.objects.create(centre=efs_centre, name=name, kind=kind)
        for name, kind in (
            ("Séparateur 1", "apheresis"),
            ("Séparateur 2", "apheresis"),
            ("Fauteuil 1", "chair"),
        )
    ]
    CentreSchedule.objects.create(centre=efs_centre, hours=WEEKDAYS_8_TO_18, staff=2)
    BedUnit.objects.create(organisation=hospital, name="Hématologie soins intensifs", beds=2)
    ars = OrganisationFactory(name="ARS Test", kind="ars")
    for organisation, kind in (
        (pharmacy, "car_t_qualified_pui"),
        (hospital, "car_t_qualified_ward"),
    ):
        qualify(organisation, kind, issuer=ars)
    return Setting(hospital, pharmacy, efs_centre, pharmacist, efs_staff, nurse, tank, *machines)


def _reload(hospital: Organisation) -> Setting:
    pharmacy = Organisation.objects.get(name="PUI CHU Test")
    efs_centre = Organisation.objects.get(name="EFS Test")
    machines = {m.name: m for m in Machine.objects.filter(centre=efs_centre)}
    return Setting(
        hospital,
        pharmacy,
        efs_centre,
        Professional.objects.get(user__username="pui-test"),
        Professional.objects.get(user__username="efs-test"),
        Professional.objects.get(user__username="ide-test"),
        Tank.objects.get(organisation=pharmacy),
        machines["Séparateur 1"],
        machines["Séparateur 2"],
        machines["Fauteuil 1"],
    )


def qualify(
    organisation: Organisation,
    kind: str,
    *,
    issuer: Organisation | None = None,
    products: list[str] | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Capability:
    """The regional health agency's CAR-T qualification of a pharmacy or a care unit."""
    today = timezone.localdate()
    capability = Capability(
        organisation=organisation,
        kind=kind,
        issuer=issuer or Organisation.objects.filter(kind="ars").first(),
        products=products if products is not None else [p.code for p in catalogue.products()],
        valid_from=valid_from or today - dt.timedelta(days=400),
        valid_until=valid_until if valid_until is not None else today + dt.timedelta(days=800),
        reference=f"ARS-{kind[-4:].upper()}-2025",
    )
    capability.full_clean()
    capability.save()
    return capability


def car_t_decision(
    patient: Patient, modalities: tuple[str, ...] = ("car_t",), *, outside_guideline: bool = False
) -> Decision:
    """A validated haematology board decision recommending CAR-T cells for ``patient`` (rows
    written directly, as an import of a past decision would: the quorum rules are the boards'
    business and tested there)."""
    for decision in Decision.objects.filter(case__patient=patient).order_by("-validated_at"):
        if (
            list(decision.modalities) == list(modalities)
            and decision.outside_guideline == outside_guideline
        ):
            return decision
    chair = patient.care_team.get(is_lead=True).professional
    assert chair.user is not None
    _diagnosed_for(patient, "axicabtagene_ciloleucel")  # a relapsed large B-cell lymphoma
    now = timezone.now()
    board = Board.objects.create(
        name="RCP hématologie test",
        kind="standard",
        start_time=dt.time(14),
        icd10_ranges=[["C81", "C96"]],
    )
    session = Session.objects.create(
        board=board, starts_at=now - dt.timedelta(days=7), status="closed", chair=chair
    )
    case = Case.objects.create(
        patient=patient,
        board=board,
        question="Indication d'une thérapie cellulaire CAR-T ?",
        context="relapse",
        submitted_by=chair.user,
        # Submitted long ago: the boards' helper picks a patient's newest decided case.
        submitted_at=now - dt.timedelta(days=120),
        status="decided",
        decided_at=now - dt.timedelta(days=7),
    )
    return Decision.objects.create(
        case=case,
        session=session,
        modalities=list(modalities),
        proposal="Thérapie cellulaire CAR-T en troisième ligne.",
        guideline="Recommandations EHA-EBMT 2024",
        outside_guideline=outside_guideline,
        place_of_care="expert",
        place_reason="Centre qualifié pour les CAR-T",
        quorum={"counted": 3, "specialties": ["haematology", "radiotherapy", "pathology"]},
        validated_by=chair.user,
        validated_at=now - dt.timedelta(days=7),
    )


ALL_CHECKED = dict.fromkeys(("indication", "fitness", "infections", "consent", "lodging"), True)


def place_order(patient: Patient, actor: User, **overrides: object) -> CarTOrder:
    setting = car_t_setting()
    values: dict = {
        "patient": patient,
        "product": "tisagenlecleucel",
        "indication": "LDGCB en rechute",
        "eligibility": ALL_CHECKED,
        "manufacturer_reference": "NVS-2026-0042",
        "treating_centre": setting.hospital,
        "pharmacy": setting.pharmacy,
        "efs_centre": setting.efs_centre,
    }
    values.update(overrides)
    if "decision" not in overrides:
        values["decision"] = car_t_decision(patient)
    if "decision" not in overrides:
        _diagnosed_for(patient, str(values["product"]))
    return orders.order_create(actor=actor, data=orders.OrderInput(**values))


# A diagnosis in each product's indications (the order checks the label's indication).
INDICATION_CODES = {
    "axicabtagene_ciloleucel": "C83.3",
    "tisagenlecleucel": "C83.3",
    "brexucabtagene_autoleucel": "C83.1",
    "lisocabtagene_maraleucel": "C83.3",
    "idecabtagene_vicleucel": "C90.0",
    "ciltacabtagene_autoleucel": "C90.0",
}


def _diagnosed_for(patient: Patient, product: str) -> None:
    """Give the patient a diagnosis in the product's indications when they have none yet."""
    code = INDICATION_CODES.get(product)
    if code and not patient.diagnoses.filter(icd10=code).exists():
        Diagnosis.objects.create(
            patient=patient, icd10=code, diagnosed_on=timezone.localdate() - dt.timedelta(days=400)
        )


def order_for(patient: Patient) -> CarTOrder:
    existing = CarTOrder.objects.filter(patient=patient).first()
    if existing is not None:
        return existing
    lead = patient.care_team.get(is_lead=True).professional.user
    return place_order(patient, lead)


def advance(order: CarTOrder, to: str, actor: User, **fields: object) -> CarTOrder:
    return orders.order_transition(
        order=order, actor=actor, data=orders.TransitionInput(to=to, **fields)
    )


def walk_to(order: CarTOrder, state: str, start: dt.datetime | None = None) -> CarTOrder:
    """Walk an order step by step up to ``state``, each step by the team that records it (one
    minute apart from ``start`` when given, else now)."""
    setting = car_t_setting()
    actors = {
        "apheresis_scheduled": setting.efs_staff.user,
        "collected": setting.efs_staff.user,
        "shipped_to_manufacturer": setting.efs_staff.user,
        "in_manufacturing": setting.pharmacist.user,
        "released": setting.pharmacist.user,
        "shipped_to_site": setting.pharmacist.user,
        "received_at_pui": setting.pharmacist.user,
        "in_cryostorage": setting.pharmacist.user,
        "dispensed": setting.pharmacist.user,
        "thawed": setting.nurse.user,
    }
    path = list(actors)
    first = path.index(order.state) + 1 if order.state in path else 0
    for target in path[first : path.index(state) + 1]:
        extra: dict = (
            {"tank": setting.tank, "position": "R1-01"} if target == "in_cryostorage" else {}
        )
        if target == "in_cryostorage":
            taken = set(
                Storage.objects.filter(tank=setting.tank, released_at__isnull=True).values_list(
                    "position", flat=True
                )
            )
            extra["position"] = next(p for p in setting.tank.positions() if p not in taken)
        at = start + dt.timedelta(minutes=path.index(target)) if start else None
        order = advance(
            order,
            target,
            actors[target],
            custody=CustodyDetails(at=at, temperature_c=-180.0),
            **extra,
        )
        if target == "dispensed":
            # No infusion without a confirmed intensive-care bed covering its day. Tests infuse
            # within hours of the dispensing, which may fall on the next local day (a walk
            # dated 22:30 in Paris, infused after midnight): the bed covers that day too.
            day = timezone.localdate(at) if at else timezone.localdate()
            confirm_bed(order, day, latest_infusion=day + dt.timedelta(days=1))
    return order


def confirm_bed(
    order: CarTOrder, day: dt.date | None = None, latest_infusion: dt.date | None = None
) -> BedReservation:
    """A confirmed intensive-care bed for an infusion on ``day`` (today when not given), or on
    any day up to ``latest_infusion``, and the product's days after it, written directly (a
    test's shortcut: a past day is accepted, the request/answer services refuse it), with its
    event."""
    from oncoparcours.celltherapy.rules import icu_beds as rules
    from oncoparcours.celltherapy.services import icu_beds

    existing = icu_beds.covering_reservation(order, day or timezone.localdate())
    if existing is not None:
        return existing
    setting = car_t_setting()
    unit = BedUnit.objects.filter(organisation=setting.hospital).order_by("name").first()
    assert unit is not None
    first = day or timezone.localdate()
    reservation = BedReservation.objects.create(
        order=order,
        unit=unit,
        patient_id=order.patient_id,
        first_day=first,
        last_day=rules.last_day(latest_infusion or first, icu_beds.days_held(order)),
        status="confirmed",
        requested_by=order.ordered_by,
    )
    BedReservationEvent.objects.create(
        reservation=reservation,
        from_status="",
        to_status="confirmed",
        actor=order.ordered_by,
        actor_label=order.ordered_by.display_name,
    )
    return reservation


def tamper(sql: str, params: list) -> None:
    """Run ``sql`` against the custody table with its append-only triggers out of the way, as an
    administrator with direct database access could (inside the test's transaction)."""
    table = "celltherapy_custodyevent"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Triggers off for this statement only (superuser, as in the test database).
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_update")
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_delete")
            cursor.execute(sql, params)
            for statement in _statements("sqlite", table)[0]:
                cursor.execute(statement)


def in_hours(days_ahead: int = 1, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def reserve_tocilizumab(
    order: CarTOrder, doses: int = 1, further: bool = True, at: dt.datetime | None = None
) -> None:
    """The pharmacy confirms the tocilizumab doses reserved for the patient (now, or ``at``)."""
    from oncoparcours.celltherapy.services import infusion

    infusion.tocilizumab_confirm(
        order=order,
        actor=car_t_setting().pharmacist.user,
        doses_reserved=doses,
        further_dose_access=further,
        at=at,
    )
