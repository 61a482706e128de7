"""The patient portal in Chromium, on the demo served once per run (e2e/conftest.py): the demo
patient logs in on a phone with a one-time code (read from the served demo's SMS outbox), sees her
calendar, answers the questionnaire, writes to her care team (and, with warning signs, sees the
questionnaire and 15 first, then sends anyway: urgent for the team); the coordination nurse (idec)
answers from her inbox on a desktop; the patient sees the answer. Accessibility checked with axe
on the patient's pages."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.conftest import ServedDemo, axe_violations
from oncoparcours.demo.institutions import DEMO_PASSWORD
from oncoparcours.demo.portal import PATIENT_PHONE

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def code_from_outbox(outbox: Path, phone: str, after: float) -> str:
    digits = re.sub(r"\D", "", phone)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        files = sorted((outbox / "sms").glob("*.json"), key=lambda f: f.stat().st_mtime)
        for file in reversed(files):
            if file.stat().st_mtime < after:
                break
            sms = json.loads(file.read_text(encoding="utf-8"))
            found = re.search(r"\b(\d{6})\b", sms["text"])
            if sms["to"] == digits and found:
                return found.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no code for {phone} in {outbox}")


def test_patient_logs_in_with_a_code_writes_and_reads_the_nurse_s_answer(
    browser, demo_server: ServedDemo
) -> None:  # type: ignore[no-untyped-def]
    if demo_server.outbox is None:
        pytest.skip("JOURNEYS_OUTBOX_DIR not set for the demo served elsewhere")
    phone_context = browser.new_context(
        base_url=demo_server.url, locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True
    )
    desk_context = browser.new_context(
        base_url=demo_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    phone = phone_context.new_page()
    desk = desk_context.new_page()
    try:
        # 1. One-time code by SMS (the demo writes SMS to its outbox).
        phone.goto("/portail/connexion/")
        assert axe_violations(phone) == []
        asked = time.time() - 1
        phone.get_by_label("Votre adresse e-mail ou votre numéro de portable").fill(PATIENT_PHONE)
        phone.get_by_role("button", name="Recevoir un code").click()
        expect(phone.get_by_role("heading", name="Saisissez votre code")).to_be_visible()
        code = code_from_outbox(demo_server.outbox, PATIENT_PHONE, asked)
        phone.get_by_label("Le code à 6 chiffres que vous avez reçu").fill(code)
        phone.get_by_role("button", name="Se connecter").click()
        expect(phone.get_by_role("heading", name=re.compile(r"^Bonjour "))).to_be_visible()
        assert axe_violations(phone) == []
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

        # 1b. A quality-of-life questionnaire due today, answered on the phone.
        phone.get_by_role("link", name="Mon état de santé aujourd'hui").click()
        expect(phone.get_by_role("heading", name="Mon état de santé aujourd'hui")).to_be_visible()
        assert axe_violations(phone) == []
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        for dimension in (
            "Me déplacer (marcher, bouger)",
            "M'occuper de moi (me laver, m'habiller)",
            "Mes activités de tous les jours (travail, maison, loisirs)",
        ):
            phone.get_by_role("group", name=dimension).get_by_label(
                "Je le fais avec une petite gêne"
            ).check()
        phone.get_by_role("group", name="Douleur ou inconfort du corps").get_by_label(
            "Je n'en ai pas"
        ).check()
        phone.get_by_role("group", name="Inquiétude, tristesse, découragement").get_by_label(
            "J'en ressens un peu"
        ).check()
        phone.get_by_label(re.compile("^Donnez une note à votre santé")).fill("80")
        phone.get_by_role("button", name="Envoyer mes réponses").click()
        expect(
            phone.get_by_role("heading", name="Merci, vos réponses ont été envoyées")
        ).to_be_visible()
        assert axe_violations(phone) == []

        # 2. The calendar of her care programme.
        nav = phone.get_by_role("navigation", name="Mon espace")
        nav.get_by_role("link", name="Calendrier").click()
        expect(phone.get_by_role("heading", name="Mon calendrier de soins")).to_be_visible()
        expect(phone.locator(".portal-day").first).to_be_visible()
        expect(phone.get_by_text("Traitement").first).to_be_visible()
        assert axe_violations(phone) == []
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

        # 3. The questionnaire, answered.
        nav.get_by_role("link", name="Questionnaire").click()
        expect(
            phone.get_by_role("heading", name="Comment allez-vous aujourd'hui ?")
        ).to_be_visible()
        phone.get_by_label("Autre chose à dire à l'équipe ?").fill("Un peu fatiguée, rien d'autre.")
        phone.get_by_role("button", name="Envoyer à mon équipe de soins").click()
        expect(
            phone.get_by_role("heading", name="Merci, vos réponses ont été envoyées.")
        ).to_be_visible()

        # 4. A message to the care team (the service level is shown).
        nav.get_by_role("link", name="Messages").click()
        expect(phone.get_by_text("2 jours ouvrés")).to_be_visible()
        phone.get_by_role("link", name="Écrire un nouveau message").click()
        phone.get_by_label("Objet").fill("Rendez-vous de la semaine prochaine")
        phone.get_by_label("Votre message").fill("Puis-je décaler l'administration à jeudi ?")
        phone.get_by_role("button", name="Envoyer", exact=True).click()
        expect(
            phone.get_by_text("Votre message a été envoyé à votre équipe de soins.")
        ).to_be_visible()
        assert axe_violations(phone) == []

        # 4b. Warning signs: the prompt (questionnaire, 15) comes first; sent anyway, it is
        # urgent for the team, and the patient is told it is not an emergency channel.
        nav.get_by_role("link", name="Messages").click()
        phone.get_by_role("link", name="Écrire un nouveau message").click()
        phone.get_by_label("Objet").fill("Ce soir")
        phone.get_by_label("Votre message").fill("J'ai 39,5 et je grelotte.")
        phone.get_by_role("button", name="Envoyer", exact=True).click()
        prompt = phone.get_by_role("alert")
        expect(prompt.get_by_text("fièvre ou frissons")).to_be_visible()
        expect(prompt.get_by_role("link", name="Appeler le 15")).to_be_visible()
        assert axe_violations(phone) == []
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        phone.get_by_role("button", name="Envoyer quand même mon message").click()
        expect(phone.get_by_text("marqué urgent").first).to_be_visible()
        assert axe_violations(phone) == []

        # 5. The coordination nurse answers from her inbox.
        desk.goto("/connexion/")
        desk.get_by_label("Identifiant").fill("idec")
        desk.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        desk.locator("main").get_by_role("button", name="Se connecter").click()
        desk.wait_for_url("**/")
        desk.locator(".main-nav").get_by_role("link", name="Messagerie").click()
        expect(desk.get_by_text("urgent : envoyé malgré l'avertissement").first).to_be_visible()
        desk.get_by_role("link", name="Rendez-vous de la semaine prochaine").click()
        expect(desk.get_by_text("Puis-je décaler l'administration à jeudi ?")).to_be_visible()
        desk.get_by_label("Réponse").fill("Oui, jeudi 10 h en hôpital de jour. Bonne journée.")
        desk.get_by_role("button", name="Envoyer la réponse").click()
        expect(desk.get_by_text("Réponse envoyée")).to_be_visible()

        # 6. The patient sees the answer.
        phone.get_by_role("navigation", name="Mon espace").get_by_role(
            "link", name="Accueil"
        ).click()
        expect(phone.get_by_text("Votre équipe de soins vous a répondu")).to_be_visible()
        phone.get_by_role("link", name="Lire la réponse").click()
        expect(phone.get_by_text("Oui, jeudi 10 h en hôpital de jour.")).to_be_visible()
        assert axe_violations(phone) == []
    finally:
        phone_context.close()
        desk_context.close()
