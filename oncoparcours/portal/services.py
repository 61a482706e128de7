"""Writes of the portal: login codes, portal accounts (patient, caregivers), secure messages.

Every function is keyword-only, atomic and audited in the same transaction; notifications are
sent through the core service and, for login codes, tried at once after the commit. An actor is
either a staff ``User`` (``user=``) or a portal account (``account=``): the audit trail names the
portal actor by ``actor_label`` (patient or caregiver, with the account id in the details)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, Role, User
from oncoparcours.core.notifications.models import Channel, Notification, NotificationStatus
from oncoparcours.core.notifications.services import (
    Recipient,
    notification_deliver_now,
    notification_send,
)
from oncoparcours.patients.models import CareTeamMember, Patient

from . import attachments, config, rules
from .models import (
    AccountKind,
    CodeRequest,
    ContactChannel,
    LoginCode,
    Message,
    PortalAccount,
    Side,
    Thread,
)

CODE_KIND = "portal_code"
INVITATION_KIND = "portal_invitation"
REPLY_KIND = "portal_reply"
TEAM_KIND = "portal_message"
URGENT_KIND = "portal_message_urgent"
LATE_KIND = "portal_message_late"
ONCALL_KIND = "portal_message_oncall"
# Warning-word categories whose conversation is kept from the relatives (alarming_words.yaml).
DISTRESS_CATEGORIES = frozenset({"suicide"})
KINDS = (CODE_KIND, INVITATION_KIND, REPLY_KIND, TEAM_KIND, URGENT_KIND, LATE_KIND, ONCALL_KIND)
SCRUBBED = {"code": "······"}
TEAM_ROLES = ("coordination_nurse", "referring_oncologist", "haematologist")


# --- helpers ------------------------------------------------------------------------------------


def address_hash(address: str) -> str:
    return salted_hmac(
        "oncoparcours.portal.address", normalise(address), algorithm="sha256"
    ).hexdigest()


def code_hash(code_id: object, code: str) -> str:
    return salted_hmac(
        "oncoparcours.portal.code", f"{code_id}:{code}", algorithm="sha256"
    ).hexdigest()


def normalise(address: str) -> str:
    if rules.looks_like_email(address):
        return rules.normalise_email(address)
    return rules.normalise_phone(address)


def site_url(name: str = "portal:home") -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


def _audit_portal(
    account: PortalAccount, action: str, *, obj: object = None, **details: object
) -> None:
    audit_record(
        actor=None,
        actor_label=account.actor_label,
        action=action,
        patient_id=account.patient_id,
        obj=obj,  # type: ignore[arg-type]
        details={"portal_account": str(account.pk), "portal_kind": account.kind, **details},
    )


def _recipient(account: PortalAccount) -> Recipient:
    return Recipient(
        label=account.display_name,
        email=account.email,
        phone=account.phone,
        person=f"portal:{account.pk}",
        default_chain=(Channel.SMS, Channel.EMAIL)
        if account.channel == ContactChannel.SMS
        else (Channel.EMAIL, Channel.SMS),
    )


def account_for_address(address: str) -> PortalAccount | None:
    value = normalise(address)
    if not value:
        return None
    field = "email" if rules.looks_like_email(address) else "phone"
    return (
        PortalAccount.objects.select_related("patient")
        .filter(**{field: value}, revoked_at__isnull=True)
        .first()
    )


# --- login by one-time code ---------------------------------------------------------------------


def code_request(*, address: str, ip: str | None, now: dt.datetime | None = None) -> None:
    """Send a login code to ``address`` if it belongs to an active account and the rate limits
    allow it. The caller answers the same way whatever happened (no hint that an address has an
    account); every request is recorded and audited."""
    now = now or timezone.now()
    notification = _code_request(address=address, ip=ip, now=now)
    if notification is not None:
        sent = notification_deliver_now(notification, now=now)
        if sent == "sent":
            Notification.objects.filter(pk=notification.pk).update(context=SCRUBBED)


@transaction.atomic
def _code_request(*, address: str, ip: str | None, now: dt.datetime) -> Notification | None:
    hashed = address_hash(address)
    window = max(w for w, _limit in rules.SEND_LIMITS_PER_ADDRESS)
    times = list(
        CodeRequest.objects.filter(address_hash=hashed, at__gt=now - window, sent=True)
        .order_by()
        .values_list("at", flat=True)
    )
    ip_window, ip_limit = rules.SEND_LIMIT_PER_IP
    by_ip = (
        CodeRequest.objects.filter(ip=ip, at__gt=now - ip_window).count() if ip is not None else 0
    )
    account = account_for_address(address)
    refused = rules.sends_refused(times, now) or by_ip >= ip_limit
    CodeRequest.objects.create(
        address_hash=hashed, ip=ip, at=now, sent=account is not None and not refused
    )
    if account is None or refused:
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            patient_id=account.patient_id if account else None,
            details={
                "portal": "code_not_sent",
                "reason": "rate_limited" if refused else "unknown_address",
                "address_hash": hashed[:16],
            },
        )
        return None
    LoginCode.objects.filter(account=account, used_at__isnull=True, superseded=False).update(
        superseded=True
    )
    code = rules.new_code()
    login_code = LoginCode(account=account, created_at=now, expires_at=now + rules.CODE_VALIDITY)
    login_code.code_hash = code_hash(login_code.pk, code)
    login_code.save()
    by_sms = not rules.looks_like_email(address)
    notification = notification_send(
        kind=CODE_KIND,
        recipient=_recipient(account),
        context={"code": code, "subject": _("Your login code")},
        actor=None,
        patient_id=account.patient_id,
        chain=(Channel.SMS,) if by_sms else (Channel.EMAIL,),
        urgent=True,
        reference=f"portal-code:{login_code.pk}",
        now=now,
    )
    _audit_portal(account, AuditAction.CREATE, obj=login_code, event="login_code_sent")
    return notification


@transaction.atomic
def code_verify(*, address: str, code: str, now: dt.datetime | None = None) -> PortalAccount | None:
    """The account when ``code`` is the live code sent to ``address``; None otherwise (unknown
    address, no live code, wrong, expired, used or locked code all look the same). The fifth
    wrong try locks the code."""
    now = now or timezone.now()
    code = code.strip().replace(" ", "")
    account = account_for_address(address)
    login_code = (
        LoginCode.objects.select_for_update()
        .filter(
            account=account,
            used_at__isnull=True,
            locked_at__isnull=True,
            superseded=False,
            expires_at__gt=now,
        )
        .order_by("-created_at")
        .first()
        if account is not None
        else None
    )
    if account is None or login_code is None:
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            patient_id=account.patient_id if account else None,
            details={"portal": "no_live_code", "address_hash": address_hash(address)[:16]},
        )
        return None
    if not rules.code_shape_ok(code) or not constant_time_compare(
        login_code.code_hash, code_hash(login_code.pk, code)
    ):
        login_code.failed_tries += 1
        fields = ["failed_tries"]
        if login_code.failed_tries >= rules.MAX_TRIES:
            login_code.locked_at = now
            fields.append("locked_at")
        login_code.save(update_fields=fields)
        _audit_portal(
            account,
            AuditAction.LOGIN_FAILED,
            obj=login_code,
            tries=login_code.failed_tries,
            locked=login_code.locked_at is not None,
        )
        return None
    login_code.used_at = now
    login_code.save(update_fields=["used_at"])
    account.last_login_at = now
    account.save(update_fields=["last_login_at", "updated_at"])
    _audit_portal(account, AuditAction.LOGIN, obj=login_code)
    return account


def codes_scrub(*, now: dt.datetime | None = None) -> int:
    """Blank the code of every code notification older than a code's validity (a code is kept
    in clear only in its outgoing message, until sent or expired); a code still waiting to be
    sent is cancelled (it would arrive dead)."""
    now = now or timezone.now()
    old = Notification.objects.filter(
        kind=CODE_KIND, created_at__lt=now - rules.CODE_VALIDITY
    ).exclude(context=SCRUBBED)
    with transaction.atomic():
        old.filter(status=NotificationStatus.PENDING).update(status=NotificationStatus.CANCELLED)
        return old.update(context=SCRUBBED)


# --- accounts -----------------------------------------------------------------------------------


def _clean_addresses(email: str, phone: str, channel: str) -> tuple[str, str]:
    email = rules.normalise_email(email)
    phone = rules.normalise_phone(phone)
    errors: dict[str, list[str]] = {}
    if not email and not phone:
        errors["email"] = [_("Give an e-mail address or a mobile phone number.")]
    if phone and not 8 <= len(phone) <= 15:
        errors["phone"] = [_("This phone number is not valid.")]
    if channel == ContactChannel.SMS and not phone:
        errors["channel"] = [_("A code by SMS needs a mobile phone number.")]
    if channel == ContactChannel.EMAIL and not email:
        errors["channel"] = [_("A code by e-mail needs an e-mail address.")]
    for field, value in (("email", email), ("phone", phone)):
        if (
            value
            and PortalAccount.objects.filter(**{field: value}, revoked_at__isnull=True).exists()
        ):
            errors.setdefault(field, []).append(
                _("This address is already used by another access to the portal.")
            )
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors=errors)
    return email, phone


@transaction.atomic
def patient_account_open(
    *, patient: Patient, email: str, phone: str, channel: str, user: User
) -> PortalAccount:
    """The care team opens the patient's own access (one active per patient)."""
    if PortalAccount.objects.filter(
        patient=patient, kind=AccountKind.PATIENT, revoked_at__isnull=True
    ).exists():
        raise ApplicationError(_("The patient already has an access to the portal."), field="email")
    email, phone = _clean_addresses(email, phone, channel)
    account = PortalAccount.objects.create(
        patient=patient,
        kind=AccountKind.PATIENT,
        display_name=f"{patient.display_first_names} {patient.last_name}",
        email=email,
        phone=phone,
        channel=channel,
        rights=list(rules.RIGHTS),
        invited_by=user.display_name,
    )
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        obj=account,
        details={"event": "portal_account_opened", "kind": account.kind},
    )
    _notify_invitation(account, inviter=_("Your care team"), actor=user)
    return account


@transaction.atomic
def caregiver_invite(
    *,
    patient: Patient,
    display_name: str,
    relationship: str,
    email: str,
    phone: str,
    channel: str,
    rights: list[str],
    consent_on: dt.date | None,
    consent_note: str = "",
    user: User | None = None,
    account: PortalAccount | None = None,
) -> PortalAccount:
    """A caregiver's own access, with the rights chosen one by one. From the care team
    (``user``) the patient's consent must have been recorded (its date and how it was given);
    from the patient in the portal (``account``) the invitation itself is the consent."""
    if (user is None) == (account is None):
        raise ValueError("exactly one of user or account")
    if account is not None:
        if not account.is_patient or account.patient_id != patient.pk:
            raise ApplicationError(_("Only the patient can invite a relative."))
        consent_on = timezone.localdate()
        consent_note = _("Given by the patient in their space")
    if not display_name.strip():
        raise ApplicationError(_("Give the relative's name."), field="display_name")
    if consent_on is None:
        raise ApplicationError(
            _("Record the date on which the patient agreed to this access."), field="consent_on"
        )
    if consent_on > timezone.localdate():
        raise ApplicationError(_("The consent date cannot be in the future."), field="consent_on")
    try:
        chosen = rules.clean_rights(rights)
    except ValueError:
        raise ApplicationError(_("Unknown right."), field="rights") from None
    if not chosen:
        raise ApplicationError(_("Choose at least one right."), field="rights")
    email, phone = _clean_addresses(email, phone, channel)
    by_label = user.display_name if user is not None else account.actor_label  # type: ignore[union-attr]
    caregiver = PortalAccount.objects.create(
        patient=patient,
        kind=AccountKind.CAREGIVER,
        display_name=display_name.strip()[:150],
        relationship=relationship.strip()[:80],
        email=email,
        phone=phone,
        channel=channel,
        rights=chosen,
        consent_on=consent_on,
        consent_note=consent_note[:250],
        consent_recorded_by=by_label,
        invited_by=by_label,
    )
    details = {"event": "caregiver_invited", "rights": chosen, "consent_on": str(consent_on)}
    if user is not None:
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            patient_id=patient.pk,
            obj=caregiver,
            details=details,
        )
        inviter = _("The care team of %(name)s") % {"name": patient.display_first_names}
    else:
        assert account is not None
        _audit_portal(account, AuditAction.CREATE, obj=caregiver, **details)
        inviter = account.display_name
    _notify_invitation(caregiver, inviter=inviter, actor=user)
    return caregiver


def _notify_invitation(account: PortalAccount, *, inviter: str, actor: User | None) -> None:
    notification_send(
        kind=INVITATION_KIND,
        recipient=_recipient(account),
        context={
            "inviter": inviter,
            "url": site_url("portal:login"),
            "subject": _("Access to the patient portal"),  # its title on the notifications page
        },
        actor=actor,
        patient_id=account.patient_id,
        chain=(Channel.SMS, Channel.EMAIL)
        if account.channel == ContactChannel.SMS
        else (Channel.EMAIL, Channel.SMS),
    )


@transaction.atomic
def caregiver_rights_update(
    *, caregiver: PortalAccount, rights: list[str], account: PortalAccount
) -> PortalAccount:
    """The patient changes what a relative may do."""
    _refuse_unless_patient_of(account, caregiver)
    try:
        chosen = rules.clean_rights(rights)
    except ValueError:
        raise ApplicationError(_("Unknown right."), field="rights") from None
    if not chosen:
        raise ApplicationError(
            _("Choose at least one right, or withdraw the access."), field="rights"
        )
    before = list(caregiver.rights)
    caregiver.rights = chosen
    caregiver.save(update_fields=["rights", "updated_at"])
    _audit_portal(
        account,
        AuditAction.UPDATE,
        obj=caregiver,
        event="caregiver_rights",
        before=before,
        after=chosen,
    )
    return caregiver


def _refuse_unless_patient_of(account: PortalAccount, caregiver: PortalAccount) -> None:
    if (
        not account.is_patient
        or not account.is_active
        or caregiver.patient_id != account.patient_id
        or caregiver.kind != AccountKind.CAREGIVER
    ):
        raise ApplicationError(_("Only the patient can change a relative's access."))


@transaction.atomic
def account_revoke(
    *, target: PortalAccount, user: User | None = None, account: PortalAccount | None = None
) -> PortalAccount:
    """Withdraw an access (its open sessions end at their next request). The patient withdraws
    a relative's access; the care team (``user``, already checked to be in the care team) any
    access of the patient."""
    if (user is None) == (account is None):
        raise ValueError("exactly one of user or account")
    target = PortalAccount.objects.select_for_update().get(pk=target.pk)
    if account is not None:
        _refuse_unless_patient_of(account, target)
    if target.revoked_at is not None:
        return target
    target.revoked_at = timezone.now()
    target.revoked_by = user.display_name if user is not None else account.actor_label  # type: ignore[union-attr]
    target.session_epoch += 1
    target.save(update_fields=["revoked_at", "revoked_by", "session_epoch", "updated_at"])
    LoginCode.objects.filter(account=target, used_at__isnull=True).update(superseded=True)
    if user is not None:
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            patient_id=target.patient_id,
            obj=target,
            details={"event": "portal_access_withdrawn", "kind": target.kind},
        )
    else:
        assert account is not None
        _audit_portal(account, AuditAction.UPDATE, obj=target, event="portal_access_withdrawn")
    return target


# --- messages -----------------------------------------------------------------------------------


class AlarmingMessage(ApplicationError):
    """A patient-side message with alarming words, not yet confirmed after the warning."""

    def __init__(self, findings: list[rules.Finding]) -> None:
        super().__init__(
            _(
                "Your message mentions something that may need care today. A message is read "
                "within working days: use the follow-up questionnaire now, or call 15 in an "
                "emergency."
            ),
            field="body",
        )
        self.findings = findings


@dataclass(frozen=True)
class Posted:
    thread: Thread
    message: Message


def _check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ApplicationError(_("Write your message."), field="body")
    if len(body) > 4000:
        raise ApplicationError(
            _("The message is too long (%(length)s characters; at most 4000).")
            % {"length": len(body)},
            field="body",
        )
    return body


@transaction.atomic
def thread_start(
    *,
    account: PortalAccount,
    subject: str,
    body: str,
    confirmed: bool = False,
    private: bool = False,
    upload: UploadedFile | None = None,
    now: dt.datetime | None = None,
) -> Posted:
    """A patient or a relative (with the right) writes to the care team (``now``: when, for
    the demo's past conversations; the answer date is computed from it)."""
    if not account.may("messages"):
        raise ApplicationError(_("Your access does not include messages."))
    subject = subject.strip()
    if not subject:
        raise ApplicationError(_("Give a subject."), field="subject")
    if len(subject) > 120:
        raise ApplicationError(
            _("The subject is too long (at most 120 characters)."), field="subject"
        )
    body = _check_body(body)
    checked = attachments.check(upload)
    findings = config.alarming_in(f"{subject}\n{body}")
    if findings and not confirmed:
        raise AlarmingMessage(findings)
    thread = Thread.objects.create(
        patient=account.patient,
        subject=subject,
        started_by=account.actor_label,
        started_by_account=account,
        # Only the patient keeps a conversation from the relatives.
        private=private and account.is_patient,
    )
    return _post_from_patient_side(thread, account, body, findings, checked, now=now)


# Safer reading (2026-12-04 review): only a physician or a nurse answering ends an urgent wait
# (and so the on-call escalation, ``urgent_messages_escalate``); a reply by a secretary, a centre
# manager or a pharmacist ("we pass it on") is not a clinical answer: the thread stays urgent.
CLINICAL_ANSWER_ROLES = frozenset({Role.CLINICIAN, Role.COORDINATION_NURSE, Role.LIBERAL_NURSE})


@transaction.atomic
def message_post(
    *,
    thread: Thread,
    body: str,
    account: PortalAccount | None = None,
    user: User | None = None,
    confirmed: bool = False,
    upload: UploadedFile | None = None,
) -> Posted:
    """Append a message to a thread: from the patient's side (``account``) or from the care
    team (``user``, already checked to be in the care team)."""
    if (user is None) == (account is None):
        raise ValueError("exactly one of user or account")
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    body = _check_body(body)
    checked = attachments.check(upload)
    if account is not None:
        if not thread.visible_to(account) or not account.may("messages"):
            raise ApplicationError(_("Your access does not include messages."))
        findings = config.alarming_in(body)
        if findings and not confirmed:
            raise AlarmingMessage(findings)
        return _post_from_patient_side(thread, account, body, findings, checked)
    assert user is not None
    now = timezone.now()
    message = Message.objects.create(
        thread=thread,
        side=Side.TEAM,
        author=user,
        author_label=user.display_name,
        body=body,
        created_at=now,
    )
    files = [attachments.attach(message, checked)] if checked else []
    thread.last_message_at = now
    if user.role in CLINICAL_ANSWER_ROLES:
        # Answered: a physician or nurse has taken it in hand. Another role's reply ("je
        # transmets") leaves the thread waiting, urgent and late-tracked on the team's worklist.
        thread.waiting_since = None
        thread.answer_due = None
        thread.urgent_since = None
        thread.late_escalated_at = None
    thread.save(
        update_fields=[
            "last_message_at",
            "waiting_since",
            "answer_due",
            "urgent_since",
            "late_escalated_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        patient_id=thread.patient_id,
        obj=message,
        details={
            "event": "portal_message",
            "thread": str(thread.pk),
            "attachments": [str(f.pk) for f in files],
        },
    )
    for reader in PortalAccount.objects.filter(
        patient_id=thread.patient_id, revoked_at__isnull=True
    ):
        if reader.may("messages") and thread.visible_to(reader):
            notification_send(
                kind=REPLY_KIND,
                recipient=_recipient(reader),
                # No medical content outside: a link to the portal only.
                context={
                    "url": site_url("portal:messages"),
                    "subject": _("New message from your care team"),
                },
                actor=user,
                patient_id=thread.patient_id,
            )
    return Posted(thread, message)


def _post_from_patient_side(
    thread: Thread,
    account: PortalAccount,
    body: str,
    findings: list[rules.Finding],
    checked: attachments.CheckedUpload | None = None,
    *,
    now: dt.datetime | None = None,
) -> Posted:
    """Store a patient-side message. One with warning signs was sent after the warning
    (questionnaire, numbers to call): the thread becomes urgent for the team (top of the inbox,
    marked) and every member is told at once, quiet hours ignored, in the application and by
    e-mail without medical content, until a member answers."""
    now = now or timezone.now()
    words = [finding.summary for finding in findings]
    message = Message.objects.create(
        thread=thread,
        side=Side.PATIENT if account.is_patient else Side.CAREGIVER,
        account=account,
        author_label=account.actor_label,
        body=body,
        alarming_words=words,
        created_at=now,
    )
    files = [attachments.attach(message, checked)] if checked else []
    thread.last_message_at = now
    thread.patient_seen_at = now
    if thread.waiting_since is None:
        level = config.service_level()
        thread.waiting_since = now
        local = timezone.localtime(now)
        thread.answer_due = rules.add_working_days(local, level.working_days, level.holidays)
    thread.has_alarming_words = thread.has_alarming_words or bool(words)
    if (
        account.is_patient
        and thread.privacy_chosen_at is None
        and any(finding.category.key in DISTRESS_CATEGORIES for finding in findings)
    ):
        # Safer reading (clinician to confirm, docs/portal.md): the patient's words of distress
        # are not read by the relatives, nor do they get the answer notice, unless the patient
        # shares the conversation.
        thread.kept_for_distress = True
    if words and thread.urgent_since is None:
        thread.urgent_since = now
    thread.save()
    _audit_portal(
        account,
        AuditAction.CREATE,
        obj=message,
        event="portal_message",
        thread=str(thread.pk),
        alarming=[finding.category.key for finding in findings],
        sent_after_warning=bool(findings),
        attachments=[str(f.pk) for f in files],
    )
    for user in _team_users(thread.patient_id):
        if not findings:
            notification_send(
                kind=TEAM_KIND,
                recipient=Recipient.for_user(user),
                context={
                    "url": site_url("portal:staff_inbox"),
                    "subject": _("New message from a patient"),
                },
                actor=None,
                patient_id=thread.patient_id,
                chain=(Channel.IN_APP,),
            )
            continue
        _tell_staff_urgently(
            user,
            kind=URGENT_KIND,
            subject=_("Urgent: a patient's message to read today"),
            patient_id=thread.patient_id,
            reference=f"portal-urgent:{message.pk}",
            now=now,
        )
    return Posted(thread, message)


def late_answers_escalate(*, now: dt.datetime | None = None) -> int:
    """Threads past their answer-by date and still unanswered: the care team's lead is told
    once (in the application and by e-mail, without the patient's name or the message). A
    thread is claimed by a conditional update, so two workers never tell twice."""
    now = now or timezone.now()
    late = Thread.objects.filter(
        waiting_since__isnull=False, answer_due__lt=now, late_escalated_at__isnull=True
    ).values_list("pk", "patient_id")[:500]
    told = 0
    for thread_id, patient_id in late:
        with transaction.atomic():
            claimed = Thread.objects.filter(pk=thread_id, late_escalated_at__isnull=True).update(
                late_escalated_at=now
            )
            if not claimed:
                continue
            for user in _team_users(patient_id, leads_only=True):
                for chain in (
                    ((Channel.IN_APP,), (Channel.EMAIL,)) if user.email else ((Channel.IN_APP,),)
                ):
                    notification_send(
                        kind=LATE_KIND,
                        recipient=Recipient.for_user(user),
                        context={
                            "url": site_url("portal:staff_inbox") + "?voir=overdue",
                            "subject": _("A patient's message is waiting past its answer date"),
                        },
                        actor=None,
                        patient_id=patient_id,
                        chain=chain,
                        reference=f"portal-late:{thread_id}:{now:%Y%m%d%H%M}",
                        now=now,
                    )
            audit_record(
                actor=None,
                actor_label="OncoParcours",
                action=AuditAction.UPDATE,
                patient_id=patient_id,
                obj=Thread.objects.get(pk=thread_id),
                details={"event": "portal_answer_late_escalated"},
            )
            told += 1
    return told


def urgent_messages_escalate(*, now: dt.datetime | None = None) -> int:
    """Urgent messages (sent anyway after the warning signs prompt) still unanswered when
    ``rules.oncall_due`` says so (2 hours in working hours, at once outside them): the centre's
    on-call physician (``on_call_physician`` rota of the patient's expert centre, else its
    proximity centre; given access to the record for the alert time like an alert's on-call)
    and the care team's lead are told at once (urgent, in the application and by e-mail,
    without name nor content). Once per urgent wait: the thread is claimed by a conditional
    update, so two workers never tell twice. ``oncall_reached`` records whether a physician
    could be told; the patient reads it."""
    from oncoparcours.monitoring.services.routing import on_call_reach

    now = now or timezone.now()
    level = config.service_level()
    candidates = (
        Thread.objects.filter(urgent_since__isnull=False, urgent_since__lte=now)
        .filter(
            models.Q(oncall_escalated_at__isnull=True)
            | models.Q(oncall_escalated_at__lt=models.F("urgent_since"))
        )
        .order_by("urgent_since")
        .values_list("pk", "urgent_since")[:500]
    )
    told = 0
    local_now = timezone.localtime(now)
    for thread_id, urgent_since in candidates:
        if not rules.oncall_due(
            timezone.localtime(urgent_since), local_now, level.holidays, level.holidays_until
        ):
            continue
        with transaction.atomic():
            claimed = (
                Thread.objects.filter(pk=thread_id, urgent_since=urgent_since)
                .filter(
                    models.Q(oncall_escalated_at__isnull=True)
                    | models.Q(oncall_escalated_at__lt=models.F("urgent_since"))
                )
                .update(oncall_escalated_at=now)
            )
            if not claimed:
                continue
            thread = Thread.objects.select_related("patient").get(pk=thread_id)
            on_call = on_call_reach(
                thread.patient, "on_call_physician", actor_label="OncoParcours (message urgent)"
            )
            # The same on-call physician an alert's ``on_call_physician`` role reaches: with an
            # account, in the application and by e-mail; without one, by e-mail at the address
            # of the directory (no name nor symptom in it).
            physicians: dict[str, Recipient] = {}
            if on_call is not None:
                if on_call.user is not None and on_call.user.is_active:
                    physicians[f"user:{on_call.user.pk}"] = Recipient.for_user(on_call.user)
                elif on_call.user is None and on_call.email:
                    physicians[f"professional:{on_call.pk}"] = Recipient(
                        label=f"{on_call.first_name} {on_call.last_name}", email=on_call.email
                    )
            leads = {
                f"user:{user.pk}": Recipient.for_user(user)
                for user in _team_users(thread.patient_id, leads_only=True)
            }
            for recipient in {**leads, **physicians}.values():
                _tell_staff_urgently(
                    recipient,
                    kind=ONCALL_KIND,
                    subject=_("On call: a patient's urgent message is unanswered"),
                    patient_id=thread.patient_id,
                    reference=f"portal-oncall:{thread_id}:{now:%Y%m%d%H%M}",
                    now=now,
                )
            thread.oncall_reached = bool(physicians)
            thread.save(update_fields=["oncall_reached", "updated_at"])
            audit_record(
                actor=None,
                actor_label="OncoParcours",
                action=AuditAction.UPDATE,
                patient_id=thread.patient_id,
                obj=thread,
                details={
                    "event": "portal_urgent_oncall_escalated",
                    "on_call_told": sorted(str(pk) for pk in physicians),
                    "leads_told": sorted(str(pk) for pk in leads),
                    "on_call_reached": bool(physicians),
                },
            )
            told += 1
    return told


def _team_users(patient_id: uuid.UUID, *, leads_only: bool = False) -> list[User]:
    today = timezone.localdate()
    members = (
        CareTeamMember.objects.filter(patient_id=patient_id, start__lte=today)
        .exclude(end__lt=today)
        .filter(professional__user__isnull=False, professional__user__is_active=True)
        .select_related("professional__user")
    )
    users: dict[int, User] = {}
    if leads_only and any(member.is_lead for member in members):
        members = [member for member in members if member.is_lead]  # type: ignore[assignment]
    for member in members:
        if member.role in TEAM_ROLES or member.is_lead:
            user = member.professional.user
            assert user is not None
            users[user.pk] = user
    return list(users.values())


@transaction.atomic
def thread_privacy_set(*, thread: Thread, account: PortalAccount, private: bool) -> Thread:
    """The patient keeps a conversation from the relatives, or shares it again. A conversation
    a relative started stays visible to that relative."""
    if not account.is_patient or thread.patient_id != account.patient_id:
        raise ApplicationError(_("Only the patient chooses who reads a conversation."))
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.private != private or thread.kept_for_distress:
        thread.private = private
        thread.kept_for_distress = False  # the patient's own choice wins from now on
        thread.privacy_chosen_at = timezone.now()
        thread.save(
            update_fields=["private", "kept_for_distress", "privacy_chosen_at", "updated_at"]
        )
        _audit_portal(
            account,
            AuditAction.UPDATE,
            obj=thread,
            event="portal_thread_privacy",
            private=private,
        )
    return thread


@transaction.atomic
def thread_mark_seen(*, thread: Thread, account: PortalAccount) -> None:
    if thread.patient_id != account.patient_id:
        raise ApplicationError(_("Not your conversation."))
    Thread.objects.filter(pk=thread.pk).update(patient_seen_at=timezone.now())


def _tell_staff_urgently(
    who: User | Recipient,
    *,
    kind: str,
    subject: str,
    patient_id: uuid.UUID,
    reference: str,
    now: dt.datetime,
) -> None:
    """In the application and by e-mail (an in-app notice is never passed on to e-mail, so both
    are sent; someone without an account by e-mail only); the e-mail names neither the patient
    nor the symptoms."""
    recipient = who if isinstance(who, Recipient) else Recipient.for_user(who)
    chains: list[tuple[str, ...]] = [(Channel.IN_APP,)] if recipient.user is not None else []
    if recipient.email:
        chains.append((Channel.EMAIL,))
    for chain in chains:
        notification_send(
            kind=kind,
            recipient=recipient,
            context={"url": site_url("portal:staff_inbox"), "subject": subject},
            actor=None,
            patient_id=patient_id,
            chain=chain,
            urgent=True,
            reference=reference,
            now=now,
        )
