"""Poor-prognosis classification (INCa: 5-year net survival < 33 %) from a versioned survival
table whose entries are keyed by site (ICD-10 ranges) with optional histology (ICD-O-3),
biomarker subtype, stage and age conditions. Pure: no Django.

Each condition is true, false or unknown (``None``) when the fact that decides it is missing.
The most specific entry whose conditions all hold gives the answer. When a more specific entry
could still apply (some of its conditions are unknown) and would give another answer, the
diagnosis is "to check" with the missing facts listed — never a silent "not poor prognosis".

An entry may hold only for the usual histologies of its site (``usual_histology``: a site figure
is the figure of the histologies that make up the site's cases). When the recorded morphology is
another one, the entry's figure does not apply: the answer is "poor" if an entry valid for that
histology says so, else "to check" with ``histology`` listed — a known histology never gets a
site figure that was not measured for it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from oncoparcours.directory.rules import icd10

Tri = bool | None

# Facts a condition may need; markers are "marker:<canonical name>" (e.g. "marker:ER").
MORPHOLOGY = "morphology"
HISTOLOGY = "histology"  # a recorded histology the matching figure was not measured for
STAGE = "stage"
METASTASIS = "metastasis"
AGE = "age"
FACT_ORDER = (MORPHOLOGY, HISTOLOGY, STAGE, METASTASIS, AGE)
EVOLVING_KINDS = frozenset({"stage", "subtype"})


class TableError(ValueError):
    """The survival table file is not usable (message names the entry and the field)."""


class Status(StrEnum):
    POOR = "poor"
    NOT_POOR = "not_poor"
    TO_CHECK = "to_check"
    NOT_IN_TABLE = "not_in_table"


@dataclass(frozen=True)
class StagingFacts:
    """One recorded staging: TNM categories without the c/p prefix and the stage group."""

    t: str = ""
    n: str = ""
    m: str = ""
    group: str = ""


@dataclass(frozen=True)
class Facts:
    """What is known about a diagnosis. ``markers`` maps a recorded marker name to its latest
    result ("positive", "negative", "equivocal", "not_assessable")."""

    icd10: str
    morphology: str = ""
    age: int | None = None
    stagings: tuple[StagingFacts, ...] = ()
    markers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    key: str
    document: str
    table: str = ""
    year: int | None = None
    population: str = ""


def _marker_key(name: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", name.upper())


@dataclass(frozen=True)
class Context:
    """Table-level definitions the conditions need."""

    markers: Mapping[str, frozenset[str]]  # canonical name -> normalised aliases
    unspecified_morphologies: frozenset[str]

    def marker_result(self, facts: Facts, canonical: str) -> str | None:
        aliases = self.markers.get(canonical, frozenset({_marker_key(canonical)}))
        for name, result in facts.markers.items():
            if _marker_key(name) in aliases:
                return result
        return None

    def specified_morphology(self, facts: Facts) -> str:
        """The recorded ICD-O-3 code, or "" when none is recorded or it says nothing of the
        histology (neoplasm or carcinoma NOS)."""
        code = facts.morphology.strip()
        return "" if code in self.unspecified_morphologies else code


# --- conditions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Histology:
    kind = "histology"
    label: str
    codes: frozenset[str]
    undetermined: frozenset[str] = frozenset()

    def evaluate(self, facts: Facts, context: Context) -> tuple[Tri, frozenset[str]]:
        code = context.specified_morphology(facts)
        if not code or code in self.undetermined:
            return None, frozenset({MORPHOLOGY})
        return code in self.codes, frozenset()


@dataclass(frozen=True)
class UsualHistology:
    """The histologies a site figure was measured on (compared on the ICD-O-3 histology type,
    the four digits: an in-situ 8500/2 is the same histology as 8500/3). Not a condition: it
    does not make an entry more specific, it says when the entry's figure does not apply."""

    label: str
    types: frozenset[str]

    def holds(self, facts: Facts, context: Context) -> bool:
        """False only for a recorded, specified histology outside the usual ones (no morphology:
        the site figure, measured on all the site's cases, is the one that applies)."""
        code = context.specified_morphology(facts)
        return not code or code[:4] in self.types


@dataclass(frozen=True)
class Subtype:
    kind = "subtype"
    label: str
    requirements: tuple[tuple[str, str], ...]  # (canonical marker, expected result)

    def evaluate(self, facts: Facts, context: Context) -> tuple[Tri, frozenset[str]]:
        missing: set[str] = set()
        for marker, expected in self.requirements:
            result = context.marker_result(facts, marker)
            if result in ("positive", "negative"):
                if result != expected:
                    return False, frozenset()
            else:  # not tested, equivocal or not assessable
                missing.add(f"marker:{marker}")
        return (None, frozenset(missing)) if missing else (True, frozenset())


STAGE_GROUP_RE = re.compile(r"^(IV|III|II|I|0)")


def _stage_group(value: str) -> str:
    match = STAGE_GROUP_RE.match(value.strip())
    return match.group(1) if match else ""


def _known(category: str, letter: str) -> bool:
    return bool(category) and not category.startswith(f"{letter}X")


@dataclass(frozen=True)
class Stage:
    """A stage condition of one of three kinds: ``metastatic`` (M1, or stage group IV without
    M); at least one of ``groups`` (TNM categories in ``tnm`` imply them: e.g. FIGO III–IV); or,
    with ``within``, at most an extent (e.g. localised: stage 0–I, or every category among the
    allowed ones). For the last kind, any recorded staging beyond the extent makes the condition
    false (the most advanced staging wins), and ``beyond_label`` names what lies beyond."""

    kind = "stage"
    label: str
    metastatic: bool = False
    groups: frozenset[str] = frozenset()
    tnm: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (t/n/m, prefixes) implying the groups
    within: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (t/n/m, allowed prefixes): at most
    beyond_label: str = ""

    @property
    def at_most(self) -> bool:
        return bool(self.within)

    def _within(self, staging: StagingFacts) -> Tri:
        if staging.m.startswith("M1"):
            return False
        group = _stage_group(staging.group)
        if group:
            return group in self.groups
        values = {"t": staging.t, "n": staging.n, "m": staging.m}
        allowed = dict(self.within)
        known = {k: v for k, v in values.items() if _known(v, k.upper())}
        if any(not v.startswith(tuple(allowed.get(k, ()))) for k, v in known.items()):
            return False
        return True if len(known) == len(values) else None

    def _one(self, staging: StagingFacts) -> Tri:
        if self.at_most:
            return self._within(staging)
        group = _stage_group(staging.group)
        if self.metastatic:
            if staging.m.startswith("M1"):
                return True
            if staging.m.startswith("M0"):
                return False
            # Stage group IV without an M category (or MX) is read as metastatic: safer reading
            # (at some sites IV also covers M0 disease, e.g. IVA of the cervix or head and neck).
            return True if group == "IV" else None
        if group:
            return group in self.groups
        values = {"t": staging.t, "n": staging.n, "m": staging.m}
        if any(values[k].startswith(p) for k, prefixes in self.tnm for p in prefixes):
            return True
        if all(_known(values[k], k.upper()) for k in ("t", "n", "m")):
            return False
        return None

    def evaluate(self, facts: Facts, context: Context) -> tuple[Tri, frozenset[str]]:
        # The most advanced recorded staging decides (a cancer once M1 stays metastatic; once
        # staged beyond an extent, it is no longer within it).
        results = [self._one(staging) for staging in facts.stagings]
        first, second = (False, True) if self.at_most else (True, False)
        if first in results:
            return first, frozenset()
        if second in results:
            return second, frozenset()
        return None, frozenset({METASTASIS if self.metastatic else STAGE})


@dataclass(frozen=True)
class Age:
    kind = "age"
    label: str
    minimum: int | None = None
    maximum: int | None = None

    def evaluate(self, facts: Facts, context: Context) -> tuple[Tri, frozenset[str]]:
        if facts.age is None:
            return None, frozenset({AGE})
        low_ok = self.minimum is None or facts.age >= self.minimum
        high_ok = self.maximum is None or facts.age <= self.maximum
        return low_ok and high_ok, frozenset()


Condition = Histology | Subtype | Stage | Age


# --- entries and table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    ranges: tuple[tuple[str, str], ...]
    conditions: tuple[Condition, ...]
    survival_5y: float
    source: Source
    approx: bool = False
    note: str = ""
    usual: UsualHistology | None = None  # the figure holds for these histologies only

    @property
    def width(self) -> int:
        return min(icd10.range_width(a, b) for a, b in self.ranges)

    @property
    def rank(self) -> tuple[int, int, float]:
        """Higher is more specific: more conditions, then narrower site, then (safer reading
        between equally specific entries) the lower survival."""
        return (len(self.conditions), -self.width, -self.survival_5y)

    def covers(self, code: str) -> bool:
        try:
            return icd10.in_any_range(code, self.ranges)
        except ValueError:
            return False

    @property
    def conditions_label(self) -> str:
        labels = [c.label for c in self.conditions]
        return ", ".join([*labels, self.usual.label] if self.usual else labels)

    def figure_holds(self, facts: Facts, context: Context) -> bool:
        return self.usual is None or self.usual.holds(facts, context)


@dataclass(frozen=True)
class SurvivalTable:
    version: str
    source: str
    threshold_percent: float
    entries: tuple[Entry, ...]
    context: Context
    sources: Mapping[str, Source] = field(default_factory=dict)
    title: str = ""  # what the table is, in words (its sources and date); the version otherwise

    @property
    def label(self) -> str:
        return self.title or self.version

    def is_poor(self, entry: Entry) -> bool:
        return entry.survival_5y < self.threshold_percent

    def entry(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> SurvivalTable:
        return _TableReader(data).read()


class _TableReader:
    """Builds a table from its YAML data, naming the entry and field of any problem. Reads the
    current format and the first one (francim-2021.1: ``morphology`` lists, one source)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        try:
            self.version = str(data["version"])
            self.threshold = float(data["threshold_percent"])
        except (KeyError, TypeError, ValueError) as error:
            raise TableError(f"survival table: missing or bad header field ({error})") from None
        self.summary = str(data.get("source", "")).strip()
        self.title = " ".join(str(data.get("title", "")).split())
        self.sources = {
            str(key): Source(
                key=str(key),
                document=" ".join(str(row["document"]).split()),
                table=str(row.get("table", "")),
                year=row.get("year"),
                population=str(row.get("population", "")),
            )
            for key, row in (data.get("sources") or {}).items()
        }
        self.table_source = Source(key="table", document=self.summary)
        self.histologies = {
            str(key): Histology(
                label=str(row["label"]),
                codes=frozenset(map(str, row["codes"])),
                undetermined=frozenset(map(str, row.get("undetermined", ()))),
            )
            for key, row in (data.get("histologies") or {}).items()
        }
        self.subtypes = {
            str(key): Subtype(
                label=str(row["label"]),
                requirements=tuple((str(r["marker"]), str(r["result"])) for r in row["all"]),
            )
            for key, row in (data.get("subtypes") or {}).items()
        }
        self.stages = {
            str(key): Stage(
                label=str(row["label"]),
                metastatic=bool(row.get("metastatic", False)),
                groups=frozenset(map(str, row.get("groups", ()))),
                tnm=tuple((k, tuple(map(str, v))) for k, v in (row.get("tnm") or {}).items()),
                within=tuple((k, tuple(map(str, v))) for k, v in (row.get("within") or {}).items()),
                beyond_label=str(row.get("beyond_label", "")),
            )
            for key, row in (data.get("stages") or {}).items()
        }
        self.usual_histologies = {
            str(key): UsualHistology(
                label=str(row["label"]), types=frozenset(str(t)[:4] for t in row["types"])
            )
            for key, row in (data.get("usual_histologies") or {}).items()
        }
        for key, stage in self.stages.items():
            if stage.at_most and (stage.metastatic or stage.tnm or not stage.beyond_label):
                raise TableError(
                    f"survival table {self.version}, stage {key}: a 'within' stage takes groups"
                    " and a beyond_label, not metastatic or tnm"
                )
        markers = data.get("markers") or {}
        self.context = Context(
            markers={
                str(name): frozenset(_marker_key(str(a)) for a in [name, *aliases])
                for name, aliases in markers.items()
            },
            unspecified_morphologies=frozenset(map(str, data.get("unspecified_morphologies", ()))),
        )

    def _named(self, catalogue: Mapping[str, Any], name: str, where: str) -> Any:
        if name not in catalogue:
            raise TableError(f"survival table {self.version}, {where}: unknown {name!r}")
        return catalogue[name]

    def _entry(self, index: int, row: Mapping[str, Any]) -> Entry:
        key = str(row.get("key") or row.get("label") or "")
        where = f"entry {index + 1} ({key or 'no key'})"
        if not key or "label" not in row:
            raise TableError(f"survival table {self.version}, {where}: key and label are required")
        try:
            ranges = tuple((str(a), str(b)) for a, b in row["icd10"])
            for start, end in ranges:
                if not icd10.range_is_ordered(start, end):
                    raise ValueError(f"{start}–{end} ends before it starts")
            survival = float(row["survival_5y"])
        except (KeyError, TypeError, ValueError) as error:
            raise TableError(f"survival table {self.version}, {where}: {error}") from None
        if not ranges or not 0 <= survival <= 100:
            raise TableError(f"survival table {self.version}, {where}: icd10 or survival_5y")
        conditions: list[Condition] = []
        if row.get("morphology"):  # first format: inline ICD-O-3 codes
            codes = frozenset(map(str, row["morphology"]))
            conditions.append(Histology(label=", ".join(sorted(codes)), codes=codes))
        if row.get("histology"):
            conditions.append(self._named(self.histologies, str(row["histology"]), where))
        if row.get("subtype"):
            conditions.append(self._named(self.subtypes, str(row["subtype"]), where))
        if row.get("stage"):
            conditions.append(self._named(self.stages, str(row["stage"]), where))
        if row.get("age"):
            low, high = row["age"].get("min"), row["age"].get("max")
            label = (
                f"{low} à {high} ans"
                if low is not None and high is not None
                else (f"{low} ans et plus" if low is not None else f"moins de {high + 1} ans")
            )
            conditions.append(Age(label=label, minimum=low, maximum=high))
        source = (
            self._named(self.sources, str(row["source"]), where)
            if row.get("source")
            else self.table_source
        )
        return Entry(
            key=key,
            label=str(row["label"]),
            ranges=ranges,
            conditions=tuple(conditions),
            survival_5y=survival,
            source=source,
            approx=bool(row.get("approx", False)),
            note=" ".join(str(row.get("note", "")).split()),
            usual=self._named(self.usual_histologies, str(row["usual_histology"]), where)
            if row.get("usual_histology")
            else None,
        )

    def read(self) -> SurvivalTable:
        entries = tuple(self._entry(i, row) for i, row in enumerate(self.data.get("entries", [])))
        keys = [e.key for e in entries]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise TableError(f"survival table {self.version}: duplicate keys {duplicates}")
        return SurvivalTable(
            version=self.version,
            source=self.summary,
            threshold_percent=self.threshold,
            entries=entries,
            context=self.context,
            sources=self.sources,
            title=self.title,
        )


# --- assessment -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """Another entry of the same site: what it needs (``missing``) or what excludes it
    (``unmet``), and the answer it would give."""

    entry: Entry
    poor: bool
    missing: tuple[str, ...] = ()
    unmet: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    status: Status
    entry: Entry | None  # the most specific entry that applies (even when to check)
    table_version: str
    threshold_percent: float
    missing: tuple[str, ...] = ()
    pending: tuple[Candidate, ...] = ()  # could apply once the missing facts are known
    alternatives: tuple[Candidate, ...] = ()  # would change the answer; excluded by known facts
    # The entry's figure was not measured for the recorded histology: it is not given.
    unusual_histology: bool = False
    # When to check: the figures the answer could have once the missing facts are known (only
    # figures that hold for the histology), lowest first.
    figures: tuple[float, ...] = ()
    figures_approx: bool = False  # one of those figures is marked approx.

    @property
    def poor_prognosis(self) -> bool | None:
        return {Status.POOR: True, Status.NOT_POOR: False}.get(self.status)

    @property
    def survival_5y(self) -> float | None:
        """The figure of a decided answer. None when "to check": the figure of what the known
        facts give so far would mislead while the answer is undetermined (``figures`` gives
        the range of the candidate figures)."""
        if self.status not in (Status.POOR, Status.NOT_POOR) or self.entry is None:
            return None
        return None if self.unusual_histology else self.entry.survival_5y

    @property
    def entry_label(self) -> str:
        return self.entry.label if self.entry else ""

    @property
    def entry_key(self) -> str:
        return self.entry.key if self.entry else ""

    @property
    def approx(self) -> bool:
        return bool(self.entry and self.entry.approx)


def order_facts(facts: Iterable[str]) -> tuple[str, ...]:
    def key(fact: str) -> tuple[int, str]:
        return (FACT_ORDER.index(fact) if fact in FACT_ORDER else len(FACT_ORDER), fact)

    return tuple(sorted(set(facts), key=key))


MAX_UNKNOWN_CONDITIONS = 12  # beyond, every unknown condition is taken as deciding (safer)


@dataclass(frozen=True)
class Answer:
    """The entry that answers in one combination of the unknown facts, and whether its figure
    holds for the histology (when not, the answer is "to check")."""

    entry: Entry | None
    figure_holds: bool = True


def assess(table: SurvivalTable, facts: Facts) -> Assessment:
    site = [entry for entry in table.entries if entry.covers(facts.icd10)]
    values: dict[Condition, tuple[Tri, frozenset[str]]] = {}
    for entry in site:
        for condition in entry.conditions:
            if condition not in values:
                values[condition] = condition.evaluate(facts, table.context)
    # Entries whose figure was not measured for the recorded histology.
    outside = {e.key for e in site if not e.figure_holds(facts, table.context)}
    alive = [e for e in site if all(values[c][0] is not False for c in e.conditions)]
    unknown = list(dict.fromkeys(c for e in alive for c in e.conditions if values[c][0] is None))

    def outside_in(entry: Entry, world: frozenset[Condition]) -> bool:
        """The entry's figure does not hold for the recorded histology, or for a histology the
        world assumes (e.g. a small-cell carcinoma while the morphology is not recorded)."""
        if entry.key in outside:
            return True
        usual = entry.usual
        return usual is not None and any(
            isinstance(c, Histology) and not {code[:4] for code in c.codes} <= usual.types
            for c in world
        )

    def best_in(world: frozenset[Condition]) -> Answer:
        """The answer in a world where the unknown conditions in ``world`` hold and the other
        unknown ones do not. When the most specific entry's figure does not hold for the
        histology, the best entry whose figure holds answers if it says poor (safer); otherwise
        the most specific entry is kept and the answer is "to check" (histology)."""
        holding = [e for e in alive if all(values[c][0] or c in world for c in e.conditions)]
        if not holding:
            return Answer(None)
        top = max(holding, key=lambda e: e.rank)
        if not outside_in(top, world):
            return Answer(top)
        valid = [e for e in holding if not outside_in(e, world)]
        fallback = max(valid, key=lambda e: e.rank) if valid else None
        if fallback is not None and table.is_poor(fallback):
            return Answer(fallback)
        return Answer(top, figure_holds=False)

    def verdict(answer: Answer) -> Status | None:
        if answer.entry is None:
            return None
        if not answer.figure_holds:
            return Status.TO_CHECK
        return Status.POOR if table.is_poor(answer.entry) else Status.NOT_POOR

    current = best_in(frozenset())
    deciding: list[Condition]
    worlds: dict[frozenset[Condition], Answer] = {frozenset(): current}
    if len(unknown) > MAX_UNKNOWN_CONDITIONS:
        deciding = unknown
    else:
        # Every combination of the unknown facts: the answer is decided only when all agree.
        for flags in itertools.product((False, True), repeat=len(unknown)):
            world = frozenset(c for c, flag in zip(unknown, flags, strict=True) if flag)
            worlds[world] = best_in(world)
        deciding = [
            c
            for c in unknown
            if any(verdict(worlds[w]) != verdict(worlds[w ^ {c}]) for w in worlds)
        ]
    histology_unusual = any(verdict(a) == Status.TO_CHECK for a in worlds.values())
    others = {
        a.entry.key: a.entry
        for a in worlds.values()
        if a.entry is not None and a.figure_holds and a.entry is not current.entry
    }
    pending = tuple(
        Candidate(
            entry,
            table.is_poor(entry),
            missing=order_facts(
                n for c in entry.conditions if values[c][0] is None for n in values[c][1]
            ),
        )
        for entry in sorted(others.values(), key=lambda e: e.rank, reverse=True)
        if verdict(Answer(entry)) != verdict(current)
    )
    # What would change a decided answer: entries of the site with the other answer that only a
    # different stage or biomarker subtype excludes (histology and age are facts of the tumour
    # and the patient, not data that evolves), and whose figure holds for the histology.
    alternatives = tuple(
        Candidate(
            entry,
            table.is_poor(entry),
            unmet=tuple(c.label for c in entry.conditions if values[c][0] is False),
        )
        for entry in sorted(site, key=lambda e: e.rank, reverse=True)
        if current.entry is not None
        and entry not in alive
        and entry.key not in outside
        and verdict(Answer(entry)) != verdict(current)
        and all(c.kind in EVOLVING_KINDS for c in entry.conditions if values[c][0] is False)
    )
    # A decided answer given by an "at most" stage (e.g. localised): a staging beyond it would
    # make the less specific entries answer (e.g. the site figure).
    beyond = []
    if current.entry is not None:
        for condition in current.entry.conditions:
            if not (isinstance(condition, Stage) and condition.at_most and values[condition][0]):
                continue
            holding = [
                e
                for e in site
                if condition not in e.conditions
                and e.key not in outside
                and all(values[c][0] is True for c in e.conditions)
            ]
            if not holding:
                continue
            entry = max(holding, key=lambda e: e.rank)
            if verdict(Answer(entry)) != verdict(current):
                beyond.append(
                    Candidate(entry, table.is_poor(entry), unmet=(condition.beyond_label,))
                )
    alternatives = (*alternatives, *beyond)
    candidates = [a.entry for a in worlds.values() if a.entry and a.figure_holds]
    figures = tuple(sorted({entry.survival_5y for entry in candidates}))
    if deciding or verdict(current) == Status.TO_CHECK:
        status = Status.TO_CHECK
    elif current.entry is not None:
        status = Status.POOR if table.is_poor(current.entry) else Status.NOT_POOR
    elif all(a.entry is None for a in worlds.values()):
        status = Status.NOT_IN_TABLE
    else:  # poor in every case yet no entry applies for sure: no figure to give (edge case)
        status = Status.TO_CHECK
        deciding = unknown
    missing = [n for c in deciding for n in values[c][1]]
    if histology_unusual:
        missing.append(HISTOLOGY)
    return Assessment(
        status=status,
        entry=current.entry,
        table_version=table.version,
        threshold_percent=table.threshold_percent,
        missing=order_facts(missing) if status == Status.TO_CHECK else (),
        pending=pending if status == Status.TO_CHECK else (),
        alternatives=alternatives if status in (Status.POOR, Status.NOT_POOR) else (),
        unusual_histology=not current.figure_holds,
        figures=figures if status == Status.TO_CHECK else (),
        figures_approx=status == Status.TO_CHECK and any(e.approx for e in candidates),
    )
