"""Portal fixtures: a patient of the Centre Léon Bérard with an oncologist (the shared
``clinician``, lead) and a coordination nurse in the care team, the patient's portal access (code
by e-mail) and a real local SMTP server and SMS gateway."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from oncoparcours.portal import services
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    PatientFactory,
    ProfessionalFactory,
    UserFactory,
)
from oncoparcours.testing.servers import SmsGateway, SmtpInbox, free_port


@pytest.fixture(autouse=True)
def _quick_login_answer(settings):
    settings.PORTAL_LOGIN_ANSWER_SECONDS = 0.0


@pytest.fixture
def smtp():
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        EMAIL_USE_TLS=False,
    ):
        yield inbox
    controller.stop()


@pytest.fixture
def gateway(settings):
    with SmsGateway() as server:
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN = server.url, server.token
        yield server


@pytest.fixture
def nurse(db, organisation):
    return ProfessionalFactory(
        organisation=organisation,
        first_name="Sophie",
        last_name="Renaud",
        profession="nurse",
        specialty="coordination_nursing",
        user=UserFactory(role="coordination_nurse", email="idec@clb.example"),
    )


@pytest.fixture
def patient(db, organisation, clinician, nurse):
    patient = PatientFactory(
        birth_last_name="Moreau", first_names="Jeanne", expert_centre=organisation
    )
    CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
    CareTeamMemberFactory(
        patient=patient, professional=nurse, is_lead=False, role="coordination_nurse"
    )
    return patient


@pytest.fixture
def account(patient, nurse):
    return services.patient_account_open(
        patient=patient,
        email="Jeanne.Moreau@patients.example",
        phone="06 12 34 56 78",
        channel="email",
        user=nurse.user,
    )


@pytest.fixture
def caregiver(patient, nurse, account):
    import datetime as dt

    return services.caregiver_invite(
        patient=patient,
        display_name="Paul Moreau",
        relationship="fils",
        email="paul.moreau@proches.example",
        phone="",
        channel="email",
        rights=["calendar"],
        consent_on=dt.date.today(),
        consent_note="Accord oral en consultation",
        user=nurse.user,
    )
