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
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

from oncoparcours.boards.rules.statistics import (
    OVERSEAS_TERRITORIES,
    in_mainland,
    is_overseas_board,
)
from oncoparcours.core.pseudonyms import derived_key

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
DECIMAL_COLUMNS = frozenset(("value", "value2"))  # DOUBLE: written "38,6" in CSV downloads
TYPES = {
    "patient": "VARCHAR",
    "kind": "VARCHAR",
    "event_at": "TIMESTAMP",
    "end_at": "TIMESTAMP",
    "organisation": "VARCHAR",
    "network": "VARCHAR",
    "board": "VARCHAR",
    "template": "VARCHAR",
    "category": "VARCHAR",
    "value": "DOUBLE",
    "value2": "DOUBLE",
    "count": "INTEGER",
    "overseas": "BOOLEAN",
}
SCHEMA = ", ".join(f"{column} {TYPES[column]}" for column in COLUMNS)
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
    """The pseudonyms' key (``core.pseudonyms``: never SECRET_KEY in production)."""
    return derived_key(b"oncoparcours-indicators-pseudonym")


KEY_FILE = "pseudonym-key.txt"


def key_fingerprint(key: bytes | None = None) -> str:
    """Which key made an extract's pseudonyms (not the key): exports leave out objecting
    patients by their pseudonym, so an extract made with another key must not be used."""
    return hashlib.sha256(b"fingerprint" + (key or pseudonym_key())).hexdigest()[:16]


def stamp_key(directory: Path, key: bytes | None = None) -> None:
    """Record in ``directory`` which key the extract's pseudonyms were made with."""
    (directory / KEY_FILE).write_text(key_fingerprint(key), encoding="utf-8")


class Pseudonymiser:
    """Stable pseudonyms: the same patient gets the same one while the key is unchanged. The
    last ``REMEMBERED`` are kept (a patient's rows often follow each other), not every patient
    of a national extract: memory stays bounded whatever the number of patients."""

    REMEMBERED = 100_000

    def __init__(self, key: bytes | None = None) -> None:
        self.key = key or pseudonym_key()
        self.cache: dict[Any, str] = {}

    def __call__(self, patient_id: Any) -> str:
        found = self.cache.get(patient_id)
        if found is None:
            if len(self.cache) >= self.REMEMBERED:
                self.cache.clear()
            digest = hmac.new(self.key, str(patient_id).encode(), hashlib.sha256).hexdigest()
            found = self.cache[patient_id] = digest[:20]
        return found


def _number(patient_id: Any) -> int:
    """A patient id as its 128-bit number (the key of the builder's per-patient maps: a tenth of
    the memory of a UUID object per patient at national scale)."""
    return patient_id.int if isinstance(patient_id, uuid.UUID) else uuid.UUID(str(patient_id)).int


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
    """Reads each kind of event with one query (streamed); with ``patients`` (a list of ids, or
    a query of patient ids read as a subquery), only the events of those patients (the
    incremental refresh)."""

    def __init__(
        self,
        now: dt.datetime | None = None,
        key: bytes | None = None,
        patients: Any = None,
    ) -> None:
        from oncoparcours.patients.models import Patient

        self.now = now or timezone.now()
        self.pseudonym = Pseudonymiser(key)
        self.patients = patients
        # Each patient's centre and whether they live overseas, by the id's number; the few
        # centres are shared objects, not one copy per patient.
        self.centre: dict[int, Any] = {}
        self.overseas: set[int] = set()
        centres: dict[Any, Any] = {}
        for pk, centre, departement in self._read(
            self.scoped(Patient.objects, "pk").values_list("pk", "expert_centre_id", "departement")
        ):
            number = _number(pk)
            self.centre[number] = centres.setdefault(centre, centre)
            if departement in OVERSEAS:
                self.overseas.add(number)

    def _read(self, query: Any) -> Iterator[Any]:
        """The rows of ``query``: streamed through a server-side cursor for the whole extract;
        for a batch of patients (incremental refresh), read in one go. A cursor makes
        PostgreSQL favour fast-start plans: at 2,000,000 patients a batch of 5,000 ids scanned
        whole tables (13 s for one kind) instead of walking the patient index."""
        if self.patients is None:
            return query.iterator(chunk_size=20000)
        return iter(list(query))

    def scoped(self, query: Any, path: str) -> Any:
        """``query`` limited to the patients of an incremental refresh (``path`` leads to the
        patient's id), or whole."""
        if self.patients is None:
            return query.all()
        return query.filter(**{f"{path}__in": self.patients})

    def row(self, patient_id: Any, kind: str, at: dt.datetime | None, **fields: Any) -> Row:
        number = _number(patient_id)
        fields.setdefault("organisation", self.centre.get(number))
        return Row(self.pseudonym(patient_id), kind, at, overseas=number in self.overseas, **fields)

    def time_dependent_rows(self) -> Iterator[Row]:
        """The rows whose content moves with the extract time alone (open periods run to it)."""
        yield from self.followups()
        yield from self.sequences()

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

        query = (
            self.scoped(Diagnosis.objects, "patient_id")
            .filter(is_primary=True)
            .values_list("patient_id", "diagnosed_on", "icd10", "poor_prognosis")
        )
        for patient, day, icd10, poor in self._read(query):
            yield self.row(
                patient,
                "diagnosis",
                _day(day),
                category=icd10[:3],
                value2=None if poor is None else float(poor),  # None: prognosis to check
            )

    def suspicions(self) -> Iterable[Row]:
        from oncoparcours.pathways.models import PathwayInstance

        query = (
            self.scoped(PathwayInstance.objects, "patient_id")
            .filter(template__code="fast-track-diagnosis")
            .values_list("patient_id", "start_date")
        )
        for patient, start in self._read(query):
            yield self.row(patient, "suspicion", _day(start), template="fast-track-diagnosis")
        from oncoparcours.pathways.models import ActivityInstance

        confirmed = (
            self.scoped(ActivityInstance.objects, "patient_id")
            .filter(
                instance__template__code="fast-track-diagnosis",
                template_activity="pathology",
                status="done",
            )
            .values_list("patient_id", "done_on")
        )
        for patient, day in self._read(confirmed):
            yield self.row(
                patient, "diagnosis_confirmed", _day(day), template="fast-track-diagnosis"
            )

    def first_treatments(self) -> Iterable[Row]:
        from oncoparcours.pathways.models import ActivityInstance

        query = (
            self.scoped(ActivityInstance.objects, "patient_id")
            .filter(status="done", kind__in=["treatment_administration", "procedure"])
            .values("patient_id")
            .annotate(first=Min("done_on"))
            .values_list("patient_id", "first")
            .order_by()
        )
        for patient, first in self._read(query):
            yield self.row(patient, "first_treatment", _day(first))

    def cases(self) -> Iterable[Row]:
        from oncoparcours.boards.models import Case

        query = (
            self.scoped(Case.objects, "patient_id")
            .exclude(status="withdrawn")
            .values_list("patient_id", "submitted_at", "board_id", "board__network__code")
        )
        for patient, submitted, board, network in self._read(query):
            yield self.row(patient, "rcp_case", submitted, board=board, network=network)

    def decisions(self) -> Iterable[Row]:
        from oncoparcours.boards.models import Decision

        query = (
            self.scoped(Decision.objects, "case__patient_id")
            .filter(amended_by__isnull=True)
            .values_list(
                "case__patient_id",
                "validated_at",
                "case__board_id",
                "case__board__network__code",
                "place_of_care",
                "trial",
                "trial_identifier",
                "care_organisation__departement",
            )
        )
        for patient, at, board, network, place, trial, identifier, departement in self._read(query):
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

        query = self.scoped(Referral.objects, "patient_id").values_list(
            "patient_id",
            "requested_at",
            "answered_at",
            "status",
            "network__code",
            "expert_centre_id",
        )
        for patient, requested, answered, status, network, centre in self._read(query):
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
            self.scoped(Alert.objects, "patient_id")
            .annotate(
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
        ) in self._read(query):
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

        query = (
            self.scoped(AlertEvent.objects, "alert__patient_id")
            .filter(kind="resolved", action__in=["er_referral", "admission"])
            .values_list("alert__patient_id", "at", "action")
        )
        for patient, at, action in self._read(query):
            yield self.row(patient, "emergency", at, category=action)

    def followups(self) -> Iterable[Row]:
        from oncoparcours.pathways.models import PathwayInstance

        query = (
            self.scoped(PathwayInstance.objects, "patient_id")
            .filter(template__code__in=HOME_TEMPLATES)
            .values_list("patient_id", "template__code", "start_date", "ended_on")
        )
        for patient, template, start, ended in self._read(query):
            until = _day(ended) if ended else self.now
            yield self.row(patient, "followup", _day(start), until=until, template=template)
            if template == ARTICLE51_TEMPLATE:
                yield self.row(patient, "inclusion", _day(start), template=template)

    def refusals(self) -> Iterable[Row]:
        from oncoparcours.pathways.models import PathwayRefusal

        query = (
            self.scoped(PathwayRefusal.objects, "patient_id")
            .filter(template_code=ARTICLE51_TEMPLATE)
            .values_list("patient_id", "recorded_on", "reason")
        )
        for patient, day, reason in self._read(query):
            yield self.row(
                patient, "refusal", _day(day), template=ARTICLE51_TEMPLATE, category=reason
            )

    def sequences(self) -> Iterable[Row]:
        """Every Article 51 sequence started: completed, interrupted (the pathway ended) or in
        progress (until the extract time) — partial sequences are charged pro rata."""
        from oncoparcours.pathways.models import PhaseInstance

        query = (
            self.scoped(PhaseInstance.objects, "instance__patient_id")
            .filter(instance__template__code=ARTICLE51_TEMPLATE, started_on__isnull=False)
            .values_list(
                "instance__patient_id",
                "started_on",
                "completed_on",
                "instance__ended_on",
                "status",
                "key",
                "order",
            )
        )
        today = timezone.localdate(self.now)
        for patient, started, completed, ended, status, key, order in self._read(query):
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

        query = (
            self.scoped(ActivityInstance.objects, "patient_id")
            .filter(status="done", kind="treatment_administration")
            .values_list(
                "patient_id", "done_on", "place", "instance__template__code", "phase__order"
            )
        )
        for patient, day, place, template, order in self._read(query):
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

        orders = self.scoped(CarTOrder.objects, "patient_id")
        patients = dict(orders.values_list("pk", "patient_id"))
        for order_id, dates in order_dates_by_id(orders):
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
    patients_refreshed: int | None = None  # None: a full extract
    open_periods_refreshed: int | None = None  # patients whose open periods alone were re-read
    memory_limit: str = ""  # DuckDB's, as the extract's connection reports it


EVENTS = "events"  # the events, partitioned by the first character of the pseudonym
STATE_FILE = "extract-state.json"
# Transactions commit a little after the time they stamp: look back this far before the last run.
LOOK_BACK = dt.timedelta(minutes=10)
# The kinds ``Builder.time_dependent_rows`` writes: refreshed for every patient with an open home
# pathway at each run, while the rest of an unchanged patient's rows are kept as they are.
TIME_DEPENDENT_KINDS = ("followup", "inclusion", "sequence")
READ_ACTIONS = ("view", "list", "search", "export", "denied", "login", "login_failed", "logout")


def events_source(directory: Path) -> str:
    """The DuckDB table expression reading the events of the extract in ``directory``."""
    pattern = str(directory / EVENTS / "*" / "*.parquet").replace("'", "''")
    return f"read_parquet('{pattern}', hive_partitioning = false)"


def extract_connection(scratch: Path) -> Any:
    """The DuckDB connection the extract writes with: a database file in ``scratch`` (the
    extract's temporary directory), at most ``INDICATORS_EXTRACT_MEMORY_LIMIT`` of memory
    (``ONCOPARCOURS_EXTRACT_MEMORY_LIMIT``, default 1GB) and what does not fit spilled to
    ``scratch``, rows written in no particular order (so that DuckDB streams them). The
    extract's memory is thus bounded whatever the number of events."""
    import duckdb
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    limit = str(settings.INDICATORS_EXTRACT_MEMORY_LIMIT)
    connection = duckdb.connect(str(scratch / "extract.duckdb"))
    try:
        connection.execute(f"SET memory_limit = {_literal(limit)}")
    except duckdb.Error as error:
        connection.close()
        raise ImproperlyConfigured(
            f"ONCOPARCOURS_EXTRACT_MEMORY_LIMIT: {limit!r} is not a memory size "
            f"(for example 1GB or 512MiB): {error}"
        ) from error
    spill = scratch / "spill"
    spill.mkdir(exist_ok=True)
    connection.execute(f"SET temp_directory = {_literal(str(spill))}")
    connection.execute("SET preserve_insertion_order = false")
    return connection


def _literal(text: str) -> str:
    """``text`` as an SQL string literal (SET and table functions take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def memory_limit(connection: Any) -> str:
    """The memory limit a DuckDB connection runs with, as DuckDB reports it (``953.6 MiB``)."""
    return str(connection.execute("SELECT current_setting('memory_limit')").fetchone()[0])


def _csv_source(path: Path) -> str:
    """The DuckDB table expression reading an events CSV written by ``_write_rows`` (the columns
    and their types given, nothing guessed; an empty cell is NULL)."""
    columns = ", ".join(f"'{column}': '{TYPES[column]}'" for column in COLUMNS)
    return (
        f"read_csv({_literal(str(path))}, columns = {{{columns}}}, header = false, delim = ',', "
        "quote = '\"', escape = '\"', nullstr = '', auto_detect = false)"
    )


def _copy_csv(connection: Any, table: str, schema: str, path: Path) -> None:
    connection.execute(f"CREATE TABLE {table} ({schema})")
    connection.execute(
        f"COPY {table} FROM ? (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', "
        "ESCAPE '\"', NULLSTR '', AUTO_DETECT false)",
        [str(path)],
    )


def _write_rows(rows: Iterable[Row], path: Path) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow(row.cells())
            count += 1
    return count


def _write_dimensions(connection: Any, scratch: Path, directory: Path) -> None:
    for table, (schema, source) in DIMENSIONS.items():
        with (scratch / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(source())
        _copy_csv(connection, table, schema, scratch / f"{table}.csv")
        connection.execute(
            f"COPY {table} TO ? (FORMAT parquet)", [str(scratch / f"{table}.parquet")]
        )
        os.replace(scratch / f"{table}.parquet", directory / f"{table}.parquet")


def _partition(connection: Any, source: Path, target: Path) -> None:
    """Write the events CSV ``source`` as Parquet partitioned by the pseudonym's first character,
    streamed from the file (never loaded whole)."""
    query = "SELECT *, left(patient, 1) AS part FROM " + _csv_source(source)  # noqa: S608 (a quoted path)
    connection.execute(
        f"COPY ({query}) TO ? "
        "(FORMAT parquet, PARTITION_BY (part), FILENAME_PATTERN 'events_{uuid}')",
        [str(target)],
    )


def _state(now: dt.datetime, audit_id: int, key: bytes | None) -> dict[str, Any]:
    return {"since": now.isoformat(), "audit_id": audit_id, "key": key_fingerprint(key)}


def _last_audit_id() -> int:
    from oncoparcours.core.models import AuditEvent

    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def write_extract(
    directory: Path,
    *,
    now: dt.datetime | None = None,
    key: bytes | None = None,
    incremental: bool = False,
) -> Written:
    """Write the events (Parquet partitioned by pseudonym) and the dimension tables in
    ``directory``. ``incremental``: re-read only the patients whose data changed since the last
    run and merge them into the partitions they live in (a full extract when there is no
    previous one, or it was made with another key)."""
    now = now or timezone.now()
    previous = _read_state(directory)
    if incremental and previous is not None and previous["key"] == key_fingerprint(key):
        return _write_incremental(directory, now, key, previous)
    return _write_full(directory, now, key)


def _read_state(directory: Path) -> dict[str, Any] | None:
    path = directory / STATE_FILE
    if not path.exists() or not (directory / EVENTS).is_dir():
        return None
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _save_state(directory: Path, state: dict[str, Any]) -> None:
    (directory / f"{STATE_FILE}.tmp").write_text(json.dumps(state), encoding="utf-8")
    os.replace(directory / f"{STATE_FILE}.tmp", directory / STATE_FILE)


def _write_full(directory: Path, now: dt.datetime, key: bytes | None) -> Written:
    started = time.monotonic()
    directory.mkdir(parents=True, exist_ok=True)
    audit_id = _last_audit_id()  # before reading: later writes are taken by the next run
    with tempfile.TemporaryDirectory(dir=directory) as scratch_name:
        scratch = Path(scratch_name)
        connection = extract_connection(scratch)  # first: a wrong setting stops before reading
        try:
            limit = memory_limit(connection)
            rows = _write_rows(Builder(now, key).rows(), scratch / "events.csv")
            _partition(connection, scratch / "events.csv", scratch / EVENTS)
            _write_dimensions(connection, scratch, directory)
        finally:
            connection.close()
        stamp_key(scratch, key)
        old = directory / f"{EVENTS}.old"
        shutil.rmtree(old, ignore_errors=True)
        if (directory / EVENTS).exists():
            os.replace(directory / EVENTS, old)
        os.replace(scratch / EVENTS, directory / EVENTS)
        shutil.rmtree(old, ignore_errors=True)
        (directory / "events.parquet").unlink(missing_ok=True)  # the former single file
        os.replace(scratch / KEY_FILE, directory / KEY_FILE)
    _save_state(directory, _state(now, audit_id, key))
    return Written(directory, rows, time.monotonic() - started, memory_limit=limit)


def changed_patients(since: dt.datetime, audit_id: int) -> set[Any]:
    """Patients whose extract rows may have changed since ``since``: any row the extract reads
    written since then (its update or event time), any write audited on the patient since the
    audit event ``audit_id``. Open home follow-ups, whose periods run to the extract time, are
    ``open_period_patients``."""
    from oncoparcours.boards.models import Case, Decision, Referral
    from oncoparcours.celltherapy.models import CarTOrder, CustodyEvent
    from oncoparcours.core.models import AuditEvent
    from oncoparcours.monitoring.models import Alert, AlertEvent
    from oncoparcours.pathways.models import (
        ActivityInstance,
        PathwayInstance,
        PathwayRefusal,
        PhaseInstance,
    )
    from oncoparcours.patients.models import Diagnosis, Patient

    sources: list[tuple[Any, str, str]] = [
        (Patient.objects, "updated_at", "pk"),
        (Diagnosis.objects, "updated_at", "patient_id"),
        (PathwayInstance.objects, "updated_at", "patient_id"),
        (PhaseInstance.objects, "updated_at", "instance__patient_id"),
        (ActivityInstance.objects, "updated_at", "patient_id"),
        (PathwayRefusal.objects, "updated_at", "patient_id"),
        (Case.objects, "updated_at", "patient_id"),
        (Decision.objects, "validated_at", "case__patient_id"),
        (Referral.objects, "updated_at", "patient_id"),
        (Alert.objects, "created_at", "patient_id"),
        (CarTOrder.objects, "updated_at", "patient_id"),
        (CustodyEvent.objects, "at", "order__patient_id"),
    ]
    changed: set[Any] = set()
    # Plain queries, not server-side cursors: a cursor makes PostgreSQL favour fast-start plans
    # (a 100,000-patient database took a minute on the alert events instead of a second).
    for query, stamp, patient in sources:
        rows = query.filter(**{f"{stamp}__gte": since}).values_list(patient, flat=True)
        changed.update(rows.distinct().order_by())
    events = AlertEvent.objects.filter(at__gte=since).values("alert_id")
    alerted = Alert.objects.filter(pk__in=events).values_list("patient_id", flat=True)
    changed.update(alerted.distinct().order_by())
    audited = (
        AuditEvent.objects.filter(id__gt=audit_id, patient_id__isnull=False)
        .exclude(action__in=READ_ACTIONS)
        .values_list("patient_id", flat=True)
    )
    changed.update(audited.distinct().order_by())
    changed.discard(None)
    return changed


def open_period_query() -> Any:
    """The patients with an open home pathway (a query of patient ids, to be read as a
    subquery): their follow-up period and Article 51 sequence in progress end at the extract
    time, so those rows change at every run."""
    from oncoparcours.pathways.models import PathwayInstance

    return PathwayInstance.objects.filter(
        template__code__in=HOME_TEMPLATES, ended_on__isnull=True, patient_id__isnull=False
    ).values("patient_id")


def open_period_patients() -> set[Any]:
    """The ids of the patients with an open home pathway (``open_period_query``)."""
    open_home = open_period_query().values_list("patient_id", flat=True)
    return set(open_home.distinct().order_by()) - {None}


def _write_incremental(
    directory: Path, now: dt.datetime, key: bytes | None, previous: dict[str, Any]
) -> Written:
    started = time.monotonic()
    audit_id = _last_audit_id()
    since = dt.datetime.fromisoformat(previous["since"]) - LOOK_BACK
    changed = changed_patients(since, int(previous["audit_id"]))
    patients = sorted(changed, key=str)
    periods = sorted(open_period_patients() - changed, key=str)
    with tempfile.TemporaryDirectory(dir=directory) as scratch_name:
        scratch = Path(scratch_name)
        connection = extract_connection(scratch)
        try:
            limit = memory_limit(connection)
            _write_patient_list(scratch / "changed.csv", patients, key)
            _write_patient_list(scratch / "periods.csv", periods, key)
            with (scratch / "events.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                rows = _write_builder_rows(writer, now, key, patients, Builder.rows)
                rows += _write_open_periods(writer, now, key, changed)
            connection.execute("SET threads TO 2")
            _copy_csv(connection, "events", SCHEMA, scratch / "events.csv")
            for table in ("changed", "periods"):
                connection.execute(f"CREATE TABLE {table} (patient VARCHAR)")
                connection.execute(
                    f"COPY {table} FROM ? (FORMAT csv, HEADER false)",
                    [str(scratch / f"{table}.csv")],
                )
            parts = [
                part
                for (part,) in connection.execute(
                    "SELECT DISTINCT left(patient, 1) FROM "
                    "(SELECT patient FROM changed UNION SELECT patient FROM periods) ORDER BY 1"
                ).fetchall()
            ]
            for part in parts:
                _merge_part(connection, directory / EVENTS / f"part={part}", scratch, part)
            _write_dimensions(connection, scratch, directory)
        finally:
            connection.close()
    _save_state(directory, _state(now, audit_id, key))
    return Written(
        directory,
        rows,
        time.monotonic() - started,
        len(patients),
        len(periods),
        memory_limit=limit,
    )


def _write_patient_list(path: Path, patients: list[Any], key: bytes | None) -> None:
    pseudonym = Pseudonymiser(key)
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(f"{pseudonym(p)}\n" for p in patients)


def _write_builder_rows(
    writer: Any,
    now: dt.datetime,
    key: bytes | None,
    patients: list[Any],
    produce: Callable[[Builder], Iterable[Row]],
) -> int:
    """Rows of ``patients`` (by batches of 5,000) from one of the builder's row producers."""
    written = 0
    for start in range(0, len(patients), 5000):
        for row in produce(Builder(now, key, patients[start : start + 5000])):
            writer.writerow(row.cells())
            written += 1
    return written


def _write_open_periods(writer: Any, now: dt.datetime, key: bytes | None, changed: set[Any]) -> int:
    """The time-dependent rows of every patient with an open home pathway, read set-wise (one
    query per kind, the open pathways as a subquery), less those of the ``changed`` patients
    (re-read whole)."""
    builder = Builder(now, key, open_period_query())
    skipped = {builder.pseudonym(patient) for patient in changed}
    written = 0
    for row in builder.time_dependent_rows():
        if row.patient not in skipped:
            writer.writerow(row.cells())
            written += 1
    return written


def _merge_part(connection: Any, folder: Path, scratch: Path, part: str) -> None:
    """Rewrite one partition: its rows of unchanged patients (less the time-dependent rows of
    open periods) plus the new rows; the new file replaces the old ones only once complete."""
    old = sorted(folder.glob("*.parquet")) if folder.exists() else []
    target = scratch / f"part-{part}.parquet"
    if old:
        connection.execute(
            "COPY (SELECT * FROM read_parquet(?, hive_partitioning = false) "
            "WHERE patient NOT IN (SELECT patient FROM changed) "
            "AND NOT (list_contains(?, kind) AND patient IN (SELECT patient FROM periods)) "
            "UNION ALL SELECT * FROM events WHERE left(patient, 1) = ?) TO ? (FORMAT parquet)",
            [[str(path) for path in old], list(TIME_DEPENDENT_KINDS), part, str(target)],
        )
    else:
        connection.execute(
            "COPY (SELECT * FROM events WHERE left(patient, 1) = ?) TO ? (FORMAT parquet)",
            [part, str(target)],
        )
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"events_{uuid.uuid4().hex}.parquet"
    os.replace(target, final)
    for path in old:
        path.unlink()
