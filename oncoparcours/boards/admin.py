"""Administration of the boards themselves (no patient data): kind, scope, organisers, members,
recurrence. Cases, sessions and decisions are handled in the application, never here."""

from django.contrib import admin

from .models import Board, BoardMember


class BoardMemberInline(admin.TabularInline):
    model = BoardMember
    extra = 1
    autocomplete_fields = ("professional", "site")


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
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
