"""The CAR-T gates through the services: an order needs a validated board decision recommending
CAR-T cells and sites qualified for the product; the infusion needs tocilizumab confirmed for the
patient and the thaw limit held; an out-of-specification product goes through a signed and
countersigned benefit–risk decision; the pathway plans the monitoring from the actual infusion;
the CRS/ICANS administrations are recorded against the episode; the apheresis material can be
cryopreserved in the chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from oncoparcours.boards.models import Decision
from oncoparcours.celltherapy.models import (
    BenefitRiskDecision,
    CarTOrder,
    CustodyEvent,
    EpisodeTreatment,
    TocilizumabConfirmation,
)
from oncoparcours.celltherapy.services import infusion
from oncoparcours.celltherapy.services.bedside import bedside_confirm
from oncoparcours.celltherapy.services.custody import (
    CustodyDetails,
    custody_record,
    custody_verify,
)
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.directory.models import Capability
from oncoparcours.monitoring.models import Alert
from oncoparcours.pathways.models import ActivityInstance, PathwayInstance, PathwayTemplate
from oncoparcours.pathways.services import pathway_apply
from oncoparcours.patients.timeline import timeline_for
from oncoparcours.testing.celltherapy import (
    advance,
    car_t_decision,
    car_t_setting,
    place_order,
    qualify,
    reserve_tocilizumab,
    walk_to,
)
from oncoparcours.testing.factories import ProfessionalFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- placing the order ----------------------------------------------------------------------------


def expire(organisation, kind):
    """The site's only qualification ended yesterday."""
    Capability.objects.filter(organisation=organisation).delete()
    today = timezone.localdate()
    qualify(
        organisation,
        kind,
        valid_from=today - dt.timedelta(days=800),
        valid_until=today - dt.timedelta(days=1),
    )


def test_no_order_without_a_board_decision(car_t_patient, haematologist):
    with pytest.raises(ApplicationError) as caught:
        place_order(car_t_patient, haematologist, decision=None)
    assert "decision" in caught.value.errors
    assert not CarTOrder.objects.exists()


def test_a_decision_that_does_not_recommend_car_t_is_refused(car_t_patient, haematologist):
    surgery = car_t_decision(car_t_patient, modalities=("surgery",))
    with pytest.raises(ApplicationError) as caught:
        place_order(car_t_patient, haematologist, decision=surgery)
    assert "CAR-T" in caught.value.errors["decision"][0]
    assert not CarTOrder.objects.exists()


def test_an_amended_decision_is_refused(car_t_patient, haematologist):
    first = car_t_decision(car_t_patient)
    Decision.objects.create(
        case=first.case,
        session=first.session,
        version=2,
        amends=first,
        modalities=["car_t"],
        proposal="CAR-T, correction du nom du produit",
        place_of_care="expert",
        validated_by=haematologist,
        correction_reason="Produit",
    )
    with pytest.raises(ApplicationError) as caught:
        place_order(car_t_patient, haematologist, decision=first)
    assert "decision" in caught.value.errors


def test_the_order_is_refused_at_a_pharmacy_whose_qualification_expired(
    car_t_patient, setting, haematologist
):
    expire(setting.pharmacy, "car_t_qualified_pui")
    today = timezone.localdate()
    with pytest.raises(ApplicationError) as caught:
        place_order(car_t_patient, haematologist)
    message = caught.value.errors["pharmacy"][0]
    assert "PUI CHU Test" in message and (today - dt.timedelta(days=1)).strftime("%d/%m/%Y") in (
        message
    )
    assert "treating_centre" not in caught.value.errors
    assert not CarTOrder.objects.exists()


def test_a_ward_qualified_for_other_products_only_is_refused(car_t_patient, setting, haematologist):
    Capability.objects.filter(organisation=setting.hospital).delete()
    qualify(setting.hospital, "car_t_qualified_ward", products=["axicabtagene_ciloleucel"])
    with pytest.raises(ApplicationError) as caught:
        place_order(car_t_patient, haematologist, product="tisagenlecleucel")
    assert "treating_centre" in caught.value.errors
    order = place_order(car_t_patient, haematologist, product="axicabtagene_ciloleucel")
    assert order.decision == car_t_decision(car_t_patient)


def test_a_qualification_issued_by_someone_else_than_an_ars_does_not_count(
    car_t_patient, setting, haematologist
):
    Capability.objects.filter(organisation=setting.hospital).delete()
    manufacturer = setting.efs_centre  # any organisation that is not a regional health agency
    qualify(setting.hospital, "car_t_qualified_ward", issuer=manufacturer)
    with pytest.raises(ApplicationError) as caught:
        place_order(car_t_patient, haematologist)
    assert "ARS" in caught.value.errors["treating_centre"][0]


def test_an_order_applies_the_car_t_pathway_for_its_product(car_t_patient, haematologist):
    order = place_order(car_t_patient, haematologist, product="ciltacabtagene_autoleucel")
    instance = order.pathway_instance
    assert instance is not None and instance.parameters["product"] == order.product
    statuses = dict(instance.activities.values_list("key", "status"))
    assert statuses["rcp-qualification"] == statuses["eligibility-checklist"] == "done"
    assessments = instance.activities.filter(template_activity="crs-icans-assessment")
    assert assessments.count() == 14
    # A second order for another product would follow the wrong label: refused.
    with pytest.raises(ApplicationError) as caught:
        place_order(car_t_patient, haematologist, product="tisagenlecleucel")
    assert "product" in caught.value.errors


# --- infusion gates -------------------------------------------------------------------------------


def passed_check(order, setting, haematologist):
    for actor in (setting.nurse.user, haematologist):
        bedside_confirm(order=order, actor=actor, identity_confirmed=True, scanned_coi=order.coi)


def test_the_infusion_is_refused_without_tocilizumab_confirmed_for_the_patient(
    car_t_patient, setting, haematologist
):
    order = walk_to(place_order(car_t_patient, haematologist), "thawed")
    passed_check(order, setting, haematologist)
    with pytest.raises(ApplicationError) as caught:
        advance(order, "infused", haematologist)
    assert "tocilizumab" in caught.value.errors
    reserve_tocilizumab(order, doses=0)
    with pytest.raises(ApplicationError) as caught:
        advance(order, "infused", haematologist)
    assert "tocilizumab" in caught.value.errors
    reserve_tocilizumab(order, doses=1, further=False)
    with pytest.raises(ApplicationError):
        advance(order, "infused", haematologist)
    reserve_tocilizumab(order, doses=1, further=True)
    assert advance(order, "infused", haematologist).state == "infused"
    confirmations = TocilizumabConfirmation.objects.filter(order=order)
    assert confirmations.count() == 3
    assert (
        AuditEvent.objects.filter(
            object_type="celltherapy.TocilizumabConfirmation", action="create"
        ).count()
        == 3
    )


def test_only_a_pharmacist_of_the_order_s_pharmacy_confirms_tocilizumab(
    car_t_patient, setting, haematologist
):
    order = place_order(car_t_patient, haematologist)
    elsewhere = ProfessionalFactory(
        profession="pharmacist",
        specialty="hospital_pharmacy",
        user=UserFactory(role="pharmacist"),
    )
    for actor in (haematologist, elsewhere.user):
        with pytest.raises(ApplicationError):
            infusion.tocilizumab_confirm(
                order=order, actor=actor, doses_reserved=2, further_dose_access=True
            )
    assert not TocilizumabConfirmation.objects.exists()


def shown(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def test_a_tocilizumab_confirmation_made_at_order_time_does_not_open_the_infusion(
    car_t_patient, setting, haematologist
):
    order = place_order(car_t_patient, haematologist)
    at_order = timezone.now() - dt.timedelta(days=21)
    reserve_tocilizumab(order, doses=2, at=at_order)
    order = walk_to(order, "thawed")
    passed_check(order, setting, haematologist)
    with pytest.raises(ApplicationError) as caught:
        advance(order, "infused", haematologist)
    # Refused on tocilizumab, with the day of the last confirmation.
    message = caught.value.errors["tocilizumab"][0]
    assert "tocilizumab" in message and shown(at_order) in message
    # 72 hours and one minute before the infusion: still too old.
    too_old = timezone.now() - dt.timedelta(hours=72, minutes=1)
    reserve_tocilizumab(order, doses=2, at=too_old)
    with pytest.raises(ApplicationError) as caught:
        advance(order, "infused", haematologist)
    assert shown(too_old) in caught.value.errors["tocilizumab"][0]
    order.refresh_from_db()
    assert order.state == "thawed"
    # Within the 72 hours before the infusion: the gate opens.
    reserve_tocilizumab(order, doses=2, at=timezone.now() - dt.timedelta(hours=71, minutes=59))
    assert advance(order, "infused", haematologist).state == "infused"


def test_a_confirmation_recorded_after_the_infusion_time_does_not_count(
    car_t_patient, setting, haematologist
):
    # Yescarta (3 hours from the thaw): the infusion is recorded after the fact, dated just
    # after the bedside check (an infusion is never dated before the check).
    order = place_order(car_t_patient, haematologist, product="axicabtagene_ciloleucel")
    order = walk_to(order, "thawed", start=timezone.now() - dt.timedelta(hours=2))
    passed_check(order, setting, haematologist)
    infused_at = order.bedside_checks.get().at + dt.timedelta(microseconds=1)
    reserve_tocilizumab(order, doses=1)  # now: after the infusion time
    with pytest.raises(ApplicationError) as caught:
        advance(order, "infused", haematologist, custody=CustodyDetails(at=infused_at))
    assert "tocilizumab" in caught.value.errors
    reserve_tocilizumab(order, doses=1, at=infused_at - dt.timedelta(minutes=10))
    order = advance(order, "infused", haematologist, custody=CustodyDetails(at=infused_at))
    assert order.state == "infused"


def test_the_infusion_is_refused_when_a_qualification_expired_since_the_order(
    car_t_patient, setting, haematologist
):
    order = walk_to(place_order(car_t_patient, haematologist), "thawed")
    passed_check(order, setting, haematologist)
    reserve_tocilizumab(order)
    expire(setting.hospital, "car_t_qualified_ward")
    with pytest.raises(ApplicationError) as caught:
        advance(order, "infused", haematologist)
    assert "treating_centre" in caught.value.errors
    order.refresh_from_db()
    assert order.state == "thawed"


def thawed_minutes_ago(car_t_patient, haematologist, minutes, product="tisagenlecleucel"):
    order = place_order(car_t_patient, haematologist, product=product)
    order = walk_to(order, "dispensed", start=timezone.now() - dt.timedelta(hours=4))
    thawed = timezone.now() - dt.timedelta(minutes=minutes)
    return advance(order, "thawed", car_t_setting().nurse.user, custody=CustodyDetails(at=thawed))


def test_past_the_thaw_limit_the_bedside_scan_fails_and_the_infusion_is_refused(
    car_t_patient, setting, haematologist
):
    # Kymriah: 30 minutes from the thaw. 29 minutes ago is still fine at the scan...
    order = thawed_minutes_ago(car_t_patient, haematologist, 29)
    reserve_tocilizumab(order)
    passed_check(order, setting, haematologist)
    assert order.bedside_checks.get().passed
    # ... but the infusion recorded 2 minutes later is past the limit.
    with pytest.raises(ApplicationError) as caught:
        advance(
            order,
            "infused",
            haematologist,
            custody=CustodyDetails(at=timezone.now() + dt.timedelta(minutes=2)),
        )
    assert "at" in caught.value.errors and "30 min" in caught.value.errors["at"][0]


def test_the_infusion_cannot_be_back_dated_before_the_bedside_check(
    car_t_patient, setting, haematologist
):
    """Back-dating the infusion to within the thaw limit would dodge it: an infusion is after
    the two-person check, never before."""
    order = thawed_minutes_ago(car_t_patient, haematologist, 20)
    reserve_tocilizumab(order)
    passed_check(order, setting, haematologist)
    check_at = order.bedside_checks.get().at
    with pytest.raises(ApplicationError) as caught:
        advance(
            order,
            "infused",
            haematologist,
            custody=CustodyDetails(at=check_at - dt.timedelta(minutes=10)),
        )
    assert "at" in caught.value.errors and "contrôle" in caught.value.errors["at"][0]
    order.refresh_from_db()
    assert order.state == "thawed"
    infused = advance(
        order,
        "infused",
        haematologist,
        custody=CustodyDetails(at=check_at + dt.timedelta(minutes=1)),
    )
    assert infused.state == "infused"


def test_a_scan_past_the_thaw_limit_blocks_and_alerts(car_t_patient, setting, haematologist):
    order = thawed_minutes_ago(car_t_patient, haematologist, 31)
    passed_check(order, setting, haematologist)
    check = order.bedside_checks.get()
    assert not check.passed and check.problems == ["thaw_limit"]
    alert = Alert.objects.get(patient=car_t_patient, rule="car_t_thaw_to_infusion_limit")
    assert alert.level == "urgent" and "décongélation" in alert.advice


# --- out of specification -------------------------------------------------------------------------


def test_an_out_of_specification_product_is_infused_after_a_countersigned_decision(
    car_t_patient, setting, haematologist
):
    order = walk_to(place_order(car_t_patient, haematologist), "in_manufacturing")
    order = advance(order, "out_of_specification", haematologist, reason="Viabilité 68 %")
    data = infusion.BenefitRiskInput(
        deviation="Viabilité 68 % (spécification ≥ 80 %)",
        rationale="Pas d'alternative thérapeutique ; bénéfice attendu supérieur au risque.",
        patient_informed=True,
        patient_informed_on=timezone.localdate(),
    )
    # Refusals name the field; a pharmacist does not sign as the physician.
    with pytest.raises(ApplicationError) as caught:
        infusion.benefit_risk_record(
            order=order,
            actor=haematologist,
            data=infusion.BenefitRiskInput(data.deviation, data.rationale, False, None),
        )
    assert {"patient_informed", "patient_informed_on"} <= set(caught.value.errors)
    with pytest.raises(ApplicationError):
        infusion.benefit_risk_record(order=order, actor=setting.pharmacist.user, data=data)
    decision = infusion.benefit_risk_record(order=order, actor=haematologist, data=data)
    order.refresh_from_db()
    assert order.state == "out_of_specification"  # not effective before the countersignature
    with pytest.raises(ApplicationError):
        infusion.benefit_risk_countersign(decision=decision, actor=haematologist)
    infusion.benefit_risk_countersign(decision=decision, actor=setting.pharmacist.user)
    order.refresh_from_db()
    assert order.state == "in_manufacturing"
    accepted = CustodyEvent.objects.get(order=order, kind="oos_accepted")
    assert "Pharma" in accepted.note.upper() or "PHARMA" in accepted.note
    assert accepted.organisation == setting.pharmacy
    # The product then follows the ordinary path to the infusion; the chain stays intact.
    order = walk_to(order, "thawed")
    passed_check(order, setting, haematologist)
    reserve_tocilizumab(order)
    order = advance(order, "infused", haematologist)
    kinds = list(CustodyEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds[kinds.index("quarantined") + 1] == "oos_accepted"
    assert kinds[-1] == "infused" and custody_verify(order) == []
    assert BenefitRiskDecision.objects.get().countersignature.pharmacist == setting.pharmacist
    # The record's timeline (read as plain values, issue 19): the decision and the infusion.
    decision = BenefitRiskDecision.objects.select_related("physician").get()
    infused_event = CustodyEvent.objects.get(order=order, kind="infused")
    with translation.override("en"):
        entries = {e.title: e for e in timeline_for(car_t_patient) if e.kind == "car_t"}
    accepted_entry = entries["Out-of-specification product accepted (benefit–risk decision)"]
    assert accepted_entry.detail == f"{order.coi} — {decision.physician} / {setting.pharmacist}"
    assert accepted_entry.url == order.get_absolute_url() + "#benefit-risk"
    assert accepted_entry.when == decision.countersignature.signed_at
    infused_entry = entries["CAR-T cells infused"]
    assert infused_entry.detail == f"{order.coi} — {infused_event.actor_label}"
    assert (infused_entry.url, infused_entry.when) == (order.get_absolute_url(), infused_event.at)


def test_a_thaw_past_the_limit_goes_through_the_benefit_risk_decision(
    car_t_patient, setting, haematologist
):
    order = thawed_minutes_ago(car_t_patient, haematologist, 45)
    reserve_tocilizumab(order)
    passed_check(order, setting, haematologist)  # fails: thaw limit
    order = advance(order, "out_of_specification", haematologist, reason="Délai dépassé")
    decision = infusion.benefit_risk_record(
        order=order,
        actor=haematologist,
        data=infusion.BenefitRiskInput(
            "Décongélation il y a 45 min (limite 30 min)",
            "Produit unique ; viabilité attendue acceptable, patient en aplasie.",
            True,
            timezone.localdate(),
        ),
    )
    infusion.benefit_risk_countersign(decision=decision, actor=setting.pharmacist.user)
    order.refresh_from_db()
    assert order.state == "thawed"
    passed_check(order, setting, haematologist)
    assert order.bedside_checks.order_by("-attempt").first().passed
    assert advance(order, "infused", haematologist).state == "infused"


# --- monitoring plan and CRS/ICANS episode ----------------------------------------------------


def test_the_infusion_re_dates_the_daily_assessments_from_the_actual_day(
    car_t_patient, setting, haematologist
):
    instance = pathway_apply(
        template=PathwayTemplate.objects.get(code="car-t", is_latest=True),
        patient=car_t_patient,
        start=timezone.localdate() - dt.timedelta(days=40),
        parameters={"product": "tisagenlecleucel"},
        actor=haematologist,
    )
    order = walk_to(place_order(car_t_patient, haematologist), "thawed")
    assert order.pathway_instance == instance
    passed_check(order, setting, haematologist)
    reserve_tocilizumab(order)
    advance(order, "infused", haematologist)
    today = timezone.localdate()
    days = list(
        ActivityInstance.objects.filter(instance=instance, template_activity="crs-icans-assessment")
        .order_by("occurrence")
        .values_list("day", flat=True)
    )
    assert days == [today + dt.timedelta(days=d) for d in range(1, 11)]
    ends = dict(
        ActivityInstance.objects.filter(
            instance=instance,
            template_activity__in=["end-of-stay-near-centre", "end-of-driving-ban"],
        ).values_list("template_activity", "day")
    )
    assert ends == {
        "end-of-stay-near-centre": today + dt.timedelta(weeks=4),
        "end-of-driving-ban": today + dt.timedelta(weeks=8),
    }


@pytest.mark.parametrize(
    ("parameter", "weeks", "refused"),
    [
        ("near_centre_weeks", 0, True),
        ("near_centre_weeks", 3, True),
        ("near_centre_weeks", 4, False),  # the label's 4 weeks
        ("near_centre_weeks", 6, False),  # longer: allowed
        ("no_driving_weeks", 0, True),
        ("no_driving_weeks", 7, True),
        ("no_driving_weeks", 8, False),  # the label's 8 weeks
        ("no_driving_weeks", 10, False),
    ],
)
def test_the_car_t_pathway_cannot_go_below_the_product_s_label(
    car_t_patient, setting, haematologist, parameter, weeks, refused
):
    template = PathwayTemplate.objects.get(code="car-t", is_latest=True)

    def apply():
        return pathway_apply(
            template=template,
            patient=car_t_patient,
            start=timezone.localdate() - dt.timedelta(days=40),
            parameters={"product": "tisagenlecleucel", parameter: weeks},
            actor=haematologist,
        )

    if refused:
        with pytest.raises(ApplicationError) as caught:
            apply()
        assert f"param_{parameter}" in caught.value.errors
        assert not PathwayInstance.objects.filter(patient=car_t_patient).exists()
        return
    instance = apply()
    # The order follows the pathway; the infusion dates the end of the period from the chosen weeks.
    order = walk_to(place_order(car_t_patient, haematologist), "thawed")
    assert order.pathway_instance == instance
    passed_check(order, setting, haematologist)
    reserve_tocilizumab(order)
    advance(order, "infused", haematologist)
    activity = {
        "near_centre_weeks": "end-of-stay-near-centre",
        "no_driving_weeks": "end-of-driving-ban",
    }
    end = ActivityInstance.objects.get(instance=instance, template_activity=activity[parameter])
    assert end.day == timezone.localdate() + dt.timedelta(weeks=weeks)


def test_the_refusal_names_the_label_s_weeks(car_t_patient, haematologist):
    with pytest.raises(ApplicationError) as caught:
        pathway_apply(
            template=PathwayTemplate.objects.get(code="car-t", is_latest=True),
            patient=car_t_patient,
            start=timezone.localdate(),
            parameters={"product": "ciltacabtagene_autoleucel", "near_centre_weeks": 2},
            actor=haematologist,
        )
    message = caught.value.errors["param_near_centre_weeks"][0]
    assert "Carvykti" in message and "4" in message and "2" in message


def test_a_pathway_shorter_than_the_label_cannot_carry_an_order(car_t_patient, haematologist):
    # A pathway applied before the floor was enforced, with a 2-week stay near the centre.
    instance = pathway_apply(
        template=PathwayTemplate.objects.get(code="car-t", is_latest=True),
        patient=car_t_patient,
        start=timezone.localdate(),
        parameters={"product": "tisagenlecleucel"},
        actor=haematologist,
    )
    PathwayInstance.objects.filter(pk=instance.pk).update(
        parameters={**instance.parameters, "near_centre_weeks": 2}
    )
    with pytest.raises(ApplicationError) as caught:
        place_order(car_t_patient, haematologist)
    assert "product" in caught.value.errors
    assert not CarTOrder.objects.exists()


@pytest.fixture
def infused(car_t_patient, setting, haematologist):
    order = walk_to(place_order(car_t_patient, haematologist), "thawed")
    passed_check(order, setting, haematologist)
    reserve_tocilizumab(order)
    return advance(order, "infused", haematologist)


def dose(order, **overrides):
    values = {
        "drug": "tocilizumab",
        "dose": Decimal("8"),
        "unit": "mg/kg",
        "route": "iv",
        "given_at": timezone.now(),
        "indication": "crs",
        "grade": 2,
    }
    values.update(overrides)
    return infusion.TreatmentInput(**values)


def test_tocilizumab_and_corticosteroids_are_recorded_against_the_episode(
    infused, setting, haematologist
):
    first = infusion.treatment_record(order=infused, actor=setting.nurse.user, data=dose(infused))
    infusion.treatment_record(
        order=infused,
        actor=haematologist,
        data=dose(infused, drug="dexamethasone", dose=Decimal("10"), unit="mg", indication="icans"),
    )
    assert first.given_by == setting.nurse.user and first.grade == 2
    entries = timeline_for(infused.patient)
    titles = [e.title for e in entries if e.kind == "car_t_treatment"]
    assert len(titles) == 2 and any("Tocilizumab 8 mg/kg" in t for t in titles)
    tocilizumab = next(e for e in entries if e.title.startswith("Tocilizumab"))
    assert tocilizumab.title == (
        f"{first.get_drug_display()} 8 {first.unit} ({first.get_route_display().lower()})"
    )
    assert tocilizumab.detail == (
        f"{first.get_indication_display()} grade 2 — {first.given_by_label}"
    )
    assert (tocilizumab.url, tocilizumab.when) == (
        infused.get_absolute_url() + "#episode",
        first.given_at,
    )
    # A wrong entry is not changed: a new row marks it, and the timeline leaves it out.
    infusion.treatment_entered_in_error(
        treatment=first, actor=haematologist, reason="Saisi sur le mauvais patient"
    )
    assert EpisodeTreatment.objects.count() == 3
    first.refresh_from_db()
    assert first.dose == Decimal("8")
    titles = [e.title for e in timeline_for(infused.patient) if e.kind == "car_t_treatment"]
    assert len(titles) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"dose": Decimal("900"), "unit": "mg"}, "dose"),
        ({"drug": "dexamethasone", "unit": "mg/kg", "dose": Decimal("1")}, "unit"),
        ({"grade": 5}, "grade"),
        ({"indication": "fever"}, "indication"),
        ({"given_at": timezone.now() + dt.timedelta(hours=2)}, "given_at"),
        ({"given_at": timezone.now() - dt.timedelta(days=30)}, "given_at"),
        ({"drug": "aspirin"}, "drug"),
    ],
)
def test_bad_administrations_name_the_field(infused, setting, overrides, field):
    with pytest.raises(ApplicationError) as caught:
        infusion.treatment_record(
            order=infused, actor=setting.nurse.user, data=dose(infused, **overrides)
        )
    assert field in caught.value.errors
    assert not EpisodeTreatment.objects.exists()


def test_no_administration_before_the_infusion(car_t_patient, setting, haematologist):
    order = walk_to(place_order(car_t_patient, haematologist), "thawed")
    with pytest.raises(ApplicationError) as caught:
        infusion.treatment_record(order=order, actor=haematologist, data=dose(order))
    assert "state" in caught.value.errors


# --- cryopreservation -----------------------------------------------------------------------------


def test_the_cell_therapy_unit_cryopreserves_the_apheresis_material(
    car_t_patient, setting, haematologist
):
    order = walk_to(place_order(car_t_patient, haematologist), "collected")
    efs = setting.efs_staff.user
    with pytest.raises(ApplicationError) as caught:
        custody_record(
            order=order,
            kind="cryopreserved",
            actor=efs,
            organisation=setting.efs_centre,
            details=CustodyDetails(place="UTC, congélateur 2"),
        )
    assert "temperature_c" in caught.value.errors
    event = custody_record(
        order=order,
        kind="cryopreserved",
        actor=efs,
        organisation=setting.efs_centre,
        details=CustodyDetails(place="UTC, congélateur 2", temperature_c=-160.0),
    )
    assert (event.kind, event.holder, event.temperature_c) == ("cryopreserved", "EFS Test", -160)
    order = advance(order, "shipped_to_manufacturer", efs)
    assert custody_verify(order) == []


def test_an_order_outside_the_product_s_indications_is_refused_unless_decided_off_label(
    car_t_patient, setting, haematologist
):
    """Carvykti (myeloma) for a lymphoma patient is refused naming the product; the board may
    decide it outside guidelines, with its justification."""
    decision = car_t_decision(car_t_patient)  # the patient has a large B-cell lymphoma
    with pytest.raises(ApplicationError) as caught:
        place_order(
            car_t_patient, haematologist, product="ciltacabtagene_autoleucel", decision=decision
        )
    assert "product" in caught.value.errors and "Carvykti" in caught.value.errors["product"][0]
    off_label = car_t_decision(car_t_patient, outside_guideline=True)
    order = place_order(
        car_t_patient, haematologist, product="ciltacabtagene_autoleucel", decision=off_label
    )
    assert order.product == "ciltacabtagene_autoleucel"
