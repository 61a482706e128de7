"""Chair / machine plans: sessions from the pathways, build (and re-plan keeping what can be
kept), publish, the page (centre staff only, patients named to their care team only), bad input
refused in French naming the field with nothing changed, a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.directory.models import OrganisationMembership
from oncoparcours.pathways.models import (
    ActivityInstance,
    PathwayInstance,
    PathwayTemplate,
    PhaseInstance,
)
from oncoparcours.planning import chair_services as services
from oncoparcours.planning.models import (
    ChairCentre,
    ChairPlan,
    ChairSession,
    ChairUnplaced,
    PlanStatus,
    Resource,
)
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    PatientFactory,
    ProfessionalFactory,
)


def _activity(patient, user, organisation, day, kind, place, key, template_activity=None, at=None):
    template = PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True)
    instance = PathwayInstance.objects.create(
        patient=patient,
        template=template,
        start_date=day - dt.timedelta(days=100),
        created_by=user,
    )
    phase = PhaseInstance.objects.create(
        instance=instance,
        key="p",
        order=1,
        title_fr="P",
        title_en="P",
        planned_start=day - dt.timedelta(days=10),
        planned_end=day + dt.timedelta(days=10),
        responsible_role="coordination_nurse",
    )
    return ActivityInstance.objects.create(
        instance=instance,
        phase=phase,
        patient=patient,
        key=key,
        template_activity=template_activity or key,
        title_fr=f"Séance {key}",
        title_en=f"Session {key}",
        kind=kind,
        place=place,
        organisation=organisation,
        responsible_role="coordination_nurse",
        anchor_kind="phase_start",
        due_date=day,
        day=day,
        planned_date=day,
        scheduled_for=at,
        status="scheduled" if at else "planned",
    )


class Setup:
    def __init__(self, sessions: int = 8, chairs: int = 3) -> None:
        self.day = timezone.localdate() + dt.timedelta(days=1)
        self.organisation = OrganisationFactory(name="Hôpital de jour Lyon Sud")
        self.centre = ChairCentre.objects.create(
            organisation=self.organisation, opens=8 * 60, closes=18 * 60, nurses=2
        )
        self.chairs = [
            Resource.objects.create(centre=self.centre, kind="chair", name=f"Fauteuil {i + 1}")
            for i in range(chairs)
        ]
        self.nurse = ProfessionalFactory(
            profession="nurse", specialty="coordination_nursing", user__role="coordination_nurse"
        )
        OrganisationMembership.objects.create(
            professional=self.nurse, organisation=self.organisation, start=dt.date(2024, 1, 1)
        )
        self.user = self.nurse.user
        self.patients = []
        self.activities = []
        for i in range(sessions):
            patient = PatientFactory(birth_last_name=f"Fauteuil{i}")
            # The nurse is in the care team of the even patients only.
            if i % 2 == 0:
                CareTeamMemberFactory(
                    patient=patient, professional=self.nurse, role="coordination_nurse"
                )
            self.patients.append(patient)
            self.activities.append(
                _activity(
                    patient,
                    self.user,
                    self.organisation,
                    self.day,
                    "treatment_administration",
                    "expert",
                    f"adm{i}",
                )
            )

    def url(self, day=None) -> str:
        day = day or self.day
        return f"{reverse('planning:chairs')}?centre={self.centre.pk}&jour={day:%Y-%m-%d}"


@pytest.fixture
def chairs_day(db) -> Setup:
    return Setup()


def test_build_places_the_sessions_after_the_preparation(chairs_day) -> None:
    plan = services.chair_plan_build(
        actor=chairs_day.user, centre=chairs_day.centre, day=chairs_day.day
    )
    assert plan.status == PlanStatus.DRAFT and plan.version == 1
    placed = set(plan.sessions.values_list("activity_id", flat=True))
    unplaced = set(plan.unplaced.values_list("activity_id", flat=True))
    assert placed | unplaced == {a.pk for a in chairs_day.activities}
    assert len(placed) == 8
    for session in plan.sessions.all():
        # Pharmacy opens at 08:00, a preparation takes 60 min (chairs.yaml).
        assert session.start >= 9 * 60 and session.start >= session.ready
        assert session.end - session.start == 120
    assert AuditEvent.objects.filter(object_id=str(plan.pk), action="create").count() == 1 + 8


def test_other_appointments_recurring_and_apheresis(chairs_day) -> None:
    patient = chairs_day.patients[0]
    at = timezone.make_aware(dt.datetime.combine(chairs_day.day, dt.time(10, 0)))
    _activity(
        patient,
        chairs_day.user,
        chairs_day.organisation,
        chairs_day.day,
        "consultation",
        "expert",
        "consult",
        at=at,
    )
    machine = Resource.objects.create(centre=chairs_day.centre, kind="apheresis", name="Séparateur")
    exchange = [
        _activity(
            p,
            chairs_day.user,
            chairs_day.organisation,
            chairs_day.day,
            "apheresis",
            "efs",
            f"ex{i}",
            template_activity="red-cell-exchange" if i == 0 else "plasma",
        )
        for i, p in enumerate(chairs_day.patients[1:6])
    ]
    plan = services.chair_plan_build(
        actor=chairs_day.user, centre=chairs_day.centre, day=chairs_day.day
    )
    first = plan.sessions.get(activity=chairs_day.activities[0])
    # Consultation 10:00–10:30 with a 15-min margin: the session is not between 09:45 and 10:45.
    assert first.end <= 9 * 60 + 45 or first.start >= 10 * 60 + 45
    recurring = plan.sessions.get(activity=exchange[0])
    assert recurring.recurring and recurring.resource == machine
    # 10 hours, 150-min exchanges, one machine: four at most, the recurring one among them.
    assert plan.sessions.filter(resource=machine).count() == 4
    assert plan.unplaced.get().reason == "resources_full"
    # A patient's two sessions that day never overlap.
    for p in chairs_day.patients[1:6]:
        rows = list(plan.sessions.filter(patient=p))
        if len(rows) == 2:
            a, b = rows
            assert a.end <= b.start or b.end <= a.start


def test_replan_keeps_the_published_placements(chairs_day) -> None:
    user = chairs_day.user
    first = services.chair_plan_build(actor=user, centre=chairs_day.centre, day=chairs_day.day)
    services.chair_plan_publish(actor=user, plan=first)
    # One more session appears the same day: the re-plan adds it and moves nothing.
    extra = PatientFactory()
    _activity(
        extra,
        user,
        chairs_day.organisation,
        chairs_day.day,
        "treatment_administration",
        "expert",
        "late",
    )
    second = services.chair_plan_build(actor=user, centre=chairs_day.centre, day=chairs_day.day)
    assert second.version == 2 and second.based_on == first
    before = {(s.activity_id, s.resource_id, s.start) for s in first.sessions.all()}
    after = {(s.activity_id, s.resource_id, s.start) for s in second.sessions.all()}
    assert before <= after and len(after) == len(before) + 1
    assert not second.sessions.filter(moved=True).exists()
    with pytest.raises(PermissionError):
        first.delete()


def test_bad_input_refused_and_nothing_changed(chairs_day) -> None:
    user = chairs_day.user
    with pytest.raises(ApplicationError) as error:
        services.chair_plan_build(
            actor=user, centre=chairs_day.centre, day=timezone.localdate() - dt.timedelta(days=1)
        )
    assert error.value.field == "day"
    plan = services.chair_plan_build(actor=user, centre=chairs_day.centre, day=chairs_day.day)
    services.chair_plan_publish(actor=user, plan=plan)
    with pytest.raises(ApplicationError) as error:
        services.chair_plan_publish(actor=user, plan=plan)
    assert error.value.field == "status"
    assert ChairPlan.objects.count() == 1
    outsider = ProfessionalFactory(user__role="coordination_nurse").user
    with pytest.raises(PermissionDenied):
        services.chair_plan_build(actor=outsider, centre=chairs_day.centre, day=chairs_day.day)


def test_page_build_and_publish_with_names_for_the_care_team_only(client, chairs_day) -> None:
    client.force_login(chairs_day.user)
    page = client.get(chairs_day.url()).content.decode()
    assert "Fauteuils et machines" in page and "Planifier la journée" in page
    client.post(
        reverse("planning:chairs_build"),
        {"centre": chairs_day.centre.pk, "day": chairs_day.day.isoformat()},
    )
    plan = ChairPlan.objects.get()
    page = client.get(chairs_day.url()).content.decode()
    assert "Publier ce plan" in page and "Fauteuil 1" in page
    assert "FAUTEUIL0" in page  # in her care team
    assert "FAUTEUIL1" not in page  # not in her care team: "Patient"
    assert "<script" not in page.split("<main", 1)[-1] and 'style="' not in page
    client.post(reverse("planning:chairs_publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    event = AuditEvent.objects.filter(object_id=str(plan.pk), action="list").last()
    assert str(chairs_day.patients[0].pk) in event.details["patients"]
    assert str(chairs_day.patients[1].pk) not in event.details["patients"]


def test_page_bad_input_is_named_in_french(client, chairs_day) -> None:
    client.force_login(chairs_day.user)
    response = client.post(
        reverse("planning:chairs_build"),
        {"centre": chairs_day.centre.pk, "day": "31/02/2026"},
        follow=True,
    )
    assert "Jour :" in response.content.decode()
    past = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("planning:chairs_build"),
        {"centre": chairs_day.centre.pk, "day": past},
        follow=True,
    )
    assert "Jour : une journée passée" in response.content.decode()
    page = client.get(f"{reverse('planning:chairs')}?centre={chairs_day.centre.pk}&jour=demain")
    assert "Jour :" in page.content.decode()
    assert not ChairPlan.objects.exists()
    assert not ChairSession.objects.exists() and not ChairUnplaced.objects.exists()


def test_only_the_centre_staff_sees_the_page(client, chairs_day) -> None:
    plan = services.chair_plan_build(
        actor=chairs_day.user, centre=chairs_day.centre, day=chairs_day.day
    )
    other = ProfessionalFactory(user__role="coordination_nurse")
    client.force_login(other.user)
    # A coordination nurse of another centre: no centre of hers, the plan is not shown.
    page = client.get(chairs_day.url())
    assert page.status_code == 200 and "Aucun hôpital de jour" in page.content.decode()
    assert "Fauteuil 1" not in page.content.decode()
    assert client.post(reverse("planning:chairs_publish", args=[plan.pk])).status_code == 404
    response = client.post(
        reverse("planning:chairs_build"),
        {"centre": chairs_day.centre.pk, "day": chairs_day.day.isoformat()},
    )
    assert response.status_code == 404
    clinician = ProfessionalFactory(user__role="clinician")
    OrganisationMembership.objects.create(
        professional=clinician, organisation=chairs_day.organisation, start=dt.date(2024, 1, 1)
    )
    client.force_login(clinician.user)
    assert client.get(chairs_day.url()).status_code == 404
    assert ChairPlan.objects.count() == 1


def test_the_page_opens_on_her_first_centre_by_name_and_never_on_another_s(client, db) -> None:
    first = Setup(sessions=1, chairs=1)  # "Hôpital de jour Lyon Sud"
    other = Setup(sessions=1, chairs=1)  # another planner's centre
    second = ChairCentre.objects.create(
        organisation=OrganisationFactory(name="Zénith hôpital de jour"), opens=480, closes=1080
    )
    OrganisationMembership.objects.create(
        professional=first.nurse, organisation=second.organisation, start=dt.date(2024, 1, 1)
    )
    client.force_login(first.user)
    for query in ("", f"?centre={other.centre.pk}"):
        page = client.get(reverse("planning:chairs") + query)
        assert page.context["centre"] == first.centre  # first by name; not the other's centre
        assert [c.pk for c in page.context["centres"]] == [first.centre.pk, second.pk]
    chosen = client.get(f"{reverse('planning:chairs')}?centre={second.pk}")
    assert chosen.context["centre"] == second


def test_page_queries_do_not_grow_with_the_day(client, db) -> None:
    small = Setup(sessions=4, chairs=2)
    services.chair_plan_build(actor=small.user, centre=small.centre, day=small.day)
    client.force_login(small.user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(small.url()).status_code == 200
    big = Setup(sessions=16, chairs=6)
    services.chair_plan_build(actor=big.user, centre=big.centre, day=big.day)
    client.force_login(big.user)
    with CaptureQueriesContext(connection) as many:
        assert client.get(big.url()).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 15  # bench/page_budget.toml default


def test_a_session_in_another_centres_published_plan_is_an_appointment(chairs_day) -> None:
    patient = chairs_day.patients[0]
    efs = OrganisationFactory(name="EFS Lyon")
    other = ChairCentre.objects.create(organisation=efs, opens=8 * 60, closes=18 * 60)
    Resource.objects.create(centre=other, kind="apheresis", name="Séparateur")
    OrganisationMembership.objects.create(
        professional=chairs_day.nurse, organisation=efs, start=dt.date(2024, 1, 1)
    )
    _activity(
        patient,
        chairs_day.user,
        efs,
        chairs_day.day,
        "apheresis",
        "efs",
        "rce",
        template_activity="red-cell-exchange",
    )
    there = services.chair_plan_build(actor=chairs_day.user, centre=other, day=chairs_day.day)
    services.chair_plan_publish(actor=chairs_day.user, plan=there)
    exchange = there.sessions.get()
    here = services.chair_plan_build(
        actor=chairs_day.user, centre=chairs_day.centre, day=chairs_day.day
    )
    session = here.sessions.get(patient=patient)
    assert session.end + 15 <= exchange.start or session.start >= exchange.end + 15


def test_chairs_are_in_natural_order_and_filled_from_the_first(client, db) -> None:
    """Eleven chairs: "Fauteuil 2" comes before "Fauteuil 10" on the page, and the day fills
    chairs 1, 2, 3… (not 1, 10, 11). The sessions table reads "Début" / "Fin"."""
    setup = Setup(sessions=8, chairs=11)
    plan = services.chair_plan_build(actor=setup.user, centre=setup.centre, day=setup.day)
    used = {s.resource.name for s in plan.sessions.select_related("resource")}
    assert len(used) >= 2
    assert used == {f"Fauteuil {i + 1}" for i in range(len(used))}
    client.force_login(setup.user)
    page = client.get(setup.url()).content.decode()
    gantt = page.split('class="table-wrap chair-gantt"', 1)[1].split("</table>", 1)[0]
    positions = [gantt.index(f"Fauteuil {i}<br>") for i in range(1, 12)]
    assert positions == sorted(positions)
    assert ">Début</th>" in page and ">Fin</th>" in page and "Terminer" not in page


def test_a_plan_without_sessions_says_so_in_its_sessions_table(client, db) -> None:
    """Cold pass: the "Séances" table of an empty plan showed its headers only."""
    empty = Setup(sessions=0, chairs=2)
    services.chair_plan_build(actor=empty.user, centre=empty.centre, day=empty.day)
    client.force_login(empty.user)
    assert "Aucune séance n'est placée dans ce plan." in client.get(empty.url()).content.decode()
    busy = Setup(sessions=3, chairs=2)
    services.chair_plan_build(actor=busy.user, centre=busy.centre, day=busy.day)
    client.force_login(busy.user)
    assert "Aucune séance n'est placée" not in client.get(busy.url()).content.decode()
