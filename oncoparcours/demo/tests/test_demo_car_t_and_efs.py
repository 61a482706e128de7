"""The demo's CAR-T orders, EFS day and care teams read as a clinician expects (issue 14): each
order's history in the same past as its custody events, statuses dated at the event that caused
them, vein to vein in 4 to 6 weeks, infusions only of thawed products and no thaw countdown after
them, the order list by last event, readable references; the EFS's past done and its day in the
menu; care-team joins spread before the patients' events."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from oncoparcours.celltherapy import catalogue, selectors
from oncoparcours.celltherapy.models import Booking, CarTOrder
from oncoparcours.celltherapy.rules import lifecycle
from oncoparcours.directory.models import Capability
from oncoparcours.pathways import selectors as pathway_selectors
from oncoparcours.pathways.models import ActivityInstance
from oncoparcours.patients.models import CareTeamMember

pytestmark = pytest.mark.django_db(transaction=True)
READABLE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")


@pytest.fixture
def region(settings, tmp_path):
    """The demo loaded; returns when the load began (the demo's "now" and "today": a load that
    runs past midnight stays dated from the day it began)."""
    settings.DATA_DIR = tmp_path
    started = timezone.now()
    call_command("demo", seed=11, patients=400, quiet=True)
    return started


def user(username):
    return get_user_model().objects.get(username=username)


def custody_kind(transition) -> str:
    if transition.from_state == "out_of_specification":
        return "oos_accepted"  # resumed by the countersigned benefit-risk decision
    step = lifecycle.step_for(transition.from_state, transition.to_state)
    return step.custody if step else ""


def assert_history_in_the_custody_past(order: CarTOrder, now: dt.datetime) -> None:
    history = list(order.transitions.order_by("id"))
    times = [t.at for t in history]
    assert times == sorted(times), order.coi
    assert order.decision.validated_at <= order.created_at <= (times or [now])[0], order.coi
    assert all(at <= now for at in times), order.coi
    for transition in history:
        if kind := custody_kind(transition):
            assert order.custody.filter(kind=kind, at=transition.at).exists(), (
                order.coi,
                transition.to_state,
            )
    events = list(order.custody.order_by("sequence").values_list("at", flat=True))
    assert events == sorted(events) and (not events or events[0] >= order.created_at)


def test_car_t_orders_tell_one_story(region, client):
    now = timezone.now()
    orders = list(CarTOrder.objects.select_related("decision"))
    assert len(orders) >= 6
    assert {"qualified", "infused", "thawed"} <= {o.state for o in orders}
    for order in orders:
        assert_history_in_the_custody_past(order, now)
        events = {e.kind: e.at for e in order.custody.all()}
        if "infused" in events:
            # Vein to vein (collection to infusion): 4 to 6 weeks.
            assert 28 <= (events["infused"] - events["collected"]).days <= 42, order.coi
            # Infused only once thawed, within the product's limit.
            limit = catalogue.product(order.product).label.thaw_limit_minutes
            thawed = events["thawed"]
            assert thawed < events["infused"] <= thawed + dt.timedelta(minutes=limit)
        assert READABLE.match(order.manufacturer_reference), order.manufacturer_reference
    references = Capability.objects.exclude(reference="").values_list("reference", flat=True)
    assert references and all(READABLE.match(r) for r in references), [
        r for r in references if not READABLE.match(r)
    ]
    # The thaw countdown only until the infusion.
    client.force_login(user("hematologue"))
    for state, shown, hidden in (
        ("thawed", "perfuser avant", "Perfusé le"),
        ("infused", "Perfusé le", "perfuser avant"),
    ):
        order = next(o for o in orders if o.state == state)
        page = client.get(order.get_absolute_url()).content.decode()
        banner = page.split('id="thaw"')[1].split("</div>")[0]
        assert shown in banner and hidden not in banner, state
    # The order list: most recent activity first, the last event in words with its date.
    rows = list(selectors.orders_for_user(user("hematologue")))
    assert [r.last_event_at for r in rows] == sorted((r.last_event_at for r in rows), reverse=True)
    body = client.get(reverse("celltherapy:orders")).content.decode()
    first = rows[0]
    row = body[body.index(first.coi) :].split("</tr>")[0]
    when = timezone.localtime(first.last_event_at).strftime("%d/%m/%Y %H:%M")
    assert when in row and (first.get_state_display() in row or "Commande passée" in row)


def test_the_efs_day_and_care_teams_have_a_past(region, client):
    now = region
    today = timezone.localdate(region)
    efs = user("efs")
    # The EFS's worklist for today: nothing of the past left open ("en retard").
    ids = list(pathway_selectors.worklist(user=efs, scope="mine", start=today, end=today))
    activities = ActivityInstance.objects.filter(pk__in=ids)
    assert not activities.filter(day__lt=today).exists(), list(
        activities.filter(day__lt=today).values_list("key", "day")
    )
    assert not activities.filter(scheduled_for__lt=now - dt.timedelta(hours=1)).exists()
    # The day grid: what ended is done; nothing past is still waiting.
    assert Booking.objects.filter(status="done").exists()
    assert not Booking.objects.filter(status="scheduled", ends_at__lt=now).exists()
    # The EFS login's menu and home page.
    client.force_login(efs)
    home = client.get(reverse("core:home")).content.decode()
    assert "Journée EFS" in home.split("</nav>")[0] and "Ouvrir la journée EFS" in home
    # Care-team joins spread before the patients' events, not on the day the demo was loaded.
    members = CareTeamMember.objects.all()
    assert members.filter(start__gte=today).count() < 0.02 * members.count()
    assert not members.filter(start__gt=timezone.localdate()).exists()
    joined_for_orders = 0
    for order in CarTOrder.objects.all():
        # The PUI and the EFS joined when the order was placed.
        joined = members.filter(patient=order.patient, reason=f"CAR-T {order.coi}")
        joined_for_orders += joined.count()
        assert not joined.exclude(start=timezone.localdate(order.created_at)).exists(), order.coi
    assert joined_for_orders > 0
    for booking in Booking.objects.filter(starts_at__isnull=False).select_related("patient"):
        efs_joins = members.filter(patient=booking.patient, role="efs_physician")
        assert efs_joins.filter(start__lte=timezone.localdate(booking.starts_at)).exists()
