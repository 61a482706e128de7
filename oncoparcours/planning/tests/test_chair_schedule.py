"""The chair / machine solver (pure, CP-SAT): capacities, no overlap, preparation before the
start, the patient's other appointments, recurring programmes first, reasons for the unplaced."""

from __future__ import annotations

import random

import pytest

from oncoparcours.planning.rules import chair_schedule as cs

CENTRE = cs.Centre(opens=8 * 60, closes=18 * 60, slot=15, starts_per_slot=2, nurses=2)


def chairs(n: int, kind: str = "chair") -> list[cs.Resource]:
    return [cs.Resource(f"{kind}{i}", kind) for i in range(n)]


def demand(key: str, **kw) -> cs.Demand:
    values = {"patient": key, "kind": "chair", "duration": 120, "ready": 8 * 60}
    values.update(kw)
    return cs.Demand(key=key, **values)


def random_day(n: int, seed: int = 3) -> list[cs.Demand]:
    rng = random.Random(seed)
    return [
        demand(
            f"d{i:03d}",
            duration=rng.choice([30, 60, 90, 120, 180, 240]),
            ready=rng.choice([480, 510, 540, 600, 660, 780]),
            busy=((600, 630),) if i % 7 == 0 else (),
            recurring=i % 9 == 0,
        )
        for i in range(n)
    ]


def test_a_full_day_respects_every_rule() -> None:
    resources = chairs(8)
    demands = random_day(40)
    result = cs.schedule(CENTRE, resources, demands, time_limit=0.5)
    assert cs.check(CENTRE, resources, demands, result.assignments) == []
    assert len(result.assignments) + len(result.unplaced) == len(demands)
    assert len(result.assignments) >= 25


def test_no_two_sessions_on_one_chair_and_capacity_respected() -> None:
    resources = chairs(2)
    demands = [demand(f"d{i}", duration=300) for i in range(5)]
    result = cs.schedule(CENTRE, resources, demands, time_limit=0.5)
    # 10 hours × 2 chairs: four 5-hour sessions at most.
    assert len(result.assignments) == 4
    assert [u.reason for u in result.unplaced] == [cs.RESOURCES_FULL]
    assert cs.check(CENTRE, resources, demands, result.assignments) == []


def test_set_up_limit_staggers_the_starts() -> None:
    centre = cs.Centre(opens=480, closes=1080, slot=15, starts_per_slot=1, nurses=4)
    demands = [demand(f"d{i}", duration=60) for i in range(4)]
    result = cs.schedule(centre, chairs(4), demands, time_limit=0.5)
    assert sorted(a.start for a in result.assignments) == [480, 495, 510, 525]


def test_monitoring_capacity_is_a_reason() -> None:
    centre = cs.Centre(
        opens=480, closes=600, slot=15, starts_per_slot=4, nurses=1, patients_per_nurse=2
    )
    demands = [demand(f"d{i}", duration=120) for i in range(3)]
    result = cs.schedule(centre, chairs(4), demands, time_limit=0.5)
    assert len(result.assignments) == 2
    assert [u.reason for u in result.unplaced] == [cs.NURSES_FULL]


def test_preparation_ready_before_the_start() -> None:
    demands = [demand("late", ready=11 * 60 + 5), demand("early")]
    result = cs.schedule(CENTRE, chairs(1), demands, time_limit=0.5)
    late = result.assignment_of("late")
    assert late is not None and late.start >= 11 * 60 + 5 and late.start % 15 == 0
    assert cs.check(CENTRE, chairs(1), demands, result.assignments) == []


def test_the_patients_other_appointments_are_kept() -> None:
    d = demand("a", duration=120, busy=((8 * 60, 9 * 60), (10 * 60, 12 * 60)))
    result = cs.schedule(CENTRE, chairs(1), [d], time_limit=0.5)
    assert result.assignment_of("a").start >= 12 * 60
    # Two sessions of one patient never overlap, even on two chairs.
    pair = [demand("x", patient="p"), demand("y", patient="p")]
    result = cs.schedule(CENTRE, chairs(2), pair, time_limit=0.5)
    a, b = result.assignment_of("x"), result.assignment_of("y")
    assert a.end <= b.start or b.end <= a.start


def test_recurring_programmes_are_placed_first() -> None:
    # One machine, a morning: room for one 150-minute exchange only.
    centre = cs.Centre(opens=480, closes=660, slot=15)
    demands = [
        demand("a-one-off", kind="apheresis", duration=150),
        demand("b-one-off", kind="apheresis", duration=150),
        demand("z-exchange", kind="apheresis", duration=150, recurring=True),
    ]
    result = cs.schedule(centre, chairs(1, "apheresis"), demands, time_limit=0.5)
    assert [a.demand for a in result.assignments] == ["z-exchange"]


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"kind": "apheresis"}, cs.NO_RESOURCE),
        ({"ready": 17 * 60}, cs.NO_WINDOW),
        ({"duration": 700}, cs.NO_WINDOW),
        ({"busy": ((9 * 60, 10 * 60), (11 * 60, 17 * 60))}, cs.PATIENT_BUSY),
    ],
)
def test_an_impossible_session_is_explained(kw, reason) -> None:
    result = cs.schedule(CENTRE, chairs(2), [demand("x", **kw), demand("ok")], time_limit=0.5)
    assert [(u.demand, u.reason) for u in result.unplaced] == [("x", reason)]
    assert result.assignment_of("ok") is not None


def test_a_replan_moves_as_little_as_possible() -> None:
    resources = chairs(6)
    demands = random_day(24, seed=5)
    first = cs.schedule(CENTRE, resources, demands, time_limit=0.5)
    previous = {a.demand: (a.resource, a.start) for a in first.assignments}
    kept = [
        cs.Demand(**{**d.__dict__, "previous": previous.get(d.key)})
        for d in demands
        if d.key != first.assignments[0].demand
    ]
    second = cs.schedule(CENTRE, resources, kept, time_limit=0.5)
    assert not [a for a in second.assignments if a.moved]
    assert len(second.assignments) >= len(first.assignments) - 1


def test_deterministic_for_a_seed() -> None:
    demands = random_day(30)
    one = cs.schedule(CENTRE, chairs(6), demands, time_limit=0.5, seed=4)
    two = cs.schedule(CENTRE, chairs(6), demands, time_limit=0.5, seed=4)
    assert one.assignments == two.assignments and one.unplaced == two.unplaced


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        cs.Centre(opens=600, closes=500)
    with pytest.raises(ValueError):
        demand("x", duration=0)
    with pytest.raises(ValueError):
        cs.schedule(CENTRE, chairs(1), [demand("x"), demand("x")])


@pytest.mark.parametrize("order", range(6))
def test_the_best_plan_does_not_depend_on_the_session_keys(order) -> None:
    """Five patients each have a chair session and a machine session; one machine fits four
    150-min exchanges in ten hours. Whatever the keys' order (they are random ids in the
    application), four exchanges are placed: a patient's sessions are never treated as
    interchangeable with another patient's."""
    rng = random.Random(order)
    names = [f"k{n:02d}" for n in rng.sample(range(40), 16)]
    demands = [demand(names[i], patient=f"p{i}", ready=9 * 60) for i in range(8)]
    demands += [
        demand(names[8 + i], patient=f"p{1 + i}", kind="apheresis", duration=150, ready=8 * 60)
        for i in range(5)
    ]
    result = cs.schedule(CENTRE, chairs(3) + chairs(1, "apheresis"), demands)
    machine = [a for a in result.assignments if a.resource == "apheresis0"]
    assert len(machine) == 4
    assert len(result.assignments) == 12


def tight_day(seed: int) -> tuple[cs.Centre, list[cs.Resource], list[cs.Demand]]:
    """A short morning where set-ups, chairs and nurses all bind: one set-up per slot, sessions
    ready at a few shared times, some patients with an appointment or two sessions."""
    rng = random.Random(seed)
    centre = cs.Centre(
        opens=480, closes=720, slot=15, starts_per_slot=1, nurses=1, patients_per_nurse=3
    )
    demands = [
        demand(
            f"t{i}",
            patient=f"p{i % 6}",
            duration=rng.choice([30, 45, 60, 90, 120]),
            ready=rng.choice([480, 480, 510, 540, 600]),
            busy=((570, 615),) if rng.random() < 0.2 else (),
            recurring=rng.random() < 0.3,
        )
        for i in range(9)
    ]
    return centre, chairs(rng.choice([2, 3])), demands


@pytest.mark.parametrize("seed", range(8))
def test_the_redundant_bounds_never_cut_an_optimal_plan(seed) -> None:
    """The early-start bounds drawn from the set-up limit are implied by the model: with or
    without them, the proved optimum is the same (placed, moves and starts)."""
    centre, resources, demands = tight_day(seed)
    with_bounds = cs.schedule(centre, resources, demands, time_limit=10)
    without = cs.schedule(centre, resources, demands, time_limit=10, redundant=False)
    assert with_bounds.status == without.status == "OPTIMAL"
    assert with_bounds.objective == without.objective
    assert cs.check(centre, resources, demands, with_bounds.assignments) == []


def test_the_early_start_bound_holds_for_every_placement() -> None:
    """Brute force on small grids: whichever sessions are placed, at most ``per_slot`` to a slot,
    the slots they start late add up to no less than each bound says."""
    rng = random.Random(7)
    for _round in range(300):
        per_slot = rng.choice([1, 2, 3])
        last_slot = rng.randint(2, 8)
        firsts = [rng.randint(0, last_slot) for _ in range(rng.randint(1, 10))]
        free = dict.fromkeys(range(last_slot + 1), per_slot)
        starts: dict[int, int | None] = {}
        for i in rng.sample(range(len(firsts)), len(firsts)):
            options = [g for g in range(firsts[i], last_slot + 1) if free[g]]
            starts[i] = rng.choice(options) if options and rng.random() < 0.8 else None
            if starts[i] is not None:
                free[starts[i]] -= 1
        for a, k, h in cs._start_cuts(firsts, per_slot, last_slot):
            later = [i for i, first in enumerate(firsts) if first >= a]
            placed = [i for i in later if starts[i] is not None]
            late = sum(starts[i] - a for i in placed)
            assert late >= h + (k // per_slot) * (len(placed) - k)


def busy_day() -> list[cs.Demand]:
    """More sessions than set-ups: one a slot over ten hours, 40 starts for 70 sessions."""
    rng = random.Random(11)
    return [
        demand(
            f"b{i:02d}",
            duration=rng.choice([30, 60, 90, 120, 180]),
            ready=rng.choice([480, 540, 600, 720]),
            recurring=i % 5 == 0,
        )
        for i in range(70)
    ]


@pytest.mark.parametrize("limit", [0, 0.2])
def test_a_busy_day_places_every_recurring_programme_at_once(limit) -> None:
    """The first plan (no time at all: the solver has no solution and it is returned) and the
    solver's plan both take every recurring programme and keep every rule."""
    centre = cs.Centre(opens=480, closes=1080, slot=15, starts_per_slot=1, nurses=4)
    demands, resources = busy_day(), chairs(12)
    result = cs.schedule(centre, resources, demands, time_limit=limit)
    assert result.status in ((cs.FIRST_PLAN,) if limit == 0 else ("FEASIBLE", "OPTIMAL"))
    assert cs.check(centre, resources, demands, result.assignments) == []
    placed = {a.demand for a in result.assignments}
    assert {d.key for d in demands if d.recurring} <= placed
    assert len(placed) >= 35
    assert len(placed) + len(result.unplaced) == len(demands)
    assert cs.NOT_SOLVED not in {u.reason for u in result.unplaced}
    assert 0 <= result.gap < 0.05


def test_the_first_plan_keeps_the_previous_plan() -> None:
    """Even when only the first plan is returned, a re-plan keeps the sessions where they were."""
    resources = chairs(6)
    demands = random_day(24, seed=5)
    first = cs.schedule(CENTRE, resources, demands, time_limit=0.5)
    previous = {a.demand: (a.resource, a.start) for a in first.assignments}
    again = [cs.Demand(**{**d.__dict__, "previous": previous.get(d.key)}) for d in demands]
    second = cs.schedule(CENTRE, resources, again, time_limit=0)
    assert second.status == cs.FIRST_PLAN
    assert {(a.demand, a.resource, a.start) for a in second.assignments} == {
        (a.demand, a.resource, a.start) for a in first.assignments
    }
    assert not [a for a in second.assignments if a.moved]
