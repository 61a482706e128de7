"""The indicators' event-level extract: one row per event that an indicator counts, read from the
application with set-based queries (one query per kind of event, streamed), written to Parquet
through DuckDB. Patients appear only as keyed pseudonyms (HMAC-SHA256 with a secret); no name,
INS, address or free text leaves the application.

Columns: patient, kind, at, until, organisation, network, board, template, category, value,
value2, count, overseas. The meaning of each column per kind is in ``KINDS``."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Min, Q
from django.utils import timezone

from oncoparcours.boards.rules.statistics import (
    OVERSEAS_TERRITORIES,
    in_mainland,
    is_overseas_board,
)

COLUMNS = (
    "patient",
    "kind",
    "event_at",
    "end_at",
    "organisation",
    "network",
    "board",
    "template",
    "category",
    "value",
    "value2",
    "count",
    "overseas",
)
TEXT_COLUMNS = frozenset(
    ("patient", "kind", "organisation", "network", "board", "template", "category")
)
SCHEMA = (
    "patient VARCHAR, kind VARCHAR, event_at TIMESTAMP, end_at TIMESTAMP, organisation VARCHAR, "
    "network VARCHAR, board VARCHAR, template VARCHAR, category VARCHAR, value DOUBLE, "
    "value2 DOUBLE, count INTEGER, overseas BOOLEAN"
)
KINDS = {
    "diagnosis": "primary cancer diagnosed (category: ICD-10 3 characters; value2: 1 = poor prognosis, 0 = not poor, empty = not determined)",
    "suspicion": "fast-track diagnosis pathway started (suspicion of cancer)",
    "diagnosis_confirmed": "fast-track diagnosis pathway: pathology result done (diagnosis confirmed)",
    "first_treatment": "first treatment given (administration or procedure done)",
    "rcp_case": "case submitted to a tumour board",
    "rcp_decision": "validated board decision in force (organisation: the patient's centre; category: place of care; value: 1 = trial proposed; value2: the organisation named for the treatment is in mainland France 1 / overseas 0 / not named empty)",
    "referral": "network referral (category: status; value: days to the answer)",
    "alert": "alert (category: level; value: minutes to acknowledgement; until: deadline; count: escalations)",
    "emergency": "alert resolved by an emergency referral (category er_referral) or an admission",
    "followup": "home follow-up period (template; at: start; until: end or extract time)",
    "inclusion": "inclusion in the Article 51 home pathway",
    "refusal": "refusal of the Article 51 home pathway",
    "sequence": "Article 51 sequence (phase) started (category: phase key; at: start; until: completion, end of the pathway or extract time; value: days covered; value2: 1 = completed, 0 = partial; count: order)",
    "administration": "treatment administration done (category: place: home, expert, proximity; count: order of its phase)",
    "car_t": "CAR-T order (category: manufacturer; value: apheresis→release days; value2: vein-to-vein days; count: 1 = out of specification)",
}
OVERSEAS = OVERSEAS_TERRITORIES
HOME_TEMPLATES = ("home-immunotherapy", "car-t")
ARTICLE51_TEMPLATE = "home-immunotherapy"


def pseudonym_key() -> bytes:
    """The pseudonyms' key: ``ONCOPARCOURS_PSEUDONYM_KEY``; only the development profile falls
    back to SECRET_KEY (production refuses to start without it, see settings)."""
    base = os.environ.get("ONCOPARCOURS_PSEUDONYM_KEY", "") or settings.PSEUDONYM_KEY
    if not base:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("ONCOPARCOURS_PSEUDONYM_KEY must be set in production.")
        base = settings.SECRET_KEY
    return hmac.new(base.encode(), b"oncoparcours-indicators-pseudonym", hashlib.sha256).digest()


KEY_FILE = "pseudonym-key.txt"


def key_fingerprint(key: bytes | None = None) -> str:
    """Which key made an extract's pseudonyms (not the key): exports leave out objecting
    patients by their pseudonym, so an extract made with another key must not be used."""
    return hashlib.sha256(b"fingerprint" + (key or pseudonym_key())).hexdigest()[:16]


def stamp_key(directory: Path, key: bytes | None = None) -> None:
    """Record in ``directory`` which key the extract's pseudonyms were made with."""
    (directory / KEY_FILE).write_text(key_fingerprint(key), encoding="utf-8")


class Pseudonymiser:
    """Stable pseudonyms: the same patient gets the same one while the key is unchanged."""

    def __init__(self, key: bytes | None = None) -> None:
        self.key = key or pseudonym_key()
        self.cache: dict[Any, str] = {}

    def __call__(self, patient_id: Any) -> str:
        found = self.cache.get(patient_id)
        if found is None:
            digest = hmac.new(self.key, str(patient_id).encode(), hashlib.sha256).hexdigest()
            found = self.cache[patient_id] = digest[:20]
        return found


def _day(value: dt.date | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.combine(value, dt.time(12), tzinfo=dt.UTC)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass
class Row:
    patient: str
    kind: str
    at: dt.datetime | None
    until: dt.datetime | None = None
    organisation: Any = None
    network: Any = None
    board: Any = None
    template: str = ""
    category: str = ""
    value: float | None = None
    value2: float | None = None
    count: int | None = None
    overseas: bool = False

    def cells(self) -> list[str]:
        def stamp(moment: dt.datetime | None) -> str:
            return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else ""

        return [
            self.patient,
            self.kind,
            stamp(self.at),
            stamp(self.until),
            _text(self.organisation),
            _text(self.network),
            _text(self.board),
            self.template,
            self.category,
            "" if self.value is None else repr(float(self.value)),
            "" if self.value2 is None else repr(float(self.value2)),
            "" if self.count is None else str(int(self.count)),
            "true" if self.overseas else "false",
        ]


class Builder:
    """Reads each kind of event with one query (streamed)."""

    def __init__(self, now: dt.datetime | None = None, key: bytes | None = None) -> None:
        from oncoparcours.patients.models import Patient

        self.now = now or timezone.now()
        self.pseudonym = Pseudonymiser(key)
        self.centre: dict[Any, Any] = {}
        self.overseas: set[Any] = set()
        for pk, centre, departement in Patient.objects.values_list(
            "pk", "expert_centre_id", "departement"
        ).iterator(chunk_size=20000):
            self.centre[pk] = centre
            if departement in OVERSEAS:
                self.overseas.add(pk)

    def row(self, patient_id: Any, kind: str, at: dt.datetime | None, **fields: Any) -> Row:
        fields.setdefault("organisation", self.centre.get(patient_id))
        return Row(
            self.pseudonym(patient_id), kind, at, overseas=patient_id in self.overseas, **fields
        )

    def rows(self) -> Iterator[Row]:
        for method in (
            self.diagnoses,
            self.suspicions,
            self.first_treatments,
            self.cases,
            self.decisions,
            self.referrals,
            self.alerts,
            self.emergencies,
            self.followups,
            self.refusals,
            self.sequences,
            self.administrations,
            self.car_t,
        ):
            yield from method()

    def diagnoses(self) -> Iterable[Row]:
        from oncoparcours.patients.models import Diagnosis

        query = Diagnosis.objects.filter(is_primary=True).values_list(
            "patient_id", "diagnosed_on", "icd10", "poor_prognosis"
        )
        for patient, day, icd10, poor in query.iterator(chunk_size=20000):
            yield self.row(
                patient,
                "diagnosis",
                _day(day),
                category=icd10[:3],
                value2=None if poor is None else float(poor),  # None: prognosis to check
            )

    def suspicions(self) -> Iterable[Row]:
        from oncoparcours.pathways.models import PathwayInstance

        query = PathwayInstance.objects.filter(template__code="fast-track-diagnosis").values_list(
            "patient_id", "start_date"
        )
        for patient, start in query.iterator(chunk_size=20000):
            yield self.row(patient, "suspicion", _day(start), template="fast-track-diagnosis")
        from oncoparcours.pathways.models import ActivityInstance

        confirmed = ActivityInstance.objects.filter(
            instance__template__code="fast-track-diagnosis",
            template_activity="pathology",
            status="done",
        ).values_list("patient_id", "done_on")
        for patient, day in confirmed.iterator(chunk_size=20000):
            yield self.row(
                patient, "diagnosis_confirmed", _day(day), template="fast-track-diagnosis"
            )

    def first_treatments(self) -> Iterable[Row]:
        from oncoparcours.pathways.models import ActivityInstance

        query = (
            ActivityInstance.objects.filter(
                status="done", kind__in=["treatment_administration", "procedure"]
            )
            .values("patient_id")
            .annotate(first=Min("done_on"))
            .values_list("patient_id", "first")
            .order_by()
        )
        for patient, first in query.iterator(chunk_size=20000):
            yield self.row(patient, "first_treatment", _day(first))

    def cases(self) -> Iterable[Row]:
        from oncoparcours.boards.models import Case

        query = Case.objects.exclude(status="withdrawn").values_list(
            "patient_id", "submitted_at", "board_id", "board__network__code"
        )
        for patient, submitted, board, network in query.iterator(chunk_size=20000):
            yield self.row(patient, "rcp_case", submitted, board=board, network=network)

    def decisions(self) -> Iterable[Row]:
        from oncoparcours.boards.models import Decision

        query = Decision.objects.filter(amended_by__isnull=True).values_list(
            "case__patient_id",
            "validated_at",
            "case__board_id",
            "case__board__network__code",
            "place_of_care",
            "trial",
            "trial_identifier",
            "care_organisation__departement",
        )
        for patient, at, board, network, place, trial, identifier, departement in query.iterator(
            chunk_size=20000
        ):
            mainland = in_mainland(departement)
            yield self.row(
                patient,
                "rcp_decision",
                at,
                board=board,
                network=network,
                category=place,
                value=float(bool(trial or identifier)),
                value2=None if mainland is None else float(mainland),
            )

    def referrals(self) -> Iterable[Row]:
        from oncoparcours.boards.models import Referral

        query = Referral.objects.values_list(
            "patient_id",
            "requested_at",
            "answered_at",
            "status",
            "network__code",
            "expert_centre_id",
        )
        for patient, requested, answered, status, network, centre in query.iterator(
            chunk_size=20000
        ):
            delay = (answered - requested).total_seconds() / 86400 if answered else None
            yield self.row(
                patient,
                "referral",
                requested,
                until=answered,
                network=network,
                organisation=centre,
                category=status,
                value=delay,
            )

    def alerts(self) -> Iterable[Row]:
        from oncoparcours.monitoring.models import Alert

        query = (
            Alert.objects.annotate(
                acknowledged=Min("events__at", filter=Q(events__kind="acknowledged")),
                escalations=Count("events", filter=Q(events__kind="escalated")),
            )
            .values_list(
                "patient_id",
                "created_at",
                "level",
                "deadline",
                "acknowledged",
                "escalations",
                "organisation_id",
            )
            .order_by()
        )
        for (
            patient,
            created,
            level,
            deadline,
            acknowledged,
            escalations,
            organisation,
        ) in query.iterator(chunk_size=20000):
            minutes = (acknowledged - created).total_seconds() / 60 if acknowledged else None
            yield self.row(
                patient,
                "alert",
                created,
                until=deadline,
                category=level,
                value=minutes,
                value2=1.0
                if acknowledged and deadline and acknowledged <= deadline
                else (0.0 if deadline else None),
                count=escalations,
                **({"organisation": organisation} if organisation else {}),
            )

    def emergencies(self) -> Iterable[Row]:
        from oncoparcours.monitoring.models import AlertEvent

        query = AlertEvent.objects.filter(
            kind="resolved", action__in=["er_referral", "admission"]
        ).values_list("alert__patient_id", "at", "action")
        for patient, at, action in query.iterator(chunk_size=20000):
            yield self.row(patient, "emergency", at, category=action)

    def followups(self) -> Iterable[Row]:
        from oncoparcours.pathways.models import PathwayInstance

        query = PathwayInstance.objects.filter(template__code__in=HOME_TEMPLATES).values_list(
            "patient_id", "template__code", "start_date", "ended_on"
        )
        for patient, template, start, ended in query.iterator(chunk_size=20000):
            until = _day(ended) if ended else self.now
            yield self.row(patient, "followup", _day(start), until=until, template=template)
            if template == ARTICLE51_TEMPLATE:
                yield self.row(patient, "inclusion", _day(start), template=template)

    def refusals(self) -> Iterable[Row]:
        from oncoparcours.pathways.models import PathwayRefusal

        query = PathwayRefusal.objects.filter(template_code=ARTICLE51_TEMPLATE).values_list(
            "patient_id", "recorded_on", "reason"
        )
        for patient, day, reason in query.iterator(chunk_size=20000):
            yield self.row(
                patient, "refusal", _day(day), template=ARTICLE51_TEMPLATE, category=reason
            )

    def sequences(self) -> Iterable[Row]:
        """Every Article 51 sequence started: completed, interrupted (the pathway ended) or in
        progress (until the extract time) — partial sequences are charged pro rata."""
        from oncoparcours.pathways.models import PhaseInstance

        query = PhaseInstance.objects.filter(
            instance__template__code=ARTICLE51_TEMPLATE, started_on__isnull=False
        ).values_list(
            "instance__patient_id",
            "started_on",
            "completed_on",
            "instance__ended_on",
            "status",
            "key",
            "order",
        )
        today = timezone.localdate(self.now)
        for patient, started, completed, ended, status, key, order in query.iterator(
            chunk_size=20000
        ):
            if started is None:  # excluded by the query; for the type checker
                continue
            end: dt.date = ended or today
            done = status == "completed" and completed is not None
            if done and completed is not None:
                end = completed
            yield self.row(
                patient,
                "sequence",
                _day(started),
                until=_day(end),
                template=ARTICLE51_TEMPLATE,
                category=key,
                value=float(max(0, (end - started).days)),
                value2=1.0 if done else 0.0,
                count=order,
            )

    def administrations(self) -> Iterable[Row]:
        from oncoparcours.pathways.models import ActivityInstance

        query = ActivityInstance.objects.filter(
            status="done", kind="treatment_administration"
        ).values_list("patient_id", "done_on", "place", "instance__template__code", "phase__order")
        for patient, day, place, template, order in query.iterator(chunk_size=20000):
            yield self.row(
                patient,
                "administration",
                _day(day),
                category=place,
                template=template,
                count=order,
            )

    def car_t(self) -> Iterable[Row]:
        from oncoparcours.celltherapy.models import CarTOrder
        from oncoparcours.celltherapy.rules.figures import order_figures
        from oncoparcours.celltherapy.selectors import order_dates_by_id

        patients = dict(CarTOrder.objects.values_list("pk", "patient_id"))
        for order_id, dates in order_dates_by_id(CarTOrder.objects.all()):
            figures = order_figures(dates)
            yield self.row(
                patients[order_id],
                "car_t",
                dates.collected,
                until=dates.infused,
                category=dates.manufacturer,
                value=figures.apheresis_to_release,
                value2=figures.vein_to_vein,
                count=1 if dates.out_of_specification else 0,
            )


def board_rows() -> Iterator[list[str]]:
    """Boards, with whether "near home" means "not transferred to mainland France" for them."""
    from oncoparcours.boards.models import Board

    departements: dict[Any, list[str]] = {}
    for board, departement in Board.organisers.through.objects.values_list(
        "board_id", "organisation__departement"
    ).iterator(chunk_size=20000):
        departements.setdefault(board, []).append(departement)
    for pk, name, kind in Board.objects.values_list("pk", "name", "kind").iterator(
        chunk_size=20000
    ):
        overseas = is_overseas_board(kind, departements.get(pk, []))
        yield [str(pk), name, "true" if overseas else "false"]


def organisation_rows() -> Iterator[list[str]]:
    from oncoparcours.directory.models import Organisation

    for pk, name, short, kind, region in Organisation.objects.values_list(
        "pk", "name", "short_name", "kind", "region"
    ).iterator(chunk_size=20000):
        yield [str(pk), name, short or name, kind, region]


DIMENSIONS = {
    "organisations": (
        "id VARCHAR, name VARCHAR, short_name VARCHAR, kind VARCHAR, region VARCHAR",
        organisation_rows,
    ),
    "boards": ("id VARCHAR, name VARCHAR, overseas BOOLEAN", board_rows),
}


@dataclass(frozen=True)
class Written:
    directory: Path
    rows: int
    seconds: float


def _copy_csv(connection: Any, table: str, schema: str, path: Path, target: Path) -> None:
    connection.execute(f"CREATE TABLE {table} ({schema})")
    connection.execute(
        f"COPY {table} FROM ? (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', "
        "ESCAPE '\"', NULLSTR '', AUTO_DETECT false)",
        [str(path)],
    )
    connection.execute(f"COPY {table} TO ? (FORMAT parquet)", [str(target)])


def write_extract(
    directory: Path, *, now: dt.datetime | None = None, key: bytes | None = None
) -> Written:
    """Write events.parquet and the dimension tables in ``directory`` (each atomically replaced)."""
    import duckdb

    started = time.monotonic()
    directory.mkdir(parents=True, exist_ok=True)
    rows = 0
    with tempfile.TemporaryDirectory(dir=directory) as scratch_name:
        scratch = Path(scratch_name)
        with (scratch / "events.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            for row in Builder(now, key).rows():
                writer.writerow(row.cells())
                rows += 1
        for table, (_schema, source) in DIMENSIONS.items():
            with (scratch / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows(source())
        connection = duckdb.connect()
        schemas = {"events": SCHEMA, **{t: d[0] for t, d in DIMENSIONS.items()}}
        for table, schema in schemas.items():
            _copy_csv(
                connection, table, schema, scratch / f"{table}.csv", scratch / f"{table}.parquet"
            )
        connection.close()
        stamp_key(scratch, key)
        for table in schemas:
            os.replace(scratch / f"{table}.parquet", directory / f"{table}.parquet")
        os.replace(scratch / KEY_FILE, directory / KEY_FILE)
    return Written(directory, rows, time.monotonic() - started)
