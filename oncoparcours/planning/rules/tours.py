"""Nurse tours (pure): assign the day's home visits to liberal nurses and order them.

The solver is PyVRP (hybrid genetic search for vehicle routing): one vehicle type per nurse,
starting and ending at the nurse's home (a depot each), her shift as the vehicle's time window,
visits as optional clients with a large prize (a visit is left out only when no tour can take
it), and qualifications as load dimensions — a visit needing a qualification loads one unit in
that dimension and a nurse without the qualification has capacity 0 there. The result is then
checked and repaired here, so that the rules hold whatever the solver returns:

* a nurse never gets a visit needing a qualification she lacks (clinical rule, see
  docs/clinical-rules.md): checked before solving (no qualified nurse → unassigned) and after;
* every visit starts inside its time window and every tour fits the nurse's shift;
* the lunch break is placed in the lunch window between two visits (repair step); a visit that
  leaves no room for it is moved out of the tour;
* every visit not in a tour is listed with a reason — none is dropped silently;
* a patient's preferred nurse gets the visit when her tour can take it: inside the solver first (a
  routing profile per nurse makes a visit cost ``PREFERENCE_METRES`` more in another nurse's
  tour), then a repair step moves any visit still elsewhere into her tour when it fits;
  otherwise the plan says the preference was not met;
* a visit needing two nurses is done by two qualified nurses starting at the same minute
  (synchronised): the solver places it in one tour, the repair step places the second nurse at
  the same start (re-timing it inside its window if needed) — or leaves the visit out of every
  tour (never half-staffed).

Re-planning a published plan (``insert_visits``) keeps every tour's order and only inserts visits
(cheapest feasible insertion), so the rest of the plan changes as little as possible.

Times are minutes after midnight; distances are metres.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .geo import Point, TravelModel, haversine_km

# Why a visit is not in a tour.
NO_QUALIFIED_NURSE = "no_qualified_nurse"
OUTSIDE_SHIFTS = "outside_shifts"
NO_ROOM = "no_room"
NO_SECOND_NURSE = "no_second_nurse"
UNASSIGNED_REASONS = (NO_QUALIFIED_NURSE, OUTSIDE_SHIFTS, NO_ROOM, NO_SECOND_NURSE)

NEAREST_TOURS = 5  # insertion tries these nearest tours first (all when none can take it)
SYNC_STEP = 5  # minutes between the start times tried when synchronising a double visit

PRIZE = 10_000_000  # metres: above any detour, so the solver leaves a visit out only if it must
# Metres a visit costs in the tour of a nurse other than the patient's preferred one (inside the
# solver): the preferred nurse gets it when her detour is smaller. A planning choice (continuity
# of care), far below PRIZE so a preference never leaves a visit out.
PREFERENCE_METRES = 5_000

# PyVRP search parameters (``pyvrp.SolveParams``) as data: section → field → value, sections
# ``ils`` (IteratedLocalSearchParams), ``penalty`` (PenaltyParams), ``neighbourhood``
# (NeighbourhoodParams) and ``perturbation`` (PerturbationParams); a field not given keeps
# PyVRP's default (PyVRP 0.14.1: iterated local search with late-acceptance history 300, restart
# after 150,000 iterations without improvement).
SolverParams = dict[str, dict[str, int | float | bool]]
PLAIN_SOLVER: SolverParams = {}
# Tuned on Solomon RC208 (issue 18: best-known 776.1 in 10 s). Measured at 20,000 iterations
# (about 10 s of one free core of the 2026-12-05 machine; iteration budgets because that machine
# was loaded), seeds 1-20: plain reaches 776.1 on 4 seeds, a late-acceptance history of 1,000 on
# 7 (median 781.85 → 778.15; histories of 100, 2,000, 3,000 and other sets did worse on seeds
# 1-10). Weak evidence, and not checked on the Gehring-Homberger instances; docs/benchmarks.md,
# issue 18, "RC208 with tuned parameters (2026-12-05, afternoon)".
TUNED_SOLVER: SolverParams = {"ils": {"history_length": 1000}}
# Independent searches, a strategy around PyVRP rather than one of its parameters: section
# ``run`` with ``workers`` (searches in parallel processes, one per core) and ``restarts`` (each
# worker's budget split into that many searches from scratch, run one after the other); every
# search has its own seed derived from the plan's seed (``derived_seed``) and the best feasible
# solution is kept (``solve_best``). Both 1 (PyVRP's single search) when not given.
RUN = "run"
# Two workers (one per core of a 2-core machine) of 3 plain PyVRP searches each: six searches of
# a third of the budget (an iteration budget is per worker). Measured on Solomon RC208 at 20,000
# iterations per worker (about 10 s of a core), seeds 1-40: 776.1 on 23 seeds (plain, one
# search: 10; history 1,000: 14), median 776.1 (plain 782.8). A plain search that finds 776.1
# mostly does so by iteration 6,000, so short restarts pay; history 1,000 converges too late for
# them. Not checked on the Gehring-Homberger instances (1,000 customers: restarts from scratch
# should hurt there); docs/benchmarks.md, issue 18, "RC208: two cores and restarts
# (2026-12-05, evening)".
MULTISTART_SOLVER: SolverParams = {RUN: {"workers": 2, "restarts": 3}}
# The sets by name, as the benches (bench/tours.py, bench/vrptw_gh.py --params) choose them.
NAMED_SOLVERS: dict[str, SolverParams] = {
    "plain": PLAIN_SOLVER,
    "tuned": TUNED_SOLVER,
    "multistart": MULTISTART_SOLVER,
}
# What the planner's ``_solve`` uses: PyVRP's defaults (one search) until the tuned or the
# multi-start set is shown not to worsen the Gehring-Homberger gaps (bench/vrptw_gh.py, plain
# against it, at a fixed iteration budget) and the product's short runs (1,000 iterations: a
# history of 1,000 is then all warm-up; two spawned workers cost about 0.35 s of start-up).
SOLVER: SolverParams = PLAIN_SOLVER


@dataclass(frozen=True)
class Nurse:
    key: str
    home: Point
    shift_start: int
    shift_end: int
    qualifications: frozenset[str] = frozenset()
    lunch_minutes: int = 0
    lunch_window: tuple[int, int] = (690, 840)

    def __post_init__(self) -> None:
        if not 0 <= self.shift_start < self.shift_end <= 24 * 60:
            raise ValueError(f"nurse {self.key}: the shift must start before it ends")

    def needs_lunch(self) -> bool:
        start, end = self.lunch_window
        return self.lunch_minutes > 0 and self.shift_start <= start and end <= self.shift_end


@dataclass(frozen=True)
class Visit:
    key: str
    place: Point
    duration: int
    window: tuple[int, int]  # earliest and latest start
    qualifications: frozenset[str] = frozenset()
    preferred: str | None = None  # the patient's preferred nurse (her key)
    nurses: int = 1  # 2: double-staffed, both nurses start together

    def __post_init__(self) -> None:
        if self.duration < 0 or self.window[0] > self.window[1]:
            raise ValueError(f"visit {self.key}: invalid duration or time window")
        if self.nurses not in (1, 2):
            raise ValueError(f"visit {self.key}: nurses must be 1 or 2")

    def at(self, start: int) -> Visit:
        """The same visit with its start fixed (a synchronised double visit)."""
        return replace(self, window=(start, start))


@dataclass(frozen=True)
class Stop:
    visit: str
    arrival: int
    start: int
    end: int
    travel_minutes: int
    distance_m: int
    partner: str | None = None  # the other nurse of a double visit
    preferred_missed: bool = False  # the patient's preferred nurse could not take it


@dataclass(frozen=True)
class Tour:
    nurse: str
    depart: int
    back: int
    stops: tuple[Stop, ...]
    distance_m: int
    lunch_start: int | None = None
    lunch_after: int = 0  # number of stops before the lunch break


@dataclass(frozen=True)
class Unassigned:
    visit: str
    reason: str


@dataclass
class Plan:
    tours: list[Tour] = field(default_factory=list)
    unassigned: list[Unassigned] = field(default_factory=list)

    def tour_of(self, nurse: str) -> Tour | None:
        return next((tour for tour in self.tours if tour.nurse == nurse), None)

    def nurses_of(self, visit: str) -> list[str]:
        return [tour.nurse for tour in self.tours if any(s.visit == visit for s in tour.stops)]


def qualified(nurse: Nurse, visit: Visit) -> bool:
    return visit.qualifications <= nurse.qualifications


def _reachable_alone(nurse: Nurse, visit: Visit, travel: TravelModel) -> bool:
    """Could this nurse do this visit alone in her shift (home → visit → home, with lunch)?"""
    return schedule(nurse, [visit], travel) is not None


def schedule(nurse: Nurse, visits: Sequence[Visit], travel: TravelModel) -> Tour | None:
    """The tour doing these visits in this order, leaving home as late as possible, with the
    lunch break placed where it ends the tour earliest; None when no timing fits."""
    best: Tour | None = None
    positions: list[int | None] = [None]
    if nurse.needs_lunch():
        positions += list(range(len(visits) + 1))
    for lunch_after in positions:
        tour = _timed(nurse, visits, travel, lunch_after)
        if tour is None:
            continue
        if lunch_after is None and nurse.needs_lunch() and not _lunch_at_home(nurse, tour):
            continue
        if best is None or tour.back < best.back:
            best = tour
    return best


def _lunch_at_home(nurse: Nurse, tour: Tour) -> bool:
    """A tour over before the lunch window closes (or starting after the break) leaves the
    nurse her break at home: no break inside the tour."""
    start, end = nurse.lunch_window
    return tour.back + nurse.lunch_minutes <= end or tour.depart >= start + nurse.lunch_minutes


def _timed(
    nurse: Nurse, visits: Sequence[Visit], travel: TravelModel, lunch_after: int | None
) -> Tour | None:
    lunch_start: int | None = None
    here = nurse.home
    time = nurse.shift_start
    stops: list[Stop] = []
    total_m = 0

    def take_lunch(now: int) -> int | None:
        nonlocal lunch_start
        begin = max(now, nurse.lunch_window[0])
        if begin + nurse.lunch_minutes > nurse.lunch_window[1]:
            return None
        lunch_start = begin
        return begin + nurse.lunch_minutes

    for index, visit in enumerate(visits):
        if lunch_after == index:
            after = take_lunch(time)
            if after is None:
                return None
            time = after
        minutes = travel.minutes(here, visit.place)
        metres = round(travel.road_km(here, visit.place) * 1000)
        arrival = time + minutes
        start = max(arrival, visit.window[0])
        if start > visit.window[1]:
            return None
        end = start + visit.duration
        stops.append(Stop(visit.key, arrival, start, end, minutes, metres))
        total_m += metres
        here, time = visit.place, end
    if lunch_after == len(visits):
        after = take_lunch(time)
        if after is None:
            return None
        time = after
    back_minutes = travel.minutes(here, nurse.home)
    total_m += round(travel.road_km(here, nurse.home) * 1000)
    back = time + back_minutes
    if back > nurse.shift_end:
        return None
    # Leave home as late as the first visit allows (no waiting on the doorstep).
    depart = nurse.shift_start
    if stops and (lunch_after is None or lunch_after > 0):
        slack = stops[0].start - stops[0].arrival
        depart += slack
        first = stops[0]
        stops[0] = Stop(
            first.visit,
            first.arrival + slack,
            first.start,
            first.end,
            first.travel_minutes,
            first.distance_m,
        )
    return Tour(
        nurse=nurse.key,
        depart=depart,
        back=back,
        stops=tuple(stops),
        distance_m=total_m,
        lunch_start=lunch_start,
        lunch_after=lunch_after or 0,
    )


def plan_tours(
    nurses: Sequence[Nurse],
    visits: Sequence[Visit],
    travel: TravelModel,
    *,
    seed: int = 1,
    max_iterations: int = 1000,
    max_seconds: float = 3.0,
) -> Plan:
    """Assign and order the visits; deterministic for a seed when the iteration limit stops the
    search before the time limit."""
    plan = Plan()
    candidates: list[Visit] = []
    for visit in visits:
        able = [nurse for nurse in nurses if qualified(nurse, visit)]
        if not able:
            plan.unassigned.append(Unassigned(visit.key, NO_QUALIFIED_NURSE))
        elif len(able) < visit.nurses:
            plan.unassigned.append(Unassigned(visit.key, NO_SECOND_NURSE))
        elif sum(_reachable_alone(nurse, visit, travel) for nurse in able) < visit.nurses:
            plan.unassigned.append(Unassigned(visit.key, OUTSIDE_SHIFTS))
        else:
            candidates.append(visit)
    if not candidates:
        return plan
    solved = _solve(nurses, candidates, travel, seed, max_iterations, max_seconds)
    by_key = {visit.key: visit for visit in candidates}
    routes: dict[str, list[Visit]] = {}
    for nurse in nurses:
        ordered = [by_key[key] for key in solved.get(nurse.key, [])]
        # Safety net: the qualification rule holds whatever the solver returned.
        ordered = [visit for visit in ordered if qualified(nurse, visit)]
        tour = schedule(nurse, ordered, travel)
        while tour is None and ordered:
            ordered = _drop_one(nurse, ordered, travel)
            tour = schedule(nurse, ordered, travel)
        routes[nurse.key] = ordered
    _honour_preferences(nurses, routes, travel)
    doubles = [visit for visit in candidates if visit.nurses == 2]
    for visit in doubles:
        primary = next((key for key, seq in routes.items() if _index(seq, visit.key) >= 0), None)
        if primary is None:
            continue
        if not _add_second(nurses, routes, visit, primary, travel):
            routes[primary] = [v for v in routes[primary] if v.key != visit.key]
            plan.unassigned.append(Unassigned(visit.key, NO_SECOND_NURSE))
    _finish(plan, nurses, routes, candidates, travel)
    return plan


def insert_visits(
    nurses: Sequence[Nurse],
    routes: dict[str, list[Visit]],
    visits: Sequence[Visit],
    travel: TravelModel,
    *,
    seconds: dict[str, str] | None = None,
    open_to: Collection[str] | None = None,
) -> tuple[Plan, set[str]]:
    """Re-plan by insertion only: every nurse keeps her visits in their order (a double visit
    already placed keeps its start: give it as ``visit.at(start)``), and each new visit goes
    where it adds the least distance (its preferred nurse first when she can take it).
    ``seconds`` maps a double visit already done by one nurse (in ``routes``) to that nurse: only
    its second nurse is sought, at the same start — failing that the visit leaves that tour too.
    ``open_to``: the only nurses whose tours may take new visits (all when None); the other
    tours are still checked (qualifications, fit, double visits with two nurses).
    Returns the plan and the keys of the nurses whose tour changed."""
    routes = {nurse.key: list(routes.get(nurse.key, [])) for nurse in nurses}
    before = {key: [v.key for v in seq] for key, seq in routes.items()}
    plan = Plan()
    every = [v for seq in routes.values() for v in seq]
    # A qualification lapsed since publication: the visit leaves that tour (both, if double).
    _drop_unqualified(plan, nurses, routes)
    taking = [n for n in nurses if open_to is None or n.key in open_to]
    for key, holder in (seconds or {}).items():
        visit = next((v for v in routes.get(holder, []) if v.key == key), None)
        if visit is None:  # already left the tour (and listed)
            continue
        if not _add_second(taking, routes, visit, holder, travel, fixed=True, among=nurses):
            routes[holder] = [v for v in routes[holder] if v.key != key]
            plan.unassigned.append(Unassigned(key, NO_SECOND_NURSE))
    # Double visits first, then the tightest windows.
    for visit in sorted(visits, key=lambda v: (-v.nurses, v.window[1] - v.window[0], v.key)):
        if not any(qualified(nurse, visit) for nurse in nurses):
            plan.unassigned.append(Unassigned(visit.key, NO_QUALIFIED_NURSE))
            continue
        able = [nurse for nurse in taking if qualified(nurse, visit)]
        if not able:  # qualified nurses exist, but not among the tours open to it
            plan.unassigned.append(Unassigned(visit.key, NO_ROOM))
            continue
        if len(able) < visit.nurses:
            plan.unassigned.append(Unassigned(visit.key, NO_SECOND_NURSE))
            continue
        if visit.nurses == 1:
            best = _best_nurse(able, routes, visit, travel)
            if best is None:
                plan.unassigned.append(Unassigned(visit.key, NO_ROOM))
            else:
                routes[best[0]] = best[1]
            continue
        if not _insert_double(able, routes, visit, travel):
            plan.unassigned.append(Unassigned(visit.key, NO_SECOND_NURSE))
    every += list(visits)
    unique = list({v.key: v for v in every}.values())
    _finish(plan, nurses, routes, unique, travel)
    changed = {key for key, seq in routes.items() if [v.key for v in seq] != before[key]}
    return plan, changed


def _index(seq: Sequence[Visit], key: str) -> int:
    return next((i for i, v in enumerate(seq) if v.key == key), -1)


def _insertion(
    nurse: Nurse, seq: list[Visit], visit: Visit, travel: TravelModel
) -> tuple[int, list[Visit], Tour] | None:
    """The cheapest feasible place for the visit in this nurse's sequence (order kept)."""
    current = schedule(nurse, seq, travel)
    base = current.distance_m if current is not None else 0
    best: tuple[int, list[Visit], Tour] | None = None
    for position in range(len(seq) + 1):
        trial = [*seq[:position], visit, *seq[position:]]
        tour = schedule(nurse, trial, travel)
        if tour is not None and (best is None or tour.distance_m - base < best[0]):
            best = (tour.distance_m - base, trial, tour)
    return best


def _best_nurse(
    able: Sequence[Nurse], routes: dict[str, list[Visit]], visit: Visit, travel: TravelModel
) -> tuple[str, list[Visit]] | None:
    """The nurse (preferred one first) and her new sequence taking the visit, or None. The
    nearest tours are tried first (the visit's distance to the nurse's home or to one of her
    visits); the farther ones only when none of the nearest can take it."""

    def nearness(nurse: Nurse) -> tuple[bool, float]:
        places = [nurse.home, *(v.place for v in routes[nurse.key])]
        return nurse.key != visit.preferred, min(haversine_km(p, visit.place) for p in places)

    ordered = sorted(able, key=nearness)
    options: list[tuple[bool, int, str, list[Visit]]] = []
    for index, nurse in enumerate(ordered):
        if index >= NEAREST_TOURS and options:
            break
        found = _insertion(nurse, routes[nurse.key], visit, travel)
        if found is not None:
            options.append((nurse.key != visit.preferred, found[0], nurse.key, found[1]))
    if not options:
        return None
    _pref, _cost, key, seq = min(options, key=lambda o: (o[0], o[1], o[2]))
    return key, seq


def _start_in(tour: Tour, key: str) -> int:
    return next(stop.start for stop in tour.stops if stop.visit == key)


def _starts(visit: Visit, first: int) -> list[int]:
    """Start times to try for a synchronised visit: the current one, then the nearest ones."""
    low, high = visit.window
    others = [t for t in range(low, high + 1, SYNC_STEP) if t != first] + (
        [high] if high != first and (high - low) % SYNC_STEP else []
    )
    return [first, *sorted(others, key=lambda t: (abs(t - first), t))]


def _add_second(
    nurses: Sequence[Nurse],
    routes: dict[str, list[Visit]],
    visit: Visit,
    holder: str,
    travel: TravelModel,
    *,
    fixed: bool = False,
    among: Sequence[Nurse] = (),
) -> bool:
    """Give this double visit (in ``holder``'s tour) a second qualified nurse starting at the
    same minute; both copies are then fixed at that start. ``fixed``: the holder's start may not
    move. ``among``: more nurses (the holder among them) not to be given the visit. Changes
    ``routes`` only on success."""
    by_key = {nurse.key: nurse for nurse in [*among, *nurses]}
    first_nurse = by_key[holder]
    seq = routes[holder]
    tour = schedule(first_nurse, seq, travel)
    if tour is None:
        return False
    current = _start_in(tour, visit.key)
    original = next(v for v in seq if v.key == visit.key)
    others = [
        nurse
        for nurse in nurses
        if nurse.key != holder
        and qualified(nurse, visit)
        and _index(routes[nurse.key], visit.key) < 0
    ]
    starts = [current] if fixed else _starts(original, current)
    for start in starts:
        pinned = original.at(start)
        first_seq = [pinned if v.key == visit.key else v for v in seq]
        if schedule(first_nurse, first_seq, travel) is None:
            continue
        best = _best_nurse(others, routes, pinned, travel)
        if best is not None:
            routes[holder] = first_seq
            routes[best[0]] = best[1]
            return True
    return False


def _insert_double(
    able: Sequence[Nurse], routes: dict[str, list[Visit]], visit: Visit, travel: TravelModel
) -> bool:
    """Insert a double visit into two tours at the same start (insertion only)."""
    for start in _starts(visit, visit.window[0]):
        pinned = visit.at(start)
        first = _best_nurse(able, routes, pinned, travel)
        if first is None:
            continue
        rest = [nurse for nurse in able if nurse.key != first[0]]
        second = _best_nurse(rest, routes, replace(pinned, preferred=None), travel)
        if second is None:
            continue
        routes[first[0]] = first[1]
        routes[second[0]] = second[1]
        return True
    return False


def _honour_preferences(
    nurses: Sequence[Nurse], routes: dict[str, list[Visit]], travel: TravelModel
) -> None:
    """Move each visit whose patient prefers another nurse into her tour when she is qualified
    and her tour can take it (and the tour it leaves still holds)."""
    by_key = {nurse.key: nurse for nurse in nurses}
    for holder in sorted(routes):
        for visit in list(routes[holder]):
            preferred = by_key.get(visit.preferred or "")
            if preferred is None or preferred.key == holder or not qualified(preferred, visit):
                continue
            rest = [v for v in routes[holder] if v.key != visit.key]
            if schedule(by_key[holder], rest, travel) is None:
                continue
            found = _insertion(preferred, routes[preferred.key], visit, travel)
            if found is not None:
                routes[holder] = rest
                routes[preferred.key] = found[1]


def _finish(
    plan: Plan,
    nurses: Sequence[Nurse],
    routes: dict[str, list[Visit]],
    candidates: Sequence[Visit],
    travel: TravelModel,
) -> None:
    """Time every tour, mark partners and unmet preferences, list what is not in a tour.
    Safety net: a sequence that no longer fits (a window changed since it was published) loses
    visits until it does — a double visit leaves both tours — and they are listed; so does a
    visit in the tour of a nurse lacking one of its qualifications (no_qualified_nurse) and a
    double visit not held by exactly two nurses (no_second_nurse)."""
    by_nurse = {nurse.key: nurse for nurse in nurses}
    _drop_unqualified(plan, nurses, routes)
    _drop_half_staffed(plan, routes)
    for key in sorted(routes):
        if key not in by_nurse:
            continue
        while routes[key] and schedule(by_nurse[key], routes[key], travel) is None:
            kept = _drop_one(by_nurse[key], routes[key], travel)
            gone = {v.key for v in routes[key]} - {v.key for v in kept}
            routes[key] = kept
            for other in routes:
                routes[other] = [v for v in routes[other] if v.key not in gone]
    holders: dict[str, list[str]] = {}
    for nurse in nurses:
        for visit in routes.get(nurse.key, []):
            holders.setdefault(visit.key, []).append(nurse.key)
    by_key = {visit.key: visit for visit in candidates}
    for nurse in nurses:
        tour = schedule(nurse, routes.get(nurse.key, []), travel)
        if tour is None or not tour.stops:
            continue
        stops = []
        for stop in tour.stops:
            visit = by_key[stop.visit]
            others = [key for key in holders[stop.visit] if key != nurse.key]
            stops.append(
                replace(
                    stop,
                    partner=others[0] if others else None,
                    preferred_missed=visit.preferred is not None
                    and visit.preferred not in holders[stop.visit],
                )
            )
        plan.tours.append(replace(tour, stops=tuple(stops)))
    listed = {u.visit for u in plan.unassigned}
    for visit in candidates:
        if visit.key not in holders and visit.key not in listed:
            plan.unassigned.append(Unassigned(visit.key, NO_ROOM))


def _leave_all(routes: dict[str, list[Visit]], gone: set[str]) -> None:
    for key in routes:
        routes[key] = [v for v in routes[key] if v.key not in gone]


def _list(plan: Plan, keys: Iterable[str], reason: str) -> None:
    listed = {u.visit for u in plan.unassigned}
    for key in sorted(set(keys) - listed):
        plan.unassigned.append(Unassigned(key, reason))


def _drop_unqualified(plan: Plan, nurses: Sequence[Nurse], routes: dict[str, list[Visit]]) -> None:
    """Safety net (clinical rule): a visit in the tour of a nurse lacking one of its
    qualifications leaves every tour (a double visit is never half-staffed) and is listed."""
    gone = {
        visit.key
        for nurse in nurses
        for visit in routes.get(nurse.key, [])
        if not qualified(nurse, visit)
    }
    if gone:
        _leave_all(routes, gone)
        _list(plan, gone, NO_QUALIFIED_NURSE)


def _drop_half_staffed(plan: Plan, routes: dict[str, list[Visit]]) -> None:
    """Safety net: a double visit not held by exactly two tours leaves every tour and is
    listed."""
    holders: dict[str, list[str]] = {}
    doubles: set[str] = set()
    for key in sorted(routes):
        for visit in routes[key]:
            holders.setdefault(visit.key, []).append(key)
            if visit.nurses == 2:
                doubles.add(visit.key)
    gone = {key for key in doubles if len(set(holders[key])) != 2}
    if gone:
        _leave_all(routes, gone)
        _list(plan, gone, NO_SECOND_NURSE)


def _drop_one(nurse: Nurse, ordered: list[Visit], travel: TravelModel) -> list[Visit]:
    """Remove the visit whose removal makes the tour fit (the last such), else the last one."""
    for index in reversed(range(len(ordered))):
        rest = ordered[:index] + ordered[index + 1 :]
        if schedule(nurse, rest, travel) is not None:
            return rest
    return ordered[:-1]


def solve_params(params: SolverParams) -> Any:
    """``pyvrp.SolveParams`` from the data above (PyVRP's defaults for what it does not give);
    the ``run`` section is not PyVRP's (see ``run_plan``)."""
    from pyvrp import IteratedLocalSearchParams, PenaltyParams, SolveParams
    from pyvrp.search import NeighbourhoodParams, PerturbationParams

    sections = {
        "ils": IteratedLocalSearchParams,
        "penalty": PenaltyParams,
        "neighbourhood": NeighbourhoodParams,
        "perturbation": PerturbationParams,
    }
    unknown = set(params) - set(sections) - {RUN}
    if unknown:
        raise ValueError(f"unknown solver parameter sections: {sorted(unknown)}")
    run_plan(params)
    return SolveParams(**{name: kind(**params.get(name, {})) for name, kind in sections.items()})


def run_plan(params: SolverParams) -> tuple[int, int]:
    """(workers, restarts) of the ``run`` section, 1 each when not given."""
    run = dict(params.get(RUN, {}))
    unknown = set(run) - {"workers", "restarts"}
    if unknown:
        raise ValueError(f"unknown run fields: {sorted(unknown)}")
    workers, restarts = run.get("workers", 1), run.get("restarts", 1)
    if not (isinstance(workers, int) and isinstance(restarts, int)) or min(workers, restarts) < 1:
        raise ValueError("run: workers and restarts must be whole numbers of at least 1")
    return workers, restarts


SEED_STRIDE = 1_000_003  # a prime: search ``index`` of a plan with seed s uses s + index × this


def derived_seed(seed: int, index: int) -> int:
    """The seed of the ``index``-th search (0: the plan's seed itself, so one search is PyVRP's
    call with the plan's seed)."""
    return seed + index * SEED_STRIDE


@dataclass(frozen=True)
class Searched:
    """The best of several searches: its solution (``pyvrp.Solution``), whether it is feasible,
    its cost (PyVRP's objective), the index of the search that found it, and the iterations of
    all the searches."""

    solution: Any
    feasible: bool
    cost: float
    index: int
    iterations: int


class _Deadline:
    """PyVRP stopping criterion: stop at a ``time.monotonic()`` instant."""

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self, best_cost: float) -> bool:
        import time

        return time.monotonic() >= self.at


def _searches(
    data: Any,
    seeds: Sequence[tuple[int, int]],
    params: SolverParams,
    max_iterations: int | None,
    until: float | None,
) -> Searched:
    """One worker: the searches (index, seed) one after the other, each with its share of the
    worker's budget (iterations; the time left until ``until``, a ``time.monotonic()`` instant,
    the same clock in every process); the best kept."""
    import time

    from pyvrp import solve
    from pyvrp.stop import MaxIterations, MultipleCriteria

    started = time.monotonic()
    pyvrp_params = solve_params(params)
    best: Searched | None = None
    iterations = 0
    for number, (index, seed) in enumerate(seeds):
        criteria: list[Any] = []
        if max_iterations is not None:
            criteria.append(MaxIterations(max(1, max_iterations // len(seeds))))
        if until is not None:
            criteria.append(_Deadline(started + (until - started) * (number + 1) / len(seeds)))
        result = solve(
            data,
            MultipleCriteria(criteria),
            seed=seed,
            display=False,
            collect_stats=False,
            params=pyvrp_params,
        )
        iterations += result.num_iterations
        found = Searched(result.best, result.is_feasible(), result.cost(), index, 0)
        if best is None or _better(found, best):
            best = found
    assert best is not None
    return replace(best, iterations=iterations)


def _better(one: Searched, other: Searched) -> bool:
    """Feasible first, then the lower cost, then the lower search index (deterministic)."""
    return (not one.feasible, one.cost, one.index) < (not other.feasible, other.cost, other.index)


def solve_best(
    data: Any,
    seed: int,
    params: SolverParams,
    *,
    max_iterations: int | None = None,
    max_seconds: float | None = None,
) -> Searched:
    """Solve ``data`` (``pyvrp.ProblemData``) with ``params``: ``workers`` × ``restarts``
    independent searches (derived seeds), the workers in parallel processes, each worker's
    budget (``max_iterations`` iterations and/or ``max_seconds`` seconds of wall clock) split
    between its restarts; the best feasible solution is kept. Deterministic for a seed when the
    iteration budget stops every search. One worker runs in this process (no pool); the time
    budget counts from this call, the workers' start-up included."""
    import time

    if max_iterations is None and max_seconds is None:
        raise ValueError("solve_best needs an iteration or a time budget")
    until = None if max_seconds is None else time.monotonic() + max_seconds
    workers, restarts = run_plan(params)
    plans = [
        [(w * restarts + k, derived_seed(seed, w * restarts + k)) for k in range(restarts)]
        for w in range(workers)
    ]
    if workers == 1:
        return _searches(data, plans[0], params, max_iterations, until)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: no copy of the caller's state (database connections, threads) in the workers.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        found = list(
            pool.map(
                _searches,
                [data] * workers,
                plans,
                [params] * workers,
                [max_iterations] * workers,
                [until] * workers,
            )
        )
    best = found[0]
    for other in found[1:]:
        if _better(other, best):
            best = other
    return replace(best, iterations=sum(f.iterations for f in found))


def _solve(
    nurses: Sequence[Nurse],
    visits: Sequence[Visit],
    travel: TravelModel,
    seed: int,
    max_iterations: int,
    max_seconds: float,
) -> dict[str, list[str]]:
    from pyvrp import Model

    skills = sorted(set().union(*(visit.qualifications for visit in visits)))
    big = len(visits)
    model = Model()
    points: list[Point] = []
    depots = []
    for nurse in nurses:
        location = model.add_location(x=nurse.home[1], y=nurse.home[0], name=nurse.key)
        points.append(nurse.home)
        depots.append(model.add_depot(location, name=nurse.key))
    for nurse, depot in zip(nurses, depots, strict=True):
        shift = nurse.shift_end - nurse.shift_start
        model.add_vehicle_type(
            num_available=1,
            capacity=[big if skill in nurse.qualifications else 0 for skill in skills],
            start_depot=depot,
            end_depot=depot,
            tw_early=nurse.shift_start,
            tw_late=nurse.shift_end,
            shift_duration=shift - (nurse.lunch_minutes if nurse.needs_lunch() else 0),
            name=nurse.key,
        )
    for visit in visits:
        location = model.add_location(x=visit.place[1], y=visit.place[0], name=visit.key)
        points.append(visit.place)
        model.add_client(
            location,
            delivery=[1 if skill in visit.qualifications else 0 for skill in skills],
            service_duration=visit.duration,
            tw_early=visit.window[0],
            tw_late=visit.window[1],
            prize=PRIZE,
            required=False,
            name=visit.key,
        )
    locations = model.locations
    for i, frm in enumerate(locations):
        for j, to in enumerate(locations):
            if i == j:
                model.add_edge(frm, to, distance=0, duration=0)
                continue
            metres = round(travel.road_km(points[i], points[j]) * 1000)
            model.add_edge(frm, to, distance=metres, duration=travel.minutes(points[i], points[j]))
    data = _with_preferences(model.data(), nurses, visits)
    searched = solve_best(
        data, seed, SOLVER, max_iterations=max_iterations, max_seconds=max_seconds
    )
    routes: dict[str, list[str]] = {}
    clients = model.clients
    for route in searched.solution.routes():
        nurse = nurses[route.vehicle_type()]
        visited = [
            clients[activity.idx].name for activity in route.schedule() if activity.is_client()
        ]
        routes[nurse.key] = visited
    return routes


def _with_preferences(data: Any, nurses: Sequence[Nurse], visits: Sequence[Visit]) -> Any:
    """The patients' preferred nurses inside the optimisation: one routing profile per group of
    nurses, where reaching a visit whose patient prefers another nurse costs
    ``PREFERENCE_METRES`` more. A preferred nurse thus gets the visit when it costs her tour
    less than that detour; qualifications stay hard (load dimensions), so a preference never
    gives a visit to an untrained nurse. ``data`` unchanged when no visit has a preferred nurse
    among the tours. Locations: the nurses' homes, then the visits (``_solve``'s order)."""
    import numpy as np

    keys = {nurse.key for nurse in nurses}
    wanted = {
        len(nurses) + index: visit.preferred
        for index, visit in enumerate(visits)
        if visit.preferred in keys
    }
    if not wanted:
        return data
    base = np.asarray(data.distance_matrix(0), dtype=np.int64)
    duration = np.asarray(data.duration_matrix(0), dtype=np.int64)
    profiles: dict[frozenset[int], int] = {}
    distances: list[Any] = []
    durations: list[Any] = []
    vehicle_types: list[Any] = []
    for nurse, vehicle in zip(nurses, data.vehicle_types(), strict=True):
        penalised = frozenset(col for col, key in wanted.items() if key != nurse.key)
        if penalised not in profiles:
            profiles[penalised] = len(distances)
            matrix = base.copy()
            columns = sorted(penalised)
            matrix[:, columns] += PREFERENCE_METRES
            for column in columns:
                matrix[column, column] = 0
            distances.append(matrix)
            durations.append(duration)
        vehicle_types.append(vehicle.replace(profile=profiles[penalised]))
    return data.replace(
        vehicle_types=vehicle_types, distance_matrices=distances, duration_matrices=durations
    )
