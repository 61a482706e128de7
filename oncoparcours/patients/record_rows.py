"""Parts of the patient record page ready to print: the care team's rows and the timeline's items.

Issue 19: a care team of 25 members and a timeline of 55 entries cost the record several
milliseconds of template work (per member: a ``reverse()`` per link, ``get_role_display``
rebuilding the role choices, two date filters, a ``blocktranslate`` under a filter; per entry:
ten template nodes, two ``date`` filters). Here each row is worked out in Python once, the links
from one ``UrlTemplate`` per list, and each timeline entry is written as its ``<li>`` directly.
The texts are those the template printed before (same escaping; ``core/choices.display`` is
``get_FOO_display``); ``patients/tests/test_record_rows.py`` compares them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from oncoparcours.core.choices import display
from oncoparcours.core.french import contract, title_for
from oncoparcours.core.url_templates import UrlTemplate

from .models import CareTeamMember
from .timeline import TimelineEntry


def day_text(day: dt.date) -> str:
    """``{{ day|date:"d/m/Y" }}`` for a date."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


@dataclass(slots=True)
class CareTeamRow:
    """A member of the care team as the record's card prints it."""

    is_lead: bool
    name: str
    professional_url: str
    role: str  # the role's label, as it applies to the person (feminine for Madame in French)
    start: str
    end: str
    is_current: bool
    end_url: str  # the link that ends the membership ("" when the reader may not)
    end_label: SafeString | str  # its accessible name

    def __getitem__(self, name: str) -> Any:
        # The template engine tries ``row[name]`` before ``row.name``: answering it spares an
        # exception per lookup.
        return getattr(self, name)


def care_team_rows(
    patient_id: Any, members: Iterable[CareTeamMember], *, may_manage: bool
) -> list[CareTeamRow]:
    """The care team (members with their professional), in the order given."""
    professional_url = UrlTemplate("directory:professional", "professional_id")
    end_url = (
        UrlTemplate("patients:care_team_end", "patient_id", "member_id") if may_manage else None
    )
    today = timezone.localdate()
    rows = []
    for member in members:
        professional = member.professional
        name = professional.full_name
        current = member.is_current(today)
        end_link, end_label = "", ""
        if current and end_url is not None:
            end_link = end_url(patient_id=patient_id, member_id=member.pk)
            # What ``{% filter contract %}{% blocktranslate with name=... %}`` printed: the name
            # escaped inside the sentence, the sentence then contracted, not escaped again.
            end_label = mark_safe(  # noqa: S308 - the only variable part is escaped
                contract(_("End membership of %(name)s") % {"name": conditional_escape(name)})
            )
        rows.append(
            CareTeamRow(
                is_lead=member.is_lead,
                name=name,
                professional_url=professional_url(professional_id=professional.pk),
                role=title_for(display(member, "role"), professional),
                start=day_text(member.start),
                end=day_text(member.end) if member.end else "",
                is_current=current,
                end_url=end_link,
                end_label=end_label,
            )
        )
    return rows


def timeline_items(entries: Iterable[TimelineEntry]) -> list[SafeString]:
    """Each entry as the ``<li>`` of the record's timeline (what the template's loop printed)."""
    items = []
    for entry in entries:
        when = entry.when
        if isinstance(when, dt.datetime):
            # What the ``date`` filter does first (``template_localtime``): an aware time is
            # shown in the current time zone.
            local = timezone.localtime(when) if timezone.is_aware(when) else when
            shown = f"{day_text(local)} {local.hour:02d}:{local.minute:02d}"
            iso = local.isoformat()
        else:
            shown, iso = day_text(when), when.isoformat()
        title: str = conditional_escape(entry.title)
        if entry.url:
            title = f'<a href="{conditional_escape(entry.url)}">{title}</a>'
        detail = f' <span class="muted">— {conditional_escape(entry.detail)}</span>'
        items.append(
            mark_safe(  # noqa: S308 - every variable part is escaped
                f'<li><time datetime="{iso}">{shown}</time>{title}'
                f"{detail if entry.detail else ''}</li>"
            )
        )
    return items
