"""Home-health routing with synchronised double visits and soft time windows (pure).

The model of Mankowska, Meisel & Bierwirth (2014), as published with the instances in
iolab-uniud/hhcrsp: every caregiver leaves the office at time 0 and comes back to it; a patient
needs one service, or two services done by two different caregivers, either starting at the same
minute (``simultaneous``) or the second starting between ``gap[0]`` and ``gap[1]`` minutes after
the first (``sequential``, the first being the first listed). No service starts before its
patient's window opens (waiting is allowed); starting after it closes is allowed and costs its
lateness (tardiness). Every service, the second of a double visit included, is measured against
the patient's window: tardiness = max(0, start − window end) — the reading of the repository's
validator. Objective: distance + total tardiness + maximum tardiness (the best-known table
divides it by 3).

For fixed routes, the earliest start times minimise every start at once (the constraints are
"start ≥ something" and the cost grows with each start), so a solution is its routes and the
schedule is computed: each route is walked in order, and a double visit is scheduled when both
of its services are at the front of their routes (both routes wait for each other). Routes in
which two double visits wait for each other in opposite orders cannot be scheduled (deadlock)
and are rejected.

Solver: a greedy first solution (patients by window opening, each service appended to the
qualified route where it costs least; or cheapest insertion when that is better), then
simulated annealing on the exact objective with relocate, swap, 2-opt, moves of a visit to
other caregivers at the same time of day, and ruin and recreate (related patients removed,
both services of a double visit together, put back by regret insertion judged by the exact
schedule), cooled over time slices that restart from the best solution.
``verify`` checks a plan on its own (it does not trust the scheduler) and recomputes the cost.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SIMULTANEOUS = "simultaneous"
SEQUENTIAL = "sequential"
EMPTY_ROUTE = 10_000.0  # cost of an idle caregiver when every caregiver must work
TOLERANCE = 1e-6  # minutes: float rounding allowed in the verifier's comparisons
RUIN = 0.03  # chance per iteration of ruin and recreate (docs/benchmarks.md, Mankowska)
SLACK = 5.0  # minutes: a visit this close to its window's end counts as late when pushed


@dataclass(frozen=True)
class Patient:
    key: str
    node: int  # row of the distance matrix (the office is row 0)
    window: tuple[float, float]
    services: tuple[tuple[str, float], ...]  # (service, duration); two for a double visit
    sync: str | None = None  # SIMULTANEOUS or SEQUENTIAL for a double visit
    gap: tuple[float, float] = (0.0, 0.0)  # sequential: min and max minutes between starts

    def __post_init__(self) -> None:
        if len(self.services) not in (1, 2):
            raise ValueError(f"patient {self.key}: required_caregivers must list 1 or 2 services")
        if len(self.services) == 2 and self.sync not in (SIMULTANEOUS, SEQUENTIAL):
            raise ValueError(f"patient {self.key}: synchronization.type is required for two")
        if self.window[0] > self.window[1]:
            raise ValueError(f"patient {self.key}: time_window must open before it closes")
        if self.sync == SEQUENTIAL and not 0 <= self.gap[0] <= self.gap[1]:
            raise ValueError(f"patient {self.key}: synchronization.distance must be min ≤ max")


@dataclass(frozen=True)
class Caregiver:
    key: str
    abilities: frozenset[str]


@dataclass(frozen=True)
class Problem:
    patients: tuple[Patient, ...]
    caregivers: tuple[Caregiver, ...]
    distances: tuple[tuple[float, ...], ...]  # row/column 0: the office

    def __post_init__(self) -> None:
        size = len(self.distances)
        if any(len(row) != size for row in self.distances):
            raise ValueError("distances: the matrix must be square")
        for patient in self.patients:
            if not 0 < patient.node < size:
                raise ValueError(f"patient {patient.key}: no row in distances")
            for service, _ in patient.services:
                if not any(service in c.abilities for c in self.caregivers):
                    raise ValueError(f"patient {patient.key}: no caregiver can do {service}")


@dataclass(frozen=True)
class Stop:
    patient: int  # index in Problem.patients
    service: str
    start: float


@dataclass(frozen=True)
class Check:
    errors: tuple[str, ...]
    distance: float
    total_tardiness: float
    max_tardiness: float

    @property
    def feasible(self) -> bool:
        return not self.errors

    @property
    def objective(self) -> float:
        return self.distance + self.total_tardiness + self.max_tardiness

    @property
    def total_cost(self) -> float:
        """The best-known table's convention: (distance + total + max tardiness) / 3."""
        return self.objective / 3


@dataclass
class Result:
    routes: list[list[Stop]]  # one per caregiver, in Problem.caregivers order
    objective: float
    iterations: int = 0
    ruins: int = 0  # ruin-and-recreate moves tried
    ruins_accepted: int = 0
    first_objective: float = 0.0
    history: list[tuple[float, float]] = field(default_factory=list)  # (seconds, best)


def load(data: Mapping[str, Any]) -> Problem:
    """A Problem from the published JSON (patients, services, caregivers, distances)."""
    for name in ("patients", "services", "caregivers", "distances"):
        if name not in data:
            raise ValueError(f"{name}: missing")
    defaults = {s["id"]: float(s.get("default_duration") or 0) for s in data["services"]}
    patients = []
    for index, raw in enumerate(data["patients"], start=1):
        key = str(raw.get("id", index))
        try:
            services = tuple(
                (str(r["service"]), float(r.get("duration") or defaults[r["service"]]))
                for r in raw["required_caregivers"]
            )
            window = (float(raw["time_window"][0]), float(raw["time_window"][1]))
        except (KeyError, IndexError, TypeError) as error:
            raise ValueError(f"patient {key}: {error} missing or invalid") from error
        sync = raw.get("synchronization") or {}
        gap = tuple(float(x) for x in sync.get("distance") or (0, 0))
        patients.append(Patient(key, index, window, services, sync.get("type"), (gap[0], gap[1])))
    caregivers = tuple(
        Caregiver(str(c["id"]), frozenset(str(a) for a in c["abilities"]))
        for c in data["caregivers"]
    )
    distances = tuple(tuple(float(x) for x in row) for row in data["distances"])
    return Problem(tuple(patients), caregivers, distances)


def verify(problem: Problem, routes: Sequence[Sequence[Stop]]) -> Check:
    """Check a plan against the model without trusting the solver; recompute its cost."""
    errors: list[str] = []
    dist = problem.distances
    if len(routes) != len(problem.caregivers):
        errors.append(f"{len(routes)} routes for {len(problem.caregivers)} caregivers")
    done: dict[tuple[int, str], tuple[int, float]] = {}  # (patient, service) -> (route, start)
    distance = 0.0
    for r, route in enumerate(routes[: len(problem.caregivers)]):
        caregiver = problem.caregivers[r]
        here, free = 0, 0.0  # the office at time 0
        for stop in route:
            patient = problem.patients[stop.patient]
            duration = dict(patient.services).get(stop.service)
            if duration is None:
                errors.append(f"{patient.key}: {stop.service} not required")
                continue
            if stop.service not in caregiver.abilities:
                errors.append(f"{patient.key}: {caregiver.key} cannot do {stop.service}")
            if (stop.patient, stop.service) in done:
                errors.append(f"{patient.key}: {stop.service} done twice")
            done[(stop.patient, stop.service)] = (r, stop.start)
            travel = dist[here][patient.node]
            distance += travel
            if stop.start < free + travel - TOLERANCE:
                errors.append(f"{patient.key}: {caregiver.key} cannot be there by {stop.start}")
            if stop.start < patient.window[0] - TOLERANCE:
                errors.append(f"{patient.key}: {stop.service} starts before the window")
            here, free = patient.node, stop.start + duration
        distance += dist[here][0]  # back to the office
    tardiness: list[float] = []
    for index, patient in enumerate(problem.patients):
        got = [done.get((index, service)) for service, _ in patient.services]
        if any(g is None for g in got):
            errors.append(f"{patient.key}: a required service is not done")
            continue
        starts = [g[1] for g in got if g is not None]
        tardiness += [max(0.0, start - patient.window[1]) for start in starts]
        if len(got) == 2:
            (route_a, first), (route_b, second) = got  # type: ignore[misc]
            if route_a == route_b:
                errors.append(f"{patient.key}: both services by the same caregiver")
            if patient.sync == SIMULTANEOUS and abs(first - second) > TOLERANCE:
                errors.append(f"{patient.key}: not simultaneous ({first} and {second})")
            if patient.sync == SEQUENTIAL and not (
                first + patient.gap[0] - TOLERANCE <= second <= first + patient.gap[1] + TOLERANCE
            ):
                errors.append(f"{patient.key}: gap {second - first} outside {patient.gap}")
    return Check(tuple(errors), distance, sum(tardiness), max(tardiness, default=0.0))


def route_owners(routes: Sequence[Sequence[int]], tasks: int) -> list[int]:
    """For each of the ``tasks`` task indices, the index of the route that holds it."""
    owner = [0] * tasks
    for r, route in enumerate(routes):
        for t in route:
            owner[t] = r
    return owner


def schedule(
    problem: Problem, routes: Sequence[Sequence[tuple[int, str]]]
) -> list[list[Stop]] | None:
    """The earliest start times of given routes ((patient index, service) per caregiver, in
    Problem.caregivers order), or None when they deadlock (two double visits waiting for each
    other in opposite orders). Does not check qualifications: ``verify`` does."""
    model = _Model(problem)
    index = {(model.patient[t], model.service[t]): t for t in range(model.tasks)}
    tasks = [[index.get(visit, -1) for visit in route] for route in routes]
    listed = [t for route in tasks for t in route]
    if -1 in listed or len(set(listed)) != len(listed) or len(listed) != model.tasks:
        raise ValueError("routes: every required (patient, service) must be listed once")
    owner = route_owners(tasks, model.tasks)
    start = model.schedule(tasks, owner)
    return None if start is None else model.stops(tasks, start)


def ruin_and_recreate(
    problem: Problem,
    routes: Sequence[Sequence[tuple[int, str]]],
    rng: random.Random,
    *,
    every_caregiver: bool = False,
) -> list[list[Stop]] | None:
    """One ruin-and-recreate move on given routes ((patient index, service) per caregiver):
    5–15 % of the patients, related by place or by window, are removed (both services of a
    double visit together) and put back by regret insertion; the new plan with its schedule,
    or None when a patient could not be put back without a deadlock. The solver's move."""
    model = _Model(problem)
    index = {(model.patient[t], model.service[t]): t for t in range(model.tasks)}
    tasks = [[index[visit] for visit in route] for route in routes]
    owner = route_owners(tasks, model.tasks)
    recreate = _Recreate(model, EMPTY_ROUTE if every_caregiver else 0.0)
    removed = recreate.ruin(rng)
    for i in removed:
        for t in model.of_patient[i]:
            tasks[owner[t]].remove(t)
    start = recreate.recreate(removed, tasks, owner, rng)
    return None if start is None else model.stops(tasks, start)


class _Model:
    """Flat arrays of tasks (one per service of a patient) for fast evaluation."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.dist = [list(row) for row in problem.distances]
        self.node: list[int] = []
        self.duration: list[float] = []
        self.opens: list[float] = []
        self.closes: list[float] = []
        self.partner: list[int] = []
        self.second: list[bool] = []  # the second service of a double visit
        self.sync: list[int] = []  # 0 none, 1 simultaneous, 2 sequential
        self.gap_min: list[float] = []
        self.gap_max: list[float] = []
        self.patient: list[int] = []
        self.service: list[str] = []
        for index, p in enumerate(problem.patients):
            first = len(self.node)
            for k, (service, duration) in enumerate(p.services):
                self.node.append(p.node)
                self.duration.append(duration)
                self.opens.append(p.window[0])
                self.closes.append(p.window[1])
                self.partner.append(first + 1 - k if len(p.services) == 2 else -1)
                self.second.append(k == 1)
                self.sync.append({None: 0, SIMULTANEOUS: 1, SEQUENTIAL: 2}.get(p.sync, 0))
                self.gap_min.append(p.gap[0])
                self.gap_max.append(p.gap[1])
                self.patient.append(index)
                self.service.append(service)
        self.tasks = len(self.node)
        self.of_patient: list[list[int]] = [[] for _ in problem.patients]
        for t in range(self.tasks):
            self.of_patient[self.patient[t]].append(t)
        self.passes = min(8, 2 + sum(1 for p in self.partner if p >= 0))
        self.able = [
            [r for r, c in enumerate(problem.caregivers) if self.service[t] in c.abilities]
            for t in range(self.tasks)
        ]
        self.can = [
            [self.service[t] in c.abilities for c in problem.caregivers] for t in range(self.tasks)
        ]

    def route_distance(self, route: list[int]) -> float:
        dist, node = self.dist, self.node
        here, total = 0, 0.0
        for t in route:
            total += dist[here][node[t]]
            here = node[t]
        return total + dist[here][0]

    def schedule(self, routes: list[list[int]], owner: list[int]) -> list[float] | None:
        """Earliest start of every task, or None when the routes deadlock."""
        count = len(routes)
        remaining = sum(len(route) for route in routes)  # fewer while patients are removed
        return self.walk(
            routes, owner, [0.0] * self.tasks, [0] * count, [0.0] * count, [0] * count, remaining
        )

    def schedule_from(
        self,
        routes: list[list[int]],
        owner: list[int],
        before: list[float],
        changed: list[tuple[int, int]],
    ) -> list[float] | None:
        """The schedule after a move, re-timing only what it can change (incremental).

        ``before``: the starts of the routes before the move; ``changed``: (route, first
        position that differs) of every route the move changed. A start depends only on the
        visit before it in its route and on its partner's, so the visits that can move are the
        changed routes from their first difference on, closed under "the partner of" and "the
        visits after in the route"; every other start is kept. The rest is walked as in
        ``schedule``; when the fronts block each other, the whole day is re-timed."""
        affected = [False] * self.tasks
        first = [len(route) for route in routes]
        partner = self.partner
        queue: list[int] = []
        for r, k in changed:
            route = routes[r]
            if k < first[r]:
                for t in route[k : first[r]]:
                    affected[t] = True
                    queue.append(t)
                first[r] = k
        while queue:
            p = partner[queue.pop()]
            if p < 0 or affected[p]:
                continue
            q = owner[p]
            route = routes[q]
            k = route.index(p)
            for t in route[k : first[q]]:
                affected[t] = True
                queue.append(t)
            first[q] = k
        start = list(before)
        duration, node = self.duration, self.node
        free = [0.0] * len(routes)
        here = [0] * len(routes)
        remaining = 0
        for r, route in enumerate(routes):
            k = first[r]
            remaining += len(route) - k
            if k:
                u = route[k - 1]
                free[r], here[r] = start[u] + duration[u], node[u]
        return self.walk(routes, owner, start, first, free, here, remaining)

    def walk(
        self,
        routes: list[list[int]],
        owner: list[int],
        start: list[float],
        pos: list[int],
        free: list[float],
        here: list[int],
        remaining: int,
    ) -> list[float] | None:
        """Starts of the routes from ``pos`` on (each route's last visit before it ends at
        ``free`` at node ``here``), fronts walked together; the full label-correcting passes
        when they block each other."""
        dist, node, duration, opens = self.dist, self.node, self.duration, self.opens
        partner, second, sync = self.partner, self.second, self.sync
        count = len(routes)
        progress = True
        while progress and remaining:
            progress = False
            for r in range(count):
                route = routes[r]
                i, n = pos[r], len(route)
                while i < n:
                    t = route[i]
                    a = free[r] + dist[here[r]][node[t]]
                    if a < opens[t]:
                        a = opens[t]
                    p = partner[t]
                    if p < 0:
                        start[t] = a
                        free[r] = a + duration[t]
                        here[r] = node[t]
                        i += 1
                        remaining -= 1
                        continue
                    q = owner[p]
                    j = pos[q]
                    if j >= len(routes[q]) or routes[q][j] != p:
                        break  # the partner is not at the front of its route yet
                    b = free[q] + dist[here[q]][node[p]]
                    if b < opens[p]:
                        b = opens[p]
                    if sync[t] == 1:
                        s = a if a > b else b
                        sa = sb = s
                    else:
                        first, later = (b, a) if second[t] else (a, b)
                        low = first + self.gap_min[t]
                        if later < low:
                            later = low
                        if later - first > self.gap_max[t]:
                            first = later - self.gap_max[t]
                        sa, sb = (later, first) if second[t] else (first, later)
                    start[t], start[p] = sa, sb
                    free[r], free[q] = sa + duration[t], sb + duration[p]
                    here[r] = here[q] = node[t]
                    pos[q] = j + 1
                    i += 1
                    remaining -= 2
                if i != pos[r]:
                    pos[r] = i
                    progress = True
        return self.schedule_passes(routes) if remaining else start

    def schedule_passes(self, routes: list[list[int]]) -> list[float] | None:
        """Earliest starts by repeated passes (label correcting) when the route fronts block
        each other, e.g. two sequential visits interleaved across two routes: a pass walks
        every route in order, raising starts to what travel and the partners' current starts
        require; another pass is needed only when a start rises after its partner was read.
        None when it has not settled after ``passes`` passes (a cycle of waits that cannot
        be met; a rare slow-settling case is also refused, which is safe)."""
        dist, node, duration, partner = self.dist, self.node, self.duration, self.partner
        second, sync, gap_min, gap_max = self.second, self.sync, self.gap_min, self.gap_max
        start = list(self.opens)
        seen = [0] * self.tasks
        for stamp in range(1, self.passes + 1):
            dirty = False
            for route in routes:
                free, here = 0.0, 0
                for t in route:
                    s = free + dist[here][node[t]]
                    if s < start[t]:
                        s = start[t]
                    p = partner[t]
                    if p >= 0:
                        if sync[t] == 1:
                            low = start[p]
                        elif second[t]:
                            low = start[p] + gap_min[t]
                        else:
                            low = start[p] - gap_max[t]
                        if s < low:
                            s = low
                        if s > start[t] and seen[p] == stamp:
                            dirty = True
                    start[t] = s
                    seen[t] = stamp
                    free, here = s + duration[t], node[t]
            if not dirty:
                return start
        return None

    def tardiness(self, start: list[float]) -> tuple[float, float]:
        total = worst = 0.0
        for t, s in enumerate(start):
            late = s - self.closes[t]
            if late > 0:
                total += late
                if late > worst:
                    worst = late
        return total, worst

    def stops(self, routes: list[list[int]], start: list[float]) -> list[list[Stop]]:
        return [[Stop(self.patient[t], self.service[t], start[t]) for t in r] for r in routes]


def _greedy(model: _Model) -> list[list[int]]:
    """Patients by window opening; each service appended where it adds least cost."""
    count = len(model.problem.caregivers)
    routes: list[list[int]] = [[] for _ in range(count)]
    free = [0.0] * count
    here = [0] * count
    dist, node = model.dist, model.node
    order = sorted(
        range(len(model.problem.patients)), key=lambda i: model.problem.patients[i].window
    )
    first_task: dict[int, int] = {}
    for t in range(model.tasks):
        first_task.setdefault(model.patient[t], t)
    for i in order:
        t = first_task[i]
        p = model.partner[t]

        def arrive(r: int, task: int) -> float:
            return max(model.opens[task], free[r] + dist[here[r]][node[task]])

        if p < 0:
            r = min(
                model.able[t],
                key=lambda r: dist[here[r]][node[t]] + max(0.0, arrive(r, t) - model.closes[t]),
            )
            s = arrive(r, t)
            routes[r].append(t)
            free[r], here[r] = s + model.duration[t], node[t]
            continue
        best: tuple[float, int, int, float, float] | None = None
        for ra in model.able[t]:
            for rb in model.able[p]:
                if ra == rb:
                    continue
                a, b = arrive(ra, t), arrive(rb, p)
                if model.sync[t] == 1:
                    a = b = max(a, b)
                else:
                    b = max(b, a + model.gap_min[t])
                    a = max(a, b - model.gap_max[t])
                cost = (
                    dist[here[ra]][node[t]]
                    + dist[here[rb]][node[p]]
                    + max(0.0, a - model.closes[t])
                    + max(0.0, b - model.closes[p])
                )
                if best is None or cost < best[0]:
                    best = (cost, ra, rb, a, b)
        if best is None:
            raise ValueError(f"patient {model.problem.patients[i].key}: no two caregivers")
        _, ra, rb, a, b = best
        routes[ra].append(t)
        routes[rb].append(p)
        free[ra], here[ra] = a + model.duration[t], node[t]
        free[rb], here[rb] = b + model.duration[p], node[p]
    return routes


class _Recreate:
    """Ruin and recreate (large neighbourhood): remove related patients — both services of a
    double visit together — and put them back one at a time, the patient with the largest
    regret first (the difference between its best and second-best insertion), each at the best
    of a few candidate places, judged by the exact schedule. Candidate places are ranked by an
    estimate from the current starts (added travel, the visit's own lateness, the lateness it
    pushes onto the next visit); for a double visit, pairs of places in two different routes of
    qualified caregivers, with the synchronised start."""

    def __init__(
        self,
        model: _Model,
        penalty: float,
        exact: int = 6,
        widest: int = 8,
        incremental: bool = False,
    ) -> None:
        self.model = model
        self.incremental = incremental
        self.penalty = penalty
        self.exact = exact  # candidates evaluated with the exact schedule
        self.widest = widest  # places per service combined into pairs for a double visit
        dist, patients = model.dist, model.problem.patients
        count = len(patients)
        # Related patients: nearest by place, and nearest by window opening.
        nodes = [p.node for p in patients]
        opens = [p.window[0] for p in patients]
        self.by_place = [
            [j for _, j in sorted((dist[nodes[i]][nodes[j]], j) for j in range(count) if j != i)]
            for i in range(count)
        ]
        self.by_time = [
            [j for _, j in sorted((abs(opens[i] - opens[j]), j) for j in range(count) if j != i)]
            for i in range(count)
        ]

    def places(
        self, t: int, routes: list[list[int]], start: list[float]
    ) -> list[tuple[float, int, int, float]]:
        """(estimated cost, route, position, arrival) of every place for task t, best first."""
        m = self.model
        dist, node, duration, opens, closes = m.dist, m.node, m.duration, m.opens, m.closes
        here_node, open_t, close_t, dur_t = node[t], opens[t], closes[t], duration[t]
        row = dist[here_node]
        out = []
        for r in m.able[t]:
            route = routes[r]
            # weight[k]: the extra lateness of pushing route[k] by a minute, the late (or
            # nearly late) visits that follow without a wait in between.
            weight = [0.0] * (len(route) + 1)
            for k in range(len(route) - 1, -1, -1):
                u = route[k]
                w = 1.0 if start[u] > closes[u] - SLACK else 0.0
                if m.partner[u] >= 0:
                    w += 1.0  # its partner's route is pushed too
                if k + 1 < len(route):
                    v = route[k + 1]
                    ready = start[u] + duration[u] + dist[node[u]][node[v]]
                    if start[v] <= ready + SLACK:
                        w += weight[k + 1]
                weight[k] = w
            here, free = 0, 0.0
            for k in range(len(route) + 1):
                if k < len(route):
                    nxt = route[k]
                    nn = node[nxt]
                else:
                    nxt, nn = -1, 0
                travel = dist[here][here_node]
                a = free + travel
                if a < open_t:
                    a = open_t
                cost = travel + row[nn] - dist[here][nn]
                if a > close_t:
                    cost += a - close_t
                if nxt >= 0:
                    old = start[nxt]
                    pushed = a + dur_t + row[nn]
                    if pushed > old:
                        cost += (0.1 + weight[k]) * (pushed - old)
                    here, free = nn, old + duration[nxt]
                out.append((cost, r, k, a))
        out.sort()
        return out

    def options(
        self, i: int, routes: list[list[int]], start: list[float]
    ) -> list[tuple[float, tuple[tuple[int, int, int], ...]]]:
        """Estimated insertions of patient i, best first: (cost, ((task, route, position), ...))."""
        m = self.model
        tasks = m.of_patient[i]
        if len(tasks) == 1:
            t = tasks[0]
            return [(c, ((t, r, k),)) for c, r, k, _ in self.places(t, routes, start)]
        t, p = tasks
        closes = m.closes
        ranked_t = self.places(t, routes, start)[: self.widest]
        ranked_p = self.places(p, routes, start)[: self.widest]
        out: list[tuple[float, tuple[tuple[int, int, int], ...]]] = []
        for ca, ra, ka, a in ranked_t:
            for cb, rb, kb, b in ranked_p:
                if ra == rb:
                    continue
                if m.sync[t] == 1:
                    sa = sb = a if a > b else b
                else:  # t is the first service (of_patient lists the first first)
                    sa, sb = a, b
                    if sb < sa + m.gap_min[t]:
                        sb = sa + m.gap_min[t]
                    if sb - sa > m.gap_max[t]:
                        sa = sb - m.gap_max[t]
                extra = (sa - a) * 0.2 + (sb - b) * 0.2
                extra += max(0.0, sa - closes[t]) - max(0.0, a - closes[t])
                extra += max(0.0, sb - closes[p]) - max(0.0, b - closes[p])
                out.append((ca + cb + extra, ((t, ra, ka), (p, rb, kb))))
        out.sort()
        return out

    def insert_best(
        self,
        i: int,
        options: list[tuple[float, tuple[tuple[int, int, int], ...]]],
        routes: list[list[int]],
        owner: list[int],
        before: list[float],
    ) -> list[float] | None:
        """Insert patient i at the best of its first candidates by the exact cost (routes and
        owner changed in place); the new starts, or None when every candidate deadlocks.
        ``before``: the starts of the routes as they are (re-timed from the insertions on
        when ``incremental``)."""
        m = self.model
        best: tuple[float, tuple[tuple[int, int, int], ...], list[float]] | None = None
        for tried, (_, places) in enumerate(options):
            if tried >= self.exact and best is not None:
                break
            saved = [(r, routes[r]) for _, r, _ in places]
            for task, r, k in places:
                routes[r] = [*routes[r][:k], task, *routes[r][k:]]
                owner[task] = r
            if self.incremental:
                start = m.schedule_from(routes, owner, before, [(r, k) for _, r, k in places])
            else:
                start = m.schedule(routes, owner)
            if start is not None:
                cost = self.cost(routes, start)
                if best is None or cost < best[0]:
                    best = (cost, places, start)
            for r, route in saved:
                routes[r] = route
        if best is None:
            return None
        for task, r, k in best[1]:
            routes[r] = [*routes[r][:k], task, *routes[r][k:]]
            owner[task] = r
        return best[2]

    def cost(self, routes: list[list[int]], start: list[float]) -> float:
        m = self.model
        total, worst = m.tardiness(start)
        distance = sum(m.route_distance(route) for route in routes)
        empty = sum(1 for route in routes if not route) if self.penalty else 0
        return distance + total + worst + self.penalty * empty

    def ruin(self, rng: random.Random) -> list[int]:
        """5–15 % of the patients (at least 2, at most 20), related to a random first one."""
        count = len(self.model.problem.patients)
        low = max(2, round(0.05 * count))
        high = max(low, min(20, round(0.15 * count)))
        size = min(count, rng.randint(low, high))
        related = self.by_place if rng.random() < 0.5 else self.by_time
        chosen = [rng.randrange(count)]
        taken = set(chosen)
        while len(chosen) < size:
            around = related[chosen[rng.randrange(len(chosen))]]
            free = [j for j in around if j not in taken]
            j = free[int(len(free) * rng.random() ** 4)]  # mostly the nearest, sometimes not
            chosen.append(j)
            taken.add(j)
        return chosen

    def recreate(
        self,
        removed: list[int],
        routes: list[list[int]],
        owner: list[int],
        rng: random.Random,
        regret: bool = True,
    ) -> list[float] | None:
        """Put the removed patients back (routes and owner changed in place); the starts, or
        None when a patient cannot be placed without a deadlock."""
        m = self.model
        start = m.schedule(routes, owner)
        if start is None:
            return None
        waiting = list(removed)
        while waiting:
            if regret and len(waiting) > 1:
                chosen, chosen_options, chosen_key = 0, None, -math.inf
                for index, i in enumerate(waiting):
                    options = self.options(i, routes, start)
                    if not options:
                        return None
                    second = options[1][0] if len(options) > 1 else options[0][0] + 1e6
                    key = (second - options[0][0]) * (1.0 + 0.2 * rng.random())
                    if key > chosen_key:
                        chosen, chosen_options, chosen_key = index, options, key
                i = waiting.pop(chosen)
                options = chosen_options or []
            else:
                i = waiting.pop(0)
                options = self.options(i, routes, start)
            placed = self.insert_best(i, options, routes, owner, start)
            if placed is None:
                return None
            start = placed
        return start


def _insertion(model: _Model, penalty: float) -> list[list[int]] | None:
    """A first solution by cheapest insertion (exact among the best estimated places) of the
    patients in window order; None when a patient could not be placed."""
    rec = _Recreate(model, penalty)
    routes: list[list[int]] = [[] for _ in model.problem.caregivers]
    owner = [0] * model.tasks
    order = sorted(
        range(len(model.problem.patients)), key=lambda i: model.problem.patients[i].window
    )
    start = rec.recreate(order, routes, owner, random.Random(0), regret=False)
    return None if start is None else routes


def solve(
    problem: Problem,
    *,
    seconds: float,
    seed: int = 0,
    max_iterations: int | None = None,
    slices: int | None = None,
    heat: float = 8.0,
    every_caregiver: bool = False,
    ruin: float = RUIN,
    ruin_share: float = 0.5,
    incremental: bool = False,
) -> Result:
    """Routes minimising distance + total tardiness + max tardiness within ``seconds``.

    ``every_caregiver``: a route left empty costs ``EMPTY_ROUTE`` (every caregiver works when
    the data allow it), to compare with references that always use every caregiver.
    ``ruin``: the chance per iteration of a ruin-and-recreate move (0: none, and the greedy
    first solution alone), which takes at most ``ruin_share`` of the time. ``incremental``:
    re-time only what a move can change (same schedules; more moves per second, not the
    default: it did not give better plans in the one 200-patient run measured)."""
    model = _Model(problem)
    rng = random.Random(seed)
    penalty = EMPTY_ROUTE if every_caregiver else 0.0
    routes = _greedy(model)
    owner = route_owners(routes, model.tasks)
    start = model.schedule(routes, owner)
    if start is None:  # cannot happen: the greedy appends in one global order
        raise RuntimeError("the first solution deadlocks")
    recreate = _Recreate(model, penalty, incremental=incremental) if ruin > 0 else None
    if recreate is not None:  # cheapest insertion, kept when it is better than the greedy
        inserted = _insertion(model, penalty)
        if inserted is not None:
            inserted_owner = route_owners(inserted, model.tasks)
            inserted_start = model.schedule(inserted, inserted_owner)
            if inserted_start is not None and recreate.cost(
                inserted, inserted_start
            ) < recreate.cost(routes, start):
                routes, owner, start = inserted, inserted_owner, inserted_start
    lengths = [model.route_distance(route) for route in routes]
    distance = sum(lengths)
    total, worst = model.tardiness(start)
    empty = sum(1 for route in routes if not route)
    current = distance + total + worst + penalty * empty
    best, best_routes, best_start = current, [list(r) for r in routes], start
    start_cur = start
    temperature_shift = 30.0  # minutes: spread of the new start of a moved visit
    result = Result([], current, first_objective=current)

    # Neighbours: tasks at the nearest patients (granular neighbourhoods).
    dist, node = model.dist, model.node
    near_count = min(model.tasks - 1, 12)
    near: list[list[int]] = []
    for t in range(model.tasks):
        row = dist[node[t]]
        others = [(row[node[u]], u) for u in range(model.tasks) if node[u] != node[t]]
        near.append([u for _, u in sorted(others)[:near_count]])
    patient_nodes = sorted({node[t] for t in range(model.tasks)})
    nearest = [
        min((dist[a][b] for b in patient_nodes if b != a), default=1.0) for a in patient_nodes
    ]
    t_high = max(1.0, heat * sum(nearest) / len(nearest))
    t_low = t_high / 500
    patients = len(problem.patients)
    slices = slices or (6 if patients <= 50 else 3 if patients <= 100 else 1)
    began = time.monotonic()
    deadline = began + seconds
    slice_length = seconds / slices
    slice_start = began
    temperature = t_high
    iteration = 0
    ruin_seconds = 0.0  # spent in ruin and recreate, kept under ruin_share of the time
    while True:
        if iteration % 64 == 0:
            now = time.monotonic()
            if now >= deadline or (max_iterations is not None and iteration >= max_iterations):
                break
            if now - slice_start >= slice_length:  # next slice: restart from the best
                slice_start = now
                routes = [list(r) for r in best_routes]
                for r, route in enumerate(routes):
                    for t in route:
                        owner[t] = r
                lengths = [model.route_distance(route) for route in routes]
                distance, current, start_cur = sum(lengths), best, best_start
                empty = sum(1 for route in routes if not route)
            fraction = min(1.0, (now - slice_start) / slice_length)
            temperature = t_high * (t_low / t_high) ** fraction
        iteration += 1
        threshold = current - temperature * math.log(1.0 - rng.random())
        if (
            recreate is not None
            and rng.random() < ruin
            and ruin_seconds <= ruin_share * (time.monotonic() - began)
        ):  # ruin and recreate, within its share of the time
            ruin_began = time.monotonic()
            result.ruins += 1
            trial = [list(route) for route in routes]
            trial_owner = list(owner)
            removed = recreate.ruin(rng)
            for i in removed:
                for x in model.of_patient[i]:
                    trial[trial_owner[x]].remove(x)
            trial_start = recreate.recreate(removed, trial, trial_owner, rng)
            ruin_seconds += time.monotonic() - ruin_began
            if trial_start is None:
                continue
            cost = recreate.cost(trial, trial_start)
            if cost < threshold:
                result.ruins_accepted += 1
                routes, owner, start_cur, current = trial, trial_owner, trial_start, cost
                lengths = [model.route_distance(route) for route in routes]
                distance = sum(lengths)
                empty = sum(1 for route in routes if not route)
                if cost < best - 1e-9:
                    best, best_routes, best_start = cost, [list(r) for r in routes], trial_start
                    result.history.append((round(time.monotonic() - began, 3), cost))
            continue
        t = rng.randrange(model.tasks)
        ra = owner[t]
        i = routes[ra].index(t)
        move = rng.random()
        changed: list[tuple[int, list[int]]]
        moved: list[tuple[int, int, int]] = []  # (task, new owner, old owner)
        if move < 0.35:  # relocate t
            if rng.random() < 0.8:
                u = near[t][rng.randrange(len(near[t]))]
                rb = owner[u]
                k = routes[rb].index(u) + (rng.random() < 0.5)
            else:
                rb = model.able[t][rng.randrange(len(model.able[t]))]
                k = rng.randrange(len(routes[rb]) + 1)
            if not model.can[t][rb]:
                continue
            p = model.partner[t]
            if p >= 0 and owner[p] == rb:
                continue
            if rb == ra:
                new = routes[ra][:i] + routes[ra][i + 1 :]
                if k > i:
                    k -= 1
                if k == i:
                    continue
                new.insert(k, t)
                changed = [(ra, new)]
            else:
                changed = [
                    (ra, routes[ra][:i] + routes[ra][i + 1 :]),
                    (rb, [*routes[rb][:k], t, *routes[rb][k:]]),
                ]
                moved = [(t, rb, ra)]
        elif move < 0.6:  # swap t with a near task u
            u = near[t][rng.randrange(len(near[t]))]
            rb = owner[u]
            if u == model.partner[t]:
                continue
            if rb == ra:
                j = routes[ra].index(u)
                new = list(routes[ra])
                new[i], new[j] = u, t
                changed = [(ra, new)]
            else:
                if not (model.can[t][rb] and model.can[u][ra]):
                    continue
                p, q = model.partner[t], model.partner[u]
                if (p >= 0 and owner[p] == rb) or (q >= 0 and owner[q] == ra):
                    continue
                j = routes[rb].index(u)
                new_a, new_b = list(routes[ra]), list(routes[rb])
                new_a[i], new_b[j] = u, t
                changed = [(ra, new_a), (rb, new_b)]
                moved = [(t, rb, ra), (u, ra, rb)]
        elif move < 0.85:  # move t (and its partner) to other routes, at the same time
            p = model.partner[t]
            group = [t] if p < 0 else [t, p]
            targets = []
            for x in group:  # mostly the route of a nearby visit, else any qualified one
                r = owner[near[x][rng.randrange(len(near[x]))]] if near[x] else -1
                if r < 0 or not model.can[x][r] or rng.random() < 0.3:
                    r = model.able[x][rng.randrange(len(model.able[x]))]
                targets.append(r)
            if len(group) == 2 and targets[0] == targets[1]:
                continue
            shift = rng.gauss(0.0, temperature_shift)
            work: dict[int, list[int]] = {}
            for x in group:
                r = owner[x]
                work[r] = [y for y in work.get(r, routes[r]) if y != x]
            for x, r in zip(group, targets, strict=True):
                route = work.get(r, routes[r])
                when = start_cur[x] + shift
                k = 0
                while k < len(route) and start_cur[route[k]] <= when:
                    k += 1
                work[r] = [*route[:k], x, *route[k:]]
            changed = list(work.items())
            moved = [(x, r, owner[x]) for x, r in zip(group, targets, strict=True)]
        else:  # 2-opt inside t's route
            route = routes[ra]
            if len(route) < 3:
                continue
            j = rng.randrange(len(route))
            lo, hi = (i, j) if i < j else (j, i)
            if hi - lo < 1:
                continue
            changed = [(ra, route[:lo] + route[lo : hi + 1][::-1] + route[hi + 1 :])]
        new_lengths = [model.route_distance(route) for _, route in changed]
        new_distance = distance + sum(new_lengths) - sum(lengths[r] for r, _ in changed)
        new_empty = empty
        if penalty:
            new_empty += sum(1 for _, r in changed if not r) - sum(
                1 for r, _ in changed if not routes[r]
            )
        if new_distance + penalty * new_empty >= threshold:
            continue  # tardiness cannot bring the cost under the threshold
        saved = [(r, routes[r]) for r, _ in changed]
        for r, route in changed:
            routes[r] = route
        for task, r, _ in moved:
            owner[task] = r
        if incremental:
            firsts = []
            for r, old in saved:
                new, k, n = routes[r], 0, min(len(old), len(routes[r]))
                while k < n and old[k] == new[k]:
                    k += 1
                firsts.append((r, k))
            start_new = model.schedule_from(routes, owner, start_cur, firsts)
        else:
            start_new = model.schedule(routes, owner)
        if start_new is not None:
            total, worst = model.tardiness(start_new)
            cost = new_distance + total + worst + penalty * new_empty
            if cost < threshold:
                current, distance, start_cur, empty = cost, new_distance, start_new, new_empty
                for (r, _), length in zip(changed, new_lengths, strict=True):
                    lengths[r] = length
                if cost < best - 1e-9:
                    best, best_routes, best_start = cost, [list(r) for r in routes], start_new
                    result.history.append((round(time.monotonic() - began, 3), cost))
                continue
        for r, route in saved:
            routes[r] = route
        for task, _, r in moved:
            owner[task] = r
    result.routes = model.stops(best_routes, best_start)
    result.objective = best - penalty * sum(1 for route in best_routes if not route)
    result.iterations = iteration
    return result
