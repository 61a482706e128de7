"""A believable past for the demo region's treated patients.

In France every new cancer patient's treatment plan is decided by a tumour board (RCP) before the
first treatment (Plan cancer 2003, mesure 31; INCa criteria for authorised cancer centres), in the
weeks after the diagnosis. The rest of the demo applies pathways and boards independently of the
diagnosis dates drawn for each patient; this step makes the dates tell one story:

* every patient treated in the demo (a treatment administration or procedure done) whose first
  treatment has no board decision before it gets one, one to three weeks before that treatment,
  at a past session of a board of their expert centre that covers their cancer (a general board is
  created for a centre that has treated patients but no board covering them);
* every patient with a board decision has their diagnosis dated 14 to 30 days before their first
  decision (median about three weeks), with the dates that follow the diagnosis (staging,
  biomarkers, the first performance status) moved by the same number of days (the birth date is
  kept: the INS encodes its year and month; `prognosis_recompute`, run by `make demo`, reassesses
  the age at diagnosis).

Everything goes through the board services (cases, agendas, attendance, decisions), as in
``boards.py``. Patients whose case cannot be submitted (missing mandatory data, an objection to
the board review) stay without a decision, as some real patients do (treatment started in an
emergency)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from oncoparcours.boards.models import Board, Decision, Session
from oncoparcours.boards.services import boards as board_services
from oncoparcours.boards.services import sessions
from oncoparcours.boards.services.decisions import Proposal
from oncoparcours.core.errors import ApplicationError
from oncoparcours.directory.models import Organisation, Professional
from oncoparcours.pathways.models import ActivityInstance
from oncoparcours.patients.models import (
    Biomarker,
    Diagnosis,
    MolecularFinding,
    Patient,
    PerformanceStatus,
    Staging,
)

from .boards import BoardsDemo, _question, cases_stage_needed

# Diagnosis → first board decision, days (INCa: the board meets within weeks of the diagnosis).
DIAGNOSIS_TO_DECISION_DAYS = (14, 30)
# Board decision → first treatment, days.
DECISION_TO_TREATMENT_DAYS = (7, 21)
TREATMENT_KINDS = ("treatment_administration", "procedure")
GENERAL_BOARD_MEMBERS = ("surgery", "radiotherapy", "radiology", "pathology", "urology")


class HistoryDemo(BoardsDemo):
    def __init__(self, *, seed: int, now: dt.datetime | None = None) -> None:
        super().__init__(seed=seed, now=now)
        self.rng = random.Random(seed + 5507)

    # --- who needs a past ------------------------------------------------------------------
    def _first_treatments(self) -> dict[Any, dt.date]:
        rows = (
            ActivityInstance.objects.filter(status="done", kind__in=TREATMENT_KINDS)
            .values("patient_id")
            .annotate(first=Min("done_on"))
            .values_list("patient_id", "first")
            .order_by()
        )
        return {patient: first for patient, first in rows if first is not None}

    def _first_decisions(self) -> dict[Any, dt.datetime]:
        rows = (
            Decision.objects.values("case__patient_id")
            .annotate(first=Min("validated_at"))
            .values_list("case__patient_id", "first")
            .order_by()
        )
        return dict(rows)

    # --- boards ------------------------------------------------------------------------------
    def _boards_of(self, organisation: Organisation) -> list[Board]:
        return list(
            Board.objects.filter(organisers=organisation, is_active=True)
            .exclude(kind="recours")
            .order_by("created_at")
        )

    def _general_board(self, organisation: Organisation) -> Board | None:
        chair = (
            Professional.objects.filter(
                memberships__organisation=organisation,
                specialty="medical_oncology",
                user__isnull=False,
                is_active=True,
            )
            .select_related("user")
            .order_by("last_name")
            .first()
        )
        if chair is None or chair.user is None:
            return None
        self.users.setdefault(chair.user.username, chair.user)
        self.orgs.setdefault(organisation.short_name, organisation)
        return self._board(
            chair_login=chair.user.username,
            organisers=[organisation.short_name],
            name=f"RCP de cancérologie générale — {organisation.name}",
            short_name=f"RCP générale {organisation.short_name}",
            kind="standard",
            icd10_ranges=[["C00", "C80"]],
            every_weeks=1,
            weekday=3,
            start_time=dt.time(13, 30),
            capacity=20,
            minutes_per_case=6,
            members=[(organisation.short_name, s) for s in GENERAL_BOARD_MEMBERS],
        )

    def _board_for(self, patient: Patient, diagnosis: Diagnosis) -> Board | None:
        centre = patient.expert_centre
        if centre is None:
            return None
        for board in self._boards_of(centre):
            if board_services.diagnosis_scope_problem(board, diagnosis.icd10) is None:
                return board
        if diagnosis.icd10[:1] != "C" or diagnosis.icd10[:3] >= "C81":
            return None  # haematological malignancies: their own board only
        return self._general_board(centre)

    def _session_before(self, board: Board, day: dt.date) -> Session:
        """The board's last session on or before ``day`` (created when missing)."""
        after = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=15), dt.time()))
        sessions.sessions_plan(board=board, count=3, after=after)
        limit = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
        session = (
            Session.objects.filter(board=board, starts_at__lt=limit, starts_at__gte=after)
            .order_by("-starts_at")
            .first()
        )
        assert session is not None
        return session

    def _proposal(
        self, diagnosis: Diagnosis, place: str, organisation: Organisation | None
    ) -> Proposal:
        _question_text, modalities, guideline = _question(diagnosis.icd10)
        modalities = list(dict.fromkeys([*modalities, "immunotherapy"]))
        near = place == "proximity"
        return Proposal(
            modalities=modalities,
            proposal="Traitement selon le référentiel, administré au plus près du domicile."
            if near
            else "Traitement selon le référentiel au centre expert.",
            guideline=guideline,
            place_of_care=place,
            place_reason="" if near else "Première administration au centre expert",
            care_organisation=organisation,
        )

    # --- the story ---------------------------------------------------------------------------
    def decide_before_treatment(self) -> int:
        treated = self._first_treatments()
        decided = self._first_decisions()
        waiting = [
            patient
            for patient, first in treated.items()
            if patient not in decided or decided[patient].date() > first
        ]
        diagnoses = {
            d.patient_id: d
            for d in Diagnosis.objects.filter(patient_id__in=waiting, is_primary=True)
            .exclude(icdo3_morphology="")
            .select_related("patient__expert_centre", "patient__proximity_centre")
        }
        groups: dict[tuple[Any, Any], list[tuple[Patient, Diagnosis]]] = defaultdict(list)
        for patient_id in sorted(diagnoses, key=str):
            diagnosis = diagnoses[patient_id]
            patient = diagnosis.patient
            if cases_stage_needed(diagnosis.icd10) and not diagnosis.stagings.exists():
                continue  # the case could not be submitted: no board, as in real life
            board = self._board_for(patient, diagnosis)
            if board is None:
                continue
            target = treated[patient_id] - dt.timedelta(
                days=self.rng.randint(*DECISION_TO_TREATMENT_DAYS)
            )
            session = self._session_before(board, target)
            if session.starts_at >= self.now:
                continue
            self._move_diagnosis(diagnosis, session.starts_at.date())
            groups[(board.pk, session.pk)].append((patient, diagnosis))
        made = 0
        for (board_id, session_id), batch in groups.items():
            made += self._decide(Board.objects.get(pk=board_id), session_id, batch)
        return made

    def _decide(self, board: Board, session_id: Any, batch: list[tuple[Patient, Diagnosis]]) -> int:
        session = Session.objects.get(pk=session_id)
        chair = board.members.get(is_chair=True).professional
        actor = chair.user
        assert actor is not None
        kept = []
        for patient, diagnosis in batch:
            self._join(patient, chair)
            kept.append((patient, diagnosis))
        places = [
            ("proximity", patient.proximity_centre)
            if patient.proximity_centre_id and patient.proximity_centre_id != board_org(board)
            else ("expert", patient.expert_centre)
            for patient, _d in kept
        ]
        try:
            with transaction.atomic():
                self._past_session(session, board, actor, kept, places)
        except ApplicationError:
            return 0  # a case that cannot be submitted: those patients stay without a board
        return len(kept)

    def _move_diagnosis(self, diagnosis: Diagnosis, decided_on: dt.date) -> None:
        """Date the diagnosis 14–30 days before the decision and keep what follows it in
        order (staging, biomarkers, performance status after the diagnosis)."""
        wanted = decided_on - dt.timedelta(days=self.rng.randint(*DIAGNOSIS_TO_DECISION_DAYS))
        shift = wanted - diagnosis.diagnosed_on
        if not shift:
            return
        Diagnosis.objects.filter(pk=diagnosis.pk).update(diagnosed_on=wanted)
        diagnosis.diagnosed_on = wanted
        for model, field, owner in (
            (Staging, "staged_on", "diagnosis"),
            (Biomarker, "tested_on", "diagnosis"),
            (MolecularFinding, "sampled_on", "from_biomarker__diagnosis"),
        ):
            for pk, day in model.objects.filter(**{owner: diagnosis}).values_list("pk", field):
                model.objects.filter(pk=pk).update(**{field: day + shift})
        # The generator's first performance status (up to 15 days after the diagnosis) only.
        first_weeks = PerformanceStatus.objects.filter(
            patient_id=diagnosis.patient_id,
            recorded_on__lte=wanted - shift + dt.timedelta(days=15),
        )
        for pk, day in first_weeks.values_list("pk", "recorded_on"):
            moved = min(day + shift, self.now.date())
            PerformanceStatus.objects.filter(pk=pk).update(recorded_on=moved)

    def date_decided_diagnoses(self) -> int:
        """Patients already decided on (the Caribbean board's history): the diagnosis a few
        weeks before their first decision."""
        moved = 0
        decided = self._first_decisions()
        for diagnosis in Diagnosis.objects.filter(
            patient_id__in=list(decided), is_primary=True
        ).select_related("patient"):
            first = decided[diagnosis.patient_id].date()
            gap = (first - diagnosis.diagnosed_on).days
            if DIAGNOSIS_TO_DECISION_DAYS[0] <= gap <= DIAGNOSIS_TO_DECISION_DAYS[1]:
                continue
            self._move_diagnosis(diagnosis, first)
            moved += 1
        return moved

    def run(self) -> None:
        with transaction.atomic():
            self.decide_before_treatment()
            self.date_decided_diagnoses()


def board_org(board: Board) -> Any:
    first = board.organisers.first()
    return first.pk if first else None
