"""Runs of the indicator extract (when, how many events, how long, by whom)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from oncoparcours.core import fields as limits
from oncoparcours.core.fields import BoundedTextField


class ExtractRun(models.Model):
    id = models.BigAutoField(primary_key=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    events = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    error = BoundedTextField(blank=True, max_length=limits.GENERATED)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"extract {self.started_at:%Y-%m-%d %H:%M} ({self.events} events)"
