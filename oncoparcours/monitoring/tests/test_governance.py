"""Rule-set governance (draft → validated by a physician → active per organisation, vignettes
required) and confirmed adverse events (corrections supersede; they feed pathway criteria)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.core.errors import ApplicationError
from oncoparcours.monitoring import services
from oncoparcours.monitoring.models import AdverseEvent, RuleSetActivation, TriageRuleSet
from oncoparcours.monitoring.record import adverse_event_facts
from oncoparcours.monitoring.services import rulesets as ruleset_services
from oncoparcours.monitoring.services.adverse import current_adverse_events
from oncoparcours.monitoring.triage import VignetteReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def stricter():
    return TriageRuleSet.objects.get(code="asco-organ-2021", version=2)


def test_the_platform_starts_with_the_newest_shipped_default_policy(patient):
    stored, _compiled = services.rule_set_for_patient(patient)
    assert stored.label == "default@2"
    assert RuleSetActivation.objects.get().organisation is None


def test_older_versions_stay_stored_and_pinned_so_old_alerts_keep_their_rule_set():
    stored = {s.label: s for s in TriageRuleSet.objects.all()}
    assert {"default@1", "default@2", "asco-organ-2021@1", "asco-organ-2021@2"} <= set(stored)
    assert stored["asco-organ-2021@1"].definition["extends"] == "default@1"
    assert stored["asco-organ-2021@2"].definition["extends"] == "default@2"
    old = ruleset_services.compiled(stored["default@1"])
    assert old.label == "default@1" and "suspected-febrile-neutropenia" not in {
        rule.id for rule in old.rules
    }


def test_a_platform_still_on_an_older_default_moves_to_the_newest_one():
    old = TriageRuleSet.objects.get(code="default", version=1)
    RuleSetActivation.objects.create(rule_set=old, note="installed before default@2")
    ruleset_services.bootstrap_platform_default()
    latest = RuleSetActivation.objects.filter(organisation__isnull=True).first()
    assert latest.rule_set.label == "default@2"
    assert "default@1" in latest.note and latest.vignettes_checked > 0
    ruleset_services.bootstrap_platform_default()  # nothing more to do
    assert RuleSetActivation.objects.filter(rule_set__version=2).count() == 2


def test_an_organisation_on_an_older_set_is_never_triaged_laxer_than_the_newest_default(
    clinician, organisation, submit
):
    """asco-organ-2021@1 extends default@1 (no febrile-neutropenia rule): the newest default is
    applied as a floor, and the alert says which version decided."""
    older = TriageRuleSet.objects.get(code="asco-organ-2021", version=1)
    services.rule_set_validate(rule_set=older, actor=clinician.user, note="Relu")
    services.rule_set_activate(rule_set=older, organisation=organisation, actor=clinician.user)
    fever = submit({"temperature_c": 38.6}, treatment="chemotherapy").alert
    assert (fever.level, fever.rule_set_label) == ("immediate", "default@2")
    assert fever.flags == ["suspected_febrile_neutropenia"]
    colitis = submit({"blood_or_mucus_in_stool": True}).alert
    assert (colitis.level, colitis.rule_set_label) == ("immediate", "asco-organ-2021@1")


def test_only_a_physician_validates_and_only_a_validated_set_is_activated(
    stricter, nurse, clinician, organisation
):
    with pytest.raises(ApplicationError):
        services.rule_set_activate(
            rule_set=stricter, organisation=organisation, actor=clinician.user
        )
    with pytest.raises(ApplicationError):
        services.rule_set_validate(rule_set=stricter, actor=nurse.user, note="")
    services.rule_set_validate(rule_set=stricter, actor=clinician.user, note="Relu")
    stricter.refresh_from_db()
    assert (stricter.status, stricter.validated_by) == ("validated", clinician.user)
    with pytest.raises(ApplicationError):
        services.rule_set_activate(rule_set=stricter, organisation=organisation, actor=nurse.user)


def test_activation_is_refused_while_a_vignette_disagrees(
    stricter, clinician, organisation, monkeypatch
):
    services.rule_set_validate(rule_set=stricter, actor=clinician.user, note="Relu")
    monkeypatch.setattr(
        ruleset_services,
        "vignette_report",
        lambda rule_set: VignetteReport(checked=4, disagreements=[{"id": "x", "problems": ["p"]}]),
    )
    with pytest.raises(ApplicationError) as caught:
        services.rule_set_activate(
            rule_set=stricter, organisation=organisation, actor=clinician.user
        )
    assert "1" in caught.value.message
    assert not RuleSetActivation.objects.filter(organisation=organisation).exists()


def test_an_activated_set_triages_the_organisations_patients_and_alerts_record_it(
    stricter, clinician, organisation, submit
):
    before = submit({"stools_over_baseline_per_day": 4, "blood_or_mucus_in_stool": True}).alert
    assert (before.level, before.rule_set_label) == ("urgent", "default@2")
    services.rule_set_validate(rule_set=stricter, actor=clinician.user, note="Relu")
    activation = services.rule_set_activate(
        rule_set=stricter, organisation=organisation, actor=clinician.user
    )
    assert activation.vignettes_checked > 0
    after = submit({"stools_over_baseline_per_day": 4, "blood_or_mucus_in_stool": True}).alert
    assert (after.level, after.rule_set_label) == ("immediate", "asco-organ-2021@2")
    assert after.respond_within_minutes == 240


def test_the_rule_set_page_lets_a_physician_validate_but_not_a_nurse(stricter, nurse, clinician):
    from django.test import Client

    url = reverse("monitoring:rule_set", args=[stricter.pk])
    as_nurse, as_physician = Client(), Client()
    as_nurse.force_login(nurse.user)
    as_physician.force_login(clinician.user)
    page = as_nurse.get(url)
    assert page.status_code == 200 and page.context["can_govern"] is False
    assert 'name="do" value="validate"' not in page.content.decode()
    assert as_nurse.post(url, {"do": "validate", "note": "ok"}).status_code == 403
    refused = as_physician.post(url, {"do": "validate", "note": ""})
    assert refused.status_code == 400 and refused.context["validation_form"].errors["note"]
    assert as_physician.post(url, {"do": "validate", "note": "Relu en comité"}).status_code == 302
    stricter.refresh_from_db()
    assert (stricter.status, stricter.validation_note) == ("validated", "Relu en comité")


def test_a_correction_supersedes_the_adverse_event_and_feeds_pathway_criteria(patient, clinician):
    onset = timezone.localdate() - dt.timedelta(days=3)
    first = services.adverse_event_record(
        patient=patient,
        actor=clinician.user,
        term="colitis",
        grade=2,
        onset=onset,
        attribution="immune_related",
        actions=["hold"],
        outcome="ongoing",
    )
    corrected = services.adverse_event_record(
        patient=patient,
        actor=clinician.user,
        term="colitis",
        grade=3,
        onset=onset,
        attribution="immune_related",
        actions=["hold", "steroids"],
        outcome="resolving",
        supersedes=first,
    )
    assert list(current_adverse_events(patient)) == [corrected]
    assert AdverseEvent.objects.count() == 2
    facts = adverse_event_facts(patient, onset - dt.timedelta(days=1), timezone.localdate())
    assert [(f.term, f.grade, f.immune_related) for f in facts] == [("colitis", 3, True)]


def test_an_adverse_event_in_the_future_or_with_an_unknown_term_is_refused(patient, clinician):
    with pytest.raises(ApplicationError) as caught:
        services.adverse_event_record(
            patient=patient,
            actor=clinician.user,
            term="boredom",
            grade=7,
            onset=timezone.localdate() + dt.timedelta(days=2),
            attribution="unknown",
            actions=[],
            outcome="ongoing",
        )
    assert {"term", "grade", "onset"} <= set(caught.value.errors)
    assert AdverseEvent.objects.count() == 0
