"""Demo portal accesses: the home-immunotherapy patient whose reporting link `make demo` prints
(code by SMS, in the idec's care team), the patient's spouse as a caregiver (code by e-mail:
calendar and messages), a CAR-T patient (code by e-mail); a few messages, one answered, some
waiting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from oncoparcours.monitoring.models import PatientAccessLink
from oncoparcours.portal import services
from oncoparcours.portal.models import PortalAccount
from oncoparcours.portal.services import message_post, thread_start


@dataclass(frozen=True)
class PortalLogin:
    who: str
    address: str
    channel: str


PATIENT_PHONE = "06 00 00 00 01"


def _email_of(account_name: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", account_name.lower())
    plain = "".join(c for c in plain if c.isalnum() or c == " ")
    return ".".join(plain.split()) + "@patients.example"


class PortalDemo:
    def __init__(self, *, seed: int) -> None:
        self.seed = seed
        users = get_user_model().objects
        self.nurse = users.filter(username="idec").first()
        self.haematologist = users.filter(username="hematologue").first()

    @transaction.atomic
    def run(self) -> None:
        if self.nurse is None:
            return
        link = (
            PatientAccessLink.objects.filter(label="Téléphone de la patiente (démo)")
            .select_related("patient")
            .first()
        )
        if link is not None:
            patient = link.patient
            account = services.patient_account_open(
                patient=patient, email="", phone=PATIENT_PHONE, channel="sms", user=self.nurse
            )
            spouse = services.caregiver_invite(
                patient=patient,
                display_name=f"Marc {patient.last_name.title()}",
                relationship="conjoint",
                email=_email_of(f"marc {patient.last_name}"),
                phone="",
                channel="email",
                rights=["calendar", "messages"],
                consent_on=timezone.localdate() - dt.timedelta(days=20),
                consent_note="Accord donné en consultation d'inclusion (démo)",
                user=self.nurse,
            )
            answered = thread_start(
                account=account,
                subject="Horaires de la prise de sang",
                body="Bonjour, l'infirmière peut-elle passer après 8 h 30 pour la prise de sang ?",
            )
            message_post(
                thread=answered.thread,
                body="Bonjour, oui : l'infirmière libérale passera entre 8 h 30 et 9 h.",
                user=self.nurse,
            )
            # Written 6 days ago, still unanswered: overdue, its answer date computed from its
            # own message (never earlier than the message, as a date forced afterwards was).
            thread_start(
                account=spouse,
                subject="Transport pour la prochaine séance",
                body="Bonjour, avons-nous droit à un bon de transport pour la prochaine séance ?",
                now=timezone.now() - dt.timedelta(days=6),
            )
        car_t = (
            PatientAccessLink.objects.filter(label="Téléphone de l'aidant (démo)")
            .select_related("patient")
            .first()
        )
        if car_t is not None and self.haematologist is not None:
            patient = car_t.patient
            services.patient_account_open(
                patient=patient,
                email=_email_of(f"{patient.display_first_names} {patient.last_name}"),
                phone="",
                channel="email",
                user=self.haematologist,
            )


def portal_logins() -> list[PortalLogin]:
    found = []
    for account in PortalAccount.objects.filter(revoked_at__isnull=True).order_by(
        "-kind", "created_at"
    )[:5]:
        who = (
            f"{account.display_name} (patient)"
            if account.is_patient
            else f"{account.display_name} ({account.relationship}, aidant)"
        )
        phone = " ".join(account.phone[i : i + 2] for i in range(0, len(account.phone), 2))
        address = phone if account.channel == "sms" else account.email
        found.append(PortalLogin(who, address, account.channel))
    return found
