"""Day-hospital chairs and EFS apheresis machines (pure): place the day's sessions on chairs or
machines with CP-SAT (OR-Tools).

Model, per centre and day (times are minutes after midnight, local time):

* every session (``Demand``) is an optional interval ``[start, start + duration)``; it is placed
  or not (``presence``). Starts are on the slot grid (``Centre.slot`` minutes): the variable is
  the slot number from opening, and the intervals count time in the largest unit dividing the
  slot and every duration (the slot itself on quarter-hour days) — no start-minute variable;
* **chairs / machines**: at most as many sessions of a kind run at the same time as the centre
  has resources of that kind (a cumulative per kind). Identical chairs need no chair variable:
  taking the placed sessions by start time, a free chair always exists (interval graphs — the
  greedy colouring is optimal), so each gets one after solving, with no overlap on any chair; a
  re-plan keeps a session's previous chair when it is free. This removes the chairs' symmetry,
  which otherwise keeps the solver from proving its plan;
* **nurse set-up**: the first slot of a session is its installation; at most
  ``Centre.starts_per_slot`` sessions start in the same slot (cumulative of one-slot intervals);
* **monitoring**: at most ``Centre.nurses × Centre.patients_per_nurse`` sessions run at the same
  time (cumulative);
* **pharmacy preparation**: a session starts no earlier than its preparation is ready
  (``Demand.ready``), and ends before closing (``Demand.latest_end`` or ``Centre.closes``);
* **the patient's other appointments** that day (``Demand.busy``): the starts that would
  overlap one are left out of the start's domain; the patient's other sessions never overlap it
  (NoOverlap per patient);
* objective, lexicographic by weights: place the **recurring programmes first** (red-cell
  exchange every 4–5 weeks…), then as many other sessions as possible, then keep the previous
  plan (a re-plan moves as few sessions as possible: the previous solution is hinted and every
  move is penalised), then start early;
* **redundant bounds** on the early-start term, from the set-up limit (``_start_cuts``): they
  never change the optimum (tested) but give the LP relaxation a real bound on how late the
  placed sessions start;
* **a first plan** (``_greedy``: slot after slot, recurring programmes first, then the most
  urgent, then the shortest; a re-plan's sessions keep their start when it still fits) is the
  solver's hint, complete and feasible. If the wall-clock safety net stops the solver before
  any solution, this first plan is returned (status ``FIRST_PLAN``).

Every session not placed is returned with a reason, checked alone against the centre (no
resource of its kind, its window is shorter than the session, the patient's appointments leave no
gap) or against the solution (every resource of its kind is taken, or the nurses are).

Deterministic: fixed seed, a small fixed number of workers; the time limit, in CP-SAT's
deterministic time, bounds the search (docs/planning.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from math import gcd

from ortools.sat.python import cp_model

# Why a session is not placed.
NO_RESOURCE = "no_resource"  # the centre has no active resource of the kind it needs
NO_WINDOW = "no_window"  # preparation ready too late / opening hours too short for it
PATIENT_BUSY = "patient_busy"  # the patient's other appointments leave no gap long enough
RESOURCES_FULL = "resources_full"  # every chair / machine of its kind is taken when it could run
NURSES_FULL = "nurses_full"  # a resource is free but the nurses cannot set it up or monitor it
NOT_SOLVED = "not_solved"  # no plan at all (older plans; the first plan now always exists)
REASONS = (NO_RESOURCE, NO_WINDOW, PATIENT_BUSY, RESOURCES_FULL, NURSES_FULL, NOT_SOLVED)
# Status of a schedule when the solver had no solution in time: the greedy first plan is returned.
FIRST_PLAN = "FIRST_PLAN"


@dataclass(frozen=True)
class Resource:
    key: str
    kind: str  # "chair" | "apheresis"


@dataclass(frozen=True)
class Demand:
    key: str
    patient: str
    kind: str
    duration: int
    ready: int  # earliest start: the preparation is ready (and the centre open)
    latest_end: int | None = None
    busy: tuple[tuple[int, int], ...] = ()  # the patient's other appointments (start, end)
    recurring: bool = False
    previous: tuple[str, int] | None = None  # (resource key, start) in the plan being changed

    def __post_init__(self) -> None:
        if self.duration <= 0:
            raise ValueError(f"session {self.key}: the duration must be positive")


@dataclass(frozen=True)
class Centre:
    opens: int
    closes: int
    slot: int = 15
    starts_per_slot: int = 2  # nurse set-up: sessions installed in the same slot
    nurses: int = 2
    patients_per_nurse: int = 4  # monitoring: patients one nurse watches at the same time

    def __post_init__(self) -> None:
        if not 0 <= self.opens < self.closes <= 24 * 60:
            raise ValueError("the centre must open before it closes")
        if self.slot <= 0 or self.starts_per_slot <= 0:
            raise ValueError("slot and starts per slot must be positive")

    @property
    def monitoring(self) -> int:
        return max(0, self.nurses * self.patients_per_nurse)


@dataclass(frozen=True)
class Assignment:
    demand: str
    resource: str
    start: int
    end: int
    moved: bool = False  # placed differently from the previous plan


@dataclass(frozen=True)
class Unplaced:
    demand: str
    reason: str


@dataclass
class Schedule:
    assignments: list[Assignment] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    status: str = ""
    objective: float = 0.0
    bound: float = 0.0
    wall_time: float = 0.0

    def assignment_of(self, key: str) -> Assignment | None:
        return next((a for a in self.assignments if a.demand == key), None)

    @property
    def gap(self) -> float:
        """Relative gap between the objective and the solver's bound (0 when proved optimal)."""
        if not self.bound:
            return 0.0
        return abs(self.bound - self.objective) / max(1.0, abs(self.bound))


def _ceil_to(value: int, step: int, origin: int) -> int:
    return origin + -(-(value - origin) // step) * step


def _start_window(demand: Demand, centre: Centre) -> tuple[int, int] | None:
    """The first and last start on the slot grid, or None when the session cannot fit."""
    first = _ceil_to(max(demand.ready, centre.opens), centre.slot, centre.opens)
    end = min(centre.closes, demand.latest_end if demand.latest_end is not None else centre.closes)
    last = end - demand.duration
    last = centre.opens + (last - centre.opens) // centre.slot * centre.slot if last >= 0 else -1
    if last < first:
        return None
    return first, last


def _fits_around(busy: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= b_start or b_end <= start for b_start, b_end in busy)


def _some_start(demand: Demand, centre: Centre, window: tuple[int, int]) -> bool:
    start = window[0]
    while start <= window[1]:
        if _fits_around(demand.busy, start, start + demand.duration):
            return True
        start += centre.slot
    return False


def _prechecked(
    demand: Demand, centre: Centre, kinds: set[str]
) -> tuple[str | None, tuple[int, int] | None]:
    if demand.kind not in kinds:
        return NO_RESOURCE, None
    window = _start_window(demand, centre)
    if window is None:
        return NO_WINDOW, None
    if not _some_start(demand, centre, window):
        return PATIENT_BUSY, None
    if centre.monitoring < 1:
        return NURSES_FULL, None
    return None, window


def _explain(
    demand: Demand,
    window: tuple[int, int],
    centre: Centre,
    resources: Sequence[Resource],
    placed: Sequence[tuple[Assignment, Demand]],
) -> str:
    """Why a demand that could run alone is not in the solution: scan its starts."""
    by_resource: dict[str, list[tuple[int, int]]] = defaultdict(list)
    patient_taken = list(demand.busy)
    for assignment, other in placed:
        by_resource[assignment.resource].append((assignment.start, assignment.end))
        if other.patient == demand.patient:
            patient_taken.append((assignment.start, assignment.end))
    free_resource_somewhere = False
    start = window[0]
    while start <= window[1]:
        end = start + demand.duration
        if _fits_around(patient_taken, start, end):
            free = any(
                _fits_around(by_resource[r.key], start, end)
                for r in resources
                if r.kind == demand.kind
            )
            if free:
                free_resource_somewhere = True
        start += centre.slot
    return NURSES_FULL if free_resource_somewhere else RESOURCES_FULL


def _assign_resources(
    chosen: Sequence[tuple[Demand, int]], resources: Sequence[Resource]
) -> list[tuple[Assignment, Demand]]:
    """Give each placed session a resource of its kind. The solver keeps at most as many sessions
    of a kind running at once as there are resources of that kind; taking the sessions by start
    time, a resource is then always free (interval graphs: the greedy colouring is optimal). The
    previous plan's resource is kept when it is free."""
    free_at: dict[str, int] = {r.key: 0 for r in resources}
    placed = []
    for demand, start in sorted(chosen, key=lambda item: (item[1], item[0].key)):
        free = [r.key for r in resources if r.kind == demand.kind and free_at[r.key] <= start]
        if not free:  # cannot happen when the cumulative holds; refuse rather than overlap
            raise RuntimeError(f"no free resource for {demand.key}")
        wanted = demand.previous[0] if demand.previous else None
        resource = wanted if wanted in free else free[0]
        free_at[resource] = start + demand.duration
        moved = demand.previous is not None and demand.previous != (resource, start)
        placed.append(
            (Assignment(demand.key, resource, start, start + demand.duration, moved), demand)
        )
    return placed


def _grid_starts(demand: Demand, centre: Centre, window: tuple[int, int]) -> list[int]:
    """The session's possible starts as slot numbers from opening (the grid within its window
    where the patient's other appointments leave room)."""
    return [
        (start - centre.opens) // centre.slot
        for start in range(window[0], window[1] + 1, centre.slot)
        if _fits_around(demand.busy, start, start + demand.duration)
    ]


def _start_cuts(firsts: Sequence[int], per_slot: int, last_slot: int) -> list[tuple[int, int, int]]:
    """Redundant bounds on how late the placed sessions start, from the set-up limit alone.

    Take the sessions whose earliest slot is ``a`` or later: if ``m`` of them are placed, they
    start in slots ``a, a+1, …`` at most ``per_slot`` to a slot, so the slots they start after
    ``a`` add up to at least ``h(m) = Σ_{i<m} ⌊i / per_slot⌋``. ``h`` is convex, so it lies
    above each of its tangents ``h(k) + ⌊k / per_slot⌋ × (m − k)``; the tangents at multiples of
    ``per_slot`` give them all. Returns (a, k, h(k)) for each distinct earliest slot ``a`` and
    each useful ``k`` (at least one full slot, at most the set-ups left from ``a``)."""
    cuts = []
    for a in sorted(set(firsts)):
        sessions = sum(1 for first in firsts if first >= a)
        most = min(sessions, per_slot * (last_slot - a + 1))
        for k in range(per_slot, most + 1, per_slot):
            h = sum(i // per_slot for i in range(k))
            cuts.append((a, k, h))
    return cuts


def _moved(demand: Demand, slot_number: int | None, centre: Centre, grid: Sequence[int]) -> bool:
    """Whether a session of the previous plan is counted as moved (the model's rule: it starts
    elsewhere when placed, or its previous start is no longer possible)."""
    if demand.previous is None:
        return False
    offset = demand.previous[1] - centre.opens
    if offset % centre.slot != 0 or offset // centre.slot not in grid:
        return True
    return slot_number is not None and slot_number != offset // centre.slot


def _greedy(
    candidates: Sequence[tuple[Demand, tuple[int, int]]],
    grids: dict[str, list[int]],
    centre: Centre,
    kind_count: dict[str, int],
    unit: int,
) -> dict[str, int]:
    """A first plan for the solver (its hint), by list scheduling on the slot grid: a re-plan's
    sessions keep their previous start when it still fits; then, slot after slot, the sessions
    that can start there take the free set-ups — recurring programmes first, then the most urgent
    (the fewest starts left), then the shortest. Every rule of the model is kept, so the solver
    starts from a full, feasible plan. Returns the slot of each placed session."""
    step = centre.slot // unit
    horizon = max(step * grids[d.key][-1] + d.duration // unit for d, _w in candidates)
    running: dict[str, list[int]] = {kind: [0] * horizon for kind in kind_count}
    monitored = [0] * horizon
    setups: dict[int, int] = defaultdict(int)
    patient_taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    chosen: dict[str, int] = {}

    def fits(demand: Demand, g: int) -> bool:
        begin, end = step * g, step * g + demand.duration // unit
        if setups[g] >= centre.starts_per_slot:
            return False
        if not _fits_around(patient_taken[demand.patient], begin, end):
            return False
        load = running[demand.kind]
        capacity = kind_count[demand.kind]
        return all(
            load[t] < capacity and monitored[t] < centre.monitoring for t in range(begin, end)
        )

    def take(demand: Demand, g: int) -> None:
        begin, end = step * g, step * g + demand.duration // unit
        setups[g] += 1
        patient_taken[demand.patient].append((begin, end))
        for t in range(begin, end):
            running[demand.kind][t] += 1
            monitored[t] += 1
        chosen[demand.key] = g

    for demand, _window in candidates:
        if demand.previous is None:
            continue
        offset = demand.previous[1] - centre.opens
        previous_slot = offset // centre.slot
        on_grid = offset % centre.slot == 0 and previous_slot in grids[demand.key]
        if on_grid and fits(demand, previous_slot):
            take(demand, previous_slot)
    waiting = [d for d, _w in candidates if d.key not in chosen]
    grid_sets = {key: set(grid) for key, grid in grids.items()}
    for g in range(max(grid[-1] for grid in grids.values()) + 1):
        ready = [d for d in waiting if d.key not in chosen and g in grid_sets[d.key]]
        ready.sort(
            key=lambda d: (
                not d.recurring,
                sum(1 for x in grids[d.key] if x >= g),
                d.duration,
                d.key,
            )
        )
        for demand in ready:
            if setups[g] >= centre.starts_per_slot:
                break
            if fits(demand, g):
                take(demand, g)
    return chosen


def schedule(
    centre: Centre,
    resources: Sequence[Resource],
    demands: Sequence[Demand],
    *,
    time_limit: float = 5.0,
    seed: int = 1,
    workers: int = 1,
    redundant: bool = True,
) -> Schedule:
    """Place the day's sessions; see the module's docstring for the model. ``redundant=False``
    leaves out the redundant bounds (they never change the optimum; the tests compare)."""
    keys = [d.key for d in demands]
    if len(set(keys)) != len(keys):
        raise ValueError("session keys must be unique")
    kinds = {r.kind for r in resources}
    result = Schedule()
    candidates: list[tuple[Demand, tuple[int, int]]] = []
    for demand in sorted(demands, key=lambda d: d.key):
        reason, window = _prechecked(demand, centre, kinds)
        if reason is not None or window is None:
            result.unplaced.append(Unplaced(demand.key, reason or NO_WINDOW))
        else:
            candidates.append((demand, window))
    if not candidates:
        result.status = "OPTIMAL"
        return result

    # Time unit: the largest that divides the slot and every duration (the slot itself on the
    # usual quarter-hour days), times counted from opening. A session's start is a slot number
    # ``g`` (its start is ``opens + slot × g``), so its interval is ``[step × g, step × g +
    # length)`` in units: no start-minute variable, no channelling, small domains.
    slot = centre.slot
    unit = slot
    for demand, _window in candidates:
        unit = gcd(unit, demand.duration)
    step = slot // unit
    model = cp_model.CpModel()
    presence: dict[str, cp_model.IntVar] = {}
    starts: dict[str, cp_model.IntVar] = {}
    grids: dict[str, list[int]] = {}
    per_kind: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    per_patient: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    sessions: list[cp_model.IntervalVar] = []
    setups: list[cp_model.IntervalVar] = []
    moved_terms: list[cp_model.IntVar] = []
    moved_of: dict[str, cp_model.IntVar] = {}
    slot_terms: list[cp_model.LinearExpr] = []
    kind_count: dict[str, int] = defaultdict(int)
    for resource in resources:
        kind_count[resource.kind] += 1

    for demand, window in candidates:
        key = demand.key
        grid = _grid_starts(demand, centre, window)  # never empty: _prechecked found a start
        grids[key] = grid
        length = demand.duration // unit
        present = model.new_bool_var(f"p_{key}")
        # The patient's other appointments: the starts that would overlap one are not in the
        # domain (exact, no disjunction).
        start = model.new_int_var_from_domain(cp_model.Domain.from_values(grid), f"g_{key}")
        presence[key], starts[key] = present, start
        interval = model.new_optional_interval_var(
            step * start, length, step * start + length, present, f"i_{key}"
        )
        sessions.append(interval)
        per_kind[demand.kind].append(interval)
        per_patient[demand.patient].append(interval)
        setups.append(
            model.new_optional_fixed_size_interval_var(step * start, step, present, f"u_{key}")
        )
        slot_terms.append(start - grid[0])  # slots after its earliest start
        # Keeping the previous plan: hint it, penalise a different start.
        if demand.previous is not None:
            moved = model.new_bool_var(f"m_{key}")
            offset = demand.previous[1] - centre.opens
            previous_slot = offset // slot
            if offset % slot == 0 and previous_slot in grid:
                model.add(start == previous_slot).only_enforce_if(~moved)
            else:
                model.add(moved == 1)
            moved_terms.append(moved)
            moved_of[key] = moved

    # Interchangeable sessions (same kind, duration, window, no appointment, no previous place,
    # and the patient's only session that day): take them in key order — placed ones first,
    # earlier starts first — so the solver does not explore their permutations. A patient with
    # another session that day is not interchangeable: ordering it by key would cut optimal plans.
    sessions_of_patient: dict[str, int] = defaultdict(int)
    for demand, _window in candidates:
        sessions_of_patient[demand.patient] += 1
    groups: dict[tuple[object, ...], list[str]] = defaultdict(list)
    for demand, window in candidates:
        alone = sessions_of_patient[demand.patient] == 1
        if alone and not demand.busy and demand.previous is None:
            groups[(demand.kind, demand.duration, window, demand.recurring)].append(demand.key)
    # A first plan as the hint (the previous plan's starts kept where they fit), its
    # interchangeable sessions renumbered in key order as the symmetry breaking below wants.
    hint = _greedy(candidates, grids, centre, kind_count, unit)
    for members in groups.values():
        taken = sorted(hint.pop(key) for key in members if key in hint)
        hint.update(zip(members, taken, strict=False))
    for demand, _window in candidates:
        key, grid = demand.key, grids[demand.key]
        unplaced_at = grid[0]  # an unplaced session keeps its previous start: not counted moved
        if demand.previous is not None and not _moved(demand, None, centre, grid):
            unplaced_at = (demand.previous[1] - centre.opens) // slot
        model.add_hint(presence[key], key in hint)
        model.add_hint(starts[key], hint.get(key, unplaced_at))
        if key in moved_of:
            model.add_hint(moved_of[key], _moved(demand, hint.get(key), centre, grid))
    for members in groups.values():
        for one, two in pairwise(members):
            model.add(presence[one] >= presence[two])
            model.add(starts[one] <= starts[two]).only_enforce_if(presence[two])
    for kind, intervals in per_kind.items():
        model.add_cumulative(intervals, [1] * len(intervals), kind_count[kind])
    for intervals in per_patient.values():
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    model.add_cumulative(setups, [1] * len(setups), centre.starts_per_slot)
    model.add_cumulative(sessions, [1] * len(sessions), centre.monitoring)

    if redundant:
        # Redundant bounds on the early-start term, implied by the set-up cumulative but visible
        # to the LP relaxation: without them its bound believes the placed sessions all start
        # at their earliest slot (issue 18's 30-chair day: 2 slots late in all instead of ~700).
        # They tighten the bound and steer the search to earlier plans (docs/benchmarks.md).
        firsts = {demand.key: grids[demand.key][0] for demand, _window in candidates}
        last_slot = max(grid[-1] for grid in grids.values())
        for a, k, h in _start_cuts(list(firsts.values()), centre.starts_per_slot, last_slot):
            later = [key for key, first in firsts.items() if first >= a]
            late = sum(
                starts[key] - firsts[key] + (firsts[key] - a) * presence[key] for key in later
            )
            count = sum(presence[key] for key in later)
            model.add(late >= h + (k // centre.starts_per_slot) * (count - k))

    # Lexicographic weights: recurring placed > other placed > moves > early starts.
    n = len(candidates)
    max_slot = max(1, centre.closes // slot)
    w_slot = 1
    w_move = w_slot * max_slot * n + 1
    w_other = w_move * (n + 1)
    w_recurring = w_other * (n + 1)
    placed_terms = []
    for demand, _window in candidates:
        weight = w_recurring if demand.recurring else w_other
        placed_terms.append(weight * presence[demand.key])
    model.maximize(sum(placed_terms) - w_move * sum(moved_terms) - w_slot * sum(slot_terms))

    solver = cp_model.CpSolver()
    # Deterministic: the limit is in deterministic time (about seconds of work on one core) and
    # the workers are interleaved in one thread, so a seed always gives the same plan; the
    # wall-clock limit is only a safety net on a loaded machine.
    solver.parameters.max_deterministic_time = float(time_limit)
    solver.parameters.max_time_in_seconds = float(time_limit) * 5 + 1
    solver.parameters.num_workers = max(1, int(workers))
    solver.parameters.interleave_search = workers > 1
    solver.parameters.random_seed = int(seed)
    status = solver.solve(model)
    result.status = solver.status_name(status)
    result.wall_time = solver.wall_time
    by_key = {d.key: d for d, _window in candidates}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result.objective = solver.objective_value
        result.bound = solver.best_objective_bound
        slots = {
            demand.key: solver.value(starts[demand.key])
            for demand, _window in candidates
            if solver.boolean_value(presence[demand.key])
        }
    else:
        # The wall-clock net stopped the solver before its first solution (a heavily loaded
        # machine): the first plan (the hint) keeps every rule, so it is returned rather than
        # nothing; its gap is measured against the trivial bound (every session placed).
        result.status = FIRST_PLAN
        slots = hint
        result.objective = float(
            sum(w_recurring if d.recurring else w_other for d, _w in candidates if d.key in hint)
            - w_move
            * sum(1 for d, _w in candidates if _moved(d, hint.get(d.key), centre, grids[d.key]))
            - w_slot * sum(g - grids[key][0] for key, g in hint.items())
        )
        result.bound = float(sum(w_recurring if d.recurring else w_other for d, _w in candidates))
    chosen = [
        (demand, centre.opens + slot * slots[demand.key])
        for demand, _window in candidates
        if demand.key in slots
    ]
    placed = _assign_resources(chosen, resources)
    result.assignments = sorted((a for a, _d in placed), key=lambda a: (a.resource, a.start))
    for demand, window in candidates:
        if demand.key in slots:
            continue
        result.unplaced.append(
            Unplaced(demand.key, _explain(by_key[demand.key], window, centre, resources, placed))
        )
    result.unplaced.sort(key=lambda u: u.demand)
    return result


def check(
    centre: Centre,
    resources: Sequence[Resource],
    demands: Sequence[Demand],
    assignments: Sequence[Assignment],
) -> list[str]:
    """The rules a schedule must keep, checked independently of the solver: the problems found."""
    problems = []
    by_key = {d.key: d for d in demands}
    kind_of = {r.key: r.kind for r in resources}
    for a in assignments:
        d = by_key[a.demand]
        if kind_of.get(a.resource) != d.kind:
            problems.append(f"{a.demand}: on a resource of another kind")
        if a.start < max(d.ready, centre.opens):
            problems.append(f"{a.demand}: starts before its preparation is ready")
        if a.end > min(centre.closes, d.latest_end or centre.closes):
            problems.append(f"{a.demand}: ends after closing")
        if not _fits_around(d.busy, a.start, a.end):
            problems.append(f"{a.demand}: overlaps another appointment of the patient")
    for i, a in enumerate(assignments):
        for b in assignments[i + 1 :]:
            overlap = a.start < b.end and b.start < a.end
            if overlap and a.resource == b.resource:
                problems.append(f"{a.demand}/{b.demand}: same resource at the same time")
            if overlap and by_key[a.demand].patient == by_key[b.demand].patient:
                problems.append(f"{a.demand}/{b.demand}: same patient at the same time")
    moments = sorted({a.start for a in assignments} | {a.end for a in assignments})
    for moment in moments:
        running = sum(1 for a in assignments if a.start <= moment < a.end)
        if running > centre.monitoring:
            problems.append(f"{moment}: {running} sessions monitored at once")
        starting = sum(1 for a in assignments if a.start <= moment < a.start + centre.slot)
        if starting > centre.starts_per_slot:
            problems.append(f"{moment}: {starting} set-ups in one slot")
    return problems
