"""Every URL that takes a patient: outsiders get a 404 without data, members get the page and
exactly one audit event. Patterns are read from the URLconf, so new views are covered."""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from oncoparcours.core.models import AuditEvent
from oncoparcours.patients.models import BreakGlassAccess, CareTeamMember
from oncoparcours.testing.boards import decided_case
from oncoparcours.testing.celltherapy import confirm_bed, order_for
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    ProfessionalFactory,
    TreatmentCourseFactory,
    UserFactory,
)


def patient_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from patient_patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and "patient_id" in entry.pattern.converters:
            yield f"{prefix}{entry.name}", list(entry.pattern.converters)


# How to build the other URL arguments for a patient. A new kind of argument makes the test fail
# until a builder is added here, so no patient URL escapes the check.
def _instance(patient):
    import datetime as dt

    from oncoparcours.pathways.models import PathwayInstance, PathwayTemplate
    from oncoparcours.pathways.services import pathway_apply

    existing = PathwayInstance.objects.filter(patient=patient).first()
    if existing:
        return existing
    lead = patient.care_team.get(is_lead=True).professional.user
    return pathway_apply(
        template=PathwayTemplate.objects.get(code="fast-track-diagnosis"),
        patient=patient,
        start=dt.date.today(),
        parameters={},
        actor=lead,
    )


def _prom_due(patient):
    import datetime as dt

    from oncoparcours.monitoring.models import QuestionnaireDue

    today = dt.date.today()
    return QuestionnaireDue.objects.get_or_create(
        patient=patient,
        pathway_instance=_instance(patient),
        instrument="health-status",
        occurrence="inclusion",
        defaults={"instrument_version": 1, "due_on": today, "closes_on": today},
    )[0]


def _report(patient):
    import uuid

    from oncoparcours.monitoring.models import Report
    from oncoparcours.monitoring.services import report_submit

    existing = Report.objects.filter(patient=patient).first()
    if existing:
        return existing
    return report_submit(
        patient=patient,
        source="nurse",
        observations={"temperature_c": 39.5},
        submission_key=uuid.uuid4(),
    ).report


def _thread(patient):
    from oncoparcours.portal.models import Thread

    existing = Thread.objects.filter(patient=patient).first()
    return existing or Thread.objects.create(
        patient=patient, subject="Question", started_by="La patiente"
    )


def _message_file(patient):
    import uuid

    from oncoparcours.portal.attachments import storage_dir
    from oncoparcours.portal.models import Message, MessageAttachment
    from oncoparcours.testing.factories import UserFactory

    existing = MessageAttachment.objects.filter(message__thread__patient=patient).first()
    if existing:
        return existing
    message = Message.objects.create(
        thread=_thread(patient), side="team", author=UserFactory(), author_label="IDEC", body="PJ"
    )
    name = f"{uuid.uuid4().hex}.pdf"
    (storage_dir() / name).write_bytes(b"%PDF-1.4 test")
    return MessageAttachment.objects.create(
        message=message,
        file_name="ordonnance.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
        storage_name=name,
    )


def _finding(patient):
    from oncoparcours.patients.models import MolecularFinding

    return MolecularFinding.objects.create(
        patient=patient, kind="tmb", tmb=4.0, sampled_on=patient.birth_date, source="NGS",
        recorded_by=UserFactory(),
    )  # fmt: skip


KWARG_BUILDERS = {
    "patient_id": lambda patient: patient.pk,
    "diagnosis_id": lambda patient: DiagnosisFactory(patient=patient).pk,
    "member_id": lambda patient: (
        CareTeamMemberFactory(patient=patient, is_lead=False, role="gp").pk
    ),
    "instance_id": lambda patient: _instance(patient).pk,
    "activity_id": lambda patient: _instance(patient).activities.order_by("key").first().pk,
    "action": lambda patient: "done",
    "report_id": lambda patient: _report(patient).pk,
    "case_id": lambda patient: decided_case(patient).pk,
    "attachment_id": lambda patient: decided_case(patient).attachments.get().pk,
    "document_id": lambda patient: decided_case(patient).documents.first().pk,
    "decision_id": lambda patient: decided_case(patient).decisions.get().pk,
    "message_id": lambda patient: (
        decided_case(patient).documents.get(kind="rcp_record").outbox.get().pk
    ),
    "alert_id": lambda patient: _report(patient).alert.pk,
    "order_id": lambda patient: order_for(patient).pk,
    "reservation_id": lambda patient: confirm_bed(order_for(patient)).pk,
    "treatment_id": lambda patient: TreatmentCourseFactory(patient=patient).pk,
    "thread_id": lambda patient: _thread(patient).pk,
    "file_id": lambda patient: _message_file(patient).pk,
    "due_id": lambda patient: _prom_due(patient).pk,
    "finding_id": lambda patient: _finding(patient).pk,
    "key": lambda patient: "trials",  # a lazy record section (issue 19)
}


def urls_for(patient):
    urls = []
    for name, kwargs in patient_patterns():
        missing = [k for k in kwargs if k not in KWARG_BUILDERS]
        assert not missing, f"{name}: add a builder for {missing} in KWARG_BUILDERS"
        urls.append(reverse(name, kwargs={k: KWARG_BUILDERS[k](patient) for k in kwargs}))
    return urls


def test_the_check_covers_the_patient_pages():
    names = {name for name, _ in patient_patterns()}
    assert {
        "patients:detail",
        "patients:edit",
        "patients:diagnosis_create",
        "patients:audit",
    } <= names


@pytest.mark.django_db
def test_outsiders_get_404_without_any_patient_data(outsider_client, patient):
    for url in urls_for(patient):
        response = outsider_client.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert patient.birth_last_name.upper() not in body.upper(), url
        assert patient.ins not in body, url
        response = outsider_client.post(url, {"icd10": "C50.1", "diagnosed_on": "2025-01-01"})
        assert response.status_code == 404, url


@pytest.mark.django_db
def test_members_get_the_page_and_exactly_one_audit_event(clinician_client, clinician, patient):
    urls = urls_for(patient)
    for url in urls:
        before = AuditEvent.objects.filter(patient_id=patient.pk).count()
        response = clinician_client.get(url)
        assert response.status_code == 200, url
        events = AuditEvent.objects.filter(patient_id=patient.pk).order_by("-id")
        assert events.count() == before + 1, url
        event = events.first()
        expected = "export" if "/droit-acces/" in url else "view"  # the right-of-access export
        assert (event.actor, event.action, event.request_id != "") == (
            clinician.user,
            expected,
            True,
        ), url


@pytest.mark.django_db
def test_a_missing_patient_looks_like_a_forbidden_one(outsider_client, patient):
    import uuid

    forbidden = outsider_client.get(reverse("patients:detail", args=[patient.pk]))
    missing = outsider_client.get(reverse("patients:detail", args=[uuid.uuid4()]))
    import re

    def without_tokens(response):
        # Only the CSRF tokens and the URL itself (language form's "next") may differ.
        content = re.sub(
            rb'(csrf-token" content|csrfmiddlewaretoken" value)="[^"]+"', b"", response.content
        )
        return content.replace(response.request["PATH_INFO"].encode(), b"")

    assert forbidden.status_code == missing.status_code == 404
    assert without_tokens(forbidden) == without_tokens(missing)


@pytest.mark.django_db
def test_ended_or_future_membership_gives_no_access(client, patient):
    today = timezone.localdate()
    former = ProfessionalFactory()
    CareTeamMember.objects.create(
        patient=patient,
        professional=former,
        role="gp",
        start=today - dt.timedelta(days=100),
        end=today - dt.timedelta(days=1),
    )
    future = ProfessionalFactory()
    CareTeamMember.objects.create(
        patient=patient, professional=future, role="gp", start=today + dt.timedelta(days=1)
    )
    for professional in (former, future):
        client.force_login(professional.user)
        assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 404
        assert (
            patient.birth_last_name.upper()
            not in client.get(reverse("patients:list")).content.decode().upper()
        )


@pytest.mark.django_db
def test_break_glass_access_is_flagged_in_the_audit_and_expires(outsider_client, outsider, patient):
    now = timezone.now()
    grant = BreakGlassAccess.objects.create(
        user=outsider.user,
        patient=patient,
        reason="Urgence vitale",
        started_at=now,
        expires_at=now + dt.timedelta(minutes=5),
    )
    response = outsider_client.get(reverse("patients:detail", args=[patient.pk]))
    assert response.status_code == 200
    assert (
        "bris de glace" in response.content.decode()
        or "break-the-glass" in response.content.decode()
    )
    event = AuditEvent.objects.filter(patient_id=patient.pk).latest("id")
    assert (event.break_glass, event.reason) == (True, "Urgence vitale")
    grant.expires_at = now - dt.timedelta(seconds=1)
    grant.save()
    assert outsider_client.get(reverse("patients:detail", args=[patient.pk])).status_code == 404


@pytest.mark.django_db
def test_non_lead_members_cannot_read_the_patient_audit(client, patient):
    nurse = CareTeamMemberFactory(
        patient=patient, is_lead=False, role="coordination_nurse"
    ).professional
    client.force_login(nurse.user)
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200
    assert client.get(reverse("patients:audit", args=[patient.pk])).status_code == 403


@pytest.mark.django_db
def test_the_record_audit_page_says_what_was_seen_in_words(clinician_client, patient):
    assert clinician_client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200
    page = clinician_client.get(reverse("patients:audit", args=[patient.pk])).content.decode()
    assert "Le dossier du patient" in page
    assert ">patients.Patient" not in page


# The pages that change the record beyond what every member records (patients/permissions.py,
# boards may_submit_case): members of these roles read the record but get 403 on them.
RECORD_CHANGING_PAGES = {
    "patients:edit",
    "patients:diagnosis_create",
    "patients:staging_create",
    "patients:care_team_add",
    "patients:care_team_end",
    "boards:case_create",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "profession", "specialty", "team_role"),
    [
        ("liberal_nurse", "nurse", "liberal_nursing", "liberal_nurse"),
        ("efs_staff", "physician", "transfusion_medicine", "efs_physician"),
        ("pharmacist", "pharmacist", "hospital_pharmacy", "pharmacist"),
    ],
)
def test_members_who_only_read_get_403_on_the_record_changing_pages(
    client, patient, role, profession, specialty, team_role
):
    member = ProfessionalFactory(profession=profession, specialty=specialty, user__role=role)
    CareTeamMemberFactory(patient=patient, professional=member, role=team_role, is_lead=False)
    client.force_login(member.user)
    patterns = dict(patient_patterns())
    assert set(patterns) >= RECORD_CHANGING_PAGES
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200
    for name in sorted(RECORD_CHANGING_PAGES):
        url = reverse(name, kwargs={k: KWARG_BUILDERS[k](patient) for k in patterns[name]})
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
