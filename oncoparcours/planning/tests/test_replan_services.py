"""Tour services (issue 18): the patient's preferred nurse, double-staffed visits, re-planning
when a nurse is absent or a visit is added — a new published version changing as little as
possible."""

from __future__ import annotations

import datetime as dt

import pytest

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.directory.models import ProfessionalQualification
from oncoparcours.pathways.models import PathwayTemplate
from oncoparcours.planning import services
from oncoparcours.planning.models import (
    PlanStatus,
    Tour,
    TourPlan,
    TourVisit,
    UnassignedReason,
)
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

from .conftest import CENTRE, IMMUNO, home_activity


def _signature(tour: Tour) -> list[str]:
    return [str(v.activity_id) for v in tour.visits.order_by("order")]


def _prefer(activity, nurse) -> None:
    CareTeamMemberFactory(
        patient=activity.patient, professional=nurse.professional, role="liberal_nurse"
    )


def _published(tour_day) -> TourPlan:
    user = tour_day.coordinator.user
    plan = services.plan_build(actor=user, day=tour_day.day)
    return services.plan_publish(actor=user, plan=plan)


def _double(activity) -> None:
    """Make the activity's template ask for two nurses."""
    template = activity.instance.template
    definition = {
        "id": "double-test",
        "phases": [{"id": "p", "activities": [{"id": activity.template_activity, "nurses": 2}]}],
    }
    copy = PathwayTemplate.objects.create(
        code="double-test",
        version=1,
        title_fr="Test",
        title_en="Test",
        source_document=template.source_document,
        definition=definition,
        checksum="x",
        file_name="double-test.yaml",
    )
    activity.instance.template = copy
    activity.instance.save(update_fields=["template"])


# --- Preferred nurse ---------------------------------------------------------------------------


def test_the_preferred_nurse_gets_her_patients_visit(tour_day) -> None:
    untrained = tour_day.nurses[3]
    blood_draws = [a for a in tour_day.activities if a.kind == "lab_test"][:2]
    for activity in blood_draws:
        _prefer(activity, untrained)
    plan = services.plan_build(actor=tour_day.coordinator.user, day=tour_day.day)
    for activity in blood_draws:
        row = TourVisit.objects.get(tour__plan=plan, activity=activity)
        assert row.tour.nurse == untrained
        assert row.preferred_unavailable is None


def test_an_untrained_preferred_nurse_never_gets_the_visit_and_the_plan_says_so(
    tour_day,
) -> None:
    untrained = tour_day.nurses[3]
    infusion = next(a for a in tour_day.activities if IMMUNO in a.qualifications)
    _prefer(infusion, untrained)
    plan = services.plan_build(actor=tour_day.coordinator.user, day=tour_day.day)
    row = TourVisit.objects.get(tour__plan=plan, activity=infusion)
    assert row.tour.nurse in tour_day.nurses[:2]
    assert row.preferred_unavailable == untrained


# --- Double-staffed visits ---------------------------------------------------------------------


def test_a_double_visit_has_two_nurses_at_the_same_start(tour_day) -> None:
    infusion = next(a for a in tour_day.activities if IMMUNO in a.qualifications)
    _double(infusion)
    plan = services.plan_build(actor=tour_day.coordinator.user, day=tour_day.day)
    rows = list(TourVisit.objects.filter(tour__plan=plan, activity=infusion))
    assert len(rows) == 2
    assert rows[0].start == rows[1].start
    assert {rows[0].tour.nurse, rows[1].tour.nurse} == set(tour_day.nurses[:2])
    assert rows[0].partner == rows[1].tour.nurse and rows[1].partner == rows[0].tour.nurse
    assert not plan.unassigned.filter(activity=infusion).exists()


def test_a_double_visit_with_one_trained_nurse_is_not_half_staffed(tour_day) -> None:
    infusion = next(a for a in tour_day.activities if IMMUNO in a.qualifications)
    _double(infusion)
    tour_day.nurses[1].is_active = False
    tour_day.nurses[1].save()
    plan = services.plan_build(actor=tour_day.coordinator.user, day=tour_day.day)
    assert not TourVisit.objects.filter(tour__plan=plan, activity=infusion).exists()
    assert plan.unassigned.get(activity=infusion).reason == UnassignedReason.NO_SECOND_NURSE


# --- Absent nurse ------------------------------------------------------------------------------


def test_an_absent_nurses_visits_go_to_the_others_who_keep_their_tours(tour_day) -> None:
    user = tour_day.coordinator.user
    plan = _published(tour_day)
    before = {t.nurse_id: _signature(t) for t in plan.tours.all()}
    absent = max(plan.tours.all(), key=lambda t: t.visits.count()).nurse
    moved = set(before[absent.pk])

    new = services.nurse_absent(actor=user, plan=plan, nurse=absent, reason="Malade")
    assert new.version == 2 and new.status == PlanStatus.PUBLISHED and new.based_on == plan
    assert list(new.absent_nurses.all()) == [absent]
    assert not new.tours.filter(nurse=absent).exists()
    received: set[str] = set()
    for tour in new.tours.all():
        old = before.get(tour.nurse_id, [])
        now = _signature(tour)
        assert [a for a in now if a in old] == old  # order kept, nothing taken away
        assert set(now) - set(old) <= moved  # only the absent nurse's visits come in
        received |= set(now) - set(old)
        if tour.kept:
            assert now == old
    unassigned = {
        str(u.activity_id): u for u in new.unassigned.filter(reason=UnassignedReason.NURSE_ABSENT)
    }
    assert received | set(unassigned) == moved
    assert all("Malade" in u.note for u in unassigned.values())
    # Her immunotherapy visits only go to trained nurses.
    for row in TourVisit.objects.filter(tour__plan=new, activity__qualifications=[IMMUNO]):
        assert row.tour.nurse in tour_day.nurses[:2]
    event = AuditEvent.objects.get(object_id=str(new.pk), action="update")
    assert event.reason == "Malade" and event.details["absent_nurse"] == str(absent.pk)
    # Version 1 is unchanged.
    assert {t.nurse_id: _signature(t) for t in plan.tours.all()} == before


def test_absence_needs_a_reason_and_a_published_latest_plan(tour_day) -> None:
    user = tour_day.coordinator.user
    plan = services.plan_build(actor=user, day=tour_day.day)
    nurse = plan.tours.first().nurse
    with pytest.raises(ApplicationError) as error:
        services.nurse_absent(actor=user, plan=plan, nurse=nurse, reason="Malade")
    assert error.value.field == "plan"
    services.plan_publish(actor=user, plan=plan)
    with pytest.raises(ApplicationError) as error:
        services.nurse_absent(actor=user, plan=plan, nurse=nurse, reason="  ")
    assert error.value.field == "reason"
    assert TourPlan.objects.count() == 1
    new = services.nurse_absent(actor=user, plan=plan, nurse=nurse, reason="Malade")
    with pytest.raises(ApplicationError) as error:
        services.nurse_absent(actor=user, plan=new, nurse=nurse, reason="Encore")
    assert error.value.field == "nurse"
    with pytest.raises(ApplicationError) as error:
        services.nurse_absent(actor=user, plan=plan, nurse=nurse, reason="Malade")
    assert error.value.field == "version"


def test_a_double_visit_keeps_its_start_when_one_of_its_nurses_is_absent(tour_day) -> None:
    infusion = next(a for a in tour_day.activities if IMMUNO in a.qualifications)
    _double(infusion)
    plan = _published(tour_day)
    rows = list(TourVisit.objects.filter(tour__plan=plan, activity=infusion))
    assert len(rows) == 2
    absent = rows[0].tour.nurse
    new = services.nurse_absent(
        actor=tour_day.coordinator.user, plan=plan, nurse=absent, reason="Malade"
    )
    # Only two trained nurses: the visit cannot keep two, so it leaves both tours.
    assert not TourVisit.objects.filter(tour__plan=new, activity=infusion).exists()
    assert new.unassigned.get(activity=infusion).reason == UnassignedReason.NO_SECOND_NURSE


# --- Visit added -------------------------------------------------------------------------------


def test_an_added_visit_is_inserted_and_the_published_tours_are_kept(tour_day) -> None:
    user = tour_day.coordinator.user
    plan = _published(tour_day)
    before = {t.nurse_id: _signature(t) for t in plan.tours.all()}
    with pytest.raises(ApplicationError) as error:
        services.visits_add(actor=user, plan=plan)
    assert error.value.field == "plan"
    patient = PatientFactory(latitude=CENTRE[0], longitude=CENTRE[1], city="Lyon")
    CareTeamMemberFactory(
        patient=patient, professional=tour_day.coordinator, role="coordination_nurse"
    )
    added = home_activity(patient, user, tour_day.day, "nurse_home_visit", key="late")
    new = services.visits_add(actor=user, plan=plan)
    assert new.version == 2 and new.status == PlanStatus.PUBLISHED
    placed = TourVisit.objects.filter(tour__plan=new, activity=added)
    assert placed.count() + new.unassigned.filter(activity=added).count() == 1
    for tour in new.tours.all():
        old = before.get(tour.nurse_id, [])
        assert [a for a in _signature(tour) if a != str(added.pk)] == old
        assert tour.kept == (str(added.pk) not in _signature(tour))


def test_cancelling_another_visit_keeps_a_double_visits_partner_and_start(tour_day) -> None:
    infusion = next(a for a in tour_day.activities if IMMUNO in a.qualifications)
    _double(infusion)
    plan = _published(tour_day)
    rows = list(TourVisit.objects.filter(tour__plan=plan, activity=infusion))
    assert len(rows) == 2
    other = rows[0].tour.visits.exclude(activity=infusion).first()
    new = services.visit_cancel(
        actor=tour_day.coordinator.user, plan=plan, activity_id=other.activity_id, reason="Annulé"
    )
    after = {r.tour.nurse: r for r in TourVisit.objects.filter(tour__plan=new, activity=infusion)}
    assert set(after) == {rows[0].tour.nurse, rows[1].tour.nurse}
    assert len({r.start for r in after.values()}) == 1 and rows[1].start in {
        r.start for r in after.values()
    }
    for nurse, row in after.items():
        assert row.partner is not None and row.partner != nurse


def test_an_absent_nurses_visit_whose_address_was_removed_is_listed(tour_day) -> None:
    plan = _published(tour_day)
    tour = plan.tours.first()
    row = tour.visits.first()
    row.patient.latitude = None
    row.patient.longitude = None
    row.patient.save()
    new = services.nurse_absent(
        actor=tour_day.coordinator.user, plan=plan, nurse=tour.nurse, reason="Malade"
    )
    assert new.unassigned.get(activity_id=row.activity_id).reason == UnassignedReason.NO_ADDRESS


# --- Safety of re-plans (clinical review) -------------------------------------------------------


def _lapse(nurse, day) -> None:
    """The nurse's Article 51 training expired the day before the plan's day."""
    ProfessionalQualification.objects.filter(
        professional=nurse.professional, qualification__code=IMMUNO
    ).update(expires_on=day - dt.timedelta(days=1))


def _trained(tour_day) -> list:
    return [
        n
        for n in tour_day.nurses
        if ProfessionalQualification.objects.filter(
            professional=n.professional, qualification__code=IMMUNO
        ).exists()
    ]


def test_an_absent_nurses_double_visit_without_address_keeps_its_qualification(tour_day) -> None:
    infusion = next(a for a in tour_day.activities if IMMUNO in a.qualifications)
    _double(infusion)
    plan = _published(tour_day)
    rows = list(TourVisit.objects.filter(tour__plan=plan, activity=infusion))
    assert len(rows) == 2
    infusion.patient.latitude = None
    infusion.patient.longitude = None
    infusion.patient.save()
    new = services.nurse_absent(
        actor=tour_day.coordinator.user, plan=plan, nurse=rows[0].tour.nurse, reason="Malade"
    )
    # The only other trained nurse already holds it: no untrained nurse may become the second.
    holders = [r.tour.nurse for r in TourVisit.objects.filter(tour__plan=new, activity=infusion)]
    trained = _trained(tour_day)
    assert all(nurse in trained for nurse in holders)
    assert not holders
    assert new.unassigned.get(activity=infusion).reason == UnassignedReason.NO_SECOND_NURSE


def test_a_lapsed_qualification_takes_the_visit_out_of_an_added_visits_re_plan(tour_day) -> None:
    user = tour_day.coordinator.user
    plan = _published(tour_day)
    infusion = next(
        r for r in TourVisit.objects.filter(tour__plan=plan) if IMMUNO in r.activity.qualifications
    )
    nurse = infusion.tour.nurse
    _lapse(nurse, tour_day.day)
    patient = PatientFactory(latitude=CENTRE[0], longitude=CENTRE[1], city="Lyon")
    CareTeamMemberFactory(
        patient=patient, professional=tour_day.coordinator, role="coordination_nurse"
    )
    home_activity(patient, user, tour_day.day, "nurse_home_visit", key="late")
    new = services.visits_add(actor=user, plan=plan)
    assert not [
        r
        for r in TourVisit.objects.filter(tour__plan=new, tour__nurse=nurse)
        if IMMUNO in r.activity.qualifications
    ]
    listed = new.unassigned.get(activity_id=infusion.activity_id)
    assert listed.reason == UnassignedReason.NO_QUALIFIED_NURSE


def test_a_cancel_takes_a_shared_double_visit_out_of_the_partners_copied_tour(tour_day) -> None:
    infusion = next(a for a in tour_day.activities if IMMUNO in a.qualifications)
    _double(infusion)
    plan = _published(tour_day)
    rows = list(TourVisit.objects.filter(tour__plan=plan, activity=infusion))
    assert len(rows) == 2
    lapsed = rows[0].tour.nurse
    _lapse(lapsed, tour_day.day)
    other = rows[0].tour.visits.exclude(activity=infusion).first()
    assert other is not None
    new = services.visit_cancel(
        actor=tour_day.coordinator.user, plan=plan, activity_id=other.activity_id, reason="Annulé"
    )
    # The re-planned tour loses the visit (its nurse's training lapsed): the partner's tour,
    # otherwise unchanged, must not keep it alone.
    assert not TourVisit.objects.filter(tour__plan=new, activity=infusion).exists()
    assert new.unassigned.get(activity=infusion).reason == UnassignedReason.NO_QUALIFIED_NURSE
    assert not [
        r
        for r in TourVisit.objects.filter(tour__plan=new, tour__nurse=lapsed)
        if IMMUNO in r.activity.qualifications
    ]
