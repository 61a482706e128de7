import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from oncoparcours.core.models import AuditEvent
from oncoparcours.pathways import services
from oncoparcours.pathways.models import ActivityInstance, PathwayInstance, PathwayTemplate
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_apply_a_pathway_from_the_patient_record(clinician_client, centres):
    record = clinician_client.get(centres.get_absolute_url()).content.decode()
    assert reverse("pathways:apply", args=[centres.pk]) in record
    url = reverse("pathways:apply", args=[centres.pk])
    form = clinician_client.get(url, {"template": "home-immunotherapy"})
    assert "param_interval_weeks" in form.content.decode()
    bad = clinician_client.post(
        url, {"template": "home-immunotherapy", "start": "2026-01-05", "param_interval_weeks": "5"}
    )
    assert bad.status_code == 400 and PathwayInstance.objects.count() == 0
    good = clinician_client.post(
        url,
        {
            "template": "home-immunotherapy",
            "start": dt.date.today().isoformat(),
            "param_interval_weeks": "2",
        },
    )
    instance = PathwayInstance.objects.get()
    assert good.status_code == 302 and good["Location"] == instance.get_absolute_url()
    assert instance.parameters == {"interval_weeks": 2}
    page = clinician_client.get(instance.get_absolute_url()).content.decode()
    assert "Séquence 1" in page and "Premier bilan d&#x27;imagerie de contrôle" in page


def test_done_from_the_timeline_with_a_stale_version_is_refused(clinician_client, instance):
    consultation = instance.activities.get(key="inclusion-consultation")
    url = reverse(
        "pathways:activity_action", args=[instance.patient_id, instance.pk, consultation.pk, "done"]
    )
    ok = clinician_client.post(
        url, {"version": consultation.version, "on": consultation.due_date.isoformat()}
    )
    assert ok.status_code == 302
    again = clinician_client.post(
        url, {"version": consultation.version, "on": consultation.due_date.isoformat()}
    )
    assert again.status_code == 400
    assert "entre-temps" in again.content.decode() or "meanwhile" in again.content.decode()


def test_illegal_move_shows_the_allowed_next_steps(clinician_client, instance, clinician):
    letter = instance.activities.get(key="gp-letter-inclusion")
    services.activity_transition(
        activity=letter, to="cancelled", actor=clinician.user, note="doublon"
    )
    letter.refresh_from_db()
    url = reverse(
        "pathways:activity_action", args=[instance.patient_id, instance.pk, letter.pk, "status"]
    )
    response = clinician_client.post(url, {"version": letter.version, "to": "missed", "note": "x"})
    assert response.status_code == 400
    assert (
        "ne peut plus changer" in response.content.decode()
        or "no longer change" in response.content.decode()
    )


def test_phase_page_lists_criteria_and_requires_a_reason(clinician_client, instance):
    url = reverse("pathways:phase_advance", args=[instance.patient_id, instance.pk])
    page = clinician_client.get(url).content.decode()
    assert "Premier bilan d&#x27;imagerie de contrôle réalisé" in page
    refused = clinician_client.post(url, {"expected_phase": "sequence-1", "override_reason": ""})
    assert refused.status_code == 400
    moved = clinician_client.post(
        url, {"expected_phase": "sequence-1", "override_reason": "Bilan au CHU"}
    )
    assert moved.status_code == 302
    instance.refresh_from_db()
    assert instance.current_phase.key == "sequence-2"


@pytest.mark.parametrize("patients", [2, 12])
def test_worklist_and_timeline_query_counts_do_not_grow(
    patients, clinician, clinician_client, template, django_assert_max_num_queries
):
    start = dt.date.today() - dt.timedelta(days=20)
    instance = None
    for _ in range(patients):
        patient = PatientFactory()
        CareTeamMemberFactory(patient=patient, professional=clinician)
        instance = services.pathway_apply(
            template=template,
            patient=patient,
            start=start,
            parameters={"interval_weeks": 2},
            actor=clinician.user,
        )
    for params in ({}, {"scope": "team", "period": "next30"}):
        # 12: the page's ids and their total are one query; + the session guard's lock check
        with django_assert_max_num_queries(12):
            response = clinician_client.get(reverse("pathways:worklist"), params)
        assert response.status_code == 200
    with django_assert_max_num_queries(30):
        assert clinician_client.get(instance.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(15):  # 15: + the session guard's lock check
        assert (
            clinician_client.get(
                reverse("pathways:programme", args=["home-immunotherapy"])
            ).status_code
            == 200
        )


def test_worklist_pages_hold_every_activity_once_with_the_total(
    clinician, clinician_client, template
):
    start = dt.date.today() - dt.timedelta(days=20)
    for _ in range(8):
        patient = PatientFactory()
        CareTeamMemberFactory(patient=patient, professional=clinician)
        services.pathway_apply(
            template=template,
            patient=patient,
            start=start,
            parameters={"interval_weeks": 2},
            actor=clinician.user,
        )
    params = {"scope": "team", "period": "next30"}
    first = clinician_client.get(reverse("pathways:worklist"), params).context["page_obj"]
    total = first.paginator.count
    assert total > 50, "the test needs more than one page"
    shown = []
    for number in range(1, first.paginator.num_pages + 1):
        page = clinician_client.get(reverse("pathways:worklist"), {**params, "page": number})
        assert page.context["page_obj"].paginator.count == total
        shown += [row.id for row in page.context["rows"]]
    assert len(shown) == len(set(shown)) == total
    end = dt.date.today() + dt.timedelta(days=30)
    expected = ActivityInstance.objects.filter(
        status__in=["planned", "scheduled"], instance__status="active", day__lte=end
    ).order_by("day", "patient_id", "key", "pk")
    assert shown == [activity.pk for activity in expected]
    beyond = clinician_client.get(reverse("pathways:worklist"), {**params, "page": 99})
    assert beyond.context["page_obj"].number == first.paginator.num_pages
    body = clinician_client.get(reverse("pathways:worklist"), params).content.decode()
    assert f"{total} activit" in body


def test_worklist_shows_late_activities_of_my_patients_only(
    clinician_client, instance, template, outsider
):
    other = PatientFactory(birth_last_name="Ailleurs")
    CareTeamMemberFactory(patient=other, professional=outsider)
    services.pathway_apply(
        template=template,
        patient=other,
        start=dt.date.today() - dt.timedelta(days=30),
        parameters={},
        actor=outsider.user,
    )
    body = clinician_client.get(reverse("pathways:worklist"), {"scope": "team"}).content.decode()
    assert "MOREAU" in body and "AILLEURS" not in body
    assert "en retard" in body or "late" in body


def test_worklist_rows_link_and_name_what_each_activity_is(clinician_client, instance, clinician):
    """A worklist row: the patient's label and record, the activity with its appointment time in
    local time, the organisation, the assigned professional, the pathway and its phase, and the
    "done" form and link of that very activity."""
    activity = instance.activities.filter(status="planned").order_by("day", "key").first()
    when = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=2), dt.time(9, 5))
    )
    centre = instance.patient.proximity_centre
    ActivityInstance.objects.filter(pk=activity.pk).update(
        status="scheduled",
        scheduled_for=when,
        day=when.date(),
        assigned_to=clinician,
        organisation=centre,
    )
    body = clinician_client.get(
        reverse("pathways:worklist"), {"scope": "team", "period": "next30"}
    ).content.decode()
    done = reverse(
        "pathways:activity_action", args=[instance.patient_id, instance.pk, activity.pk, "done"]
    )
    rows = [row for row in re.findall(r"<tr[ >].*?</tr>", body, re.DOTALL) if done in row]
    assert len(rows) == 1
    row = rows[0]
    record = reverse("patients:detail", args=[instance.patient_id])
    assert f'<a href="{record}">{escape(instance.patient.label)}</a>' in row
    assert f"{escape(activity.title)}<br>" in row and " · 09:05</span>" in row
    assert f'<span class="muted">{escape(str(centre))}</span>' in row
    assert f"<td>{clinician.full_name}</td>" in row
    assert f'<a href="{instance.get_absolute_url()}">{escape(instance.template.title)}</a>' in row
    assert f'<span class="muted">{escape(activity.phase.title)}</span>' in row
    assert f'action="{done}"' in row and f'<a href="{done}?next=' in row
    assert f'name="version" value="{activity.version}"' in row


def test_programme_page_tracks_inclusions_against_the_target(clinician_client, instance):
    response = clinician_client.get(reverse("pathways:programme", args=["home-immunotherapy"]))
    body = response.content.decode()
    assert "1 / 375" in body
    assert response.context["weeks"][-1].cumulative == 1


def test_templates_are_readable_by_everyone(clinician_client):
    body = clinician_client.get(reverse("pathways:programmes")).content.decode()
    assert all(
        t.title in body.replace("&#x27;", "'")
        for t in PathwayTemplate.objects.filter(is_latest=True)
    )


def test_inclusion_chart_svg_uses_dot_decimals(clinician_client, instance):
    import re

    page = clinician_client.get(
        reverse("pathways:programme", args=["home-immunotherapy"])
    ).content.decode()
    assert re.search(r'<rect class="bar" x="0" y="[\d.]+"', page)
    assert not re.search(r'(y|height)="\d+,\d', page)
    assert "En cours : 1" in page


def test_the_home_week_panel_lists_my_due_activities_and_audits_their_patients(
    clinician_client, instance, clinician
):
    """The home's "my activities this week" panel (loaded on its own request): the count, each
    activity's day, patient (linking to the pathway) and title; its audit event names the
    patients shown."""
    activity = instance.activities.filter(status="planned").order_by("day", "key").first()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    ActivityInstance.objects.filter(instance=instance, status="planned").exclude(
        pk=activity.pk
    ).update(day=tomorrow + dt.timedelta(days=30))
    ActivityInstance.objects.filter(pk=activity.pk).update(day=tomorrow, assigned_to=clinician)
    panel = clinician_client.get(
        reverse("core:home_panel", args=["pathways.week"]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<p class="stat">1</p>' in panel
    link = f'<a href="{instance.get_absolute_url()}">{escape(instance.patient.label)}</a>'
    assert f"{tomorrow:%d/%m} — {link} : {escape(activity.title)}</li>" in panel
    event = AuditEvent.objects.get(action="list", details__what="home pathways.week")
    assert event.details["patients"] == [str(instance.patient_id)]


def test_worklist_by_organisation_shows_activities_at_my_sites(
    clinician_client, instance, clinician
):
    from oncoparcours.directory.models import OrganisationMembership

    expert = instance.patient.expert_centre
    OrganisationMembership.objects.create(professional=clinician, organisation=expert)
    response = clinician_client.get(
        reverse("pathways:worklist"), {"scope": "organisation", "period": "next30"}
    )
    rows = response.context["rows"]
    assert rows and {row.organisation_id for row in rows} == {expert.pk}


def test_the_car_t_pathway_names_its_products_by_their_french_inn(clinician_client, centres):
    url = reverse("pathways:apply", args=[centres.pk])
    page = clinician_client.get(url, {"template": "car-t"}).content.decode()
    assert ">axicabtagène ciloleucel<" in page and ">tisagenlécleucel<" in page
    assert ">axicabtagene ciloleucel<" not in page
