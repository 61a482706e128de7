"""The rows of the activity lists (the worklist, the home's "my activities this week" panel),
ready to print.

Issue 19: printing each row from the models cost the worklist most of its CPU time: ~300 model
instances per page of 50, a ``reverse()`` per link (four per row), a ``get_language()`` per
title, a translation per label, long attribute chains resolved by the template engine. Here the
rows come from plain values (``selectors.activities_in_order``), every link is one
``UrlTemplate`` for the whole list, the language is read once, each distinct label is worked out
once, and the template reads ready values. The texts and links are those the templates printed
from the models before (``Patient.label``, ``Organisation.__str__``, ``Professional.full_name``,
``get_place_display``, the ``kind_label``/``place_glyph``/``role_label`` filters).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import time as time_filter
from django.utils import timezone

from oncoparcours.core.url_templates import UrlTemplate
from oncoparcours.directory.models import Organisation, Professional
from oncoparcours.patients.models import list_label

from .models import ActivityInstance, ActivityStatus, english_active, localised
from .templatetags.pathways import kind_label, place_glyph, role_label


@dataclass(slots=True)
class ActivityRow:
    """An activity as the lists print it: texts already translated, links already built."""

    id: uuid.UUID
    patient_id: uuid.UUID
    organisation_id: uuid.UUID | None
    day: dt.date
    version: int
    title: str
    kind: str  # the kind's label
    scheduled: bool
    time: str  # "14:30" when scheduled at a time
    place_glyph: str
    place: str  # the place's label
    organisation: str
    who: str  # the assigned professional, else the responsible role
    patient_label: str
    patient_url: str
    pathway_title: str
    pathway_url: str
    phase_title: str
    done_url: str

    def __getitem__(self, name: str) -> Any:
        # The template engine tries ``row[name]`` before ``row.name``: answering it spares an
        # exception per lookup.
        return getattr(self, name)


def activity_rows(activities: list[dict[str, Any]]) -> list[ActivityRow]:
    """One row per activity read by ``selectors.activities_in_order``, in the same order."""
    english = english_active()
    patient_url = UrlTemplate("patients:detail", "patient_id")
    pathway_url = UrlTemplate("pathways:instance", "patient_id", "instance_id")
    done_url = UrlTemplate(
        "pathways:activity_action", "patient_id", "instance_id", "activity_id", action="done"
    )
    place_labels = dict(ActivityInstance._meta.get_field("place").flatchoices)
    # Each distinct label worked out once per list.
    kinds: dict[str, str] = {}
    places: dict[str, tuple[str, str]] = {}
    roles: dict[str, str] = {}
    organisations: dict[uuid.UUID, str] = {}
    professionals: dict[uuid.UUID, str] = {}
    rows = []
    for activity in activities:
        kind, place, role = activity["kind"], activity["place"], activity["responsible_role"]
        if kind not in kinds:
            kinds[kind] = kind_label(kind)
        if place not in places:
            places[place] = (place_glyph(place), str(place_labels.get(place, place)))
        organisation_id = activity["organisation_id"]
        if organisation_id is not None and organisation_id not in organisations:
            organisations[organisation_id] = str(
                Organisation(
                    name=activity["organisation__name"],
                    short_name=activity["organisation__short_name"],
                )
            )
        assigned_to_id = activity["assigned_to_id"]
        if assigned_to_id is not None:
            if assigned_to_id not in professionals:
                professionals[assigned_to_id] = Professional(
                    first_name=activity["assigned_to__first_name"],
                    last_name=activity["assigned_to__last_name"],
                ).full_name
            who = professionals[assigned_to_id]
        else:
            if role not in roles:
                roles[role] = role_label(role)
            who = roles[role]
        scheduled = activity["status"] == ActivityStatus.SCHEDULED
        glyph, place_text = places[place]
        patient = activity["patient"]
        title = localised(activity["title_fr"], activity["title_en"], english)
        rows.append(
            ActivityRow(
                id=activity["id"],
                patient_id=activity["patient_id"],
                organisation_id=organisation_id,
                day=activity["day"],
                version=activity["version"],
                title=title,
                kind=kinds[kind],
                scheduled=scheduled,
                time=_time(activity["scheduled_for"]) if scheduled else "",
                place_glyph=glyph,
                place=place_text,
                organisation=organisations[organisation_id] if organisation_id else "",
                who=who,
                patient_label=list_label(
                    birth_last_name=patient["birth_last_name"],
                    used_last_name=patient["used_last_name"],
                    first_names=patient["first_names"],
                    birth_date=patient["birth_date"],
                ),
                patient_url=patient_url(patient_id=activity["patient_id"]),
                pathway_title=localised(
                    activity["instance__template__title_fr"],
                    activity["instance__template__title_en"],
                    english,
                ),
                pathway_url=pathway_url(
                    patient_id=activity["instance__patient_id"],
                    instance_id=activity["instance_id"],
                ),
                phase_title=localised(
                    activity["phase__title_fr"], activity["phase__title_en"], english
                ),
                done_url=done_url(
                    patient_id=activity["patient_id"],
                    instance_id=activity["instance_id"],
                    activity_id=activity["id"],
                ),
            )
        )
    return rows


def _time(moment: dt.datetime | None) -> str:
    """As ``{{ moment|time:"H:i" }}`` printed it (local time; nothing for no time)."""
    if moment is None:
        return ""
    return str(
        time_filter(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "H:i")
    )
