"""Deterministic synthetic demo region: organisations, networks, professionals, demo logins,
patients with diagnoses, staging, biomarkers, care teams and consent records.

Same seed and size → same data. Rows are bulk-inserted in batches, so a million patients fit
in memory and time (progress is reported through ``progress``)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from oncoparcours.core.audit import audit_record
from oncoparcours.core.french import of_name
from oncoparcours.core.models import AuditAction
from oncoparcours.core.rules.identifiers import ins_key, luhn_check_digit
from oncoparcours.directory.models import (
    Capability,
    Network,
    NetworkMembership,
    Organisation,
    OrganisationMembership,
    Professional,
    ProfessionalQualification,
    QualificationType,
)
from oncoparcours.directory.referential import accreditation_cycles, departements
from oncoparcours.directory.rules.accreditation import interim_audit_due_on
from oncoparcours.directory.rules.dates import add_months
from oncoparcours.patients import survival
from oncoparcours.patients.models import (
    Biomarker,
    CareTeamMember,
    ConsentRecord,
    Diagnosis,
    MolecularFinding,
    Patient,
    PerformanceStatus,
    Staging,
)
from oncoparcours.patients.referential import survival_table
from oncoparcours.patients.rules import biomarker_mapping, molecular, prognosis

from . import names
from .cancers import BIOMARKERS, SITE_MIX, SiteMix, biomarker_value
from .institutions import (
    DEMO_CIVILITY,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    LOCAL_HOSPITALS,
    PUBLIC_SITES,
    REGION_GROUPS,
    REGION_WEIGHTS,
    UNIVERSITY_HOSPITALS,
)
from .prognosis import CASES as SHOWCASE_CASES
from .prognosis import PrognosisShowcase

Progress = Callable[[int, int], None]
# Most patients a demo login can have in their care teams (a heavy but real-life caseload).
CASELOAD_CAP = {
    "oncologue": 1200,
    "hematologue": 600,
    "oncologue-martinique": 800,
    "neuro-oncologue": 400,
    "idec": 1200,
    "idel": 250,
    "pharmacien": 300,
}
BATCH = 2000
SHOWCASE_MIN_PATIENTS = 100
# Accredited sites whose interim audit (JACIE, at 2 years) is left unrecorded: shown overdue.
INTERIM_OVERDUE = {"efs-lyon"}


@dataclass
class Region:
    """What the generator knows after building the referential."""

    orgs: dict[str, Organisation] = field(default_factory=dict)
    staff: dict[str, dict[str, list[Professional]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    gps_by_dept: dict[str, list[Professional]] = field(default_factory=lambda: defaultdict(list))
    idels_by_dept: dict[str, list[Professional]] = field(default_factory=lambda: defaultdict(list))
    proximity_by_dept: dict[str, list[Organisation]] = field(
        default_factory=lambda: defaultdict(list)
    )
    logins: dict[str, Professional] = field(default_factory=dict)
    key_by_id: dict[uuid.UUID, str] = field(default_factory=dict)


class Generator:
    def __init__(self, *, seed: int, patients: int, today: dt.date | None = None) -> None:
        self.rng = random.Random(seed)
        # Oppositions draw from their own stream so the rest of the region stays as it was.
        self.opposition_rng = random.Random(f"{seed}-oppositions")
        # Patients' names and communes: their own stream too (the main draws are kept).
        self.people = names.PatientNames(random.Random(f"{seed}-patient-names"))
        self.seed = seed
        self.patient_count = patients
        self.today = today or timezone.localdate()
        self.region = Region()
        self.used_finess: set[str] = set()
        self.used_rpps: set[str] = set()
        self.used_ins: set[str] = set()
        self.caseload: dict[str, int] = defaultdict(int)
        # Hospital staff grows with the region so caseloads stay realistic.
        self.staff_scale = min(40, max(1, patients // 8000))

    # --- identifiers -------------------------------------------------------------------------
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def finess(self, departement: str) -> str:
        prefix = departement[:2] if len(departement) == 2 else departement[:3]
        while True:
            body = prefix + "".join(self.rng.choice("0123456789") for _ in range(8 - len(prefix)))
            value = body + luhn_check_digit(body)
            if value not in self.used_finess:
                self.used_finess.add(value)
                return value

    def rpps(self) -> str:
        while True:
            body = "10" + "".join(self.rng.choice("0123456789") for _ in range(8))
            value = body + luhn_check_digit(body)
            if value not in self.used_rpps:
                self.used_rpps.add(value)
                return value

    def ins(self, sex: str, birth: dt.date, departement: str) -> str:
        while True:
            dept = departement if len(departement) == 2 else departement[:2]
            commune = (departement[2] if len(departement) == 3 else "") + "".join(
                self.rng.choice("0123456789") for _ in range(3 - (len(departement) == 3))
            )
            order = f"{self.rng.randint(1, 999):03d}"
            sex_digit = 1 if sex == "M" else 2
            body = f"{sex_digit}{birth.year % 100:02d}{birth.month:02d}{dept}{commune}{order}"
            value = body + f"{ins_key(body):02d}"
            if value not in self.used_ins:
                self.used_ins.add(value)
                return value

    def person(self, sex: str | None = None) -> tuple[str, str, str]:
        sex = sex or self.rng.choice("FM")
        first = self.rng.choice(names.FEMALE_FIRST_NAMES if sex == "F" else names.MALE_FIRST_NAMES)
        return sex, first, self.rng.choice(names.LAST_NAMES)

    def jitter(self, lat: float, lon: float, departement: str) -> tuple[float, float]:
        spread = 0.04 if departement.startswith("97") else 0.22
        return (
            round(lat + self.rng.uniform(-spread, spread), 5),
            round(lon + self.rng.uniform(-spread, spread), 5),
        )

    # --- referential ---------------------------------------------------------------------------
    def build_referential(self) -> None:
        self._public_sites()
        self._university_hospitals()
        self._local_hospitals()
        self._city_practices()
        self._networks()
        self._professionals()
        self._demo_logins()

    def _org(self, key: str, **fields) -> Organisation:
        needs_finess = fields["kind"] not in {"manufacturer", "dsrc", "3c", "city_practice"}
        organisation = Organisation(
            id=self.uuid(),
            finess=self.finess(fields["departement"]) if needs_finess else None,
            time_zone=departements()[fields["departement"]].time_zone,
            # Numbers of the range ARCEP reserves for fiction (01 99 00 xx xx): never a real line.
            phone=fields.pop(
                "phone",
                f"01 99 00 {len(self.region.orgs) // 100 % 100:02d} "
                f"{len(self.region.orgs) % 100:02d}",
            ),
            **fields,
        )
        organisation.full_clean()
        organisation.save()
        self.region.orgs[key] = organisation
        self.region.key_by_id[organisation.pk] = key
        return organisation

    def _public_sites(self) -> None:
        for spec in PUBLIC_SITES:
            self._org(
                spec.key,
                kind=spec.kind,
                name=spec.name,
                short_name=spec.short_name,
                departement=spec.departement,
                city=spec.city,
                postcode=spec.postcode,
                latitude=spec.lat,
                longitude=spec.lon,
                address=f"{self.rng.randint(1, 120)} {self.rng.choice(names.STREETS)}",
                parent=self.region.orgs.get(spec.parent),
            )
        cycles = accreditation_cycles()
        for spec in PUBLIC_SITES:
            for kind, quantity, activity, issuer, months, note, *products in spec.capabilities:
                valid_from = self.today - dt.timedelta(days=self.rng.randint(200, 1500))
                valid_until = None
                interim_audit_on = None
                if months is not None:
                    # "months" is the remaining validity: some JACIE accreditations expire soon.
                    valid_until = add_months(self.today, months) - dt.timedelta(
                        days=self.rng.randint(0, 20)
                    )
                    valid_from = min(valid_from, valid_until - dt.timedelta(days=365 * 2))
                cycle = cycles.get(kind)
                if cycle is not None and valid_until is not None:
                    # An accreditation cycle (JACIE: 4 years) started one cycle before expiry;
                    # its interim audit was recorded when due, except where the demo shows one
                    # overdue.
                    valid_from = add_months(valid_until, -cycle.cycle_months)
                    due = interim_audit_due_on(cycle, valid_from)
                    if due is not None and due < self.today and spec.key not in INTERIM_OVERDUE:
                        interim_audit_on = due + dt.timedelta(days=self.rng.randint(0, 25))
                capability = Capability(
                    id=self.uuid(),
                    organisation=self.region.orgs[spec.key],
                    kind=kind,
                    quantity=quantity,
                    activity=activity,
                    issuer=self.region.orgs.get(issuer),
                    issuer_name="" if issuer else ("JACIE" if kind == "jacie" else ""),
                    valid_from=valid_from,
                    valid_until=valid_until,
                    interim_audit_on=interim_audit_on,
                    note=note,
                    reference=capability_reference(kind, valid_from, self.rng.randint(1, 9999)),
                    products=list(products[0]) if products else [],
                )
                capability.full_clean()
                capability.save()

    def _university_hospitals(self) -> None:
        for key, name, dept, city, _networks in UNIVERSITY_HOSPITALS:
            d = departements()[dept]
            lat, lon = self.jitter(d.latitude, d.longitude, dept)
            self._org(
                key, kind="chu", name=name, departement=dept, city=city, latitude=lat, longitude=lon
            )

    def _local_hospitals(self) -> None:
        for key, town, dept, lat, lon, _group in LOCAL_HOSPITALS:
            organisation = self._org(
                key,
                kind="ch",
                name=f"Centre hospitalier {of_name(town)}",
                short_name=f"CH {town}",
                departement=dept,
                city=town,
                latitude=lat,
                longitude=lon,
            )
            Capability.objects.create(
                id=self.uuid(),
                organisation=organisation,
                kind="day_hospital_places",
                quantity=self.rng.randint(4, 14),
                valid_from=self.today - dt.timedelta(days=900),
            )
            self.region.proximity_by_dept[dept].append(organisation)
        self._org(
            "had-lyon",
            kind="had",
            name="HAD de la métropole lyonnaise",
            departement="69",
            city="Lyon",
            latitude=45.77,
            longitude=4.86,
        )
        self._org(
            "had-tours",
            kind="had",
            name="HAD Val de Loire",
            departement="37",
            city="Tours",
            latitude=47.39,
            longitude=0.70,
        )

    def _city_practices(self) -> None:
        d = departements()["69"]
        self._org(
            "cabinet-idel-lyon",
            kind="city_practice",
            name="Cabinet infirmier des Pentes",
            departement="69",
            city="Lyon",
            latitude=d.latitude + 0.01,
            longitude=d.longitude,
        )

    def _networks(self) -> None:
        networks = {n.code: n for n in Network.objects.all()}
        labelled = self.today - dt.timedelta(days=700)
        for spec in PUBLIC_SITES:
            for code, role, service in spec.networks:
                NetworkMembership.objects.create(
                    id=self.uuid(),
                    network=networks[code],
                    organisation=self.region.orgs[spec.key],
                    role=role,
                    service=service,
                    labelled_on=labelled if role != "member" else None,
                    label_until=add_months(labelled, 60) if role != "member" else None,
                )
        for key, _name, _dept, _city, codes in UNIVERSITY_HOSPITALS:
            for code in codes:
                NetworkMembership.objects.create(
                    id=self.uuid(),
                    network=networks[code],
                    organisation=self.region.orgs[key],
                    role="expert",
                    labelled_on=labelled + dt.timedelta(days=self.rng.randint(0, 300)),
                    label_until=add_months(labelled, 60),
                )
        regional = {
            **dict.fromkeys(("69", "01", "38", "42", "26", "73", "74"), "ONCO-AURA"),
            **dict.fromkeys(("37", "41", "36", "18", "28", "45"), "ONCOCENTRE"),
        }
        for key, _town, dept, _lat, _lon, _group in LOCAL_HOSPITALS:
            network_code = regional.get(dept)
            if network_code:
                NetworkMembership.objects.create(
                    id=self.uuid(),
                    network=networks[network_code],
                    organisation=self.region.orgs[key],
                    role="member",
                )

    def _professional(
        self,
        site: str,
        profession: str,
        specialty: str,
        function: str = "",
        sex: str | None = None,
        first: str = "",
        last: str = "",
    ) -> Professional:
        sex, gen_first, gen_last = self.person(sex)
        if first:  # a given first name (demo logins) decides the civility, not the draw
            sex = "F" if first in names.FEMALE_FIRST_NAMES else "M"
        rpps = self.rpps() if profession in {"physician", "pharmacist", "nurse"} else None
        professional = Professional(
            id=self.uuid(),
            rpps=rpps,
            first_name=first or gen_first,
            last_name=last or gen_last,
            civility="mme" if sex == "F" else "m",
            profession=profession,
            specialty=specialty,
            email=f"{(first or gen_first)[0].lower()}.{self.rng.randint(100, 999)}@demo.invalid",
            secure_mail_address=(
                f"{slugify(first or gen_first)}.{slugify(last or gen_last)}"
                "@medecin.mssante.demo.invalid"
                if profession == "physician"
                else ""
            ),
        )
        self._pending_professionals.append(professional)
        self._pending_memberships.append(
            OrganisationMembership(
                id=self.uuid(),
                professional=professional,
                organisation=self.region.orgs[site],
                function=function,
                start=self.today - dt.timedelta(days=self.rng.randint(100, 4000)),
            )
        )
        self.region.staff[site][specialty].append(professional)
        return professional

    STAFFING = {
        "chu": (
            ("physician", "medical_oncology", 5),
            ("physician", "haematology", 4),
            ("physician", "surgery", 2),
            ("physician", "thoracic_surgery", 1),
            ("physician", "digestive_surgery", 1),
            ("physician", "gynaecological_surgery", 1),
            ("physician", "neurosurgery", 1),
            ("physician", "radiotherapy", 2),
            ("physician", "radiology", 2),
            ("physician", "pathology", 2),
            ("physician", "neurology", 1),
            ("physician", "neuro_oncology", 1),
            ("physician", "intensive_care", 2),
            ("physician", "pulmonology", 2),
            ("physician", "nuclear_medicine", 1),
            ("nurse", "coordination_nursing", 3),
            ("pharmacist", "hospital_pharmacy", 1),
        ),
        "clcc": (
            ("physician", "medical_oncology", 8),
            ("physician", "haematology", 2),
            ("physician", "surgery", 2),
            ("physician", "gynaecological_surgery", 2),
            ("physician", "thoracic_surgery", 1),
            ("physician", "radiotherapy", 3),
            ("physician", "radiology", 2),
            ("physician", "pathology", 2),
            ("physician", "intensive_care", 1),
            ("physician", "pulmonology", 1),
            ("nurse", "coordination_nursing", 4),
            ("pharmacist", "hospital_pharmacy", 1),
        ),
        "ch": (
            ("physician", "medical_oncology", 2),
            ("physician", "surgery", 1),
            ("physician", "digestive_surgery", 1),
            ("physician", "radiology", 1),
            ("physician", "pulmonology", 1),
            ("nurse", "coordination_nursing", 1),
        ),
        "pui": (("pharmacist", "hospital_pharmacy", 3),),
        "efs_care_centre": (
            ("physician", "transfusion_medicine", 2),
            ("nurse", "hospital_nursing", 3),
        ),
        "had": (("physician", "palliative_care", 1), ("nurse", "coordination_nursing", 2)),
    }

    def _professionals(self) -> None:
        self._pending_professionals: list[Professional] = []
        self._pending_memberships: list[OrganisationMembership] = []
        full_staff = {
            "chru-tours",
            "clb",
            "gustave-roussy",
            "chu-martinique",
            "pitie",
            "cochin",
            "ambroise-pare",
            "hcl",
            "pui-chru-tours",
            "pui-gustave-roussy",
            "efs-tours",
            "efs-lyon",
            "efs-creteil",
            "had-lyon",
            "had-tours",
        }
        for key, organisation in self.region.orgs.items():
            if (
                key in full_staff
                or organisation.kind == "ch"
                or key.startswith("chu-")
                or key == "ap-hm"
            ):
                for profession, specialty, count in self.STAFFING.get(organisation.kind, ()):
                    for _ in range(count * self.staff_scale):
                        self._professional(key, profession, specialty)
        # City professionals: GPs and liberal nurses per département where patients live.
        for group in REGION_GROUPS.values():
            for dept in sorted(set(group["departements"])):
                practice = self._org(
                    f"cabinets-{dept}",
                    kind="city_practice",
                    name=f"Maison de santé pluriprofessionnelle ({departements()[dept].name})",
                    departement=dept,
                    city=departements()[dept].name,
                    latitude=departements()[dept].latitude,
                    longitude=departements()[dept].longitude,
                )
                gp_count = max(
                    4, min(400, self.patient_count // 300 // len(group["departements"]) + 4)
                )
                for _ in range(gp_count):
                    self.region.gps_by_dept[dept].append(
                        self._professional(
                            self.region.key_by_id[practice.pk], "physician", "general_practice"
                        )
                    )
                for _ in range(6 if dept == "69" else 3):
                    self.region.idels_by_dept[dept].append(
                        self._professional(
                            self.region.key_by_id[practice.pk], "nurse", "liberal_nursing"
                        )
                    )
        Professional.objects.bulk_create(self._pending_professionals, batch_size=1000)
        OrganisationMembership.objects.bulk_create(self._pending_memberships, batch_size=1000)
        self._trainings()

    def _trainings(self) -> None:
        """Seed 004: 12 liberal nurses trained (ETP 40 h + immunotherapy initiation) around Lyon;
        one with an expired initiation, two not trained, so the refusal paths are visible."""
        qualifications = {q.code: q for q in QualificationType.objects.all()}
        held = []
        lyon_idels = (
            self.region.idels_by_dept["69"]
            + self.region.idels_by_dept["01"]
            + self.region.idels_by_dept["38"]
        )
        for index, nurse in enumerate(lyon_idels):
            if index >= len(lyon_idels) - 2:
                continue  # not trained
            obtained = self.today - dt.timedelta(days=self.rng.randint(60, 700))
            held.append(
                ProfessionalQualification(
                    id=self.uuid(),
                    professional=nurse,
                    qualification=qualifications["tpe_40h"],
                    obtained_on=obtained,
                    issuer="ONCO-AURA",
                )
            )
            initiation = obtained + dt.timedelta(days=30)
            expires = add_months(initiation, 36) if index else self.today - dt.timedelta(days=20)
            held.append(
                ProfessionalQualification(
                    id=self.uuid(),
                    professional=nurse,
                    qualification=qualifications["immunotherapy_initiation"],
                    obtained_on=min(initiation, expires),
                    expires_on=expires,
                    issuer="Centre Léon Bérard",
                )
            )
        for site in ("pui-chru-tours", "pui-gustave-roussy"):
            for pharmacist in self.region.staff[site]["hospital_pharmacy"]:
                obtained = self.today - dt.timedelta(days=self.rng.randint(100, 600))
                held.append(
                    ProfessionalQualification(
                        id=self.uuid(),
                        professional=pharmacist,
                        qualification=qualifications["car_t_handling"],
                        obtained_on=obtained,
                        expires_on=add_months(obtained, 24),
                        issuer="Fabricant",
                    )
                )
        for site in ("efs-tours", "efs-lyon", "efs-creteil"):
            for nurse in self.region.staff[site]["hospital_nursing"]:
                obtained = self.today - dt.timedelta(days=self.rng.randint(100, 600))
                held.append(
                    ProfessionalQualification(
                        id=self.uuid(),
                        professional=nurse,
                        qualification=qualifications["apheresis_operator"],
                        obtained_on=obtained,
                        expires_on=add_months(obtained, 24),
                        issuer="EFS",
                    )
                )
        ProfessionalQualification.objects.bulk_create(held, batch_size=1000)

    def _demo_logins(self) -> None:
        User = get_user_model()
        qualifications = {q.code: q for q in QualificationType.objects.all()}
        for login in DEMO_LOGINS:
            if login.late:
                continue
            user = User.objects.create_user(
                username=login.username,
                password=DEMO_PASSWORD,
                first_name=login.first_name,
                last_name=login.last_name,
                role=login.role,
            )
            self._pending_professionals, self._pending_memberships = [], []
            professional = self._professional(
                login.site,
                login.profession,
                login.specialty,
                function=login.function,
                first=login.first_name,
                last=login.last_name,
            )
            professional.user = user
            professional.civility = DEMO_CIVILITY.get(login.username, professional.civility)
            if login.profession == "administrative":
                professional.rpps = None
            professional.save()
            self._pending_memberships[0].save()
            for code in login.qualifications:
                obtained = self.today - dt.timedelta(days=400)
                months = qualifications[code].validity_months
                ProfessionalQualification.objects.create(
                    id=self.uuid(),
                    professional=professional,
                    qualification=qualifications[code],
                    obtained_on=obtained,
                    expires_on=add_months(obtained, months) if months else None,
                    issuer="Démo",
                )
            if login.specialty == "liberal_nursing":
                self.region.idels_by_dept["69"].insert(0, professional)
            self.region.logins[login.username] = professional
        User.objects.create_superuser(
            username="admin",
            password=DEMO_PASSWORD,
            email="",
            first_name="Admin",
            last_name="Démo",
            role="administrator",
        )

    # --- patients ------------------------------------------------------------------------------
    def build_patients(self, progress: Progress | None = None, count: int | None = None) -> int:
        total = self.patient_count if count is None else count
        created = 0
        weights = [m.weight for m in SITE_MIX]
        table = survival_table()
        while created < total:
            size = min(BATCH, total - created)
            rows = _Rows()
            for _ in range(size):
                mix = self.rng.choices(SITE_MIX, weights=weights)[0]
                self._patient(rows, mix, table)
            with transaction.atomic():
                rows.save()
            created += size
            if progress:
                progress(created, total)
        return created

    def _pick_region(self) -> str:
        r = self.rng.random()
        for group, weight in REGION_WEIGHTS:
            if r < weight:
                return group
            r -= weight
        return REGION_WEIGHTS[-1][0]

    def _patient(self, rows: _Rows, mix: SiteMix, table: prognosis.SurvivalTable) -> None:
        rng = self.rng
        group_key = self._pick_region()
        group = REGION_GROUPS[group_key]
        dept = rng.choice(group["departements"])
        d = departements()[dept]
        sex = mix.sex or ("F" if rng.random() < (0.01 if mix.key == "breast" else 0.47) else "M")
        if mix.key == "breast" and rng.random() < 0.01:
            sex = "M"
        _sex, first, last = self.person(sex)
        diagnosed_on = self.today - dt.timedelta(days=rng.randint(5, 3 * 365))
        age = max(mix.min_age, min(92, int(rng.gauss(67, 12))))
        birth = diagnosed_on - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        lat, lon = self.jitter(d.latitude, d.longitude, dept)
        expert_key = str(group.get(mix.expert) or group["expert"])
        expert = self.region.orgs[expert_key]
        proximity_choices = self.region.proximity_by_dept.get(dept) or [expert]
        proximity = rng.choice(proximity_choices)
        gp = rng.choice(self.region.gps_by_dept[dept])
        patient = Patient(
            id=self.uuid(),
            ins=self.ins(sex, birth, dept),
            birth_last_name=last,
            used_last_name=rng.choice(names.LAST_NAMES)
            if sex == "F" and rng.random() < 0.3
            else "",
            first_names=first,
            birth_date=birth,
            sex=sex,
            address=f"{rng.randint(1, 150)} {rng.choice(names.STREETS)}",
            postcode=_postcode(rng, dept),
            city=d.name,
            departement=dept,
            latitude=lat,
            longitude=lon,
            phone=f"0{rng.randint(6, 7)} " + " ".join(str(rng.randint(10, 99)) for _ in range(4)),
            gp=gp,
            expert_centre=expert,
            proximity_centre=proximity,
        )
        # Real-looking people in real communes: a name for their generation from a large list,
        # the commune of the table nearest to where they live, with its postcode.
        patient.first_names = self.people.first_name(sex, birth.year)
        patient.birth_last_name = self.people.last_name(group_key, dept)
        if patient.used_last_name:
            patient.used_last_name = self.people.last_name(
                group_key, dept, not_=patient.birth_last_name
            )
        commune = names.nearest_commune(dept, lat, lon)
        if commune is not None:
            patient.city, patient.postcode = commune.name, commune.postcode
        patient.refresh_search_fields()
        rows.patients.append(patient)
        icd10 = rng.choice(mix.icd10)
        morphology = rng.choices(
            [m for m, _w in mix.morphologies], weights=[w for _m, w in mix.morphologies]
        )[0]
        diagnosis = Diagnosis(
            id=self.uuid(),
            patient=patient,
            icd10=icd10,
            diagnosed_on=diagnosed_on,
            icdo3_topography=(icd10 + ".9")[:5] if "." not in icd10 else icd10,
            icdo3_morphology=morphology,
            laterality=rng.choice(["left", "right"]) if mix.laterality else "not_applicable",
        )
        if mix.haematological or icd10[:3] in {"C61", "C64", "C73", "C67"}:
            diagnosis.icdo3_topography = (
                "C42.1" if mix.haematological else diagnosis.icdo3_topography
            )
        if diagnosis.icdo3_topography and not diagnosis.icdo3_topography[1:3].isdigit():
            diagnosis.icdo3_topography = ""
        rows.diagnoses.append(diagnosis)
        stagings = []
        if not mix.haematological and mix.key != "glioblastoma":
            stagings.append(self._staging(diagnosis, diagnosed_on))
        biomarkers = []
        for marker, alteration, positive in BIOMARKERS.get(mix.key, ()):
            is_positive = rng.random() < positive
            if marker == "PD-L1":
                rng.choice(range(8))  # the draw the former value took: the region stays the same
            value = biomarker_value(marker, is_positive, random.Random(f"{diagnosis.id}{marker}"))
            biomarkers.append(
                Biomarker(
                    id=self.uuid(),
                    diagnosis=diagnosis,
                    marker=marker,
                    alteration=alteration,
                    result="positive" if is_positive else "negative",
                    value=value,
                    tested_on=diagnosed_on + dt.timedelta(days=rng.randint(3, 20)),
                )
            )
        rows.stagings.extend(stagings)
        rows.biomarkers.extend(biomarkers)
        survival.apply(
            diagnosis,
            prognosis.assess(
                table,
                survival.facts_for(
                    diagnosis, stagings=stagings, findings=_structured(patient, biomarkers)
                ),
            ),
        )
        rows.performance.append(
            PerformanceStatus(
                id=self.uuid(),
                patient=patient,
                scale="ecog",
                value=rng.choices([0, 1, 2, 3], [35, 40, 18, 7])[0],
                recorded_on=diagnosed_on + dt.timedelta(days=rng.randint(0, 15)),
            )
        )
        self._care_team(rows, patient, mix, group_key, expert_key, proximity, gp, diagnosed_on)
        self._consents(rows, patient, diagnosed_on)

    def _staging(self, diagnosis: Diagnosis, diagnosed_on: dt.date) -> Staging:
        rng = self.rng
        stage = rng.choices(["I", "II", "III", "IV"], [30, 27, 23, 20])[0]
        t, n, m, group = {
            "I": ("T1" + rng.choice(["a", "b", "c"]), "N0", "M0", "IA"),
            "II": (
                rng.choice(["T2", "T2a", "T2b"]),
                rng.choice(["N0", "N1"]),
                "M0",
                rng.choice(["IIA", "IIB"]),
            ),
            "III": (
                rng.choice(["T3", "T4"]),
                rng.choice(["N1", "N2", "N2b"]),
                "M0",
                rng.choice(["IIIA", "IIIB", "IIIC"]),
            ),
            "IV": (
                rng.choice(["T2", "T3", "T4"]),
                rng.choice(["N0", "N1", "N2"]),
                rng.choice(["M1", "M1a", "M1b"]),
                "IV",
            ),
        }[stage]
        return Staging(
            id=self.uuid(),
            diagnosis=diagnosis,
            kind="clinical",
            t=t,
            n=n,
            m=m,
            stage_group=group,
            staged_on=diagnosed_on + dt.timedelta(days=rng.randint(0, 20)),
        )

    def _care_team(
        self,
        rows: _Rows,
        patient: Patient,
        mix: SiteMix,
        group_key: str,
        expert_key: str,
        proximity: Organisation,
        gp: Professional,
        diagnosed_on: dt.date,
    ) -> None:
        rng = self.rng
        staff = self.region.staff
        logins = self.region.logins
        start = diagnosed_on + dt.timedelta(days=rng.randint(0, 10))
        specialty = (
            "haematology"
            if mix.haematological
            else (
                "neuro_oncology"
                if mix.key == "glioblastoma" and staff[expert_key]["neuro_oncology"]
                else "medical_oncology"
            )
        )
        candidates = (
            staff[expert_key][specialty]
            or staff[expert_key]["medical_oncology"]
            or staff[expert_key]["haematology"]
        )
        referring = rng.choice(candidates)
        # The demo logins get a large share of their centre's patients, up to a heavy but
        # realistic caseload (so a large region does not give one physician 10,000 patients).
        preferred = {
            ("clb", "medical_oncology"): ("oncologue", 0.35),
            ("chru-tours", "haematology"): ("hematologue", 0.5),
            ("chu-martinique", "medical_oncology"): ("oncologue-martinique", 0.6),
            ("pitie", "neuro_oncology"): ("neuro-oncologue", 0.8),
        }.get((expert_key, specialty))
        if preferred and self._login_takes(*preferred):
            referring = logins[preferred[0]]
        role = {"haematology": "haematologist"}.get(specialty, "referring_oncologist")
        rows.members.append(self._member(patient, referring, role, start, lead=True))
        nurses = staff[expert_key]["coordination_nursing"]
        if expert_key == "clb" and self._login_takes("idec", 0.45):
            rows.members.append(self._member(patient, logins["idec"], "coordination_nurse", start))
        elif nurses:
            rows.members.append(
                self._member(patient, rng.choice(nurses), "coordination_nurse", start)
            )
        rows.members.append(self._member(patient, gp, "gp", start))
        local_oncologists = staff[self.region.key_by_id[proximity.pk]]["medical_oncology"]
        if (
            proximity.pk != self.region.orgs[expert_key].pk
            and local_oncologists
            and rng.random() < 0.5
        ):
            rows.members.append(
                self._member(
                    patient,
                    rng.choice(local_oncologists),
                    "organ_specialist",
                    start + dt.timedelta(days=rng.randint(10, 60)),
                )
            )
        surgeons = (
            staff[expert_key]["surgery"]
            + staff[expert_key]["thoracic_surgery"]
            + staff[expert_key]["gynaecological_surgery"]
        )
        if not mix.haematological and surgeons and rng.random() < 0.35:
            rows.members.append(self._member(patient, rng.choice(surgeons), "surgeon", start))
        if patient.departement in self.region.idels_by_dept and rng.random() < 0.15:
            idels = self.region.idels_by_dept[patient.departement]
            nurse = (
                logins["idel"]
                if patient.departement == "69" and self._login_takes("idel", 0.4)
                else rng.choice(idels)
            )
            rows.members.append(
                self._member(patient, nurse, "liberal_nurse", start + dt.timedelta(days=30))
            )
        if (
            mix.haematological
            and expert_key == "chru-tours"
            and self._login_takes("pharmacien", 0.3)
        ):
            rows.members.append(self._member(patient, logins["pharmacien"], "pharmacist", start))
            rows.members.append(self._member(patient, logins["efs"], "efs_physician", start))

    def _login_takes(self, username: str, probability: float) -> bool:
        if self.rng.random() >= probability or self.caseload[username] >= CASELOAD_CAP[username]:
            return False
        self.caseload[username] += 1
        return True

    def _member(
        self,
        patient: Patient,
        professional: Professional,
        role: str,
        start: dt.date,
        lead: bool = False,
    ) -> CareTeamMember:
        start = min(start, self.today)
        end = None
        if not lead and self.rng.random() < 0.04:
            end = min(self.today, start + dt.timedelta(days=self.rng.randint(30, 300)))
        return CareTeamMember(
            id=self.uuid(),
            patient=patient,
            professional=professional,
            role=role,
            is_lead=lead,
            start=start,
            end=end,
            reason="Fin de prise en charge" if end else "",
        )

    def _consents(self, rows: _Rows, patient: Patient, diagnosed_on: dt.date) -> None:
        rows.consents.append(
            ConsentRecord(
                patient=patient,
                kind="data_sharing",
                scope="care_team",
                decision="opposition" if self.rng.random() < 0.01 else "non_opposition",
                recorded_on=diagnosed_on,
                recorded_by_id=self._recorder_id,
            )
        )
        if self.rng.random() < 0.7:
            rows.consents.append(
                ConsentRecord(
                    patient=patient,
                    kind="data_sharing",
                    scope="network",
                    decision="non_opposition",
                    recorded_on=diagnosed_on,
                    recorded_by_id=self._recorder_id,
                )
            )
        # Some patients object to the reuse of their data for research, to the evaluation
        # (indicators, Article 51 evaluation, evaluators' extracts) or to a cancer registry:
        # every export of that purpose leaves them out.
        rng = self.opposition_rng
        for scope, probability in OPPOSITIONS:
            if rng.random() < probability:
                delay = dt.timedelta(days=rng.randint(0, 240))
                rows.consents.append(
                    ConsentRecord(
                        patient=patient,
                        kind="data_sharing",
                        scope=scope,
                        decision="opposition",
                        recorded_on=min(self.today, diagnosed_on + delay),
                        recorded_by_id=self._recorder_id,
                    )
                )

    def run(self, progress: Progress | None = None) -> None:
        with transaction.atomic():
            self.build_referential()
        self._recorder_id = get_user_model().objects.get(username="admin").pk
        # A large enough region includes the prognosis showcase patients (entered through the
        # services) among its patients.
        showcase = len(SHOWCASE_CASES) if self.patient_count >= SHOWCASE_MIN_PATIENTS else 0
        self.build_patients(progress, count=self.patient_count - showcase)
        if showcase:
            with transaction.atomic():
                PrognosisShowcase(self).run()
        audit_record(
            actor=None,
            action=AuditAction.IMPORT,
            details={"demo": True, "seed": self.seed, "patients": self.patient_count},
        )


# Share of demo patients objecting to each export purpose (synthetic, for the demo only).
OPPOSITIONS = (("research", 0.03), ("evaluation", 0.02), ("registry", 0.01))


# Readable prefixes of the demo's authorisation references (as an agency or a body would
# number them), never an internal code.
REFERENCE_PREFIX = {
    "car_t_qualified_pui": "ARS-MTI-PUI",
    "car_t_qualified_ward": "ARS-MTI",
    "jacie": "JACIE",
    "icu_beds": "ARS-REA",
    "apheresis_machines": "EFS-APH",
    "day_hospital_places": "ARS-HDJ",
    "pet_ct": "ARS-TEP",
    "pet_mri": "ARS-TEP-IRM",
    "cyclotron": "ASN-CYC",
    "cancer_treatment": "ARS-CANCER",
}


def capability_reference(kind: str, valid_from: dt.date, number: int) -> str:
    """E.g. "ARS-MTI-2025-0042": who issued it, the year, a four-digit number."""
    return f"{REFERENCE_PREFIX.get(kind, 'AUT')}-{valid_from.year}-{number:04d}"


def _postcode(rng: random.Random, dept: str) -> str:
    if len(dept) == 3:
        return f"{dept}{rng.randint(0, 90):02d}"
    prefix = "20" if dept in {"2A", "2B"} else dept
    return f"{prefix}{rng.randint(0, 9)}{rng.randint(0, 9)}0"


def _structured(patient: Patient, biomarkers: list[Biomarker]) -> list[MolecularFinding]:
    """The molecular results the biomarkers become (``biomarkers_to_structured`` runs after the
    generator: the same mapping, so the prognosis stored here is the one recomputed then)."""
    out = []
    for marker in biomarkers:
        mapped = biomarker_mapping.structure(
            marker.marker, marker.result, marker.alteration, marker.value
        )
        if mapped.problem:
            continue
        raw = {**mapped.values, "sampled_on": marker.tested_on.isoformat(), "source": "demo"}
        checked = molecular.check_finding(
            raw, birth_date=patient.birth_date, today=marker.tested_on
        )
        if not checked.problems:
            out.append(MolecularFinding(**checked.values))
    return out


class _Rows:
    def __init__(self) -> None:
        self.patients: list[Patient] = []
        self.diagnoses: list[Diagnosis] = []
        self.stagings: list[Staging] = []
        self.biomarkers: list[Biomarker] = []
        self.performance: list[PerformanceStatus] = []
        self.members: list[CareTeamMember] = []
        self.consents: list[ConsentRecord] = []

    def save(self) -> None:
        Patient.objects.bulk_create(self.patients, batch_size=500)
        Diagnosis.objects.bulk_create(self.diagnoses, batch_size=500)
        Staging.objects.bulk_create(self.stagings, batch_size=500)
        Biomarker.objects.bulk_create(self.biomarkers, batch_size=500)
        PerformanceStatus.objects.bulk_create(self.performance, batch_size=500)
        CareTeamMember.objects.bulk_create(self.members, batch_size=500)
        ConsentRecord.objects.bulk_create(self.consents, batch_size=500)
