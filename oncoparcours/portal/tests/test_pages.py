"""The patient's pages: calendar from the pathway and the board, documents (the care programme
PDF, the consents PDF), the questionnaire sent from the portal and the history of reports with
what was done in plain words, information by treatment, who to call; a caregiver's own rights,
invited with consent, withdrawn by the patient; every page without an internal code."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.test import Client

from oncoparcours.core.models import AuditEvent
from oncoparcours.monitoring.models import Report
from oncoparcours.monitoring.services import alert_acknowledge, alert_resolve, report_submit
from oncoparcours.pathways import services as pathways
from oncoparcours.pathways.models import PathwayTemplate
from oncoparcours.portal import services
from oncoparcours.portal.models import PortalAccount
from oncoparcours.portal.session import portal_login
from oncoparcours.testing.boards import decided_case
from oncoparcours.testing.factories import TreatmentCourseFactory

pytestmark = pytest.mark.django_db
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def portal_client(account) -> Client:
    client = Client()
    request = type("R", (), {})()
    session = client.session
    request.session = session
    portal_login(request, account)  # type: ignore[arg-type]
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def pathway(patient, clinician):
    template = PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True)
    return pathways.pathway_apply(
        template=template,
        patient=patient,
        start=dt.date.today() - dt.timedelta(days=10),
        parameters={"interval_weeks": 3},
        actor=clinician.user,
    )


def test_calendar_shows_the_programme_in_plain_words(
    account, pathway, django_assert_max_num_queries
):
    client = portal_client(account)
    with django_assert_max_num_queries(12):
        page = client.get("/portail/calendrier/")
    text = visible(page.content.decode())
    assert page.status_code == 200
    assert "Traitement" in text and "Prise de sang" in text
    assert "Courrier" not in text  # the team's letters are not the patient's appointments
    assert not CODE.findall(text)
    assert AuditEvent.objects.filter(
        action="view", details__what="portal calendar", patient_id=account.patient_id
    ).exists()


def test_documents_give_the_care_programme_and_consents(account):
    case = decided_case(account.patient)
    client = portal_client(account)
    page = client.get("/portail/documents/").content.decode()
    document = case.documents.get(kind="pps")
    assert f"/portail/documents/{document.pk}/" in page
    assert case.documents.get(kind="rcp_record").pk.hex not in page.replace("-", "")
    pdf = client.get(f"/portail/documents/{document.pk}/")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    record = case.documents.get(kind="rcp_record")
    assert client.get(f"/portail/documents/{record.pk}/").status_code == 404  # for professionals
    consents = client.get("/portail/documents/consentements.pdf")
    assert consents.content.startswith(b"%PDF")


def test_the_questionnaire_from_the_portal_and_what_was_done(account, nurse):
    TreatmentCourseFactory(patient=account.patient, kind="immune_checkpoint_inhibitor")
    client = portal_client(account)
    form = client.get("/portail/questionnaire/")
    assert form.status_code == 200
    key = re.search(r'name="submission_key" value="([^"]+)"', form.content.decode()).group(1)
    answer = client.post("/portail/questionnaire/", {"submission_key": key, "comment": "Rien"})
    assert answer.status_code == 302
    report = Report.objects.get()
    assert report.source == "patient" and report.access_link is None
    old = report_submit(
        patient=account.patient,
        source="patient",
        observations={"stools_over_baseline_per_day": 5, "abdominal_pain": "moderate"},
        submission_key=uuid.uuid4(),
    ).report
    alert_acknowledge(alert=old.alert, actor=nurse.user, note="")
    alert_resolve(alert=old.alert, actor=nurse.user, action="consultation", note="Vue demain")
    text = visible(client.get("/portail/suivi/").content.decode())
    assert "Lu par votre équipe de soins" in text
    assert "Un rendez-vous a été prévu avec vous." in text
    assert "Vue demain" not in text  # the team's note stays with the team
    assert not CODE.findall(text)


def test_information_and_who_to_call(account):
    TreatmentCourseFactory(patient=account.patient, kind="immune_checkpoint_inhibitor")
    client = portal_client(account)
    info = visible(client.get("/portail/informations/").content.decode())
    assert "Immunothérapie" in info and "Source" in info
    assert "Cellules CAR-T" not in info
    # the content's version is a date, written as people write it
    assert re.search(r"Version du contenu : \d{2}/\d{2}/\d{4}\.", info)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", info)
    calls = client.get("/portail/contacts/").content.decode()
    assert 'href="tel:15"' in calls and 'href="tel:112"' in calls
    assert "Renaud" in calls
    assert "2 jours ouvrés" in calls


def test_who_to_call_gives_a_woman_her_feminine_title(account, nurse):
    """Cold try-out (2026-12-04): "Sophie Renaud — Infirmier de coordination"."""
    nurse.civility = "mme"
    nurse.save(update_fields=["civility"])
    calls = portal_client(account).get("/portail/contacts/").content.decode()
    assert "Sophie Renaud — Infirmière de coordination" in calls
    assert "Infirmier de coordination" not in calls


def test_a_caregiver_has_only_the_rights_chosen(caregiver):
    client = portal_client(caregiver)
    assert client.get("/portail/calendrier/").status_code == 200
    for path in ("/portail/messages/", "/portail/documents/", "/portail/questionnaire/"):
        assert client.get(path).status_code == 404, path
    home = client.get("/portail/").content.decode()
    assert "en tant que proche" in home
    assert "/portail/messages/" not in home and "/portail/proches/" not in home


def test_a_caregiver_answers_as_a_relative_and_is_named_in_the_audit(caregiver, account):
    services.caregiver_rights_update(
        caregiver=caregiver, rights=["questionnaires", "messages"], account=account
    )
    client = portal_client(caregiver)
    form = client.get("/portail/questionnaire/").content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', form).group(1)
    client.post("/portail/questionnaire/", {"submission_key": key, "comment": "Il dort bien"})
    assert Report.objects.get().source == "caregiver"
    posted = services.thread_start(account=caregiver, subject="Question", body="Bonjour")
    assert posted.message.side == "caregiver"
    assert posted.message.author_label == "Paul Moreau (fils)"
    changed = AuditEvent.objects.get(details__event="caregiver_rights")
    assert changed.actor_label == "Jeanne Moreau (patient)"


def test_staff_invitation_needs_the_patient_s_recorded_consent(patient, nurse, account):
    with pytest.raises(services.ApplicationError) as refused:
        services.caregiver_invite(
            patient=patient,
            display_name="Anne",
            relationship="",
            email="anne@proches.example",
            phone="",
            channel="email",
            rights=["calendar"],
            consent_on=None,
            user=nurse.user,
        )
    assert refused.value.field == "consent_on"
    assert not PortalAccount.objects.filter(display_name="Anne").exists()
    staff = Client()
    staff.force_login(nurse.user)
    page = staff.post(
        f"/patients/{patient.pk}/portail/",
        {
            "invite-display_name": "Anne",
            "invite-email": "anne@proches.example",
            "invite-channel": "email",
            "invite-rights": ["calendar", "messages"],
        },
    )
    assert page.status_code == 400
    assert "Date de l&#x27;accord du patient" in page.content.decode()
    page = staff.post(
        f"/patients/{patient.pk}/portail/",
        {
            "invite-display_name": "Anne",
            "invite-email": "anne@proches.example",
            "invite-channel": "email",
            "invite-rights": ["calendar", "messages"],
            "invite-consent_on": dt.date.today().isoformat(),
            "invite-consent_note": "Formulaire signé en consultation",
        },
    )
    assert page.status_code == 302
    anne = PortalAccount.objects.get(display_name="Anne")
    assert anne.rights == ["calendar", "messages"] and anne.consent_on == dt.date.today()


def test_the_patient_invites_and_withdraws_a_relative(account):
    client = portal_client(account)
    answer = client.post(
        "/portail/proches/",
        {
            "invite-display_name": "Luc",
            "invite-relationship": "conjoint",
            "invite-phone": "06 99 88 77 66",
            "invite-channel": "sms",
            "invite-rights": ["calendar"],
            "invite-agree": "on",
        },
    )
    assert answer.status_code == 302
    luc = PortalAccount.objects.get(display_name="Luc")
    assert luc.consent_note == "Donné par le patient dans son espace"
    luc_client = portal_client(luc)
    assert luc_client.get("/portail/calendrier/").status_code == 200
    client.post(f"/portail/proches/{luc.pk}/retirer/")
    luc.refresh_from_db()
    assert luc.revoked_at is not None and luc.revoked_by == "Jeanne Moreau (patient)"
    assert luc_client.get("/portail/calendrier/").url == "/portail/connexion/"


def test_a_caregiver_cannot_invite_or_withdraw(caregiver, account):
    with pytest.raises(services.ApplicationError):
        services.account_revoke(target=account, account=caregiver)
    client = portal_client(caregiver)
    assert client.get("/portail/proches/").status_code == 302
    assert client.post(f"/portail/proches/{caregiver.pk}/retirer/").status_code == 404 or (
        PortalAccount.objects.get(pk=caregiver.pk).revoked_at is None
    )


@pytest.mark.parametrize(
    "path",
    [
        "/portail/",
        "/portail/calendrier/",
        "/portail/documents/",
        "/portail/questionnaire/",
        "/portail/suivi/",
        "/portail/informations/",
        "/portail/contacts/",
        "/portail/messages/",
        "/portail/messages/nouveau/",
        "/portail/proches/",
    ],
)
def test_patient_pages_show_no_internal_code(account, caregiver, path):
    page = portal_client(account).get(path)
    assert page.status_code == 200
    text = visible(page.content.decode().split("<main", 1)[1])
    assert not CODE.findall(text), CODE.findall(text)


def test_staff_withdraws_an_access_and_bad_ids_are_404(patient, nurse, caregiver, outsider):
    staff = Client()
    staff.force_login(nurse.user)
    url = f"/patients/{patient.pk}/portail/"
    assert staff.post(url, {"revoke": "not-a-uuid"}).status_code == 404
    assert staff.post(url, {"revoke": str(caregiver.pk)}).status_code == 302
    caregiver.refresh_from_db()
    assert caregiver.revoked_at is not None and caregiver.revoked_by == nurse.user.display_name
    other = Client()
    other.force_login(outsider.user)
    assert other.get(url).status_code == 404


def test_a_worrying_comment_in_the_portal_questionnaire_is_never_nothing_worrying(account):
    TreatmentCourseFactory(patient=account.patient, kind="immune_checkpoint_inhibitor")
    client = portal_client(account)
    form = client.get("/portail/questionnaire/").content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', form).group(1)
    done = client.post(
        "/portail/questionnaire/",
        {"submission_key": key, "comment": "il dit n'importe quoi depuis ce matin"},
        follow=True,
    ).content.decode()
    assert "Votre commentaire mentionne un signe d'alerte" in done and 'href="tel:15"' in done
    report = Report.objects.get()
    # The answers alone raise nothing; the comment raises an alert somebody must take: a
    # neurological sign (the portal sends it to 15 at once) is immediate (comment-alert 2026.3).
    assert report.level == "immediate" and report.alert.rule == "comment-warning-words"
    assert report.alert.respond_within_minutes == 60
    assert "mots d'alerte" in report.alert.advice
    assert [s["category"] for s in report.comment_warning_signs] == ["neurological"]
    history = visible(client.get("/portail/suivi/").content.decode())
    assert "Rien d'inquiétant" not in history


def test_what_was_done_says_who_was_told_by_role_in_constant_queries(account, nurse):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oncoparcours.monitoring.models import AlertRecipient
    from oncoparcours.portal import selectors

    TreatmentCourseFactory(patient=account.patient, kind="immune_checkpoint_inhibitor")

    def send():
        return report_submit(
            patient=account.patient,
            source="patient",
            observations={"stools_over_baseline_per_day": 5, "abdominal_pain": "moderate"},
            submission_key=uuid.uuid4(),
        ).report

    first = send()
    roles = set(AlertRecipient.objects.filter(alert=first.alert).values_list("role", flat=True))
    assert roles == {"oncologist"}  # a grade 3 diarrhoea: the oncologist
    text = visible(portal_client(account).get("/portail/suivi/").content.decode())
    assert "Prévenu(s) : votre cancérologue." in text
    with CaptureQueriesContext(connection) as one:
        selectors.report_history(account)
    for _ in range(4):
        send()
    with CaptureQueriesContext(connection) as five:
        assert len(selectors.report_history(account)) == 5
    assert len(five) == len(one)


def test_what_was_done_never_claims_someone_was_told_when_nobody_was(account):
    import datetime as dt

    from django.utils import timezone

    from oncoparcours.patients.models import CareTeamMember

    TreatmentCourseFactory(patient=account.patient, kind="immune_checkpoint_inhibitor")
    today = timezone.localdate()
    CareTeamMember.objects.filter(patient=account.patient).update(
        start=today - dt.timedelta(days=10), end=today - dt.timedelta(days=1)
    )
    report = report_submit(
        patient=account.patient,
        source="patient",
        observations={"stools_over_baseline_per_day": 5, "abdominal_pain": "moderate"},
        submission_key=uuid.uuid4(),
    ).report
    assert not report.alert.recipients.exists()  # nobody in the care team today
    text = visible(portal_client(account).get("/portail/suivi/").content.decode())
    assert "a été prévenue" not in text and "Prévenu(s)" not in text
    assert "Personne de votre équipe de soins n&#x27;a pu être prévenu automatiquement" in text


def test_next_appointments_are_still_ahead_with_their_time(account, pathway):
    """Cold try-out: at 21:50 the home page listed today's appointments, already past, as
    "Prochains rendez-vous" and without their time."""
    from django.utils import dateformat, timezone, translation

    from oncoparcours.pathways.models import ActivityStatus
    from oncoparcours.portal.selectors import CalendarEntry
    from oncoparcours.portal.views import _still_ahead

    now = timezone.localtime()
    activities = list(pathway.activities.filter(kind__in=["lab_test", "consultation"])[:2])
    past, later = activities
    past.status, past.scheduled_for = ActivityStatus.SCHEDULED, now - dt.timedelta(minutes=1)
    past.save()
    # tomorrow at 10:30
    morning = (now + dt.timedelta(days=1)).replace(hour=10, minute=30, second=0, microsecond=0)
    later.status, later.scheduled_for = ActivityStatus.SCHEDULED, morning
    later.save()
    ActivityInstance = type(past)
    ActivityInstance.objects.filter(patient=account.patient, day__lte=morning.date()).exclude(
        pk__in=[past.pk, later.pk]
    ).update(status=ActivityStatus.CANCELLED)
    page = portal_client(account).get("/portail/").content.decode()
    section = page.split("Prochains rendez-vous")[1].split("</section>")[0]
    with translation.override("fr"):
        shown_past = dateformat.format(past.scheduled_for, "l j F Y · H:i")
        shown_later = dateformat.format(morning, "l j F Y · H:i")
    assert shown_past not in section
    assert shown_later in section  # with its time

    def entry(day, time=None):
        return CalendarEntry(day, time, "Traitement", "x", "", False, False)

    evening = now.replace(hour=21, minute=50)
    assert not _still_ahead(entry(evening.date()), evening)  # a date without an hour, evening
    assert _still_ahead(entry(evening.date()), evening.replace(hour=9))
    assert not _still_ahead(entry(evening.date(), evening.replace(hour=14)), evening)
    assert _still_ahead(entry(evening.date(), evening.replace(hour=22)), evening)
    assert _still_ahead(entry(evening.date() + dt.timedelta(days=1)), evening)
    done = CalendarEntry(evening.date() + dt.timedelta(days=1), None, "T", "x", "", True, False)
    assert not _still_ahead(done, evening)
