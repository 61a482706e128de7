# ruff: noqa: E501 (the template lines compared, as the record template holds them)
"""The care team's rows and the timeline's items written in Python (issue 19) print what the
record's template printed from the models before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from oncoparcours.patients.record_rows import care_team_rows, timeline_items
from oncoparcours.patients.timeline import TimelineEntry
from oncoparcours.testing.factories import CareTeamMemberFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db

# The record template's loops before issue 19 (patients/patient_detail.html).
CARE_TEAM_BEFORE = """{% load i18n french %}{% for member in care_team %}
      <li>{% if member.is_lead %}<span class="badge badge--info">{% translate "lead" %}</span> {% endif %}<a href="{% url 'directory:professional' member.professional.pk %}">{{ member.professional.full_name }}</a> — {{ member.get_role_display|for_person:member.professional }}
        <span class="muted">({{ member.start|date:"d/m/Y" }}{% if member.end %} → {{ member.end|date:"d/m/Y" }}{% endif %})</span>
        {% if member.is_current %}{% if may_manage_care_team %}<a href="{% url 'patients:care_team_end' patient.pk member.pk %}" aria-label="{% filter contract %}{% blocktranslate with name=member.professional.full_name %}End membership of {{ name }}{% endblocktranslate %}{% endfilter %}">{% translate "end" %}</a>{% endif %}{% else %}<span class="badge">{% translate "ended" %}</span>{% endif %}
      </li>
      {% endfor %}"""
CARE_TEAM_AFTER = """{% load i18n %}{% for member in care_team_rows %}
      <li>{% if member.is_lead %}<span class="badge badge--info">{% translate "lead" %}</span> {% endif %}<a href="{{ member.professional_url }}">{{ member.name }}</a> — {{ member.role }}
        <span class="muted">({{ member.start }}{% if member.end %} → {{ member.end }}{% endif %})</span>
        {% if member.is_current %}{% if member.end_url %}<a href="{{ member.end_url }}" aria-label="{{ member.end_label }}">{% translate "end" %}</a>{% endif %}{% else %}<span class="badge">{% translate "ended" %}</span>{% endif %}
      </li>
      {% endfor %}"""
TIMELINE_BEFORE = """{% for entry in timeline %}
    <li><time datetime="{{ entry.when|date:'c' }}">{% if entry.is_datetime %}{{ entry.when|date:"d/m/Y H:i" }}{% else %}{{ entry.when|date:"d/m/Y" }}{% endif %}</time>{% if entry.url %}<a href="{{ entry.url }}">{{ entry.title }}</a>{% else %}{{ entry.title }}{% endif %}{% if entry.detail %} <span class="muted">— {{ entry.detail }}</span>{% endif %}</li>
    {% endfor %}"""
TIMELINE_AFTER = """{% for item in timeline_items %}
    {{ item }}
    {% endfor %}"""


def render(source: str, context: dict) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("may_manage", [True, False])
def test_the_care_team_rows_print_what_the_template_printed(patient, language, may_manage):
    today = timezone.localdate()
    for civility, last_name, role, end in (
        ("mme", "Éléonore", "coordination_nurse", None),  # feminine title, contracted "d'É…"
        ("m", "O'Brien <Jr>", "gp", today - dt.timedelta(days=3)),  # ended, characters to escape
        ("mme", "Anne & Co", "pharmacist", today),  # ends today: still current
        (None, "Martin", "organ_specialist", today + dt.timedelta(days=30)),
    ):
        CareTeamMemberFactory(
            patient=patient,
            professional=ProfessionalFactory(civility=civility or "", last_name=last_name),
            role=role,
            is_lead=False,
            start=dt.date(2024, 3, 9),
            end=end,
        )
    members = list(patient.care_team.select_related("professional"))
    with translation.override(language):
        before = render(
            CARE_TEAM_BEFORE,
            {"care_team": members, "patient": patient, "may_manage_care_team": may_manage},
        )
        rows = care_team_rows(patient.pk, members, may_manage=may_manage)
        after = render(CARE_TEAM_AFTER, {"care_team_rows": rows})
    assert after == before
    assert before.count("<li>") == 5
    assert ("aria-label=" in before) is may_manage


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_timeline_items_print_what_the_template_printed(language):
    paris_evening = dt.datetime(2026, 3, 28, 23, 30, 5, 123456, tzinfo=dt.UTC)  # 29/03 in Paris
    entries = [
        TimelineEntry(dt.date(2026, 1, 5), "diagnosis", "Diagnosis C50.4", "Sein <gauche>"),
        TimelineEntry(paris_evening, "report", "Report: <b>red</b>", "", "/x/?a=1&b=2"),
        TimelineEntry(
            dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC), "car_t", gettext_lazy("Staging"), "T2"
        ),
        TimelineEntry(dt.date(2025, 12, 31), "consent", "Opposed", "A & B — C's"),
    ]
    with translation.override(language):
        before = render(TIMELINE_BEFORE, {"timeline": entries})
        after = render(TIMELINE_AFTER, {"timeline_items": timeline_items(entries)})
    assert after == before
    assert 'datetime="2026-03-29T00:30:05.123456+01:00">29/03/2026 00:30' in after
