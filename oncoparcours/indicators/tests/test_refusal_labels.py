"""Every refusal reason a pathway can record is read in words in the Article 51 indicators, and
the delay indicators' wording contracts its articles ("du diagnostic", not "de le")."""

from oncoparcours.indicators.catalogue import CATALOGUE
from oncoparcours.indicators.computations.article51 import REFUSAL_LABELS
from oncoparcours.pathways.models import RefusalReason


def test_every_refusal_reason_has_a_french_and_an_english_label():
    assert set(REFUSAL_LABELS) == set(RefusalReason.values)
    assert all(fr != code and en for code, (fr, en) in REFUSAL_LABELS.items())


def test_delay_wording_contracts_articles():
    wording = " ".join(indicator.numerator.fr for indicator in CATALOGUE)
    assert "jours du diagnostic à la décision de RCP" in wording
    assert "de le " not in wording and "à le " not in wording
