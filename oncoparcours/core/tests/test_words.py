"""Issue 14, "words and numbers": no internal code reaches a user. Every choice of every model
and form, every model and app name, reads in French (English available): a label equal to its
code, or a label the French catalogue does not translate, fails here."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import trans_real

from oncoparcours.core import french

from .test_field_limits import _form_modules, _subclasses


def _msgid(label: Any) -> str | None:
    """The English message of a lazy label (``gettext_lazy("Draft")`` → "Draft")."""
    if isinstance(label, Promise):
        args = getattr(label, "_args", ())
        if len(args) == 2 and all(isinstance(arg, str) for arg in args):
            return "\x04".join(args)  # pgettext_lazy(context, message)
        return args[0] if args and isinstance(args[0], str) else None
    return None


def _untranslated(code: Any, label: Any) -> bool:
    if isinstance(code, int) or (isinstance(code, str) and not any(c.isalpha() for c in code)):
        return False  # numbers (grades 1–4, OTP digits) read as themselves
    catalogue = trans_real.translation("fr")._catalog
    parts = [arg for arg in getattr(label, "_args", ()) if isinstance(arg, Promise)]
    if parts:  # format_lazy("{} — {}", label, basis): each translatable part
        return any(_untranslated(code, part) for part in parts)
    msgid = _msgid(label)
    if msgid is not None:
        return msgid not in catalogue
    with translation.override("fr"):
        text = str(label)
    # A plain (not translatable) label: only acceptable when it is not the code itself.
    return text == str(code) or catalogue.get(text, text) != text


def _bad_choices(where: str, choices: Any) -> list[str]:
    bad = []
    for code, label in choices:
        if isinstance(label, list | tuple):  # an option group
            bad += _bad_choices(where, label)
        elif code not in ("", None) and _untranslated(code, label):
            bad.append(f"{where}: {code!r} → {label!r}")
    return bad


# Third-party tables no user ever sees: not in the admin (see test below), on no page.
HIDDEN_APPS = {
    # django-oauth-toolkit: FHIR API clients are registered with `oncoparcours fhir_client`
    # and shown through our own ApiClient model; the OAuth2 tables hold generated tokens.
    "oauth2_provider",
}


def _shown_models() -> list[Any]:
    return [m for m in apps.get_models() if m._meta.app_label not in HIDDEN_APPS]


# Choices that are units typed as such everywhere (mg, mg/kg): not words to translate.
UNIT_CHOICES = {"oncoparcours.celltherapy.forms.TreatmentForm.unit"}


def test_every_model_choice_has_a_french_label():
    bad = []
    for model in _shown_models():
        for field in model._meta.get_fields():
            if getattr(field, "choices", None):
                bad += _bad_choices(f"{model._meta.label}.{field.name}", field.choices)
    assert bad == [], "\n".join(bad)


def test_every_form_choice_has_a_french_label():
    _form_modules()
    bad = []
    for form in _subclasses(forms.BaseForm):
        if not form.__module__.startswith("oncoparcours."):
            continue
        for name, field in getattr(form, "base_fields", {}).items():
            where = f"{form.__module__}.{form.__qualname__}.{name}"
            if isinstance(field, forms.ModelChoiceField) or where in UNIT_CHOICES:
                continue  # rows of the database: their names are data
            if isinstance(field, forms.ChoiceField):
                bad += _bad_choices(where, field.choices)
    assert bad == [], "\n".join(bad)


def test_every_model_and_app_has_a_french_name():
    catalogue = trans_real.translation("fr")._catalog
    english_only = []
    for model in _shown_models():
        meta = model._meta
        for name in (meta.verbose_name, meta.verbose_name_plural, meta.app_config.verbose_name):
            msgid = _msgid(name)
            if msgid is None or msgid not in catalogue:
                english_only.append(f"{meta.label}: {name}")
    assert sorted(set(english_only)) == []


def test_the_admin_names_tables_in_french(admin_client):
    with translation.override("fr"):
        page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    for english in ("Boards", "Bed units", "Task Results", "Otp_Totp"):
        assert english not in page
    assert "Unités de lits" in page and "Résultats de tâches" in page


def test_hidden_third_party_tables_are_not_in_the_admin():
    from django.contrib import admin

    shown = {model._meta.app_label for model in admin.site._registry}
    assert shown & HIDDEN_APPS == set()


@pytest.mark.parametrize(
    ("name", "of", "at"),
    [
        ("Amboise", "d'Amboise", "à Amboise"),
        ("Le Lamentin", "du Lamentin", "au Lamentin"),
        ("Les Abymes", "des Abymes", "aux Abymes"),
        ("La Rochelle", "de La Rochelle", "à La Rochelle"),
        ("Le Havre", "du Havre", "au Havre"),
        ("Évreux", "d'Évreux", "à Évreux"),
        ("Hélène Vasseur", "d'Hélène Vasseur", "à Hélène Vasseur"),
        ("Haguenau", "de Haguenau", "à Haguenau"),  # aspirated h: no elision
        ("Tours", "de Tours", "à Tours"),
    ],
)
def test_names_glued_into_french_sentences_are_contracted(name, of, at):
    assert french.of_name(name) == of
    assert french.at_name(name) == at
    assert french.contract(f"Centre hospitalier de {name}") == f"Centre hospitalier {of}"


@pytest.mark.parametrize(
    ("value", "digits", "fr", "en"),
    [
        (38.6, None, "38,6", "38.6"),
        (1250.5, 1, "1\u202f250,5", "1,250.5"),
        (12, None, "12", "12"),
        (None, None, "—", "—"),
    ],
)
def test_numbers_in_generated_text_follow_the_language(value, digits, fr, en):
    assert french.decimal(value, digits) == fr
    assert french.decimal(value, digits, english=True) == en


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Europe/Paris", "Paris"),
        ("America/Martinique", "Martinique (UTC−4)"),
        ("America/Cayenne", "Guyane (UTC−3)"),
        ("Indian/Reunion", "La Réunion (UTC+4)"),
        ("Indian/Mayotte", "Mayotte (UTC+3)"),
        ("Asia/Kolkata", "Kolkata (UTC+5:30)"),
        ("", "Paris"),
    ],
)
def test_time_zones_are_named_in_words(zone, label):
    assert french.zone_label(zone) == label


def test_the_notification_preferences_name_time_zones_in_words(client, clinician):
    client.force_login(clinician.user)
    page = client.get(reverse("core:notification_preferences")).content.decode()
    assert "La Réunion (UTC+4)" in page and "France métropolitaine (Paris)" in page
    assert ">America/" not in page and ">Indian/" not in page


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("INCa, Réseaux (mis à jour nov. 2024), seed 003", "INCa, Réseaux (mis à jour nov. 2024)"),
        ("Seed 000 — CHRU de Tours ; seed 001 — EFS, centres", "CHRU de Tours ; EFS, centres"),
        ("375 patients over 5 years (seed 004).", "375 patients over 5 years."),
    ],
)
def test_sources_shown_to_users_leave_out_internal_seed_references(source, shown):
    assert french.citation(source) == shown


def test_amounts_are_written_the_french_way():
    assert french.euros(1105) == "1\u202f105\u00a0€"
    assert french.euros(85.5) == "85,50\u00a0€"
    assert french.euros(1105, english=True) == "€1,105"


@pytest.mark.parametrize(
    ("sex", "words"),
    [
        ("F", "née le 17/05/1960"),
        ("M", "né le 17/05/1960"),
        ("X", "date de naissance : 17/05/1960"),
    ],
)
def test_born_on_agrees_with_the_sex_and_never_uses_a_midpoint(sex, words):
    import datetime as dt

    with translation.override("fr"):
        assert french.born_on(sex, dt.date(1960, 5, 17)) == words
