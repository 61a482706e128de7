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


@pytest.mark.skipif(
    __import__("shutil").which("xgettext") is None, reason="GNU gettext not installed"
)
def test_the_catalogue_contains_every_string_of_the_code(tmp_path, settings):
    """Extract the messages again (like `make messages`) and compare with the shipped catalogue:
    a UI string added without a French translation fails here."""
    import shutil
    import subprocess
    import sys

    package = Path(settings.PACKAGE_DIR)
    copy = tmp_path / "oncoparcours"
    shutil.copytree(
        package, copy, ignore=shutil.ignore_patterns("tests", "testing", "locale", "*.pyc")
    )
    (copy / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "fr",
            "--no-location",
            "--ignore",
            "static/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "oncoparcours.settings"},
    )
    extracted = {
        e.msgid for e in polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    }
    shipped = {e.msgid for e in catalogue().translated_entries()}
    assert sorted(extracted - shipped) == []
