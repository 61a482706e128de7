"""Cell-therapy pages through the browser client: ordering, steps by each team, the bedside
check, cryostorage, the EFS day view and bookings, beds; refusals shown on the form."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oncoparcours.celltherapy.models import Booking, CarTOrder, TankExcursion
from oncoparcours.celltherapy.services import efs
from oncoparcours.testing.celltherapy import car_t_decision, place_order, walk_to
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

pytestmark = pytest.mark.django_db


def order_form_data(setting, **overrides):
    data = {
        "product": "axicabtagene_ciloleucel",
        "indication": "LDGCB réfractaire",
        "eligibility": ["indication", "fitness", "infections", "consent", "lodging"],
        "manufacturer_reference": "KITE-778",
        "treating_centre": setting.hospital.pk,
        "pharmacy": setting.pharmacy.pk,
        "efs_centre": setting.efs_centre.pk,
    }
    data.update(overrides)
    return data


def test_ordering_from_the_record_shows_the_coi(
    clinician_client, car_t_patient, setting, haematologist
):
    url = reverse("celltherapy:order_create", args=[car_t_patient.pk])
    decision = car_t_decision(car_t_patient)
    response = clinician_client.post(url, order_form_data(setting, decision=decision.pk))
    order = CarTOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    page = clinician_client.get(order.get_absolute_url()).content.decode()
    assert order.coi in page and "Kite Pharma" in page
    assert "axicabtagène ciloleucel" in page  # the French INN (core/data/inn_fr.yaml)
    # The gates are on the order: the decision, both qualifications, tocilizumab not yet reserved.
    assert "RCP hématologie test" in page and "PUI CHU Test" in page
    assert page.count("ARS Test") == 2
    assert "Non confirmé par la pharmacie" in page


def test_an_order_without_a_car_t_decision_names_the_field(
    clinician_client, car_t_patient, setting, haematologist
):
    url = reverse("celltherapy:order_create", args=[car_t_patient.pk])
    response = clinician_client.post(url, order_form_data(setting))
    assert response.status_code == 400
    assert 'id="id_decision_error"' in response.content.decode()
    assert not CarTOrder.objects.exists()


def test_an_incomplete_checklist_is_shown_on_the_form(
    clinician_client, car_t_patient, setting, haematologist
):
    url = reverse("celltherapy:order_create", args=[car_t_patient.pk])
    response = clinician_client.post(url, order_form_data(setting, eligibility=["indication"]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Hébergement à proximité du centre organisé" in body
    assert not CarTOrder.objects.exists()


def test_the_pharmacist_receives_and_stores_through_the_pages(
    client, car_t_patient, setting, haematologist
):
    order = walk_to(place_order(car_t_patient, haematologist), "received_at_pui")
    client.force_login(setting.pharmacist.user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "?to=in_cryostorage" in page
    step = reverse("celltherapy:order_step", args=[car_t_patient.pk, order.pk])
    response = client.post(
        step,
        {
            "to": "in_cryostorage",
            "version": order.version,
            "tank": setting.tank.pk,
            "position": "R9-99",
        },
    )
    assert response.status_code == 400 and "R9-99" in response.content.decode()
    response = client.post(
        step,
        {
            "to": "in_cryostorage",
            "version": order.version,
            "tank": setting.tank.pk,
            "position": "R2-03",
            "temperature_c": "-185",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "in_cryostorage"
    tank_page = client.get(reverse("celltherapy:tank", args=[setting.tank.pk])).content.decode()
    assert order.coi in tank_page


def test_a_team_cannot_record_another_teams_step(client, car_t_patient, setting, haematologist):
    order = walk_to(place_order(car_t_patient, haematologist), "shipped_to_site")
    client.force_login(setting.efs_staff.user)
    step = reverse("celltherapy:order_step", args=[car_t_patient.pk, order.pk])
    response = client.post(step, {"to": "received_at_pui", "version": order.version})
    assert response.status_code == 400
    assert "pharmacien" in response.content.decode().lower()


def test_a_failed_bedside_check_through_the_page(client, car_t_patient, setting, haematologist):
    order = walk_to(place_order(car_t_patient, haematologist), "thawed")
    url = reverse("celltherapy:bedside", args=[car_t_patient.pk, order.pk])
    client.force_login(setting.nurse.user)
    assert order.coi not in client.get(url).content.decode()
    first = client.post(url, {"identity_confirmed": "on", "scanned_coi": order.coi}, follow=True)
    assert "Ne perfusez pas" not in first.content.decode()  # a matching first scan: no alarm
    client.force_login(haematologist)
    response = client.post(
        url, {"identity_confirmed": "on", "scanned_coi": "COI-XXX-0000-0000-0"}, follow=True
    )
    body = response.content.decode()
    assert "ÉCHEC" in body
    page = client.get(order.get_absolute_url()).content.decode()
    assert "?to=infused" not in page


def test_the_first_scanner_sees_a_mismatch_at_once(client, car_t_patient, setting, haematologist):
    order = walk_to(place_order(car_t_patient, haematologist), "thawed")
    url = reverse("celltherapy:bedside", args=[car_t_patient.pk, order.pk])
    client.force_login(setting.nurse.user)
    response = client.post(
        url, {"identity_confirmed": "on", "scanned_coi": "COI-XXX-0000-0000-0"}, follow=True
    )
    body = response.content.decode()
    # Told at once, before anyone else scans.
    assert "Ne perfusez pas" in body
    assert "n&#x27;est pas celui de cette commande" in body or "n'est pas celui" in body
    # The second professional opening the page sees it too, before confirming.
    client.force_login(haematologist)
    bedside_page = client.get(url).content.decode()
    assert "Ne perfusez pas" in bedside_page
    assert order.coi not in bedside_page  # the page still never shows the expected COI


def test_a_tank_reading_above_the_threshold_is_flagged(client, setting):
    client.force_login(setting.pharmacist.user)
    url = reverse("celltherapy:tank", args=[setting.tank.pk])
    response = client.post(url, {"temperature_c": "-131.5", "source": "sonde"}, follow=True)
    assert TankExcursion.objects.count() == 1
    assert "-131,5" in response.content.decode() or "-131.5" in response.content.decode()
    home = client.get(reverse("core:home")).content.decode()
    assert "Cuve A" in home
    response = client.post(url, {"temperature_c": "-400"})
    assert response.status_code == 400 and TankExcursion.objects.count() == 1


def test_tanks_of_another_pharmacy_are_not_found(clinician_client, setting):
    assert (
        clinician_client.get(reverse("celltherapy:tank", args=[setting.tank.pk])).status_code == 404
    )


def test_efs_day_view_and_scheduling_from_the_booking_page(
    client, car_t_patient, setting, haematologist
):
    today = timezone.localdate()
    booking = efs.booking_request(
        actor=haematologist,
        data=efs.BookingRequest(
            patient=car_t_patient,
            centre=setting.efs_centre,
            procedure="photopheresis",
            wanted_from=today,
            wanted_until=today + dt.timedelta(days=7),
        ),
    )
    client.force_login(setting.efs_staff.user)
    day = client.get(reverse("celltherapy:efs_day")).content.decode()
    assert "Séparateur 1" in day and car_t_patient.display_name in day
    url = reverse("celltherapy:booking", args=[booking.pk])
    start = (today + dt.timedelta(days=1)).isoformat() + "T09:00"
    response = client.post(
        url,
        {
            "action": "schedule",
            "machine": setting.apheresis.pk,
            "starts_at": start,
            "version": booking.version,
        },
    )
    assert response.status_code == 400  # photopheresis needs a photopheresis system
    assert Booking.objects.get().status == "requested"


def test_the_order_list_costs_the_same_queries_for_more_orders(
    clinician_client, clinician, setting, haematologist
):
    def make():
        patient = PatientFactory()
        CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
        walk_to(place_order(patient, haematologist), "collected")

    make()
    url = reverse("celltherapy:orders")
    with CaptureQueriesContext(connection) as few:
        assert clinician_client.get(url).status_code == 200
    for _ in range(4):
        make()
    with CaptureQueriesContext(connection) as many:
        body = clinician_client.get(url).content.decode()
    assert body.count("COI-") >= 5
    assert len(many.captured_queries) == len(few.captured_queries)


def _inspections(order, setting, count):
    """``count`` inspections by the pharmacy while the courier holds the product."""
    from oncoparcours.celltherapy.services.custody import CustodyDetails, custody_record

    for index in range(count):
        custody_record(
            order=order,
            kind="inspection",
            actor=setting.pharmacist.user,
            organisation=setting.pharmacy,
            details=CustodyDetails(temperature_c=-150.0 - index, logger=f"LOG-{index}"),
        )


def test_the_order_page_costs_the_same_queries_for_a_longer_custody_chain(
    clinician_client, car_t_patient, setting, haematologist
):
    order = walk_to(place_order(car_t_patient, haematologist), "shipped_to_site")
    url = order.get_absolute_url()
    _inspections(order, setting, 1)
    with CaptureQueriesContext(connection) as few:
        assert clinician_client.get(url).status_code == 200
    _inspections(order, setting, 8)
    with CaptureQueriesContext(connection) as many:
        assert clinician_client.get(url).status_code == 200
    assert order.custody.count() >= 9
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_order_page_reads_each_relation_once_whatever_the_order_holds(
    clinician_client, clinician, car_t_patient, setting, haematologist
):
    """Issue 19: the order page (at "thawed", where it also evaluates the infusion gates) costs
    the same queries for an order with many custody events, status changes (by several people),
    tocilizumab confirmations and intensive-care reservations (with their events) as for one
    with few. A query per event, transition, reservation or actor coming back fails this."""
    from oncoparcours.celltherapy.models import (
        BedReservation,
        BedReservationEvent,
        BedUnit,
        OrderTransition,
    )
    from oncoparcours.testing.celltherapy import reserve_tocilizumab

    def order_with(patient, extra):
        order = walk_to(place_order(patient, haematologist), "shipped_to_site")
        _inspections(order, setting, 1 + extra)
        order = walk_to(order, "thawed")
        reserve_tocilizumab(order)
        people = [setting.pharmacist.user, setting.nurse.user, setting.efs_staff.user]
        unit = BedUnit.objects.filter(organisation=setting.hospital).order_by("name").first()
        for index in range(extra):
            actor = people[index % len(people)]
            OrderTransition.objects.create(
                order=order, from_state="thawed", to_state="thawed", actor=actor, reason="note"
            )
            reserve_tocilizumab(order)
            reservation = BedReservation.objects.create(
                order=order,
                unit=unit,
                patient_id=order.patient_id,
                first_day=timezone.localdate() + dt.timedelta(days=10 + index),
                last_day=timezone.localdate() + dt.timedelta(days=20 + index),
                status="cancelled",
                requested_by=actor,
            )
            for status in ("requested", "cancelled"):
                BedReservationEvent.objects.create(
                    reservation=reservation,
                    from_status="",
                    to_status=status,
                    actor=actor,
                    actor_label=actor.display_name,
                )
        return order

    few = order_with(car_t_patient, 0)
    other = PatientFactory()
    CareTeamMemberFactory(patient=other, professional=clinician, is_lead=True)
    many = order_with(other, 6)
    assert many.custody.count() >= few.custody.count() + 6
    clinician_client.get(few.get_absolute_url())  # warm-up (caches, session)
    with CaptureQueriesContext(connection) as few_queries:
        assert clinician_client.get(few.get_absolute_url()).status_code == 200
    with CaptureQueriesContext(connection) as many_queries:
        page = clinician_client.get(many.get_absolute_url()).content.decode()
    assert page.count('id="reservation-') == many.bed_reservations.count() >= 7
    assert len(many_queries.captured_queries) == len(few_queries.captured_queries)


def test_the_label_is_a_pdf_with_the_coi(clinician_client, car_t_patient, haematologist):
    order = place_order(car_t_patient, haematologist)
    response = clinician_client.get(reverse("celltherapy:label", args=[car_t_patient.pk, order.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_pharmacy_confirms_tocilizumab_from_the_order_page(
    client, car_t_patient, setting, haematologist
):
    order = place_order(car_t_patient, haematologist)
    client.force_login(setting.pharmacist.user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Confirmer les doses réservées" in page
    url = reverse("celltherapy:tocilizumab", args=[car_t_patient.pk, order.pk])
    response = client.post(url, {"doses_reserved": "-1"})
    assert response.status_code == 400
    response = client.post(url, {"doses_reserved": "2", "further_dose_access": "on"})
    assert response.status_code == 302
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Confirmé par la pharmacie : 2 doses réservées" in page


def test_the_benefit_risk_decision_through_the_pages(client, car_t_patient, setting, haematologist):
    from oncoparcours.testing.celltherapy import advance

    order = walk_to(place_order(car_t_patient, haematologist), "in_cryostorage")
    order = advance(order, "out_of_specification", haematologist, reason="Viabilité 70 %")
    url = reverse("celltherapy:benefit_risk", args=[car_t_patient.pk, order.pk])
    client.force_login(haematologist)
    response = client.post(
        url,
        {
            "action": "record",
            "deviation": "Viabilité 70 %",
            "rationale": "Aucune alternative ; le bénéfice attendu l'emporte sur le risque.",
            "patient_informed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert 'id="id_patient_informed_error"' in response.content.decode()
    response = client.post(
        url,
        {
            "action": "record",
            "deviation": "Viabilité 70 %",
            "rationale": "Aucune alternative ; le bénéfice attendu l'emporte sur le risque.",
            "patient_informed": "on",
            "patient_informed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    client.force_login(setting.pharmacist.user)
    assert "Contresigner" in client.get(url).content.decode()
    response = client.post(url, {"action": "countersign", "countersign": "on"})
    assert response.status_code == 302
    page = client.get(order.get_absolute_url()).content.decode()
    assert "en vigueur" in page and "Accepté pour perfusion (décision bénéfice–risque)" in page
    order.refresh_from_db()
    assert order.state == "in_cryostorage"


def test_administrations_through_the_episode_page(client, car_t_patient, setting, haematologist):
    from oncoparcours.celltherapy.models import EpisodeTreatment
    from oncoparcours.celltherapy.services.bedside import bedside_confirm
    from oncoparcours.testing.celltherapy import advance, reserve_tocilizumab

    order = walk_to(place_order(car_t_patient, haematologist), "thawed")
    for actor in (setting.nurse.user, haematologist):
        bedside_confirm(order=order, actor=actor, identity_confirmed=True, scanned_coi=order.coi)
    reserve_tocilizumab(order)
    order = advance(order, "infused", haematologist)
    client.force_login(setting.nurse.user)
    url = reverse("celltherapy:treatments", args=[car_t_patient.pk, order.pk])
    given = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    data = {
        "action": "record",
        "drug": "tocilizumab",
        "dose": "8",
        "unit": "mg/kg",
        "route": "iv",
        "given_at": given,
        "indication": "crs",
        "grade": "2",
    }
    response = client.post(url, {**data, "dose": "20"})
    assert response.status_code == 400 and 'id="id_dose_error"' in response.content.decode()
    assert client.post(url, data).status_code == 302
    treatment = EpisodeTreatment.objects.get()
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Tocilizumab" in page and "8 mg/kg" in page
    response = client.post(
        url, {"action": "error", "treatment": treatment.pk, "reason": "Mauvaise dose saisie"}
    )
    assert response.status_code == 302 and EpisodeTreatment.objects.count() == 2
    detail = client.get(reverse("patients:detail", args=[car_t_patient.pk])).content.decode()
    assert "Cellules CAR-T perfusées" in detail


def test_a_phlebotomy_request_at_the_gate_is_refused_on_the_form(
    clinician_client, car_t_patient, setting, haematologist
):
    url = reverse("celltherapy:booking_request", args=[car_t_patient.pk])
    today = timezone.localdate()
    data = {
        "centre": setting.efs_centre.pk,
        "procedure": "phlebotomy",
        "wanted_from": today.isoformat(),
        "wanted_until": (today + dt.timedelta(days=7)).isoformat(),
        "haemoglobin_g_dl": "11.0",
        "haemoglobin_on": today.isoformat(),
    }
    response = clinician_client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_haemoglobin_g_dl_error"' in body and "11" in body
    assert not Booking.objects.exists()
    assert clinician_client.post(url, {**data, "haemoglobin_g_dl": "11.1"}).status_code == 302


def test_the_order_page_shows_how_long_the_tocilizumab_confirmation_is_valid(
    client, car_t_patient, setting, haematologist
):
    from oncoparcours.testing.celltherapy import reserve_tocilizumab

    order = place_order(car_t_patient, haematologist)
    client.force_login(haematologist)
    confirmed = timezone.now() - dt.timedelta(hours=2)
    reserve_tocilizumab(order, doses=2, at=confirmed)
    until = timezone.localtime(confirmed + dt.timedelta(hours=72)).strftime("%d/%m/%Y %H:%M")
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'id="tocilizumab-validity"' in page and f"jusqu’au {until}" in page
    assert 'id="tocilizumab-expires"' not in page
    # An older paper confirmation entered afterwards does not replace the latest one.
    reserve_tocilizumab(order, doses=2, at=confirmed - dt.timedelta(days=20))
    page = client.get(order.get_absolute_url()).content.decode()
    assert f"jusqu’au {until}" in page
    # The planned infusion is after the confirmation expires: the page says to confirm again.
    order.planned_infusion_on = timezone.localdate() + dt.timedelta(days=5)
    order.save(update_fields=["planned_infusion_on"])
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'id="tocilizumab-expires"' in page


def test_an_expired_tocilizumab_confirmation_is_shown_with_its_date(
    client, car_t_patient, setting, haematologist
):
    from oncoparcours.testing.celltherapy import reserve_tocilizumab

    order = place_order(car_t_patient, haematologist)
    old = timezone.now() - dt.timedelta(days=20)
    reserve_tocilizumab(order, doses=2, at=old)
    client.force_login(setting.pharmacist.user)
    page = client.get(order.get_absolute_url()).content.decode()
    expired = timezone.localtime(old + dt.timedelta(hours=72)).strftime("%d/%m/%Y %H:%M")
    assert "a expiré le " + expired in page
    assert timezone.localtime(old).strftime("%d/%m/%Y %H:%M") in page
    tocilizumab_page = client.get(
        reverse("celltherapy:tocilizumab", args=[car_t_patient.pk, order.pk])
    ).content.decode()
    assert "72 heures" in tocilizumab_page and expired in tocilizumab_page


def test_the_order_page_cites_where_each_label_value_comes_from(
    clinician_client, car_t_patient, haematologist
):
    order = place_order(car_t_patient, haematologist, product="lisocabtagene_maraleucel")
    page = clinician_client.get(order.get_absolute_url()).content.decode()
    assert 'id="label-sources"' in page
    monitoring = page.split('id="label-monitoring"')[1].split("</li>")[0]
    assert "lecture plus stricte du projet" in monitoring
    assert (
        "à confirmer dans le RCP du produit" in page.split('id="label-thaw"')[1].split("</li>")[0]
    )
    sources = page.split('id="label-sources"')[1].split("</details>")[0]
    assert "Résumé des caractéristiques du produit Breyanzi" in sources
    assert "version du 28/04/2023 — à confirmer" in sources
    # Developer notes stay in the data file: no file names, English notes or ISO dates.
    for note in ("DOMAIN.md", "was not read", "2023-04-28", "EMA EPAR", "RCP européen à"):
        assert note not in sources


def test_the_order_form_cites_its_sources_in_plain_french(clinician_client, car_t_patient):
    page = clinician_client.get(
        reverse("celltherapy:order_create", args=[car_t_patient.pk])
    ).content.decode()
    sources = page.split("Sources :")[1].split("</p>")[0]
    assert "Résumés des caractéristiques de chaque produit CAR-T" in sources
    assert "mise à jour de 12/2026" in sources
    for note in ("DOMAIN.md", "label.sources", "Reference:", "2026-12", "EU SmPC"):
        assert note not in sources


def test_applying_the_car_t_pathway_below_the_label_is_refused_on_the_field(
    clinician_client, car_t_patient
):
    url = reverse("pathways:apply", args=[car_t_patient.pk])
    form = clinician_client.get(url + "?template=car-t").content.decode()
    assert "Au moins la durée du RCP du produit" in form
    data = {
        "template": "car-t",
        "start": timezone.localdate().isoformat(),
        "param_product": "tisagenlecleucel",
        "param_near_centre_weeks": "3",
        "param_no_driving_weeks": "8",
    }
    response = clinician_client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_param_near_centre_weeks_error"' in page and "Kymriah" in page
    data["param_near_centre_weeks"] = "5"
    assert clinician_client.post(url, data).status_code == 302


def test_a_pathway_shorter_than_the_label_is_flagged_on_the_order(
    clinician_client, car_t_patient, haematologist
):
    from oncoparcours.pathways.models import PathwayInstance

    order = place_order(car_t_patient, haematologist)
    PathwayInstance.objects.filter(pk=order.pathway_instance_id).update(
        parameters={**order.pathway_instance.parameters, "no_driving_weeks": 2}
    )
    page = clinician_client.get(order.get_absolute_url()).content.decode()
    driving = page.split('id="label-driving"')[1].split("</li>")[0]
    assert "8 semaines" in driving and "2 semaines" not in driving
    assert "plus courte" in page or "plus court" in page


def test_an_expired_thawed_product_is_not_offered_for_infusion(
    client, car_t_patient, setting, haematologist
):
    """Kymriah allows 30 minutes from the thaw: a check passed 20 minutes after a thaw 40
    minutes ago no longer lets the product be infused. The page offers only what the service
    accepts now, and says why."""
    from oncoparcours.celltherapy.services.bedside import bedside_confirm
    from oncoparcours.celltherapy.services.custody import CustodyDetails
    from oncoparcours.testing.celltherapy import advance, reserve_tocilizumab

    order = place_order(car_t_patient, haematologist, product="tisagenlecleucel")
    order = walk_to(order, "dispensed", start=timezone.now() - dt.timedelta(hours=4))
    thawed = timezone.now() - dt.timedelta(minutes=40)
    order = advance(order, "thawed", setting.nurse.user, custody=CustodyDetails(at=thawed))
    reserve_tocilizumab(order)
    for actor in (setting.nurse.user, haematologist):
        bedside_confirm(
            order=order,
            actor=actor,
            identity_confirmed=True,
            scanned_coi=order.coi,
            at=thawed + dt.timedelta(minutes=20),
        )
    assert order.bedside_checks.get().passed
    client.force_login(haematologist)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "?to=infused" not in page and "Enregistrer : Perfusé" not in page
    blocked = page.split('id="infusion-blocked"')[1].split("</div>")[0]
    assert "Perfusion impossible pour le moment" in blocked and "30 min" in blocked
    steps = page.split("Étapes possibles")[1].split("</p>")[0]
    assert "perfusé" not in steps


def test_a_product_within_its_gates_is_offered_for_infusion(
    client, car_t_patient, setting, haematologist
):
    from oncoparcours.celltherapy.services.bedside import bedside_confirm
    from oncoparcours.testing.celltherapy import reserve_tocilizumab

    order = walk_to(place_order(car_t_patient, haematologist), "thawed")
    client.force_login(haematologist)
    # Without tocilizumab confirmed the service refuses: the page says so, no button.
    for actor in (setting.nurse.user, haematologist):
        bedside_confirm(order=order, actor=actor, identity_confirmed=True, scanned_coi=order.coi)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "?to=infused" not in page and "tocilizumab" in page.split('id="infusion-blocked"')[1]
    reserve_tocilizumab(order)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "?to=infused" in page and 'id="infusion-blocked"' not in page
