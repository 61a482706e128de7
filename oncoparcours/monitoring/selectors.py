"""Reads of home follow-up, scoped to the user (care team; inbox = alerts sent to me)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple, TypedDict, overload

from django.core.paginator import Page
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from oncoparcours.core.models import User
from oncoparcours.core.paging import counted_ids_page
from oncoparcours.patients.selectors import PatientAccess, professional_for, visible_patient_filter

from .models import (
    LEVEL_RANK,
    Alert,
    AlertEvent,
    AlertEventKind,
    AlertRecipient,
    Level,
    OpenAlert,
    Report,
)


class AlertState(TypedDict):
    acknowledged: bool
    resolved: bool
    step: int
    current_deadline: dt.datetime | None


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    AlertWithState = WithAnnotations[Alert, AlertState]


def with_state(alerts: QuerySet[Alert]) -> QuerySet[AlertWithState]:
    """Annotate the state derived from the event log: acknowledged, resolved, escalation step,
    current deadline."""
    events = AlertEvent.objects.filter(alert=OuterRef("pk"))
    last_escalation = events.filter(kind=AlertEventKind.ESCALATED).order_by("-step")
    return alerts.annotate(
        acknowledged=Exists(events.filter(kind=AlertEventKind.ACKNOWLEDGED)),
        resolved=Exists(events.filter(kind=AlertEventKind.RESOLVED)),
        step=Coalesce(Subquery(last_escalation.values("step")[:1]), 0),
        current_deadline=Coalesce(Subquery(last_escalation.values("deadline")[:1]), "deadline"),
    )


def inbox(
    *,
    user: User,
    status: str = "open",
    level: str = "",
    centre_id: uuid.UUID | None = None,
    overdue: bool = False,
    scope: str = "mine",
) -> QuerySet[AlertWithState]:
    """Alerts sent to me (``scope="mine"``) or to anyone about my patients (``"team"``), most
    pressing first: open before resolved, not yet acknowledged, highest level, nearest deadline."""
    professional = professional_for(user)
    if professional is None:
        return with_state(Alert.objects.none())
    if scope == "team":
        alerts = with_state(Alert.objects.filter(visible_patient_filter(user)))
    else:
        mine = AlertRecipient.objects.filter(alert=OuterRef("pk"), professional=professional)
        alerts = with_state(Alert.objects.filter(Exists(mine), visible_patient_filter(user)))
    if status in ("open", "unacknowledged"):
        # Start from the open alerts' index (a few rows) rather than every alert ever sent;
        # the state below still comes from the events.
        alerts = alerts.filter(
            pk__in=OpenAlert.objects.filter(visible_patient_filter(user)).values("alert_id")
        )
    if status == "open":
        alerts = alerts.filter(Q(resolved=False))
    elif status == "unacknowledged":
        alerts = alerts.filter(Q(acknowledged=False, resolved=False))
    elif status == "resolved":
        alerts = alerts.filter(Q(resolved=True))
    if level:
        alerts = alerts.filter(level=level)
    if centre_id:
        alerts = alerts.filter(organisation_id=centre_id)
    if overdue:
        alerts = alerts.filter(
            Q(acknowledged=False, resolved=False, current_deadline__lt=timezone.now())
        )
    rank = Case(
        *[When(level=level, then=Value(r)) for level, r in LEVEL_RANK.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    # Ties broken by id so that pages never repeat or skip an alert; alerts without a deadline
    # last on every database (SQLite and PostgreSQL sort NULLs differently).
    return alerts.annotate(level_rank=rank).order_by(
        "resolved",
        "acknowledged",
        "-level_rank",
        F("current_deadline").asc(nulls_last=True),
        "-created_at",
        "pk",
    )


class RankedAlerts:
    """A ranked alert query read in two steps: the ordered ids of the slice asked for, then
    those alerts with their state, patient, organisation and report.

    One query joining the recipients, the care team, the event log and the three related tables
    makes PostgreSQL weigh every join order (eight relations): at 100,000 patients it spent more
    time planning than running it. Ranking on ids first keeps each query small. Works with
    ``Paginator`` (``count`` and slicing) and yields the same alerts in the same order."""

    def __init__(self, ranked: QuerySet[AlertWithState]) -> None:
        self._ranked = ranked

    def page(self, number: object, per_page: int) -> Page:
        """Page ``number``: its alerts and the total, the ids and the total read in one query
        (``core.paging.counted_page``) instead of a count and a slice."""
        page = counted_ids_page(self._ranked, number, per_page)
        page.object_list = alerts_in_order(list(page.object_list))
        return page

    def count(self) -> int:
        return self._ranked.order_by().count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[AlertWithState]:
        return iter(self[:])

    @overload
    def __getitem__(self, index: int) -> AlertWithState: ...
    @overload
    def __getitem__(self, index: slice) -> list[AlertWithState]: ...
    def __getitem__(self, index: int | slice) -> AlertWithState | list[AlertWithState]:
        if isinstance(index, int):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        return alerts_in_order(list(self._ranked.values_list("pk", flat=True)[index]))


def alerts_in_order(ids: list[uuid.UUID]) -> list[AlertWithState]:
    """The alerts of these ids in this order, with their state, patient, organisation and
    report (one query; none when there are no ids)."""
    if not ids:
        return []
    rows = with_state(Alert.objects.filter(pk__in=ids)).select_related(
        "patient", "organisation", "report"
    )
    by_id = {alert.pk: alert for alert in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def alert_for_patient(access: PatientAccess, alert_id: uuid.UUID) -> AlertWithState:
    alert = (
        with_state(Alert.objects.filter(pk=alert_id, patient=access.patient))
        .select_related("report", "organisation")
        .first()
    )
    if alert is None:
        raise Http404
    return alert


def alert_events(alert: Alert) -> list[AlertEvent]:
    return list(alert.events.select_related("actor").order_by("at", "id"))


def alert_recipients(alert: Alert) -> list[AlertRecipient]:
    return list(alert.recipients.select_related("professional").order_by("step", "role"))


def report_for_patient(access: PatientAccess, report_id: uuid.UUID) -> Report:
    report = (
        Report.objects.filter(pk=report_id, patient=access.patient)
        .select_related("reporter")
        .first()
    )
    if report is None:
        raise Http404
    return report


def patient_reports(patient_id: uuid.UUID, limit: int = 60) -> list[Report]:
    return list(
        Report.objects.filter(patient_id=patient_id)
        .select_related("reporter")
        .order_by("-submitted_at")[:limit]
    )


def patient_alerts(patient_id: uuid.UUID, limit: int = 20) -> list[AlertWithState]:
    return list(
        with_state(Alert.objects.filter(patient_id=patient_id)).order_by("-created_at")[:limit]
    )


def patient_open_alerts(patient_id: uuid.UUID, among_latest: int = 10) -> list[Alert]:
    """The alerts not resolved among the patient's ``among_latest`` latest ones, newest first,
    each with ``acknowledged`` (the record's follow-up section). The state of ``with_state``
    without the escalation step and deadline the section does not show: two sub-queries less
    to build (~0.7 ms of the record, issue 19)."""
    events = AlertEvent.objects.filter(alert=OuterRef("pk"))
    alerts = (
        Alert.objects.filter(patient_id=patient_id)
        .annotate(
            acknowledged=Exists(events.filter(kind=AlertEventKind.ACKNOWLEDGED)),
            resolved=Exists(events.filter(kind=AlertEventKind.RESOLVED)),
        )
        .order_by("-created_at")[:among_latest]
    )
    return [alert for alert in alerts if not alert.resolved]


def last_report_at(patient_id: uuid.UUID) -> dt.datetime | None:
    return Report.objects.filter(patient_id=patient_id).aggregate(last=Max("submitted_at"))["last"]


class OpenAlertsGlance(NamedTuple):
    counts: dict[str, int]
    first_unacknowledged: list[AlertWithState]


def open_alerts_glance(user: User, limit: int) -> OpenAlertsGlance:
    """What the home's alert panel shows: the open alerts sent to me counted per level, with
    ``"unacknowledged"`` for those nobody has acknowledged (levels without alerts left out), and
    the first ``limit`` unacknowledged ones in the inbox's rank.

    The open alerts are ranked once: the counts come with the first ranked ids as window
    aggregates of the same query, since the inbox's rank puts the unacknowledged alerts first.
    Two queries whatever the number of alerts (one when there is none)."""
    windows: dict[str, Window] = {
        f"n_{level}": Window(Count("pk", filter=Q(level=level))) for level in Level.values
    }
    windows["n_unacknowledged"] = Window(Count("pk", filter=Q(acknowledged=False)))
    rows = list(
        inbox(user=user, status="open")
        .annotate(**windows)
        .values("pk", "acknowledged", *windows)[:limit]
    )
    if not rows:
        return OpenAlertsGlance({}, [])
    counts = {name.removeprefix("n_"): number for name in windows if (number := rows[0][name])}
    ids = [row["pk"] for row in rows if not row["acknowledged"]]
    return OpenAlertsGlance(counts, alerts_in_order(ids))
