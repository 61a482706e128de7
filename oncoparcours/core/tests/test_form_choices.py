"""Selects as a French user reads them: no "---------" for an empty choice (a named
placeholder instead), organisations sorted by name the French way."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.utils import translation

from oncoparcours.core.form_renderer import DJANGO_BLANK

from .test_field_limits import _form_modules, _subclasses

pytestmark = pytest.mark.django_db


def test_no_form_field_renders_django_dashes_for_an_empty_choice():
    """Render every select of every form class of every app (required or not)."""
    _form_modules()
    renderer = get_default_renderer()
    bad, selects = [], 0
    with translation.override("fr"):
        for form in _subclasses(forms.BaseForm):
            if not form.__module__.startswith("oncoparcours."):
                continue
            for name, field in getattr(form, "base_fields", {}).items():
                if not isinstance(field, forms.ChoiceField):
                    continue
                selects += 1
                html = field.widget.render(name, None, renderer=renderer)
                if DJANGO_BLANK in html:
                    bad.append(f"{form.__module__}.{form.__qualname__}.{name}")
    assert selects > 50
    assert bad == []


@pytest.mark.parametrize(
    ("required", "placeholder"), [(True, "— choisir —"), (False, "Non renseigné")]
)
def test_the_empty_choice_is_named_after_whether_it_may_stay_empty(required, placeholder):
    from oncoparcours.directory.models import Organisation

    field = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=required)
    with translation.override("fr"):
        html = field.widget.render("x", None, renderer=get_default_renderer())
    assert f'<option value="" selected>{placeholder}</option>' in html
    assert DJANGO_BLANK not in html


def test_a_model_form_in_the_admin_shows_no_dashes(admin_client):
    with translation.override("fr"):
        page = admin_client.get("/admin/directory/professional/add/").content.decode()
    assert "<select" in page and DJANGO_BLANK not in page


NAMES = ["Zola clinique", "école de santé", "CH d'Amboise", "Étoile CHU", "abbaye centre", "Dax"]
FRENCH_ORDER = [
    "abbaye centre",
    "CH d'Amboise",
    "Dax",
    "école de santé",
    "Étoile CHU",
    "Zola clinique",
]


def test_french_sort_key_ignores_case_and_accents():
    from oncoparcours.core.french import sort_key

    assert sorted(NAMES, key=sort_key) == FRENCH_ORDER
    assert sorted(["Œuvre", "Ouest", "Oeil"], key=sort_key) == ["Oeil", "Œuvre", "Ouest"]


def _option_labels(html: str) -> list[str]:
    import re

    return [
        label
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)<', html)
        if value
    ]


def _organisations():
    from oncoparcours.directory.models import Organisation, OrganisationKind

    return [
        Organisation.objects.create(name=name, kind=OrganisationKind.CH, finess=None)
        for name in NAMES
    ]


def test_every_organisation_dropdown_is_in_french_alphabetical_order():
    """Whatever order the form's queryset has (here the reverse of the database's), every
    select of organisations comes out sorted the French way; other models keep their order."""
    from oncoparcours.directory.models import Organisation

    _organisations()
    field = forms.ModelChoiceField(queryset=Organisation.objects.order_by("-name"))
    with translation.override("fr"):
        html = field.widget.render("centre", None, renderer=get_default_renderer())
    labels = _option_labels(html)
    assert [label.replace("&#x27;", "'") for label in labels] == FRENCH_ORDER
    assert html.index("— choisir —") < html.index("abbaye")


def test_the_patient_form_and_the_indicator_filters_list_centres_in_french_order(
    clinician_client,
):
    from django.urls import reverse

    from oncoparcours.directory.models import OrganisationKind

    for organisation in _organisations():
        organisation.kind = OrganisationKind.CHU
        organisation.save()
    body = clinician_client.get(reverse("patients:create")).content.decode()
    select = body[
        body.index('name="expert_centre"') : body.index(
            "</select>", body.index('name="expert_centre"')
        )
    ]
    labels = [label.replace("&#x27;", "'") for label in _option_labels(select)]
    assert [label for label in labels if label in NAMES] == FRENCH_ORDER
