"""Runs of the indicator extract (when, how many events, how long, by whom)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExtractRun(models.Model):
    id = models.BigAutoField(primary_key=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    events = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"extract {self.started_at:%Y-%m-%d %H:%M} ({self.events} events)"
