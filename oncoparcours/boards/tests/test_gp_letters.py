"""The board's documents reach the GP for real: a secure mail through a local SMTP server
(aiosmtpd) with the RCP record and the PPS attached, a receipt the GP confirms from the link, a
GP without secure address shown as "not delivered" and the letter sent again once fixed."""

from __future__ import annotations

import re

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from oncoparcours.boards.models import OutboxMessage
from oncoparcours.boards.services import decisions, sessions
from oncoparcours.core.models import AuditEvent, Notification
from oncoparcours.core.notifications.services import notifications_dispatch
from oncoparcours.testing.factories import ProfessionalFactory
from oncoparcours.testing.servers import SmtpInbox, free_port

from .test_services import PROPOSAL, open_with_quorum

pytestmark = pytest.mark.django_db


@pytest.fixture
def mssante():
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    with override_settings(
        SECURE_MAIL_HOST="127.0.0.1",
        SECURE_MAIL_PORT=controller.port,
        SECURE_MAIL_USE_TLS=False,
        SECURE_MAIL_FROM="rcp@clb.mssante.example",
        SITE_URL="https://oncoparcours.example",
    ):
        yield inbox
    controller.stop()


def decide(case, session, clinician, specialists, gp):
    case.patient.gp = gp
    case.patient.save()
    item = sessions.agenda_add(actor=clinician.user, session=session, case=case)
    session = open_with_quorum(session, clinician, specialists)
    decisions.decision_validate(actor=clinician.user, item=item, proposal=PROPOSAL)
    return OutboxMessage.objects.get(document__case=case)


def test_the_gp_receives_both_documents_by_secure_mail_and_confirms_receipt(
    mssante, complete_case, session, clinician, specialists, client
):
    gp = ProfessionalFactory(
        specialty="general_practice",
        last_name="Bernard",
        secure_mail_address="paul.bernard@medecin.mssante.example",
    )
    message = decide(complete_case, session, clinician, specialists, gp)
    assert message.notification.channel == "secure_mail"
    notifications_dispatch()
    [(recipients, mail)] = mssante.messages
    assert recipients == ["paul.bernard@medecin.mssante.example"]
    assert complete_case.patient.birth_date.strftime("%d/%m/%Y") in mail["Subject"]
    pdfs = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    assert sorted(p.get_filename() for p in pdfs) == [
        "compte-rendu-rcp-v1.pdf",
        "programme-de-soins-v1.pdf",
    ]
    assert all(p.get_payload(decode=True)[:5] == b"%PDF-" for p in pdfs)
    body = mail.get_body(("plain",)).get_content()
    link = re.search(r"https://oncoparcours\.example(/rcp/accuse-reception/\S+/)", body).group(1)

    client.force_login(clinician.user)
    case_page = client.get(complete_case.get_absolute_url()).content.decode()
    assert "envoyé par messagerie sécurisée le" in case_page
    client.logout()

    assert "Je confirme la réception" in client.get(link).content.decode()  # GET confirms nothing
    message.refresh_from_db()
    assert message.acknowledged_at is None
    assert "est confirmée" in client.post(link).content.decode()
    message.refresh_from_db()
    assert message.acknowledged_at is not None
    assert AuditEvent.objects.filter(details__event="gp_receipt_confirmed").count() == 1
    client.post(link)  # twice: the first time stays
    assert AuditEvent.objects.filter(details__event="gp_receipt_confirmed").count() == 1

    client.force_login(clinician.user)
    case_page = client.get(complete_case.get_absolute_url()).content.decode()
    assert "réception confirmée par le médecin traitant le" in case_page


def test_a_forged_receipt_link_is_refused_and_changes_nothing(client, db):
    answer = client.post("/rcp/accuse-reception/not-a-real-token/")
    assert answer.status_code == 400 and "pas valide" in answer.content.decode()


@override_settings(NOTIFICATION_OUTBOX_DIR="")
def test_without_a_secure_address_the_case_shows_not_delivered_and_it_can_be_sent_again(
    mssante, complete_case, session, clinician, specialists, client
):
    gp = ProfessionalFactory(specialty="general_practice", last_name="Sansadresse")
    message = decide(complete_case, session, clinician, specialists, gp)
    notifications_dispatch()
    message.refresh_from_db()
    assert message.notification.status == "failed" and not mssante.messages
    told = Notification.objects.get(kind="delivery_failed")
    assert told.recipient_user == clinician.user  # the physician who validated

    client.force_login(clinician.user)
    page = client.get(complete_case.get_absolute_url()).content.decode()
    assert "pas d&#x27;adresse de messagerie sécurisée" in page or (
        "pas d'adresse de messagerie sécurisée" in page
    )
    resend = f"{complete_case.get_absolute_url()}envois/{message.pk}/renvoyer/"
    refused = client.post(resend, follow=True).content.decode()
    assert (
        "ajoutez-la" in refused
        and Notification.objects.filter(kind="board_decision_letter").count() == 1
    )

    gp.secure_mail_address = "dr.sansadresse@medecin.mssante.example"
    gp.save()
    client.post(resend)
    notifications_dispatch()
    assert [r for r, _mail in mssante.messages] == [["dr.sansadresse@medecin.mssante.example"]]
    message.refresh_from_db()
    assert message.notification.status == "sent"


def test_the_letter_gives_the_day_the_board_decided_not_the_planned_session_day(
    mssante, complete_case, session, clinician, specialists
):
    """Cold try-out (2026-12-04): a session planned for 07/12 held on 04/12 wrote "discuté en
    RCP le 07/12/2026" to the GP, a future date."""
    import datetime as dt

    from django.utils import timezone

    type(session).objects.filter(pk=session.pk).update(
        starts_at=timezone.now() + dt.timedelta(days=3)
    )
    session.refresh_from_db()
    gp = ProfessionalFactory(
        specialty="general_practice", secure_mail_address="gp@medecin.mssante.example"
    )
    message = decide(complete_case, session, clinician, specialists, gp)
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert message.notification.context["session_date"] == today
