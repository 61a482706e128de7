"""Systems that call the FHIR API with OAuth2 client credentials."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from oauth2_provider.settings import oauth2_settings

from oncoparcours.core.models import BaseModel
from oncoparcours.directory.models import Organisation


class ApiClient(BaseModel):
    """A hospital system (shared record, HIS, evaluator) registered for some organisations: it
    reads the patients in whose current care team a current member of those organisations
    is, within the scopes it was granted."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name=_("OAuth2 application"),
    )
    name = models.CharField(_("name"), max_length=150)
    organisations = models.ManyToManyField(
        Organisation, related_name="api_clients", verbose_name=_("organisations")
    )
    scopes = models.JSONField(_("scopes granted"), default=list)
    # The purposes (patients/data/consent_purposes.yaml) this system may bulk export for: a
    # system chooses its purpose at each export, so it must not pick one its patients did not
    # object to in place of its own (a research team asking "network"). None by default.
    export_purposes = models.JSONField(_("export purposes"), default=list, blank=True)
    # Public keys (JWK Set) of a client authenticating with signed assertions (private_key_jwt,
    # SMART Backend Services); such a client may not use its secret.
    jwks = models.JSONField(_("public keys (JWK Set)"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def actor_label(self) -> str:
        return f"{self.name} (FHIR client)"


class UsedClientAssertion(models.Model):
    """A client assertion's ``jti`` seen once: a replay within its lifetime is refused."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "jti"], name="client_assertion_jti_once")
        ]
        verbose_name = _("used client assertion")
        verbose_name_plural = _("used client assertions")

    def __str__(self) -> str:
        return self.jti


class ImportedResource(models.Model):
    """How a resource received in an imported bundle is known at its source, and the record row
    it became: re-importing the same resource updates that row instead of adding another.
    ``source`` namespaces resource ids (two systems may both send ``Patient/1``); a business
    identifier (``identifier:system|value``) is global, under the source ``*``."""

    source = models.CharField(_("source system"), max_length=200)
    key = models.CharField(_("key at the source"), max_length=400)
    target = models.CharField(_("record row kind"), max_length=20)
    target_id = models.UUIDField(_("record row"))
    patient_id = models.UUIDField(_("patient"), db_index=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("imported resource")
        verbose_name_plural = _("imported resources")
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="imported_resource_key")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.key} → {self.target} {self.target_id}"


class BulkExportJob(BaseModel):
    """An asynchronous ``$export`` (FHIR Bulk Data kick-off): the worker writes one NDJSON file
    per resource type under the export directory; the client that asked polls its status and
    downloads the files with its token until they expire. Status changes follow
    ``rules.bulk_jobs.TRANSITIONS``."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("bulk export", "queued")
        RUNNING = "running", pgettext_lazy("bulk export", "running")
        COMPLETED = "completed", pgettext_lazy("bulk export", "completed")
        FAILED = "failed", pgettext_lazy("bulk export", "failed")
        CANCELLED = "cancelled", pgettext_lazy("bulk export", "cancelled")
        EXPIRED = "expired", pgettext_lazy("bulk export", "expired")

    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="bulk_exports", verbose_name=_("client")
    )
    purpose = models.CharField(_("purpose"), max_length=20)
    types = models.JSONField(_("resource types"), default=list)
    request_url = models.CharField(_("kick-off request"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    transaction_time = models.DateTimeField(_("data read at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    patients_total = models.PositiveIntegerField(_("patients to export"), null=True, blank=True)
    patients_done = models.PositiveIntegerField(_("patients exported"), default=0)
    # [{"type": "Patient", "count": 12}, …]: one file per type, in the order of TYPES.
    outputs = models.JSONField(_("files"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bulk export")
        verbose_name_plural = _("bulk exports")

    def __str__(self) -> str:
        return f"$export {self.purpose} ({self.get_status_display()})"
