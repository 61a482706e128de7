import datetime as dt

import pytest
from django.utils import timezone, translation

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.pathways import services
from oncoparcours.pathways.loader import TemplatesRefused, load_templates
from oncoparcours.pathways.models import (
    ActivityInstance,
    PathwayEvent,
    PathwayInstance,
    PathwayTemplate,
)
from oncoparcours.patients.models import CareTeamMember

from .conftest import train

pytestmark = pytest.mark.django_db
TODAY = dt.date.today


def activity(instance, key):
    return instance.activities.get(key=key)


def done(instance, key, user, on=None):
    return services.activity_transition(
        activity=activity(instance, key),
        to="done",
        actor=user,
        on=on or activity(instance, key).due_date,
    )


def test_apply_pins_the_version_and_dates_every_activity(instance, template):
    assert instance.template == template and instance.parameters == {"interval_weeks": 3}
    assert instance.activities.count() == 135  # v2: 12 GP and HAD activities more than v1
    assert instance.phases.count() == 3 and instance.current_phase.key == "sequence-1"
    first = activity(instance, "dh-administration#1")
    assert first.organisation.name == "Centre Léon Bérard"
    assert activity(instance, "first-control-imaging").organisation.name == "CH de Vienne"
    assert activity(instance, "home-administration-2#1").organisation is None  # at home
    assert (
        AuditEvent.objects.filter(
            patient_id=instance.patient_id, action="create", object_type="pathways.PathwayInstance"
        ).count()
        == 1
    )


def test_apply_refuses_bad_parameters_and_a_second_active_instance(instance, clinician, template):
    with pytest.raises(ApplicationError) as error:
        services.pathway_apply(
            template=template,
            patient=instance.patient,
            start=TODAY(),
            parameters={"interval_weeks": 3},
            actor=clinician.user,
        )
    assert "already follows" in error.value.message or "suit déjà" in error.value.message
    other = PathwayTemplate.objects.get(code="car-t")
    with pytest.raises(ApplicationError) as error:
        services.pathway_apply(
            template=other,
            patient=instance.patient,
            start=TODAY(),
            parameters={"near_centre_weeks": 40},
            actor=clinician.user,
        )
    assert "param_near_centre_weeks" in error.value.errors
    assert PathwayInstance.objects.count() == 1


@pytest.mark.parametrize(("weeks", "refused"), [(2, True), (3, False), (4, False)])
def test_a_registered_parameter_check_refuses_by_name(
    monkeypatch, clinician, centres, template, weeks, refused
):
    """Another app owns a bound (e.g. the CAR-T label): its check refuses on the parameter and
    nothing is created; other templates are not affected."""
    from oncoparcours.pathways import parameter_checks

    def at_least_three(values):
        if int(values["interval_weeks"]) < 3:
            return {"interval_weeks": "At least 3 weeks for this programme."}
        return {}

    monkeypatch.setitem(parameter_checks._checks, template.code, [at_least_three])

    def apply():
        return services.pathway_apply(
            template=template,
            patient=centres,
            start=TODAY(),
            parameters={"interval_weeks": weeks},
            actor=clinician.user,
        )

    if refused:
        with pytest.raises(ApplicationError) as error:
            apply()
        assert error.value.errors == {
            "param_interval_weeks": ["At least 3 weeks for this programme."]
        }
        assert not PathwayInstance.objects.exists()
    else:
        assert apply().parameters["interval_weeks"] == weeks
    assert parameter_checks.parameter_problems("fast-track-diagnosis", {"interval_weeks": 2}) == {}


def test_completing_late_redates_dependants_never_the_done_ones(instance, clinician):
    user = clinician.user
    done(instance, "dh-lab#1", user)
    done(instance, "inclusion-consultation", user)
    done(instance, "dh-administration#1", user)
    done(instance, "dh-lab#2", user)
    second = activity(instance, "dh-administration#2")
    third_before = activity(instance, "dh-administration#3").due_date
    late = services.activity_transition(
        activity=second, to="done", actor=user, on=second.due_date + dt.timedelta(days=4)
    )
    assert late.done_on - late.due_date == dt.timedelta(days=4)
    assert activity(instance, "dh-administration#3").due_date == third_before + dt.timedelta(days=4)
    assert activity(instance, "dh-administration#2").due_date == second.due_date  # kept
    assert PathwayEvent.objects.filter(instance=instance, kind="redated").exists()


def test_transition_table_refuses_with_the_allowed_next_steps(instance, clinician):
    consultation = done(instance, "inclusion-consultation", clinician.user)
    with pytest.raises(ApplicationError) as error:
        services.activity_transition(
            activity=consultation, to="cancelled", actor=clinician.user, note="x"
        )
    assert error.value.allowed == []
    missed = services.activity_transition(
        activity=activity(instance, "gp-letter-inclusion"),
        to="missed",
        actor=clinician.user,
        note="courrier non envoyé",
    )
    with pytest.raises(ApplicationError) as error:
        services.activity_transition(activity=missed, to="done", actor=clinician.user)
    assert error.value.allowed == ["scheduled"]
    with pytest.raises(ApplicationError) as error:
        services.activity_transition(
            activity=activity(instance, "idec-call#1"),
            to="cancelled",
            actor=clinician.user,
            note="",
        )
    assert "note" in error.value.errors


def test_an_activity_waits_for_its_dependencies(instance, clinician):
    with pytest.raises(ApplicationError) as error:
        done(instance, "dh-administration#1", clinician.user)
    assert "dh-lab" in "".join(error.value.errors["status"]) or "Bilan" in error.value.message
    assert activity(instance, "dh-administration#1").status == "planned"


def test_two_users_completing_the_same_activity_one_wins(instance, clinician, coordination_nurse):
    target = activity(instance, "idec-call#1")
    seen_version = target.version
    services.activity_transition(
        activity=target,
        to="done",
        actor=coordination_nurse.user,
        on=TODAY(),
        expected_version=seen_version,
    )
    with pytest.raises(ApplicationError) as error:
        services.activity_transition(
            activity=target,
            to="done",
            actor=clinician.user,
            on=TODAY(),
            expected_version=seen_version,
        )
    assert coordination_nurse.user.display_name in error.value.message
    assert activity(instance, "idec-call#1").done_by == coordination_nurse.user


def test_done_in_the_future_is_refused(instance, clinician):
    with pytest.raises(ApplicationError) as error:
        services.activity_transition(
            activity=activity(instance, "idec-call#1"),
            to="done",
            actor=clinician.user,
            on=TODAY() + dt.timedelta(days=1),
        )
    assert "on" in error.value.errors


def test_untrained_liberal_nurse_cannot_administer_at_home(instance, clinician, liberal_nurse):
    home = activity(instance, "home-administration-2#1")
    with pytest.raises(ApplicationError) as error:
        services.activity_assign(
            activity=home, professional=liberal_nurse, actor=clinician.user, add_to_care_team=True
        )
    assert "professional" in error.value.errors
    train(liberal_nurse, "tpe_40h")
    train(liberal_nurse, "immunotherapy_initiation", expires=TODAY() - dt.timedelta(days=1))
    with pytest.raises(ApplicationError):
        services.activity_assign(
            activity=home, professional=liberal_nurse, actor=clinician.user, add_to_care_team=True
        )
    assert activity(instance, "home-administration-2#1").assigned_to is None


def test_assignment_outside_the_care_team_needs_an_explicit_addition(
    instance, clinician, liberal_nurse
):
    train(liberal_nurse, "tpe_40h", "immunotherapy_initiation")
    home = activity(instance, "home-administration-2#1")
    with pytest.raises(ApplicationError) as error:
        services.activity_assign(activity=home, professional=liberal_nurse, actor=clinician.user)
    assert "add_to_care_team" in error.value.errors
    assert not CareTeamMember.objects.filter(professional=liberal_nurse).exists()
    assigned = services.activity_assign(
        activity=home, professional=liberal_nurse, actor=clinician.user, add_to_care_team=True
    )
    assert assigned.assigned_to == liberal_nurse
    member = CareTeamMember.objects.get(professional=liberal_nurse)
    assert member.role == "liberal_nurse"
    assert AuditEvent.objects.filter(
        object_type="patients.CareTeamMember", object_id=str(member.pk)
    ).exists()


def test_phase_advance_checks_criteria_and_allows_a_physician_override(
    instance, clinician, coordination_nurse
):
    with pytest.raises(ApplicationError) as error:
        services.phase_advance(instance=instance, actor=clinician.user)
    assert "override_reason" in error.value.errors
    with pytest.raises(ApplicationError) as error:
        services.phase_advance(
            instance=instance, actor=coordination_nurse.user, override_reason="urgent"
        )
    assert "physician" in error.value.message.lower() or "médecin" in error.value.message.lower()
    moved = services.phase_advance(
        instance=instance,
        actor=clinician.user,
        override_reason="Imagerie réalisée hors parcours (CHU)",
    )
    assert moved.current_phase.key == "sequence-2"
    event = PathwayEvent.objects.get(instance=instance, kind="phase_override")
    assert event.reason == "Imagerie réalisée hors parcours (CHU)" and event.details["unmet"]
    # The record's timeline (read as plain values, issue 19): the pathway, the phase entered,
    # the reason, a link to the pathway.
    from oncoparcours.pathways.timeline_providers import pathway_events

    for language in ("fr", "en"):
        with translation.override(language):
            entry = next(e for e in pathway_events(instance.patient) if e.when == event.at)
            phase = PathwayEvent.objects.select_related("phase").get(pk=event.pk).phase
            assert entry.detail == (f"{instance.template.title} — {phase.title} — {event.reason}")
            assert entry.url == instance.get_absolute_url()
    # sequence 2 activities now count from today
    assert activity(instance, "gp-letter-sequence-2").due_date == TODAY()


def test_phase_advance_without_override_when_criteria_are_met(instance, clinician):
    done(instance, "first-control-imaging", clinician.user, on=TODAY())
    done(instance, "home-readiness", clinician.user, on=TODAY())
    outcomes = services.phase_criteria(instance)
    assert all(o.met for o in outcomes), outcomes
    moved = services.phase_advance(instance=instance, actor=clinician.user)
    assert moved.current_phase.key == "sequence-2"
    assert PathwayEvent.objects.filter(instance=instance, kind="phase").count() == 1


def test_severe_immune_adverse_event_blocks_the_transition(instance, clinician):
    from oncoparcours.pathways import criteria

    done(instance, "first-control-imaging", clinician.user, on=TODAY())
    done(instance, "home-readiness", clinician.user, on=TODAY())
    criteria.register_adverse_event_source(
        "test",
        lambda patient, since, until: [criteria.AdverseEventFact("colitis", 3, True, TODAY())],
    )
    try:
        unmet = [o for o in services.phase_criteria(instance) if not o.met]
        assert len(unmet) == 1 and "colitis" in unmet[0].detail
        with pytest.raises(ApplicationError):
            services.phase_advance(instance=instance, actor=clinician.user)
    finally:
        criteria._adverse_event_sources.pop("test")


def test_pause_and_resume_move_future_activities(instance, clinician):
    paused = services.pathway_pause(
        instance=instance, actor=clinician.user, reason="toxicity", note="Colite grade 2"
    )
    with pytest.raises(ApplicationError):
        services.activity_transition(
            activity=activity(instance, "idec-call#1"), to="done", actor=clinician.user, on=TODAY()
        )
    future = activity(instance, "dh-administration#5")
    PathwayInstance.objects.filter(pk=paused.pk).update(paused_on=TODAY() - dt.timedelta(days=10))
    services.pathway_resume(instance=paused, actor=clinician.user)
    assert activity(instance, "dh-administration#5").due_date == future.due_date + dt.timedelta(
        days=10
    )
    assert instance.phases.get(key="sequence-1").pause_days == 10


def test_end_cancels_open_activities_and_is_final(instance, clinician):
    ended = services.pathway_end(
        instance=instance, actor=clinician.user, reason="progression", note=""
    )
    assert ended.status == "ended"
    assert not instance.activities.filter(status__in=["planned", "scheduled"]).exists()
    with pytest.raises(ApplicationError) as error:
        services.pathway_pause(instance=ended, actor=clinician.user, reason="toxicity")
    assert error.value.allowed == []


def test_a_new_template_version_never_changes_applied_instances(instance, tmp_path):
    import yaml

    from oncoparcours.pathways.loader import TEMPLATE_DIR

    data = yaml.safe_load((TEMPLATE_DIR / "home-immunotherapy.yaml").read_text(encoding="utf-8"))
    data["phases"][0]["duration"] = {"months": 4}
    changed = tmp_path / "home-immunotherapy.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TemplatesRefused) as refused:
        load_templates([changed])
    assert "new version" in str(refused.value)
    applied_version = instance.template.version
    data["version"] = applied_version + 1
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_templates([changed])
    latest = PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True)
    assert latest.version == applied_version + 1
    instance.refresh_from_db()
    assert instance.template.version == applied_version
    assert instance.phases.get(key="sequence-1").duration_months == 6


def test_an_invalid_file_loads_nothing(tmp_path):
    good = tmp_path / "a.yaml"
    good.write_text(
        (
            __import__("oncoparcours.pathways.loader", fromlist=["TEMPLATE_DIR"]).TEMPLATE_DIR
            / "efs-red-cell-exchange.yaml"
        )
        .read_text(encoding="utf-8")
        .replace("version: 1", "version: 7"),
        encoding="utf-8",
    )
    bad = tmp_path / "b.yaml"
    bad.write_text(
        "schema: 1\nid: broken\nversion: 1\ntitle: {fr: x, en: y}\nsource: {document: d}\n"
        "phases: [{id: p, title: {fr: a, en: b}, duration: {days: -3}, responsible_role: gp, "
        "activities: []}]\n",
        encoding="utf-8",
    )
    with pytest.raises(TemplatesRefused) as refused:
        load_templates([good, bad])
    assert any(
        p.file == "b.yaml" and p.path == "phases[0].duration.days" for p in refused.value.problems
    )
    assert not PathwayTemplate.objects.filter(version=7).exists()
    assert not PathwayTemplate.objects.filter(code="broken").exists()


def test_refusal_is_recorded_and_audited(patient, clinician):
    refusal = services.pathway_refusal_record(
        patient=patient,
        template_code="home-immunotherapy",
        reason="patient_declined",
        note="Préfère l'hôpital de jour",
        actor=clinician.user,
    )
    assert AuditEvent.objects.filter(object_id=str(refusal.pk), action="create").exists()


def test_apply_is_fast_enough_to_be_interactive(
    centres, clinician, template, django_assert_max_num_queries
):
    # Query count of an application does not depend on the number of activities.
    with django_assert_max_num_queries(25):
        services.pathway_apply(
            template=template,
            patient=centres,
            start=timezone.localdate(),
            parameters={"interval_weeks": 2},
            actor=clinician.user,
        )
    assert ActivityInstance.objects.count() > 150
