"""Care-team join dates with a past: the services the demo goes through add people to care teams
on the day they run (the PUI and the EFS when a CAR-T order is placed, the EFS for a procedure
request, a board's members for its review, a specialist seen later). Run last, this step dates
each of those joins at the patient's event that brought the person in, so a team's "new
patients" are spread over the past weeks rather than all on the day the demo was loaded."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from oncoparcours.boards.models import Case
from oncoparcours.celltherapy.models import Booking, CarTOrder
from oncoparcours.patients.models import CareTeamMember, CareTeamRole


def _first(queryset, field: str) -> dict:
    rows = queryset.values("patient_id").annotate(first=Min(TruncDate(field))).order_by()
    return {row["patient_id"]: row["first"] for row in rows}


def backdate_joins(seed: int, today: dt.date | None = None) -> int:
    """Returns how many joins were dated. ``today`` is the day the demo load began: a load that
    runs past midnight has joins dated on both days, and all of them are the load's."""
    rng = random.Random(seed + 1414)
    today = today or timezone.localdate()
    members = list(CareTeamMember.objects.filter(start__gte=today).order_by("patient_id", "id"))
    patients = {m.patient_id for m in members}
    first_care = {
        row["patient_id"]: row["first"]
        for row in CareTeamMember.objects.filter(patient_id__in=patients, start__lt=today)
        .values("patient_id")
        .annotate(first=Min("start"))
        .order_by()
    }
    orders = _first(CarTOrder.objects.filter(patient_id__in=patients), "created_at")
    bookings = _first(Booking.objects.filter(patient_id__in=patients), "created_at")
    cases = _first(Case.objects.filter(patient_id__in=patients), "submitted_at")
    changed = []
    for member in members:
        floor = first_care.get(member.patient_id, today - dt.timedelta(days=120))
        if member.role == CareTeamRole.TUMOUR_BOARD:
            day = cases.get(member.patient_id)
        elif member.reason.startswith("CAR-T"):
            day = orders.get(member.patient_id)
        elif member.role == CareTeamRole.EFS_PHYSICIAN and member.patient_id in bookings:
            day = bookings[member.patient_id]
        else:  # seen some time after the first care (a specialist, a nurse, on call)
            span = (today - floor).days - 1
            day = floor + dt.timedelta(days=rng.randint(min(7, span), span)) if span > 0 else None
        if day is None or day >= today or (member.end is not None and member.end < day):
            continue
        member.start = day
        changed.append(member)
    CareTeamMember.objects.bulk_update(changed, ["start"], batch_size=500)
    return len(changed)
