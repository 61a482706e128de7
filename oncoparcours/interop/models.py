"""Systems that call the FHIR API with OAuth2 client credentials."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
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
