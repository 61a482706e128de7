"""A pathway template asking for two nurses (``nurses: 2``), end to end: loaded through the
template loader (schema), applied to a patient, its home visit on the coordinator's worklist, then
the tour plan sends two qualified nurses starting at the same minute. No shipped template asks for
two nurses (no source of the seeds justifies one): the template is a test fixture."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oncoparcours.pathways.loader import load_templates
from oncoparcours.pathways.models import ActivityInstance, PathwayTemplate
from oncoparcours.pathways.services import pathway_apply
from oncoparcours.planning import services
from oncoparcours.planning.models import TourVisit
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

from .conftest import CENTRE, make_day

TEMPLATE = Path(__file__).parent / "data" / "double-visit-test.yaml"


@pytest.mark.django_db
def test_a_template_asking_for_two_nurses_gets_two_nurses_at_the_same_time() -> None:
    day = make_day(visits=3)
    load_templates([TEMPLATE])
    template = PathwayTemplate.objects.get(code="double-visit-test", is_latest=True)
    patient = PatientFactory(latitude=CENTRE[0], longitude=CENTRE[1], city="Lyon")
    CareTeamMemberFactory(patient=patient, professional=day.coordinator, role="coordination_nurse")
    user = day.coordinator.user
    pathway_apply(
        template=template,
        patient=patient,
        start=day.day - dt.timedelta(days=1),
        parameters={},
        actor=user,
    )
    visit = ActivityInstance.objects.get(patient=patient, template_activity="two-nurse-visit")
    assert visit.day == day.day
    assert visit in services.day_activities(actor=user, day=day.day)  # the worklist
    assert services.nurses_needed(visit) == 2

    plan = services.plan_build(actor=user, day=day.day)
    rows = list(TourVisit.objects.filter(tour__plan=plan, activity=visit).select_related("tour"))
    assert len(rows) == 2
    first, second = rows
    assert first.tour.nurse != second.tour.nurse
    assert first.start == second.start
    assert first.partner == second.tour.nurse and second.partner == first.tour.nurse
    assert not plan.unassigned.filter(activity=visit).exists()
