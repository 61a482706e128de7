"""French contractions in templates: ``{% filter contract %}{% blocktranslate %}…{% endfilter %}``
around a sentence with a name in it, or ``{{ town|of_name }}`` ("d'Amboise", "du Lamentin")."""

from __future__ import annotations

from django import template

from oncoparcours.core import french

register = template.Library()


@register.filter
def contract(text: str) -> str:
    return french.contract(str(text))


@register.filter
def of_name(name: str) -> str:
    return french.of_name(str(name))


@register.filter
def at_name(name: str) -> str:
    return french.at_name(str(name))


@register.filter
def iso_date(value: str) -> str:
    """A date stored as ISO text in a snapshot ("2026-03-14") shown as dd/mm/yyyy."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


@register.filter
def for_person(title: object, person: object) -> str:
    """A job title for a named person, e.g. ``{{ role|for_person:member.professional }}``
    ("Pharmacienne" for Madame, core/french.py ``title_for``)."""
    return french.title_for(title, person)


@register.filter
def zone_label(zone: object, at: object = None) -> str:
    """``{{ organisation.time_zone|zone_label }}`` → "Martinique (UTC−4)", "Paris"."""
    return french.zone_label(zone, at)


@register.filter
def born_on(person: object) -> str:
    """``{{ patient|born_on }}`` → "née le 17/05/1960" (by the patient's sex)."""
    return french.born_on(getattr(person, "sex", ""), getattr(person, "birth_date", ""))


@register.filter
def euros(value: object) -> str:
    """``{{ amount|euros }}`` → "1 105 €" (no-break spaces; "€1,105" in English)."""
    from django.utils.translation import get_language

    return french.euros(value, english=(get_language() or "fr").startswith("en"))  # type: ignore[arg-type]


@register.filter
def citation(text: object) -> str:
    """A source line without the project's internal references ("seed 003")."""
    return french.citation(text)


@register.filter
def version_month(code: object) -> object:
    """``{{ network.data_version|version_month|date:"F Y" }}`` → "décembre 2026"."""
    return french.version_month(code)


@register.filter(name="phone")
def phone_filter(value: object) -> str:
    """An E.164 French number shown French style ("06 00 00 00 01")."""
    return french.phone(value)


@register.filter
def record_root(path: str) -> str:
    """The patient record a page belongs to ("/patients/<id>/" for "/patients/<id>/…"), or ""
    (the refusal page links back to it)."""
    import re

    found = re.match(r"^(/patients/[0-9a-f-]{36}/)", str(path))
    return found.group(1) if found else ""
