"""Demo tumour boards: the "RCP Caraïbes" between the CHU de Martinique and Gustave Roussy with a
year of history (250 synthetic cases whose decisions give the near-home share the product
computes: 85 % of the patients not transferred to mainland France, as in seed 002 — five
patients transferred between islands among them), the GLIOREC expert board at
the Pitié-Salpêtrière, a regional thoracic board at the Centre Léon Bérard with a session later
today ready to run live (one case still incomplete), and the Centre Léon Bérard's head and neck
board, whose quorum needs its ENT surgeon.

Everything goes through the services (cases, agendas, attendance, decisions), with past dates
for the history."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oncoparcours.boards.models import AgendaItem, Board, Session
from oncoparcours.boards.services import boards as board_services
from oncoparcours.boards.services import cases, decisions, sessions
from oncoparcours.boards.services.decisions import Proposal
from oncoparcours.core.models import User
from oncoparcours.directory.models import Network, Organisation, Professional
from oncoparcours.directory.services import professional_create, professional_specialties_set
from oncoparcours.patients.models import CareTeamMember, Diagnosis, Patient
from oncoparcours.patients.services import performance_status_add

from .pathways import loader_user

CARIBBEAN_CASES = 250
QUESTIONS = {
    "C50": (
        "Chirurgie conservatrice puis radiothérapie, ou chimiothérapie néoadjuvante ?",
        ["surgery", "radiotherapy"],
        "Référentiel sein INCa 2024",
    ),
    "C61": (
        "Prostatectomie ou radiothérapie avec hormonothérapie ?",
        ["radiotherapy"],
        "Recommandations AFU 2024",
    ),
    "C18": (
        "Colectomie puis chimiothérapie adjuvante ?",
        ["surgery", "chemotherapy"],
        "Thésaurus national de cancérologie digestive 2024",
    ),
    "C34": (
        "Traitement systémique de première ligne ?",
        ["immunotherapy", "chemotherapy"],
        "Référentiel AURA cancer bronchique 2025",
    ),
    "C25": (
        "Résécabilité de la tumeur pancréatique ?",
        ["chemotherapy", "surgery"],
        "Thésaurus national de cancérologie digestive 2024",
    ),
    "C67": (
        "Cystectomie après chimiothérapie néoadjuvante ?",
        ["chemotherapy", "surgery"],
        "Recommandations AFU 2024",
    ),
}
DEFAULT_QUESTION = ("Quelle stratégie thérapeutique ?", ["chemotherapy"], "Référentiel régional")
TRANSFER_REASONS = (
    "Chirurgie complexe non réalisée aux Antilles",
    "Radiothérapie stéréotaxique non disponible localement",
    "Inclusion dans un essai de phase précoce à Gustave Roussy",
)


LOCAL_EXPERT_REASON = "Prise en charge spécialisée disponible au CHU de Martinique"
INTER_ISLAND_TRANSFER = "Transfert entre les îles (%(to)s) pour la curiethérapie, puis retour."
INTER_ISLAND_REASON = "Curiethérapie réalisée au %(to)s"


def _question(icd10: str) -> tuple[str, list[str], str]:
    return QUESTIONS.get(icd10[:3], DEFAULT_QUESTION)


class BoardsDemo:
    def __init__(self, *, seed: int, now: dt.datetime | None = None) -> None:
        self.rng = random.Random(seed + 3301)
        self.now = now or timezone.now()
        self.loader = loader_user()
        self.users = {
            u.username: u
            for u in get_user_model().objects.filter(
                username__in=["oncologue", "oncologue-martinique", "neuro-oncologue"]
            )
        }
        self.orgs = {
            o.short_name: o
            for o in Organisation.objects.filter(
                short_name__in=["CHU Martinique", "Gustave Roussy", "Pitié-Salpêtrière", "CLB"]
            )
        }

    # --- boards -------------------------------------------------------------------------------
    def _staff(
        self, organisation: Organisation, specialty: str, exclude: set[Any]
    ) -> Professional | None:
        return (
            Professional.objects.filter(
                memberships__organisation=organisation, specialty=specialty, is_active=True
            )
            .exclude(pk__in=exclude)
            .order_by("last_name")
            .first()
        )

    def _board(
        self, *, chair_login: str, members: list[tuple[str, str]], **fields: Any
    ) -> Board | None:
        """Through the services: a recours board is checked against its network's expert
        centres, every member declares only specialties recognised in the directory."""
        chair_user = self.users.get(chair_login)
        chair = (
            Professional.objects.filter(user=chair_user)
            .prefetch_related("additional_specialties")
            .first()
            if chair_user
            else None
        )
        organisers = [self.orgs[key] for key in fields.pop("organisers") if key in self.orgs]
        if chair is None or not organisers:
            return None
        board = board_services.board_create(actor=self.loader, organisers=organisers, **fields)
        board_services.board_member_add(
            actor=self.loader,
            board=board,
            professional=chair,
            specialties=sorted(chair.recognised_specialties),
            is_chair=True,
            site=organisers[0],
        )
        taken = {chair.pk}
        for org_key, specialty in members:
            organisation = self.orgs.get(org_key)
            professional = self._staff(organisation, specialty, taken) if organisation else None
            if professional is None:
                continue
            taken.add(professional.pk)
            board_services.board_member_add(
                actor=self.loader,
                board=board,
                professional=professional,
                specialties=[specialty],
                site=organisation,
            )
        return board

    def caribbean_board(self) -> Board | None:
        return self._board(
            chair_login="oncologue-martinique",
            organisers=["CHU Martinique", "Gustave Roussy"],
            name="RCP Caraïbes — CHU de Martinique / Gustave Roussy",
            short_name="RCP Caraïbes",
            kind="interregional",
            # Every cancer: each case is judged by the composition its diagnosis needs (a
            # haematologist for the haematological malignancies).
            icd10_ranges=[],
            every_weeks=2,
            weekday=3,
            start_time=dt.time(7, 30),
            time_zone="America/Martinique",
            duration_minutes=150,
            capacity=14,
            minutes_per_case=8,
            video_link="https://visio.example.org/rcp-caraibes",
            members=[
                ("CHU Martinique", "surgery"),
                ("CHU Martinique", "radiotherapy"),
                ("CHU Martinique", "pathology"),
                ("CHU Martinique", "radiology"),
                ("CHU Martinique", "haematology"),
                ("Gustave Roussy", "medical_oncology"),
                ("Gustave Roussy", "surgery"),
                ("Gustave Roussy", "radiotherapy"),
            ],
        )

    def gliorec_board(self) -> Board | None:
        """The expert board of the GLIOREC pilot centre. Its chair, a neuro-oncologist, is also a
        qualified medical oncologist (a double qualification recorded in the directory): she
        represents both, and counts for one."""
        chair = Professional.objects.filter(user=self.users.get("neuro-oncologue")).first()
        if chair is not None:
            professional_specialties_set(
                actor=self.loader,
                professional=chair,
                specialty=chair.specialty,
                additional=["medical_oncology"],
            )
        return self._board(
            chair_login="neuro-oncologue",
            organisers=["Pitié-Salpêtrière"],
            network=Network.objects.filter(code="GLIOREC").first(),
            name="RCP de recours GLIOREC — gliomes de l'adulte",
            short_name="RCP GLIOREC",
            kind="recours",
            icd10_ranges=[["C71", "C72"]],
            every_weeks=1,
            weekday=1,
            start_time=dt.time(17, 0),
            required_specialties=["neurosurgery", "pathology"],
            capacity=12,
            minutes_per_case=10,
            video_link="https://visio.example.org/gliorec",
            members=[
                ("Pitié-Salpêtrière", "neurosurgery"),
                ("Pitié-Salpêtrière", "pathology"),
                ("Pitié-Salpêtrière", "radiotherapy"),
                ("Pitié-Salpêtrière", "neurology"),
            ],
        )

    def thoracic_board(self) -> Board | None:
        return self._board(
            chair_login="oncologue",
            organisers=["CLB"],
            name="RCP thoracique — Centre Léon Bérard",
            short_name="RCP thoracique CLB",
            kind="standard",
            icd10_ranges=[["C33", "C39"], ["C45", "C45"]],
            every_weeks=1,
            weekday=self.now.astimezone(dt.UTC).weekday(),
            start_time=dt.time(12, 0),
            capacity=10,
            minutes_per_case=8,
            members=[
                ("CLB", "thoracic_surgery"),
                ("CLB", "surgery"),
                ("CLB", "radiotherapy"),
                ("CLB", "radiology"),
                ("CLB", "pulmonology"),
                ("CLB", "pathology"),
            ],
        )

    def head_and_neck_board(self) -> Board | None:
        """The Centre Léon Bérard's head and neck board: its quorum needs an ENT and head and
        neck surgeon (the board's required specialty fills the surgeon's place), with the
        medical oncologist and the radiation oncologist."""
        clb = self.orgs.get("CLB")
        if clb is None:
            return None
        surgeon = Professional.objects.filter(
            memberships__organisation=clb, specialty="ent_surgery"
        ).first() or professional_create(
            actor=self.loader,
            organisation=clb,
            function="Chirurgien ORL — cancers des voies aérodigestives supérieures",
            rpps=self._rpps(),
            last_name="Delorme",
            first_name="Antoine",
            profession="physician",
            specialty="ent_surgery",
        )
        board = self._board(
            chair_login="oncologue",
            organisers=["CLB"],
            name="RCP ORL — cancers de la tête et du cou, Centre Léon Bérard",
            short_name="RCP ORL CLB",
            kind="standard",
            icd10_ranges=[["C00", "C14"], ["C30", "C32"]],
            required_specialties=["ent_surgery"],
            every_weeks=1,
            weekday=2,
            start_time=dt.time(13, 0),
            capacity=12,
            minutes_per_case=8,
            members=[("CLB", "ent_surgery"), ("CLB", "radiotherapy"), ("CLB", "pathology")],
        )
        if board is not None and surgeon is not None:
            sessions.sessions_plan(board=board, count=3, after=self.now)
        return board

    def _rpps(self) -> str:
        from oncoparcours.core.rules.identifiers import luhn_check_digit

        while True:
            body = "18" + "".join(self.rng.choice("0123456789") for _ in range(8))
            value = body + luhn_check_digit(body)
            if not Professional.objects.filter(rpps=value).exists():
                return value

    # --- cases --------------------------------------------------------------------------------
    def _patients(self, login: str, where: Q, limit: int) -> list[tuple[Patient, Diagnosis]]:
        user = self.users.get(login)
        professional = Professional.objects.filter(user=user).first() if user else None
        if professional is None:
            return []
        diagnoses = (
            Diagnosis.objects.filter(where, patient__deceased_on__isnull=True)
            .exclude(icdo3_morphology="")
            .select_related("patient")
            .order_by("patient__sort_name")
        )
        chosen: list[tuple[Patient, Diagnosis]] = []
        seen = set()
        for diagnosis in diagnoses:
            if diagnosis.patient_id in seen or (
                not diagnosis.stagings.exists() and cases_stage_needed(diagnosis.icd10)
            ):
                continue
            seen.add(diagnosis.patient_id)
            chosen.append((diagnosis.patient, diagnosis))
            if len(chosen) >= limit:
                break
        for patient, _diagnosis in chosen:
            self._join(patient, professional)
        return chosen

    def _join(self, patient: Patient, professional: Professional) -> None:
        if not CareTeamMember.objects.filter(
            patient=patient, professional=professional, end__isnull=True
        ).exists():
            CareTeamMember.objects.create(
                patient=patient,
                professional=professional,
                role="referring_oncologist",
                start=self.now.date() - dt.timedelta(days=400),
            )

    def _submit(
        self, actor: User, board: Board, patient: Patient, diagnosis: Diagnosis, when: dt.datetime
    ) -> Any:
        performance_status_add(
            actor=self.loader,
            patient=patient,
            scale="ecog",
            value=self.rng.choice([0, 1, 1, 2]),
            recorded_on=(when - dt.timedelta(days=3)).date(),
        )
        question, _modalities, _guideline = _question(diagnosis.icd10)
        return cases.case_submit(
            actor=actor,
            patient=patient,
            board=board,
            diagnosis=diagnosis,
            question=question,
            context="new_diagnosis",
            informed_today=True,
            submitted_at=when,
            comorbidities=self.rng.choice(["", "HTA traitée", "Diabète de type 2", "BPCO"]),
        )

    def _attend(self, session: Session, board: Board, *, surgeon: bool = True) -> None:
        chair = session.chair
        assert chair is not None and chair.user is not None
        for member in board.members.select_related("professional"):
            if not surgeon and any("surgery" in s for s in member.specialties):
                continue
            sessions.attendance_record(
                actor=chair.user,
                session=session,
                professional=member.professional,
                specialties=member.specialties,
                mode="remote" if member.site != board.organisers.first() else "in_person",
                site=member.site,
            )

    def _proposal(
        self, diagnosis: Diagnosis, place: str, organisation: Organisation | None
    ) -> Proposal:
        _question_text, modalities, guideline = _question(diagnosis.icd10)
        local = organisation is not None and organisation == self.orgs.get("CHU Martinique")
        inter_island = organisation is not None and organisation.departement in ("971", "972")
        text = {
            "proximity": "Prise en charge au CHU de Martinique selon le référentiel.",
            "transfer": INTER_ISLAND_TRANSFER % {"to": organisation}
            if inter_island
            else "Transfert à Gustave Roussy pour la prise en charge initiale, puis retour.",
            "expert": "Prise en charge au service de recours du CHU de Martinique."
            if local
            else "Prise en charge au centre expert (Gustave Roussy).",
        }[place]
        reason = ""
        if place == "transfer" and inter_island:
            reason = INTER_ISLAND_REASON % {"to": organisation}
        elif place != "proximity":
            reason = LOCAL_EXPERT_REASON if local else self.rng.choice(TRANSFER_REASONS)
        return Proposal(
            modalities=modalities,
            proposal=text,
            guideline=guideline,
            place_of_care=place,
            place_reason=reason,
            care_organisation=organisation,
            trial="PRISM-CARAÏBES" if self.rng.random() < 0.05 else "",
        )

    def _caribbean_places(
        self, queue: list[tuple[Patient, Diagnosis]]
    ) -> list[tuple[str, Organisation | None]]:
        """The place of care of each of the 250 cases. The near-home share counts patients, each
        by the board's latest decision for them, so the plan is per patient, in the proportions
        of seed 002 (of 250: 205 at the CHU de Martinique, 8 at its expert service, 30
        transferred to mainland France, 7 for Gustave Roussy's expert centre — 85 % not
        transferred to mainland France); 5 patients of the first group are transferred to the
        other island's CHU instead (Martinique ↔ Guadeloupe: an inter-island transfer, still near
        home). A patient's earlier cases (when the region has fewer patients than cases) were
        treated near home."""
        martinique, roussy = self.orgs.get("CHU Martinique"), self.orgs.get("Gustave Roussy")
        last = {patient.pk: index for index, (patient, _d) in enumerate(queue)}
        patients = list(dict.fromkeys(patient for patient, _d in queue))
        count = len(patients)
        plan: list[tuple[str, Organisation | None]] = (
            [("transfer", roussy)] * round(30 * count / 250)
            + [("expert", roussy)] * round(7 * count / 250)
            + [("expert", martinique)] * round(8 * count / 250)
        )
        near = count - len(plan)
        guadeloupe = Organisation.objects.filter(name="CHU de la Guadeloupe").first()
        movers = patients[: min(5, near)] if guadeloupe is not None else []
        others = patients[len(movers) :]
        plan += [("proximity", martinique)] * (near - len(movers))
        self.rng.shuffle(plan)
        chosen = dict(zip((p.pk for p in others), plan, strict=True))
        # Between islands: to the other island's CHU (still overseas, still near home).
        chosen.update(
            {
                p.pk: ("transfer", martinique if p.departement == "971" else guadeloupe)
                for p in movers
            }
        )
        return [
            chosen[patient.pk] if last[patient.pk] == index else ("proximity", martinique)
            for index, (patient, _d) in enumerate(queue)
        ]

    def caribbean_history(self, board: Board) -> None:
        chair = board.members.get(is_chair=True).professional
        actor = chair.user
        assert actor is not None
        patients = self._patients(
            "oncologue-martinique",
            Q(patient__departement__in=["972", "971", "973"]),
            CARIBBEAN_CASES,
        )
        if not patients:
            return
        start = self.now - dt.timedelta(days=365)
        planned = sessions.sessions_plan(board=board, count=26, after=start)
        past = [s for s in planned if s.starts_at < self.now - dt.timedelta(days=1)]
        per_session = max(1, -(-CARIBBEAN_CASES // max(1, len(past))))
        queue = [patients[i % len(patients)] for i in range(CARIBBEAN_CASES)]
        places = self._caribbean_places(queue)
        for session in past:
            batch, queue = queue[:per_session], queue[per_session:]
            if not batch:
                break
            chosen, places = places[: len(batch)], places[len(batch) :]
            self._past_session(session, board, actor, batch, chosen)

    def _past_session(
        self,
        session: Session,
        board: Board,
        actor: User,
        batch: list[tuple[Patient, Diagnosis]],
        places: list[tuple[str, Organisation | None]],
    ) -> None:
        items = []
        for patient, diagnosis in batch:
            submitted = session.starts_at - dt.timedelta(days=self.rng.randint(3, 12))
            case = self._submit(actor, board, patient, diagnosis, submitted)
            items.append((sessions.agenda_add(actor=actor, session=session, case=case), diagnosis))
        self._attend(session, board)
        sessions.session_open(actor=actor, session=session)
        for index, ((item, diagnosis), (place, organisation)) in enumerate(
            zip(items, places, strict=True)
        ):
            decisions.decision_validate(
                actor=actor,
                item=item,
                proposal=self._proposal(diagnosis, place, organisation),
                validated_at=session.starts_at + dt.timedelta(minutes=8 * (index + 1)),
                with_documents=False,
            )
        sessions.session_close(actor=actor, session=session)
        # History replayed today: give the session its own timeline back.
        Session.objects.filter(pk=session.pk).update(
            opened_at=session.starts_at, closed_at=session.starts_at + dt.timedelta(hours=2)
        )
        AgendaItem.objects.filter(session=session).update(late_addition=False)

    def gliorec_upcoming(self, board: Board) -> None:
        chair = board.members.get(is_chair=True).professional
        assert chair.user is not None
        patients = self._patients("neuro-oncologue", Q(icd10__startswith="C71"), 4)
        sessions.sessions_plan(board=board, count=3, after=self.now)
        session = (
            Session.objects.filter(board=board, starts_at__gt=self.now)
            .order_by("starts_at")
            .first()
        )
        if session is None:
            return
        for patient, diagnosis in patients:
            case = self._submit(
                chair.user, board, patient, diagnosis, self.now - dt.timedelta(days=2)
            )
            if case.status == "ready":
                sessions.agenda_add(actor=chair.user, session=session, case=case)

    def thoracic_live(self, board: Board) -> None:
        """A session later today, agenda ready, attendance to record live; one incomplete case;
        two complete cases referred to the board and not yet on an agenda, for the board's
        secretary (login ``secretaire``) to place on the next session."""
        chair = board.members.get(is_chair=True).professional
        actor = chair.user
        assert actor is not None
        patients = self._patients("oncologue", Q(icd10__startswith="C34"), 7)
        waiting = 2  # complete, referred, left for the secretary to place on an agenda
        starts = live_session_start(self.now)
        session = Session.objects.create(
            board=board,
            starts_at=starts,
            chair=chair,
            capacity=board.capacity,
            duration_minutes=board.duration_minutes,
        )
        sessions.sessions_plan(board=board, count=2, after=starts)
        for index, (patient, diagnosis) in enumerate(patients):
            when = self.now - dt.timedelta(days=4 - index % 3)
            if index == len(patients) - 1:
                # Submitted without informing the patient: stays incomplete, listed as such.
                cases.case_submit(
                    actor=actor,
                    patient=patient,
                    board=board,
                    diagnosis=diagnosis,
                    question="Place de la radiothérapie stéréotaxique ?",
                    context="new_diagnosis",
                    submitted_at=when,
                )
                continue
            case = self._submit(actor, board, patient, diagnosis, when)
            if case.status == "ready" and index < len(patients) - 1 - waiting:
                sessions.agenda_add(actor=actor, session=session, case=case)
        AgendaItem.objects.filter(session=session).update(late_addition=False)

    def run(self) -> None:
        with transaction.atomic():
            caribbean = self.caribbean_board()
            if caribbean is not None:
                self.caribbean_history(caribbean)
                sessions.sessions_plan(board=caribbean, count=3, after=self.now)
            gliorec = self.gliorec_board()
            if gliorec is not None:
                self.gliorec_upcoming(gliorec)
            thoracic = self.thoracic_board()
            if thoracic is not None:
                self.thoracic_live(thoracic)
            self.head_and_neck_board()


def cases_stage_needed(icd10: str) -> bool:
    from oncoparcours.boards.rules.dataset import staging_applies

    return staging_applies(icd10)


def live_session_start(now: dt.datetime) -> dt.datetime:
    """When the demo's live session starts: today at noon if still ahead; else within the hour,
    on a quarter hour, if that is still working hours (8:00–18:00, the centre's local time);
    else the next weekday at noon — never in the night (a session at 00:42 was seen)."""
    local = timezone.localtime(now)
    noon = local.replace(hour=12, minute=0, second=0, microsecond=0)
    if noon > local and local.weekday() < 5:
        return noon
    soon = (local + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    soon += dt.timedelta(minutes=(-soon.minute) % 15)
    if local.weekday() < 5 and soon.date() == local.date() and 8 <= soon.hour < 18:
        return soon
    day = noon + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day
