"""Channel backends: each delivers one rendered message or raises ``DeliveryError``.

* e-mail: Django's mail API with the project's ``EMAIL_*`` settings;
* SMS: an HTTP gateway (``SMS_GATEWAY_URL``, bearer ``SMS_GATEWAY_TOKEN``) receiving
  ``{"to", "text", "sender", "reference"}`` as JSON and answering 2xx with an ``id``;
* secure health mail (MSSanté-style): SMTP with a TLS client certificate (``SECURE_MAIL_*``);
  the same code path as e-mail, other settings;
* in-app: the notification row itself is the message (shown at /notifications/).

Without a gateway (the demo), SMS and secure mails are written as files under
``NOTIFICATION_OUTBOX_DIR`` and the pages say so."""

from __future__ import annotations

import json
import mimetypes
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from .models import Channel, Notification


class DeliveryError(Exception):
    """The channel refused or could not take the message (the reason is recorded)."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    short: str  # the SMS text


def outbox_dir() -> Path | None:
    configured = getattr(settings, "NOTIFICATION_OUTBOX_DIR", None)
    return Path(configured) if configured else None


def _attach(message: EmailMessage, notification: Notification) -> None:
    root = Path(settings.MEDIA_ROOT)  # the private files: documents are attached from there
    for attachment in notification.attachments:
        path = (root / attachment["path"]).resolve()
        if root.resolve() not in path.parents or not path.is_file():
            raise DeliveryError(f"attachment missing: {attachment.get('name', '')}")
        mime = attachment.get("mime") or mimetypes.guess_type(path.name)[0]
        message.attach(attachment.get("name") or path.name, path.read_bytes(), mime)


def send_email(
    notification: Notification, rendered: Rendered, connection: BaseEmailBackend | None = None
) -> str:
    message = EmailMessage(
        rendered.subject,
        rendered.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.email],
        connection=connection or get_connection(fail_silently=False),
        headers={"X-OncoParcours-Notification": str(notification.pk)},
    )
    _attach(message, notification)
    try:
        message.send(fail_silently=False)
    except OSError as error:  # smtplib errors are OSErrors
        raise DeliveryError(f"SMTP: {error}") from error
    return str(notification.pk)


def secure_mail_connection() -> BaseEmailBackend:
    if outbox_dir() is not None and not settings.SECURE_MAIL_HOST:
        return get_connection(
            "django.core.mail.backends.filebased.EmailBackend",
            file_path=str(outbox_dir() / "secure-mail"),  # type: ignore[operator]
        )
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=settings.SECURE_MAIL_HOST,
        port=settings.SECURE_MAIL_PORT,
        username=settings.SECURE_MAIL_USER,
        password=settings.SECURE_MAIL_PASSWORD,
        use_tls=settings.SECURE_MAIL_USE_TLS,
        ssl_certfile=settings.SECURE_MAIL_CERTFILE or None,
        ssl_keyfile=settings.SECURE_MAIL_KEYFILE or None,
        timeout=settings.EMAIL_TIMEOUT,
        fail_silently=False,
    )


def send_secure_mail(notification: Notification, rendered: Rendered) -> str:
    message = EmailMessage(
        rendered.subject,
        rendered.body,
        settings.SECURE_MAIL_FROM,
        [notification.secure_address],
        connection=secure_mail_connection(),
        headers={"X-OncoParcours-Notification": str(notification.pk)},
    )
    _attach(message, notification)
    try:
        message.send(fail_silently=False)
    except OSError as error:
        raise DeliveryError(f"secure mail: {error}") from error
    return str(notification.pk)


def send_sms(notification: Notification, rendered: Rendered) -> str:
    payload = {
        "to": notification.phone,
        "text": rendered.short,
        "sender": settings.SMS_SENDER,
        "reference": str(notification.pk),
    }
    if not settings.SMS_GATEWAY_URL:
        folder = outbox_dir()
        if folder is None:
            raise DeliveryError("no SMS gateway configured")
        (folder / "sms").mkdir(parents=True, exist_ok=True)
        target = folder / "sms" / f"{notification.pk}-{uuid.uuid4().hex[:8]}.json"
        target.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return target.name
    if not settings.SMS_GATEWAY_URL.startswith(("https://", "http://")):
        raise DeliveryError("the SMS gateway URL must be http(s)")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        settings.SMS_GATEWAY_URL,
        data=json.dumps(payload).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"SMS gateway answered {error.code}") from error
    except (OSError, ValueError) as error:
        raise DeliveryError(f"SMS gateway: {error}") from error
    return str(answer.get("id", ""))[:200]


def deliver(
    notification: Notification,
    rendered: Rendered,
    email_connection: BaseEmailBackend | None = None,
) -> str:
    """Send on the notification's current channel; the provider's reference on success."""
    channel = notification.channel
    if channel == Channel.EMAIL:
        return send_email(notification, rendered, email_connection)
    if channel == Channel.SMS:
        return send_sms(notification, rendered)
    if channel == Channel.SECURE_MAIL:
        return send_secure_mail(notification, rendered)
    if channel == Channel.IN_APP:
        if notification.recipient_user_id is None:
            raise DeliveryError("no account to show it to")
        return ""
    raise DeliveryError(f"unknown channel {channel}")


def address_for(notification: Notification, channel: str) -> str:
    addresses: dict[str, str] = {
        Channel.EMAIL: notification.email,
        Channel.SMS: notification.phone,
        Channel.SECURE_MAIL: notification.secure_address,
        Channel.IN_APP: str(notification.recipient_user_id or ""),
    }
    return addresses.get(channel, "")
