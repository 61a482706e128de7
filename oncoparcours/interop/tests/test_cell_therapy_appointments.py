"""EFS bookings (apheresis…) and CAR-T infusions as FHIR Appointment, in the same search as the
home nurse visits: a request is proposed with its wanted period, a scheduled booking is booked
with its machine slot, a planned infusion is proposed on its day (the record holds no time), an
infused one fulfilled at the time of the custody ledger; searchable by patient, date and status;
care team only, audited. A scheduled booking without its slot stays proposed; a product out of
specification has no infusion appointment until the benefit-risk decision resumes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.appointment import Appointment

from oncoparcours.celltherapy.models import Booking, CarTOrder, CustodyEvent, OrderTransition
from oncoparcours.celltherapy.services import infusion
from oncoparcours.core.models import AuditEvent
from oncoparcours.testing.celltherapy import advance, car_t_setting, order_for, walk_to
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

from .test_appointments import logged_in

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 12)
PROCEDURE = "https://oncoparcours.fr/fhir/CodeSystem/cell-therapy-procedure"


def booking(patient, order=None, status="requested", start=None, **fields):
    setting = car_t_setting()
    values = {
        "centre": setting.efs_centre,
        "patient": patient,
        "procedure": "leukapheresis_cart",
        "status": status,
        "requested_by": setting.efs_staff.user,
        "wanted_from": DAY,
        "wanted_until": DAY + dt.timedelta(days=7),
        "order": order,
        **fields,
    }
    if start is not None:
        values |= {"starts_at": start, "ends_at": start + dt.timedelta(hours=5)}
    return Booking.objects.create(**values)


def planned(order, day=DAY, state=None):
    CarTOrder.objects.filter(pk=order.pk).update(
        planned_infusion_on=day, **({"state": state} if state else {})
    )
    order.refresh_from_db()
    return order


def infused(order, at):
    planned(order, state="infused")
    setting = car_t_setting()
    CustodyEvent.objects.create(
        order=order, sequence=99, kind="infused", actor=setting.nurse.user, actor_label="IDE",
        organisation_label="CHU", holder="patient", at=at, prev_hash="0" * 64, hash="1" * 64,
    )  # fmt: skip
    return order


def resources(bundle):
    return {e["resource"]["id"]: e["resource"] for e in bundle.get("entry", [])}


def test_bookings_are_appointments(patient, clinician, outsider):
    order = order_for(patient)
    start = timezone.make_aware(dt.datetime.combine(DAY, dt.time(8, 30)))
    scheduled = booking(patient, order, "scheduled", start)
    requested = booking(patient, wanted_from=DAY + dt.timedelta(days=30),
                        wanted_until=DAY + dt.timedelta(days=40))  # fmt: skip
    declined = booking(patient, status="declined", decline_reason="Pas de séparateur libre")
    client = logged_in(clinician)
    found = resources(client.get(f"/fhir/Appointment?patient={patient.pk}&_count=100").json())
    for resource in found.values():
        Appointment.model_validate(resource)
    booked = found[f"efs-booking-{scheduled.pk}"]
    assert booked["status"] == "booked"
    assert dt.datetime.fromisoformat(booked["start"]) == start
    assert booked["minutesDuration"] == 300
    assert booked["serviceType"][0]["coding"] == [
        {"system": PROCEDURE, "code": "leukapheresis_cart"}
    ]
    assert booked["serviceType"][0]["text"].startswith("Leucaphérèse")
    assert {"reference": f"BiologicallyDerivedProduct/{order.pk}"} in booked[
        "supportingInformation"
    ]
    assert booked["participant"][0]["actor"] == {"reference": f"Patient/{patient.pk}"}
    proposed = found[f"efs-booking-{requested.pk}"]
    assert proposed["status"] == "proposed" and "start" not in proposed
    assert proposed["requestedPeriod"] == [{"start": "2026-04-11", "end": "2026-04-21"}]
    cancelled = found[f"efs-booking-{declined.pk}"]
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancelationReason"]["text"] == "Pas de séparateur libre"
    read = client.get(f"/fhir/Appointment/efs-booking-{scheduled.pk}")
    assert read.status_code == 200 and read.json()["status"] == "booked"
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient.pk, object_id=str(scheduled.pk),
        details__what="FHIR Appointment",
    ).exists()  # fmt: skip
    stranger = logged_in(outsider)
    assert stranger.get(f"/fhir/Appointment/efs-booking-{scheduled.pk}").status_code == 404
    assert stranger.get("/fhir/Appointment").json()["total"] == 0


def test_car_t_infusions_are_appointments(patient, clinician):
    order = planned(order_for(patient))
    client = logged_in(clinician)
    key = f"car-t-infusion-{order.pk}"
    resource = client.get(f"/fhir/Appointment/{key}").json()
    Appointment.model_validate(resource)
    assert resource["status"] == "proposed" and "start" not in resource
    assert resource["requestedPeriod"] == [{"start": "2026-03-12", "end": "2026-03-12"}]
    assert resource["serviceType"][0]["coding"][0]["code"] == "car-t-infusion"
    assert {"reference": f"BiologicallyDerivedProduct/{order.pk}"} in resource[
        "supportingInformation"
    ]
    at = timezone.make_aware(dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(14, 0)))
    infused(order, at)
    resource = client.get(f"/fhir/Appointment/{key}").json()
    Appointment.model_validate(resource)
    assert resource["status"] == "fulfilled"
    assert dt.datetime.fromisoformat(resource["start"]) == at
    # Searched on the day it was given, not the day planned.
    assert client.get("/fhir/Appointment?date=2026-03-13").json()["total"] == 1
    assert client.get("/fhir/Appointment?date=2026-03-12").json()["total"] == 0


def test_an_order_without_infusion_day_is_no_appointment(patient, clinician):
    order = order_for(patient)
    client = logged_in(clinician)
    assert client.get(f"/fhir/Appointment/car-t-infusion-{order.pk}").status_code == 404
    assert client.get(f"/fhir/Appointment?patient={patient.pk}").json()["total"] == 0


def test_search_by_patient_date_and_status_across_sources(patient, clinician):
    order = planned(order_for(patient), DAY + dt.timedelta(days=20))
    start = timezone.make_aware(dt.datetime.combine(DAY, dt.time(8, 30)))
    scheduled = booking(patient, order, "scheduled", start)
    requested = booking(patient)
    other = PatientFactory()
    CareTeamMemberFactory(patient=other, professional=clinician)
    theirs = booking(other, status="done", start=start)
    client = logged_in(clinician)

    def ids(query):
        return set(resources(client.get(f"/fhir/Appointment?{query}").json()))

    infusion = f"car-t-infusion-{order.pk}"
    assert ids(f"patient={patient.pk}") == {
        f"efs-booking-{scheduled.pk}", f"efs-booking-{requested.pk}", infusion,
    }  # fmt: skip
    assert ids("status=proposed") == {f"efs-booking-{requested.pk}", infusion}
    assert ids("status=booked,fulfilled") == {
        f"efs-booking-{scheduled.pk}", f"efs-booking-{theirs.pk}",
    }  # fmt: skip
    assert ids("date=ge2026-03-20") == {infusion}
    # A request not yet scheduled is found on the first day wanted.
    assert ids(f"date=2026-03-12&patient={patient.pk}") == {
        f"efs-booking-{scheduled.pk}", f"efs-booking-{requested.pk}",
    }  # fmt: skip
    assert ids(f"_id=efs-booking-{theirs.pk}") == {f"efs-booking-{theirs.pk}"}
    assert ids(f"_id={infusion}") == {infusion}
    paged = [client.get(f"/fhir/Appointment?_count=1&_page={n}").json() for n in (1, 2, 3, 4)]
    assert paged[0]["total"] == 4
    assert len({next(iter(resources(p))) for p in paged}) == 4
    for query, name in (("status=waiting", "status"), ("_id=efs-booking-12", "_id")):
        bad = client.get(f"/fhir/Appointment?{query}")
        assert bad.status_code == 400 and bad.json()["issue"][0]["expression"] == [name]


def test_query_count_does_not_grow_with_results(clinician):
    client = logged_in(clinician)

    def add_patient():
        patient = PatientFactory()
        CareTeamMemberFactory(patient=patient, professional=clinician)
        booking(patient, status="scheduled",
                start=timezone.make_aware(dt.datetime.combine(DAY, dt.time(9))))  # fmt: skip
        booking(patient)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            bundle = client.get("/fhir/Appointment?_count=100").json()
        return len(queries), len(bundle["entry"])

    add_patient()
    client.get("/fhir/Appointment")
    one, shown_one = measure()
    for _ in range(4):
        add_patient()
    five, shown_five = measure()
    assert (shown_one, shown_five) == (2, 10)
    assert five == one


def test_a_scheduled_booking_without_its_slot_is_proposed_not_booked(patient, clinician):
    # FHIR R4 (app-3): only a proposed, cancelled or waitlisted Appointment may lack start/end.
    order = order_for(patient)
    unslotted = booking(patient, order, "scheduled")
    client = logged_in(clinician)
    resource = client.get(f"/fhir/Appointment/efs-booking-{unslotted.pk}").json()
    Appointment.model_validate(resource)
    assert resource["status"] == "proposed"
    assert "start" not in resource and "end" not in resource
    assert resource["requestedPeriod"] == [{"start": "2026-03-12", "end": "2026-03-19"}]
    assert resource["participant"][0]["status"] == "needs-action"
    key = f"efs-booking-{unslotted.pk}"
    assert key in resources(client.get("/fhir/Appointment?status=proposed").json())
    assert client.get("/fhir/Appointment?status=booked").json()["total"] == 0


def test_an_out_of_specification_product_has_no_infusion_appointment(patient, clinician):
    """Quarantined, awaiting the benefit-risk decision: not shown as a proposed infusion (and
    ``pending`` would need a start time); back, proposed, once the decision is countersigned."""
    setting = car_t_setting()
    order = planned(walk_to(order_for(patient), "in_manufacturing"))
    key = f"car-t-infusion-{order.pk}"
    client = logged_in(clinician)
    assert client.get(f"/fhir/Appointment/{key}").json()["status"] == "proposed"
    order = advance(order, "out_of_specification", setting.pharmacist.user, reason="Viabilité 68 %")
    assert client.get(f"/fhir/Appointment/{key}").status_code == 404
    for query in (f"patient={patient.pk}", "status=proposed", "date=2026-03-12"):
        assert key not in resources(client.get(f"/fhir/Appointment?{query}").json())
    product = client.get(f"/fhir/BiologicallyDerivedProduct/{order.pk}").json()
    assert product["status"] == "unavailable"
    assert product["extension"][0]["valueCoding"]["code"] == "out_of_specification"

    clinician.specialty = "haematology"
    clinician.save()
    decision = infusion.benefit_risk_record(
        order=order,
        actor=clinician.user,
        data=infusion.BenefitRiskInput(
            "Viabilité 68 % (spécification ≥ 80 %)",
            "Pas d'alternative thérapeutique.",
            True,
            timezone.localdate(),
        ),
    )
    infusion.benefit_risk_countersign(decision=decision, actor=setting.pharmacist.user)
    resource = client.get(f"/fhir/Appointment/{key}").json()
    Appointment.model_validate(resource)
    assert resource["status"] == "proposed"
    assert resource["requestedPeriod"] == [{"start": "2026-03-12", "end": "2026-03-12"}]


def another_order(order, suffix):
    """A second order of the same patient (a copy with its own chain-of-identity code)."""
    copy = CarTOrder.objects.get(pk=order.pk)
    copy.pk, copy.coi = None, f"{order.coi[:30]}-{suffix}"
    copy._state.adding = True
    copy.save()
    return copy


def custody(order, kind, at):
    setting = car_t_setting()
    CustodyEvent.objects.create(
        order=order, sequence=50, kind=kind, actor=setting.nurse.user, actor_label="EFS",
        organisation_label="EFS", holder="efs", at=at, prev_hash="0" * 64, hash="2" * 64,
    )  # fmt: skip


def test_a_booking_done_without_its_slot_is_fulfilled_at_the_collection_or_not_shown(
    patient, clinician
):
    """FHIR R4 app-3: ``fulfilled`` needs a start and an end. A CAR-T leukapheresis done without
    its slot takes the collection time of the custody ledger; another procedure done without a
    slot (no time recorded anywhere) is no Appointment, rather than one claiming a time."""
    collected_at = timezone.make_aware(dt.datetime.combine(DAY, dt.time(13, 40)))
    order = order_for(patient)
    custody(order, "collected", collected_at)
    apheresis = booking(patient, order, "done")
    exchange = booking(patient, status="done", procedure="plasma_exchange")
    without_ledger = booking(patient, another_order(order, "B"), "done")
    client = logged_in(clinician)
    resource = client.get(f"/fhir/Appointment/efs-booking-{apheresis.pk}").json()
    Appointment.model_validate(resource)
    assert resource["status"] == "fulfilled"
    assert dt.datetime.fromisoformat(resource["start"]) == collected_at
    assert resource["end"] == resource["start"] and "minutesDuration" not in resource
    for hidden in (exchange, without_ledger):
        assert client.get(f"/fhir/Appointment/efs-booking-{hidden.pk}").status_code == 404
    for query in (f"patient={patient.pk}", "status=fulfilled", "date=2026-03-12"):
        assert set(resources(client.get(f"/fhir/Appointment?{query}").json())) == {
            f"efs-booking-{apheresis.pk}"
        }


def test_an_infused_order_without_infusion_in_the_ledger_is_fulfilled_at_its_step_or_not_shown(
    patient, clinician
):
    """No infusion event in the custody ledger: the time the order's step to infused was dated
    at; without that either, no Appointment (a ``fulfilled`` one needs a start, app-3)."""
    setting = car_t_setting()
    stepped_at = timezone.make_aware(dt.datetime.combine(DAY, dt.time(15, 5)))
    dated = planned(order_for(patient), state="infused")
    OrderTransition.objects.create(
        order=dated, from_state="thawed", to_state="infused", actor=setting.nurse.user,
        at=stepped_at,
    )  # fmt: skip
    undated = planned(another_order(dated, "U"), state="infused")
    client = logged_in(clinician)
    resource = client.get(f"/fhir/Appointment/car-t-infusion-{dated.pk}").json()
    Appointment.model_validate(resource)
    assert resource["status"] == "fulfilled"
    assert (
        dt.datetime.fromisoformat(resource["start"])
        == stepped_at
        == (dt.datetime.fromisoformat(resource["end"]))
    )
    assert client.get(f"/fhir/Appointment/car-t-infusion-{undated.pk}").status_code == 404
    found = resources(client.get(f"/fhir/Appointment?patient={patient.pk}").json())
    assert set(found) == {f"car-t-infusion-{dated.pk}"}
    product = client.get(f"/fhir/BiologicallyDerivedProduct/{undated.pk}").json()
    assert product["resourceType"] == "BiologicallyDerivedProduct"
