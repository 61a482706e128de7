from pathlib import Path

import polib
import pytest
from django.conf import settings


def catalogue() -> polib.POFile:
    return polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po"))


def test_every_french_message_is_translated_and_not_fuzzy():
    po = catalogue()
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert len(po.translated_entries()) > 400


def test_placeholders_are_kept_in_translations():
    import re

    pattern = re.compile(r"%\(\w+\)[sdr]")
    for entry in catalogue().translated_entries():
        if entry.msgid_plural:
            continue
        assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(entry.msgstr)), (
            entry.msgid
        )


@pytest.mark.django_db
def test_the_ui_is_french_by_default_even_for_english_browsers(client):
    page = client.get("/connexion/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="fr">' in page
    assert "Connexion à OncoParcours" in page


@pytest.mark.django_db
def test_the_language_switch_offers_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/connexion/"})
    assert response.status_code == 302
    page = client.get("/connexion/").content.decode()
    assert '<html lang="en">' in page and "Log in to OncoParcours" in page
