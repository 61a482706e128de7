"""The identity rules on entry, case by case (sources: docs/identity.md)."""

import pytest

from oncoparcours.patients.rules import identity


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Dupont", "DUPONT"),
        ("  de   la  Fontaine ", "DE LA FONTAINE"),
        ("Hélène", "HELENE"),
        ("Jean - Pierre", "JEAN-PIERRE"),
        ("d’Alembert", "D'ALEMBERT"),
        ("Lætitia", "LAETITIA"),
        ("Œuvrard", "OEUVRARD"),
        ("Müller", "MULLER"),
        ("Ñúñez", "NUNEZ"),
        ("Martin--Durand", "MARTIN--DURAND"),
    ],
)
def test_names_are_stored_in_capitals_without_diacritics(typed, stored):
    assert identity.normalise_name(typed) == stored
    assert identity.name_problem(identity.normalise_name(typed)) is None


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "empty"),
        ("Dupont2", "digit"),
        ("Louis XIV 1er", "digit"),
        ("Dupont.", "character"),
        ("Dupont/Durand", "character"),
        ("Dupont_Durand", "character"),
        ("Marie (Claire)", "character"),
        ("-Dupont", "separator"),
        ("Dupont'", "separator"),
        ("Dupont---Durand", "separator"),
    ],
)
def test_names_with_digits_or_signs_are_refused(typed, problem):
    assert identity.name_problem(identity.normalise_name(typed)) == problem


@pytest.mark.parametrize(
    ("first_names", "first"),
    [("Marie Claire Anne", "MARIE"), ("jean-pierre louis", "JEAN-PIERRE"), ("Éloïse", "ELOISE")],
)
def test_the_first_first_name_is_the_first_of_the_list(first_names, first):
    assert identity.first_first_name(first_names) == first


def _names(birth, first, used="", used_first=""):
    return identity.identity_names(
        birth_last_name=birth, first_names=first, used_last_name=used, used_first_name=used_first
    )


# Pairs of identities born the same day, as two people may have typed the same person.
SAME_PERSON_PERHAPS = [
    (_names("Saint-Pierre", "Marie"), _names("ST PIERRE", "MARIE")),
    (_names("Sainte-Marie", "Léa"), _names("STE MARIE", "LEA")),
    (_names("N'Diaye", "Aminata"), _names("NDIAYE", "AMINATA")),
    (_names("n diaye", "aminata"), _names("NDIAYE", "AMINATA")),
    (_names("Le Goff", "Yann"), _names("LEGOFF", "YANN")),
    (_names("De la Fontaine", "Anne"), _names("FONTAINE", "ANNE")),
    (_names("Dupont--Martin", "Léa"), _names("MARTIN", "LEA")),
    (_names("Hélène", "Éloïse"), _names("HELENE", "ELOISE")),
    (_names("Dupont", "Jean-Pierre"), _names("DUPONT", "JEAN PIERRE MARIE")),
    (_names("Dupont", "Marie"), _names("DUPONT", "ANNE MARIE")),
    (_names("Dupont", "Marie Hélène"), _names("DUPOND", "MARIE")),  # one letter mistyped
    # The birth name typed in the used-name field (and the reverse).
    (_names("Martin", "Claire", used="Dupont"), _names("DUPONT", "CLAIRE")),
    (_names("Dupont", "Claire"), _names("MARTIN", "CLAIRE", used="DUPONT")),
    (_names("Dupont", "Marie", used_first="Mia"), _names("DUPONT", "MIA")),
]
DIFFERENT_PEOPLE = [
    (_names("Dupont", "Marie"), _names("LEROY", "MARIE")),
    (_names("Dupont", "Marie"), _names("DUPONT", "PAUL")),
    (_names("Saint-Pierre", "Marie"), _names("PIERRE", "MARIE")),
    (_names("Ndiaye", "Aminata"), _names("DIALLO", "AMINATA")),
]


@pytest.mark.parametrize(("one", "other"), SAME_PERSON_PERHAPS)
def test_writing_differences_do_not_hide_a_possible_duplicate(one, other):
    assert identity.may_be_the_same_person(one, other)
    assert identity.may_be_the_same_person(other, one)


@pytest.mark.parametrize(("one", "other"), DIFFERENT_PEOPLE)
def test_different_names_are_not_flagged(one, other):
    assert not identity.may_be_the_same_person(one, other)
    assert not identity.may_be_the_same_person(other, one)


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("75056", None),  # Paris
        ("37261", None),  # Tours
        ("2A004", None),  # Ajaccio
        ("2B033", None),  # Bastia
        ("97209", None),  # Fort-de-France
        ("97611", None),  # Mamoudzou
        ("98818", None),  # Nouméa
        ("99134", None),  # born in Spain
        ("99999", None),  # birth place unknown
        ("7505", "length"),
        ("750560", "length"),
        ("00123", "format"),
        ("96123", "format"),
        ("2C004", "format"),
        ("97912", "format"),
        ("ABCDE", "format"),
    ],
)
def test_birth_place_code(code, problem):
    assert identity.birth_place_problem(code) == problem


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("37000", None),
        ("01000", None),
        ("20000", None),  # Ajaccio
        ("97200", None),  # Fort-de-France
        ("97600", None),  # Mayotte
        ("98000", None),  # Monaco
        ("98800", None),  # Nouméa
        ("3700", "format"),
        ("37 000", "format"),
        ("2A000", "format"),
        ("00100", "area"),
        ("96000", "area"),
        ("97700", "area"),
    ],
)
def test_french_postcode(code, problem):
    assert identity.postcode_problem(code) == problem


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("01.23.45.67.89", "+33123456789"),
        ("0612345678", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("05 96 61 23 45", "+596596612345"),  # Martinique landline
        ("06 96 12 34 56", "+596696123456"),  # Martinique mobile
        ("0590 82 12 34", "+590590821234"),  # Guadeloupe
        ("0694 12 34 56", "+594694123456"),  # Guyane
        ("0262 12 34 56", "+262262123456"),  # La Réunion
        ("0639 12 34 56", "+262639123456"),  # Mayotte mobile
        ("+596 696 12 34 56", "+596696123456"),
        ("+262 269 61 23 45", "+262269612345"),
    ],
)
def test_french_phone_numbers_are_normalised_to_e164(typed, e164):
    assert identity.phone_e164(typed) == (e164, None)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("06 12 34 56", "national"),
        ("6 12 34 56 78", "national"),
        ("00 12 34 56 78", "international"),
        ("06 12 34 56 78 9", "national"),
        ("téléphone", "national"),
        ("+44 20 7946 0958", "international"),
        ("+33 0 12 34 56 7", "international"),
        ("+269 773 12 34", "comoros"),
    ],
)
def test_other_phone_numbers_are_refused(typed, problem):
    assert identity.phone_e164(typed) == ("", problem)
