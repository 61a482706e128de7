"""Demo cell therapy at the CHRU de Tours: CAR-T orders of the demo's CAR-T patients at every
lifecycle stage across manufacturers, each placed on a validated decision of the CHRU's
haematology board recommending CAR-T cells, at a pharmacy and a care unit qualified by the ARS
for the product; tocilizumab confirmed by the pharmacy in the 72 hours before each infusion (one
confirmed at order time, shown expired; the qualified order's confirmed 3 weeks ahead); one out-of-
specification product awaiting the benefit–risk decision, another accepted by a countersigned one
and infused; a product thawed and left past its thaw-to-infusion limit (the gate shows it);
the leukapheresis of tisagenlecleucel patients cryopreserved by the cell-therapy unit;
tocilizumab and corticosteroids given during CRS/ICANS episodes; one order cancelled. Also the
pharmacy's cryostorage tanks with two weeks of readings and excursions handled in time, the
EFS Tours care centre with its machines, chairs and a bed, opening hours and a busy week (no
patient twice at once, phlebotomies with their haemoglobin), and the 8 haematology intensive care
beds (seed 000) with stays that leave no bed free after one planned infusion.

Orders, decisions, custody, readings, requests and future slots go through the services, with past
times for the history. Slots of the days already past this week are inserted directly as done:
the scheduling service refuses the past, as it should."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from oncoparcours.boards.models import AgendaItem, Board, BoardMember, Decision, Session
from oncoparcours.boards.services import cases, decisions, sessions
from oncoparcours.boards.services.decisions import Proposal
from oncoparcours.celltherapy import catalogue
from oncoparcours.celltherapy.models import (
    BedReservation,
    BedReservationEvent,
    BedStay,
    BedUnit,
    Booking,
    CarTOrder,
    CentreSchedule,
    HaemoglobinResult,
    Machine,
    Storage,
    Tank,
    TankExcursion,
)
from oncoparcours.celltherapy.rules import icu_beds as icu_rules
from oncoparcours.celltherapy.services import bedside, efs, icu_beds, infusion, orders, storage
from oncoparcours.celltherapy.services.custody import CustodyDetails, custody_record
from oncoparcours.core.models import User
from oncoparcours.directory.models import Capability, Organisation, Professional
from oncoparcours.pathways.models import PathwayInstance, PathwayTemplate
from oncoparcours.pathways.services import pathway_apply, pathway_end
from oncoparcours.patients.models import CareTeamMember, Patient
from oncoparcours.patients.services import performance_status_add

from . import car_t_pathway
from .pathways import indicated_products_for

PRODUCTS = [p.code for p in catalogue.products()]
# The stage each demo order reaches, in order of the patients (every state at least once; a
# small demo region still has infused orders).
# "oos_accepted": out of specification in manufacturing, accepted by a countersigned benefit-risk
# decision, then infused.
STAGES = [
    "qualified",
    "infused",
    "apheresis_scheduled",
    "in_cryostorage",
    "infused",
    "in_manufacturing",
    "thawed",
    "collected",
    "infused",
    "shipped_to_manufacturer",
    "released",
    "shipped_to_site",
    "received_at_pui",
    "in_cryostorage",
    "dispensed",
    "infused",
    "out_of_specification",
    "cancelled",
    "oos_accepted",
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
# Hours after the previous step (manufacturing time is drawn per manufacturer below; the apheresis
# is scheduled three days before the collection). The infusion follows the start of the thaw by
# 18 minutes: within every product's limit.
STEP_HOURS = {
    "shipped_to_manufacturer": 4,
    "in_manufacturing": 26,
    "shipped_to_site": 20,
    "received_at_pui": 22,
    "in_cryostorage": 1,
    "thawed": 1,
    "infused": 0.3,
}
MANUFACTURING_DAYS = {
    "Kite Pharma (Gilead)": (15, 19),
    "Novartis": (21, 28),
    "Bristol Myers Squibb": (20, 26),
    "Janssen (Johnson & Johnson)": (27, 35),
}
# Days since each infused order's infusion, most recent first (two still in the daily monitoring
# of the first 10 days).
INFUSED_DAYS_AGO = (1, 6, 12, 19, 27, 36, 48, 63, 81, 104, 130, 160)
# Collection to infusion, in days: the 4 to 6 weeks of French centres.
VEIN_TO_VEIN_DAYS = (29, 41)
WEEKDAY_HOURS = {str(d): ["08:00", "18:00"] for d in range(5)} | {"5": ["08:00", "12:30"]}
# The haematology board that decides CAR-T cells at the CHRU (members by specialty).
BOARD_SPECIALTIES = (
    "haematology",
    "radiotherapy",
    "pathology",
    "radiology",
    "nuclear_medicine",
    "intensive_care",
    "surgery",
)
PRIOR_TREATMENTS = {
    "C90": "VRd puis daratumumab-pomalidomide-dexaméthasone ; réfractaire au dernier traitement",
}
DEFAULT_PRIOR = "R-CHOP puis R-DHAP et autogreffe ; rechute à 6 mois"


def _user(username: str) -> User:
    return get_user_model().objects.get(username=username)


@dataclass
class OrderPlan:
    patient: Patient
    stage: str
    index: int
    product: str
    steps: list[str]
    moments: list[dt.datetime]
    decided_before: dt.datetime  # the board decision precedes the order
    decision: Decision | None = None


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
        self.qualifications()
        self.tank_log()
        patients = self.car_t_patients()
        plans = [
            self.plan(patient, stage, index)
            for index, (patient, stage) in enumerate(zip(patients, STAGES, strict=False))
        ]
        self.board_decisions(plans)
        for plan in plans:
            self.order(plan)
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
            ("Lit de saignée", "bed"),
        ]
        self.machines = [
            Machine.objects.create(centre=self.efs_centre, name=n, kind=k) for n, k in names
        ]
        CentreSchedule.objects.create(centre=self.efs_centre, hours=WEEKDAY_HOURS, staff=8)
        self.unit = BedUnit.objects.create(
            organisation=self.hospital, name="Hématologie — soins intensifs", beds=8
        )

    def qualifications(self) -> None:
        """The ARS qualification of the CHRU's haematology care unit for the six products (the
        pharmacy's comes with the referential); Gustave Roussy's likewise, for three products."""
        for site, issuer, products in (
            (self.hospital, "ARS Centre-Val de Loire", PRODUCTS),
            (
                Organisation.objects.filter(short_name="Gustave Roussy").first(),
                "ARS Île-de-France",
                PRODUCTS[:3],
            ),
        ):
            if site is None:
                continue
            ars = Organisation.objects.filter(kind="ars", name=issuer).first()
            capability = Capability(
                organisation=site,
                kind="car_t_qualified_ward",
                issuer=ars,
                issuer_name="" if ars else issuer,
                products=list(products),
                valid_from=timezone.localdate() - dt.timedelta(days=900),
                valid_until=timezone.localdate() + dt.timedelta(days=640),
                reference="ARS-MTI-2024-0017",
                note="Hématologie et soins intensifs d'hématologie (administration des CAR-T)",
            )
            capability.full_clean()
            capability.save()

    def tank_log(self) -> None:
        """Two weeks of readings every 6 hours; an excursion two days ago on the first tank and
        an older one on the second were acknowledged within the hour; a recent one on the empty
        back-up tank is open."""
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
        # Both were handled by the pharmacist on duty within the hour: no excursion is left open
        # on a tank holding products.
        storage.excursion_acknowledge(
            excursion=TankExcursion.objects.get(reading=open_one),
            actor=self.pharmacist,
            action_taken=(
                "Couvercle mal fermé après un retrait : refermé, niveau d'azote complété, "
                "température revenue à −186 °C en 25 min. Produits contrôlés, restés sous −150 °C."
            ),
            at=open_one.at + dt.timedelta(minutes=35),
        )
        storage.excursion_acknowledge(
            excursion=TankExcursion.objects.get(reading=closed),
            actor=self.pharmacist,
            action_taken=(
                "Remplissage d'azote liquide effectué, température revenue à −188 °C en 40 min."
            ),
            at=closed.at + dt.timedelta(minutes=50),
        )
        # The empty back-up tank warmed up this last hour during its refill: still open, the
        # pharmacist on duty is on it (no product inside).
        storage.reading_record(
            tank=self.tanks[1],
            temperature_c=-147.5,
            at=self.now - dt.timedelta(minutes=40),
            source="sonde PT100",
            actor=None,
        )

    # Orders --------------------------------------------------------------------------------
    def car_t_patients(self) -> list[Patient]:
        """Patients of the CHRU with a blood cancer a CAR-T product is indicated for, the CAR-T
        haematologist's first, up to one per demo stage. Their orders apply the CAR-T pathway
        and it follows each order."""
        candidates = (
            Patient.objects.filter(
                expert_centre=self.hospital,
                diagnoses__icd10__regex=r"^C(8[1-9]|9[0-6])",
                deceased_on__isnull=True,
            )
            .distinct()
            .order_by("sort_name")
        )
        theirs = set(
            CareTeamMember.objects.filter(professional__user=self.haematologist).values_list(
                "patient_id", flat=True
            )
        )
        chosen = [p for p in candidates if indicated_products_for(p)]
        chosen.sort(key=lambda p: p.pk not in theirs)
        return chosen[: len(STAGES)]

    def plan(self, patient: Patient, stage: str, index: int) -> OrderPlan:
        """The product (the one of the patient's CAR-T pathway when there is one) and the times
        of the steps, ending shortly before now."""
        instance = (
            PathwayInstance.objects.filter(patient=patient, template__code="car-t")
            .exclude(status__in=["ended", "completed"])
            .first()
        )
        product = (instance.parameters or {}).get("product") if instance else None
        indicated = indicated_products_for(patient) or PRODUCTS
        product = product or indicated[index % len(indicated)]
        info = catalogue.product(product)
        assert info is not None
        if stage in ("qualified", "cancelled"):
            steps: list[str] = []
            moments: list[dt.datetime] = []
        else:
            target = {"out_of_specification": "in_manufacturing", "oos_accepted": "infused"}.get(
                stage, stage
            )
            steps = PATH[: PATH.index(target) + 1]
            days_ago = self._days_ago(stage, index)
            # Out of specification then accepted: ten more days before the release (quarantine,
            # benefit-risk decision, countersignature).
            quarantine = 10 if stage == "oos_accepted" else 0
            moments = self._timeline(
                info.manufacturer, steps, days_ago=days_ago, quarantine_days=quarantine
            )
        first = moments[0] if moments else self.now - dt.timedelta(days=3)
        return OrderPlan(
            patient,
            stage,
            index,
            product,
            steps,
            moments,
            decided_before=first - dt.timedelta(days=7),
        )

    def _days_ago(self, stage: str, index: int) -> int:
        """How long ago the order's last step was: infusions spread over the past months (the
        first ones still in their daily monitoring), other orders at their current step now."""
        if stage == "out_of_specification":
            return 14
        if stage not in ("infused", "oos_accepted"):
            return 0
        rank = sum(1 for s in STAGES[:index] if s in ("infused", "oos_accepted"))
        return INFUSED_DAYS_AGO[rank % len(INFUSED_DAYS_AGO)]

    # Board decisions -----------------------------------------------------------------------
    def _board(self) -> Board:
        chair = Professional.objects.get(user=self.haematologist)
        board = Board.objects.create(
            name="RCP d'hématologie — CHRU de Tours (lymphomes, myélome, thérapie cellulaire)",
            short_name="RCP hémato Tours",
            kind="standard",
            icd10_ranges=[["C81", "C96"]],
            every_weeks=1,
            weekday=3,
            start_time=dt.time(14),
            capacity=20,
            minutes_per_case=6,
        )
        board.organisers.set([self.hospital])
        BoardMember.objects.create(
            board=board,
            professional=chair,
            specialties=["haematology"],
            is_chair=True,
            site=self.hospital,
        )
        taken = {chair.pk}
        for specialty in BOARD_SPECIALTIES:
            professional = (
                Professional.objects.filter(
                    memberships__organisation=self.hospital, specialty=specialty, is_active=True
                )
                .exclude(pk__in=taken)
                .order_by("last_name")
                .first()
            )
            if professional is None:
                continue
            taken.add(professional.pk)
            BoardMember.objects.create(
                board=board, professional=professional, specialties=[specialty], site=self.hospital
            )
        pharmacist = Professional.objects.filter(user=self.pharmacist).first()
        if pharmacist is not None:  # the biotherapy referent pharmacist (INCa)
            BoardMember.objects.create(
                board=board,
                professional=pharmacist,
                specialties=["hospital_pharmacy"],
                site=self.pharmacy,
            )
        return board

    def board_decisions(self, plans: list[OrderPlan]) -> None:
        """Each order's patient was presented at the weekly haematology board before the order,
        and the chair validated a decision recommending CAR-T cells."""
        if not plans:
            return
        board = self._board()
        chair = board.members.get(is_chair=True).professional
        actor = chair.user
        assert actor is not None
        earliest = min(p.decided_before for p in plans) - dt.timedelta(days=14)
        planned = sessions.sessions_plan(
            board=board, count=(self.now - earliest).days // 7 + 2, after=earliest
        )
        past = [s for s in planned if s.starts_at < self.now - dt.timedelta(days=1)]
        by_session: dict[Session, list[OrderPlan]] = {}
        for plan in plans:
            session = max(
                (s for s in past if s.starts_at <= plan.decided_before),
                key=lambda s: s.starts_at,
                default=past[0],
            )
            by_session.setdefault(session, []).append(plan)
        for session in sorted(by_session, key=lambda s: s.starts_at):
            self._decide(board, session, actor, by_session[session])

    def _decide(self, board: Board, session: Session, actor: User, plans: list[OrderPlan]) -> None:
        items = []
        chair = board.members.get(is_chair=True).professional
        for plan in plans:
            patient = plan.patient
            # The haematologist who presents the case is in the patient's care team.
            if not CareTeamMember.objects.filter(
                patient=patient, professional=chair, end__isnull=True
            ).exists():
                CareTeamMember.objects.create(
                    patient=patient,
                    professional=chair,
                    role="haematologist",
                    start=(session.starts_at - dt.timedelta(days=30)).date(),
                )
            diagnosis = (
                patient.diagnoses.filter(icd10__regex=r"^C(8[1-9]|9[0-6])").first()
                or patient.diagnoses.first()
            )
            submitted = session.starts_at - dt.timedelta(days=4)
            performance_status_add(
                actor=actor,
                patient=patient,
                scale="ecog",
                value=self.rng.choice([0, 1]),
                recorded_on=(submitted - dt.timedelta(days=2)).date(),
            )
            case = cases.case_submit(
                actor=actor,
                patient=patient,
                board=board,
                diagnosis=diagnosis,
                question="Indication d'une thérapie cellulaire CAR-T ?",
                context="relapse",
                prior_treatments=PRIOR_TREATMENTS.get(
                    (diagnosis.icd10 if diagnosis else "")[:3], DEFAULT_PRIOR
                ),
                informed_today=True,
                submitted_at=submitted,
            )
            items.append((sessions.agenda_add(actor=actor, session=session, case=case), plan))
        for member in board.members.select_related("professional"):
            sessions.attendance_record(
                actor=actor,
                session=session,
                professional=member.professional,
                specialties=member.specialties,
                mode="in_person",
                site=member.site,
            )
        sessions.session_open(actor=actor, session=session)
        for index, (item, plan) in enumerate(items):
            info = catalogue.product(plan.product)
            plan.decision = decisions.decision_validate(
                actor=actor,
                item=item,
                proposal=Proposal(
                    modalities=["car_t"],
                    proposal=f"Thérapie cellulaire CAR-T : {info}, au CHRU de Tours (centre "
                    "qualifié). Bridging selon la cinétique de la maladie.",
                    guideline="Recommandations EBMT-EHA 2024 (thérapies CAR-T)",
                    place_of_care="expert",
                    place_reason="Centre qualifié par l'ARS pour l'administration des CAR-T",
                    care_organisation=self.hospital,
                ),
                validated_at=session.starts_at + dt.timedelta(minutes=6 * (index + 1)),
                with_documents=False,
            )
        sessions.session_close(actor=actor, session=session)
        Session.objects.filter(pk=session.pk).update(
            opened_at=session.starts_at, closed_at=session.starts_at + dt.timedelta(hours=2)
        )
        AgendaItem.objects.filter(session=session).update(late_addition=False)

    # Orders --------------------------------------------------------------------------------
    def _pathway(self, plan: OrderPlan) -> None:
        """A patient without a CAR-T pathway gets one from the board decision's week, so the
        monitoring plan exists and dates from the history rather than from today."""
        if PathwayInstance.objects.filter(
            patient=plan.patient, template__code="car-t", status="active"
        ).exists():
            return
        pathway_apply(
            template=PathwayTemplate.objects.get(code="car-t", is_latest=True),
            patient=plan.patient,
            start=timezone.localdate(plan.decided_before),
            parameters={"product": plan.product},
            actor=self.haematologist,
        )

    def order(self, plan: OrderPlan) -> CarTOrder:
        info = catalogue.product(plan.product)
        assert info is not None
        self._pathway(plan)
        # Placed (qualified) a few days before the apheresis is scheduled, after the decision.
        placed = (plan.moments[0] if plan.moments else self.now) - dt.timedelta(days=6)
        order = orders.order_create(
            actor=self.haematologist,
            data=orders.OrderInput(
                patient=plan.patient,
                product=plan.product,
                indication=info.indications[0],
                eligibility={key: True for key, _label in catalogue.eligibility_items()},
                manufacturer_reference=f"{info.coi_prefix}-{placed.year}-{1000 + plan.index * 37}",
                treating_centre=self.hospital,
                pharmacy=self.pharmacy,
                efs_centre=self.efs_centre,
                decision=plan.decision,
            ),
        )
        # The history starts when the order was placed, not when the demo was loaded.
        CarTOrder.objects.filter(pk=order.pk).update(created_at=placed)
        order.refresh_from_db()
        if plan.stage == "cancelled":
            orders.order_transition(
                order=order,
                actor=self.haematologist,
                data=orders.TransitionInput(
                    to="cancelled",
                    reason="Progression rapide sous traitement d'attente : patient non éligible.",
                    custody=CustodyDetails(at=placed + dt.timedelta(days=4)),
                ),
            )
            if order.pathway_instance is not None:
                pathway_end(
                    instance=order.pathway_instance,
                    actor=self.haematologist,
                    reason="progression",
                    note="Progression rapide sous traitement d'attente : CAR-T annulé.",
                )
        for step, moment in zip(plan.steps, plan.moments, strict=True):
            order = self._step(order, step, moment)
            if step == "in_manufacturing" and plan.stage == "oos_accepted":
                order = self._out_of_spec_accepted(order, moment)
        self._tocilizumab_ahead(order, plan)
        if plan.stage == "out_of_specification":
            self._quarantine(order, plan.moments[-1] + dt.timedelta(days=12))
        if (
            plan.stage in ("infused", "oos_accepted")
            and plan.index % 3 != 2
            and plan.moments[-1] < self.now - dt.timedelta(days=3)
        ):
            self._episode(order, plan.moments[-1])
        car_t_pathway.catch_up(order, self.haematologist)
        last = order.transitions.order_by("-at").values_list("at", flat=True).first()
        CarTOrder.objects.filter(pk=order.pk).update(updated_at=last or placed)
        return order

    def _tocilizumab_ahead(self, order: CarTOrder, plan: OrderPlan) -> None:
        """Confirmations made long before the infusion, as the safety review found them: the
        qualified order's (today, infusion planned in 3 weeks: the page says to confirm again in
        the 72 hours before) and the first cryostored order's (at the collection, weeks ago:
        expired, the infusion would be refused until the pharmacy confirms again)."""
        if plan.stage == "qualified":
            at = self.now - dt.timedelta(hours=1)
        elif plan.stage == "in_cryostorage" and STAGES.index("in_cryostorage") == plan.index:
            at = plan.moments[0]
        else:
            return
        self._reserve_tocilizumab(order, at, "Réservé à la commande, armoire MTI")

    def _reserve_tocilizumab(self, order: CarTOrder, at: dt.datetime, note: str) -> None:
        """The pharmacy confirms 2 doses on site for the patient, a further one obtainable."""
        infusion.tocilizumab_confirm(
            order=order,
            actor=self.pharmacist,
            doses_reserved=2,
            further_dose_access=True,
            note=note,
            at=at,
        )

    def _quarantine(self, order: CarTOrder, at: dt.datetime) -> CarTOrder:
        return orders.order_transition(
            order=order,
            actor=self.haematologist,
            data=orders.TransitionInput(
                to="out_of_specification",
                reason=(
                    "Viabilité cellulaire 58 % au contrôle de libération (seuil 80 %) : "
                    "lot non libéré en l'état."
                ),
                custody=CustodyDetails(at=min(at, self.now - dt.timedelta(hours=1))),
            ),
        )

    def _out_of_spec_accepted(self, order: CarTOrder, manufacturing: dt.datetime) -> CarTOrder:
        """Out of specification at release, then accepted by the physician and the pharmacist
        (the product is unique; the patient was informed and agreed)."""
        order = self._quarantine(order, manufacturing + dt.timedelta(days=8))
        signed = manufacturing + dt.timedelta(days=9)
        decision = infusion.benefit_risk_record(
            order=order,
            actor=self.haematologist,
            data=infusion.BenefitRiskInput(
                deviation="Viabilité cellulaire 74 % (spécification ≥ 80 %) au certificat de "
                "libération ; stérilité et identité conformes.",
                rationale="Maladie réfractaire sans alternative ; nouvelle collecte impossible "
                "(lymphopénie). Bénéfice attendu supérieur au risque d'une efficacité moindre, "
                "discuté avec le fabricant.",
                patient_informed=True,
                patient_informed_on=timezone.localdate(signed),
            ),
            at=signed,
        )
        infusion.benefit_risk_countersign(
            decision=decision, actor=self.pharmacist, at=signed + dt.timedelta(hours=20)
        )
        order.refresh_from_db()
        return order

    def _episode(self, order: CarTOrder, infused: dt.datetime) -> None:
        """A grade 2 CRS treated with tocilizumab, then a grade 2 ICANS with dexamethasone."""
        for hours, drug, dose, unit, indication in (
            (30, "tocilizumab", "8", "mg/kg", "crs"),
            (52, "dexamethasone", "10", "mg", "icans"),
        ):
            given = min(infused + dt.timedelta(hours=hours), self.now - dt.timedelta(minutes=5))
            infusion.treatment_record(
                order=order,
                actor=self.haematologist,
                data=infusion.TreatmentInput(
                    drug=drug,
                    dose=Decimal(dose),
                    unit=unit,
                    route="iv",
                    given_at=given,
                    indication=indication,
                    grade=2,
                ),
            )

    def _timeline(
        self, manufacturer: str, steps: list[str], days_ago: int = 0, quarantine_days: int = 0
    ) -> list[dt.datetime]:
        """Times of the steps, the last one as late as possible before now (or ``days_ago``
        before). Vein to vein (collection to infusion) lasts 4 to 6 weeks: the manufacturer's
        time plus the transport, the product then waiting in cryostorage for the rest; the
        collection, the dispensing, the thaw and the infusion happen in the morning."""
        low, high = MANUFACTURING_DAYS.get(manufacturer, (18, 26))
        manufacturing = (
            min(self.rng.randint(low, high), VEIN_TO_VEIN_DAYS[1] - 6 - quarantine_days)
            + quarantine_days
        )
        vein_to_vein = self.rng.randint(
            min(VEIN_TO_VEIN_DAYS[1], max(VEIN_TO_VEIN_DAYS[0], manufacturing + 6)),
            VEIN_TO_VEIN_DAYS[1],
        )
        latest = self.now - dt.timedelta(days=days_ago, hours=1)
        minutes = self.rng.randint(0, 49)
        # The latest collection day that puts the last step before ``latest`` (for an apheresis
        # just scheduled, the collection is still to come).
        day = timezone.localdate(latest) + dt.timedelta(days=4)
        while True:
            collection = dt.datetime.combine(
                day, dt.time(8, 10 + minutes), tzinfo=timezone.get_current_timezone()
            )
            moments = self._forward(collection, manufacturing, vein_to_vein)
            if moments[steps[-1]] <= latest:
                return [moments[step] for step in steps]
            day -= dt.timedelta(days=1)

    @staticmethod
    def _forward(
        collection: dt.datetime, manufacturing: int, vein_to_vein: int
    ) -> dict[str, dt.datetime]:
        """Every step's time from the collection's."""
        hours = dt.timedelta(hours=1)
        moments = {
            "apheresis_scheduled": collection - dt.timedelta(days=3) + 6 * hours,
            "collected": collection,
            "shipped_to_manufacturer": collection + STEP_HOURS["shipped_to_manufacturer"] * hours,
        }
        moments["in_manufacturing"] = (
            moments["shipped_to_manufacturer"] + STEP_HOURS["in_manufacturing"] * hours
        )
        moments["released"] = moments["in_manufacturing"] + dt.timedelta(days=manufacturing)
        for previous, step in (
            ("released", "shipped_to_site"),
            ("shipped_to_site", "received_at_pui"),
            ("received_at_pui", "in_cryostorage"),
        ):
            moments[step] = moments[previous] + STEP_HOURS[step] * hours
        # Dispensed in the morning of the infusion day, at least two days after the reception.
        infusion_day = max(
            collection + dt.timedelta(days=vein_to_vein),
            moments["in_cryostorage"] + dt.timedelta(days=2),
        )
        moments["dispensed"] = infusion_day.replace(hour=8, minute=40)
        moments["thawed"] = moments["dispensed"] + STEP_HOURS["thawed"] * hours
        moments["infused"] = moments["thawed"] + STEP_HOURS["infused"] * hours
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
        if step == "shipped_to_manufacturer" and order.product == "tisagenlecleucel":
            self._cryopreserve(order, moment - dt.timedelta(hours=1))
        if step == "thawed":
            # Bedside identity check by two professionals while the bag is on the ward, then
            # the pharmacy's confirmation of the tocilizumab reserved for the patient.
            for professional in (self.haematologist, self.pharmacist):
                bedside.bedside_confirm(
                    order=order,
                    actor=professional,
                    identity_confirmed=True,
                    scanned_coi=order.coi,
                    at=moment + dt.timedelta(minutes=10),
                )
        if step in ("dispensed", "thawed") and not order.tocilizumab.exists():
            self._reserve_tocilizumab(
                order, moment - dt.timedelta(hours=2), "Lot réservé en PUI, armoire MTI"
            )
        if step == "infused":
            self._bed(order, timezone.localdate(moment))
        car_t_pathway.before_step(order, step, moment, actor)
        return orders.order_transition(
            order=order, actor=actor, data=orders.TransitionInput(to=step, custody=details, **extra)
        )

    def _bed(self, order: CarTOrder, day: dt.date) -> None:
        """The haematology intensive-care bed confirmed for the infusion day and the product's
        days after it (no infusion without one). Written directly, as the past days of the demo
        cannot be requested through the service; no random draw."""
        if icu_beds.covering_reservation(order, day) is not None:
            return
        reservation = BedReservation.objects.create(
            order=order,
            unit=self.unit,
            patient_id=order.patient_id,
            first_day=day,
            last_day=icu_rules.last_day(day, icu_beds.days_held(order)),
            status="confirmed",
            requested_by=self.haematologist,
        )
        BedReservationEvent.objects.create(
            reservation=reservation,
            from_status="",
            to_status="confirmed",
            actor=self.haematologist,
            actor_label=self.haematologist.display_name,
        )

    def _cryopreserve(self, order: CarTOrder, at: dt.datetime) -> None:
        """The leukapheresis product frozen by the cell-therapy unit before shipment."""
        custody_record(
            order=order,
            kind="cryopreserved",
            actor=self.efs_staff,
            organisation=self.efs_centre,
            details=CustodyDetails(
                at=at,
                place="Unité de thérapie cellulaire, EFS Tours — congélateur programmable C2",
                temperature_c=-150.0,
                logger=f"TL-{self.rng.randint(100, 999)}",
                note="Congélation à descente programmée, poche unique",
            ),
        )

    # EFS -----------------------------------------------------------------------------------
    def busy_week(self) -> None:
        """Every machine busy most of this week: past days done, coming days scheduled, plus
        requests waiting (one mobile session). A patient is never in two procedures at once;
        phlebotomies come with the patient's haemoglobin (above the 11 g/dL gate)."""
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
        busy: dict[object, list[tuple[dt.datetime, dt.datetime]]] = {}
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
                code = {
                    "photopheresis": "photopheresis",
                    "chair": "phlebotomy",
                    "bed": "phlebotomy",
                }.get(machine.kind)
                while True:
                    procedure = catalogue.procedure(code or self.rng.choice(procedures))
                    assert procedure is not None
                    end = start + dt.timedelta(minutes=procedure.minutes)
                    if end > close:
                        break
                    patient = self._free_patient(patients, busy, start, end)
                    if self.rng.random() < 0.8 and patient is not None:
                        self._booking(patient, procedure.code, machine, start, end)
                        busy.setdefault(patient.pk, []).append((start, end))
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

    def _free_patient(
        self,
        patients: list[Patient],
        busy: dict[object, list[tuple[dt.datetime, dt.datetime]]],
        start: dt.datetime,
        end: dt.datetime,
    ) -> Patient | None:
        for _attempt in range(10):
            patient = self.rng.choice(patients)
            # One procedure a day per patient, as the EFS service enforces.
            if all(s.date() != start.date() for s, _e in busy.get(patient.pk, [])):
                return patient
        return None

    def _booking(
        self,
        patient: Patient,
        procedure: str,
        machine: Machine,
        start: dt.datetime,
        end: dt.datetime,
    ) -> None:
        today = timezone.localdate()
        gated = catalogue.haemoglobin_gate(procedure) is not None
        haemoglobin = Decimal(f"{self.rng.uniform(12.0, 15.5):.1f}") if gated else None
        request = efs.booking_request(
            actor=self.haematologist,
            data=efs.BookingRequest(
                patient=patient,
                centre=self.efs_centre,
                procedure=procedure,
                wanted_from=min(start.date(), today),
                wanted_until=max(start.date(), today),
                requesting_organisation=self.hospital,
                haemoglobin_g_dl=haemoglobin,
                haemoglobin_on=today - dt.timedelta(days=2) if gated else None,
            ),
        )
        # Requested by the ward some days before the session.
        Booking.objects.filter(pk=request.pk).update(
            created_at=min(start, self.now) - dt.timedelta(days=self.rng.randint(3, 14))
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
        if gated and end < self.now:
            HaemoglobinResult.objects.create(
                patient=patient,
                booking=request,
                value_g_dl=Decimal(f"{self.rng.uniform(11.6, 15.0):.1f}"),
                measured_on=timezone.localdate(start),
                moment="session",
                recorded_by=self.efs_staff,
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
