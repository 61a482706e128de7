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
* every visit not in a tour is listed with a reason — none is dropped silently.

Times are minutes after midnight; distances are metres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .geo import Point, TravelModel

# Why a visit is not in a tour.
NO_QUALIFIED_NURSE = "no_qualified_nurse"
OUTSIDE_SHIFTS = "outside_shifts"
NO_ROOM = "no_room"
UNASSIGNED_REASONS = (NO_QUALIFIED_NURSE, OUTSIDE_SHIFTS, NO_ROOM)

PRIZE = 10_000_000  # metres: above any detour, so the solver leaves a visit out only if it must


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

    def __post_init__(self) -> None:
        if self.duration < 0 or self.window[0] > self.window[1]:
            raise ValueError(f"visit {self.key}: invalid duration or time window")


@dataclass(frozen=True)
class Stop:
    visit: str
    arrival: int
    start: int
    end: int
    travel_minutes: int
    distance_m: int


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
        elif not any(_reachable_alone(nurse, visit, travel) for nurse in able):
            plan.unassigned.append(Unassigned(visit.key, OUTSIDE_SHIFTS))
        else:
            candidates.append(visit)
    if not candidates:
        return plan
    routes = _solve(nurses, candidates, travel, seed, max_iterations, max_seconds)
    by_key = {visit.key: visit for visit in candidates}
    placed: set[str] = set()
    for nurse in nurses:
        ordered = [by_key[key] for key in routes.get(nurse.key, [])]
        # Safety net: the qualification rule holds whatever the solver returned.
        ordered = [visit for visit in ordered if qualified(nurse, visit)]
        tour = schedule(nurse, ordered, travel)
        while tour is None and ordered:
            ordered = _drop_one(nurse, ordered, travel)
            tour = schedule(nurse, ordered, travel)
        if tour is not None and tour.stops:
            plan.tours.append(tour)
            placed.update(stop.visit for stop in tour.stops)
    for visit in candidates:
        if visit.key not in placed:
            plan.unassigned.append(Unassigned(visit.key, NO_ROOM))
    return plan


def _drop_one(nurse: Nurse, ordered: list[Visit], travel: TravelModel) -> list[Visit]:
    """Remove the visit whose removal makes the tour fit (the last such), else the last one."""
    for index in reversed(range(len(ordered))):
        rest = ordered[:index] + ordered[index + 1 :]
        if schedule(nurse, rest, travel) is not None:
            return rest
    return ordered[:-1]


def _solve(
    nurses: Sequence[Nurse],
    visits: Sequence[Visit],
    travel: TravelModel,
    seed: int,
    max_iterations: int,
    max_seconds: float,
) -> dict[str, list[str]]:
    from pyvrp import Model
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

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
    stop = MultipleCriteria([MaxIterations(max_iterations), MaxRuntime(max_seconds)])
    result = model.solve(stop, seed=seed, display=False, collect_stats=False)
    routes: dict[str, list[str]] = {}
    clients = model.clients
    for route in result.best.routes():
        nurse = nurses[route.vehicle_type()]
        visited = [
            clients[activity.idx].name for activity in route.schedule() if activity.is_client()
        ]
        routes[nurse.key] = visited
    return routes
