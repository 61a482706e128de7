"""Administration of the boards themselves (no patient data): kind, scope, organisers, members,
recurrence. Cases, sessions and decisions are handled in the application, never here."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Board, BoardMember
from .services.boards import recours_problems


class BoardAdminForm(forms.ModelForm):
    """A « recours » board is refused unless an organiser is an expert (or pilot) centre of its
    network and its scope lies within the network's (the field at fault is named)."""

    video_link = forms.URLField(
        max_length=200, label=_("videoconference link"), required=False, assume_scheme="https"
    )
    icd10_ranges = forms.JSONField(
        label=_("organ scope (ICD-10)"),
        required=False,
        max_length=5000,
        help_text=_("List of [first, last] ICD-10 codes, inclusive."),
    )
    required_specialties = forms.JSONField(
        label=_("required specialties"), required=False, max_length=2000
    )

    class Meta:
        model = Board
        fields = (
            "name",
            "short_name",
            "kind",
            "icd10_ranges",
            "network",
            "organisers",
            "required_specialties",
            "every_weeks",
            "weekday",
            "start_time",
            "duration_minutes",
            "time_zone",
            "capacity",
            "minutes_per_case",
            "video_link",
            "is_active",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "kind" in data and "organisers" in data:
            problems = recours_problems(
                kind=data["kind"],
                network=data.get("network"),
                organisers=data["organisers"],
                icd10_ranges=data.get("icd10_ranges") or [],
            )
            for field, messages in problems.items():
                for message in messages:
                    self.add_error(field, message)
        return data


class BoardMemberInline(admin.TabularInline):
    model = BoardMember
    extra = 1
    autocomplete_fields = ("professional", "site")


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    form = BoardAdminForm
    list_display = (
        "name",
        "kind",
        "scope_kind",
        "network",
        "every_weeks",
        "weekday",
        "start_time",
        "time_zone",
        "is_active",
    )
    list_filter = ("kind", "is_active", "network")
    search_fields = ("name", "short_name")
    filter_horizontal = ("organisers",)
    inlines = [BoardMemberInline]

    @admin.display(description=_("cancers (from the ICD-10 scope)"))
    def scope_kind(self, board: Board) -> str:
        return board.get_scope_kind_display()
