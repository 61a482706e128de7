"""Job titles of a named woman in the feminine (docs/french-writing.md): the masculine generic
names a role; a professional whose civility is "Madame" is shown "Pharmacienne", "Infirmière de
coordination", "Directrice" in directory listings, the care team, alerts, board attendance and
the user's own header."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from oncoparcours.core.french import feminine, title_for
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    ProfessionalFactory,
    UserFactory,
)


@pytest.mark.parametrize(
    ("title", "woman"),
    [
        ("Pharmacien hospitalier", "Pharmacienne hospitalière"),
        ("Infirmier de coordination (IDEC)", "Infirmière de coordination (IDEC)"),
        ("Infirmier libéral (IDEL)", "Infirmière libérale (IDEL)"),
        ("Directeur de la stratégie", "Directrice de la stratégie"),
        ("Oncologue référent", "Oncologue référente"),
        ("Chirurgien", "Chirurgienne"),
        ("Médecin traitant", "Médecin traitante"),
        ("Médecin coordonnateur", "Médecin coordonnatrice"),
        ("Secrétaire de RCP", "Secrétaire de RCP"),
        ("Médecin", "Médecin"),
    ],
)
def test_feminine_forms(title, woman):
    assert feminine(title) == woman


@pytest.mark.django_db
def test_the_title_follows_the_civility_and_the_language():
    woman = ProfessionalFactory(civility="mme")
    man = ProfessionalFactory(civility="m")
    unknown = ProfessionalFactory(civility="")
    with translation.override("fr"):
        assert title_for("Pharmacien", woman) == "Pharmacienne"
        assert title_for("Pharmacien", woman.user) == "Pharmacienne"
        assert title_for("Pharmacien", man) == "Pharmacien"
        assert title_for("Pharmacien", unknown) == "Pharmacien"
        assert title_for("Pharmacien", None) == "Pharmacien"
    with translation.override("en"):
        assert title_for("Pharmacist", woman) == "Pharmacist"


@pytest.mark.django_db
def test_pages_show_a_womans_title_in_the_feminine(client, patient, clinician):
    nurse = ProfessionalFactory(
        civility="mme",
        user=UserFactory(role="coordination_nurse"),
        profession="nurse",
        specialty="coordination_nursing",
        last_name="Renaud",
    )
    CareTeamMemberFactory(patient=patient, professional=nurse, role="coordination_nurse")
    client.force_login(nurse.user)
    record = client.get(patient.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert record.count("Infirmière de coordination") >= 2  # her header and the care team
    listing = client.get(reverse("directory:professionals"), {"q": "Renaud"}).content.decode()
    assert "Infirmière" in listing
