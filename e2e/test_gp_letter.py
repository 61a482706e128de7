"""A board decision reaches the GP's mailbox, on the demo served once per run (e2e/conftest.py),
whose secure health mail goes to a real local SMTP server (aiosmtpd): the demo oncologist chairs
the thoracic board's live session in Chromium, records the attendance, opens the session and
validates a decision; the letter leaves at once with the RCP record as a PDF, addressed to the
patient's GP, and the case page shows it as sent (receipt not confirmed yet)."""

from __future__ import annotations

import re
import sqlite3
import time
import uuid

import pytest
from playwright.sync_api import expect

from e2e.conftest import ServedDemo
from oncoparcours.demo.institutions import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# The last case on the live session's agenda (a lung cancer without a molecular finding entered
# by hand — its generated biomarkers are structured results —: the
# BRAF case other journeys look at stays undecided).
SESSION_AND_CASE = """
SELECT s.id, p.birth_last_name, p.first_names, gp.secure_mail_address
FROM boards_agendaitem ai
JOIN boards_session s ON s.id = ai.session_id
JOIN boards_board b ON b.id = s.board_id
JOIN boards_case c ON c.id = ai.case_id
JOIN patients_patient p ON p.id = c.patient_id
JOIN directory_professional gp ON gp.id = p.gp_id
WHERE b.short_name = 'RCP thoracique CLB' AND s.opened_at IS NULL AND gp.secure_mail_address != ''
  AND NOT EXISTS (SELECT 1 FROM patients_molecularfinding m WHERE m.patient_id = p.id
                  AND m.from_biomarker_id IS NULL)
ORDER BY s.starts_at, ai.position DESC LIMIT 1
"""


def attend(page, specialty: str) -> None:  # type: ignore[no-untyped-def]
    member = page.get_by_label("Membre")
    label = member.locator("option", has_text=f"— {specialty}").first.inner_text()
    member.select_option(label=label)
    page.get_by_role("button", name="Enregistrer la présence").click()
    expect(page.locator(".session-side .plain-list")).to_contain_text(label.split(" — ")[0])


def test_a_board_decision_reaches_the_gp_s_mailbox_with_its_pdf(
    browser, demo_server: ServedDemo
) -> None:  # type: ignore[no-untyped-def]
    if demo_server.secure_mailbox is None or demo_server.outbox is None:
        pytest.skip("the demo is served elsewhere: its secure mail is not ours to read")
    database = demo_server.outbox.parent / "oncoparcours.sqlite3"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        row = connection.execute(SESSION_AND_CASE).fetchone()
    assert row is not None, "the demo has no live thoracic session with a GP to write to"
    session_id, last_name, first_names, gp_address = row
    session_uuid = uuid.UUID(session_id)
    context = browser.new_context(
        base_url=demo_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    mailbox = demo_server.secure_mailbox
    already = len(mailbox.messages)
    try:
        page.goto("/connexion/")
        page.get_by_label("Identifiant").fill("oncologue")
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        page.locator("main").get_by_role("button", name="Se connecter").click()
        page.wait_for_url(lambda url: "/connexion/" not in url)

        page.goto(f"/rcp/seances/{session_uuid}/")
        for specialty in ("Oncologie médicale", "Chirurgie thoracique", "Radiothérapie"):
            attend(page, specialty)
        expect(page.locator(".quorum")).to_contain_text("Quorum atteint")
        page.get_by_role("button", name="Ouvrir la séance").click()

        patient = f"{last_name.upper()} {first_names}"
        with page.expect_response(lambda r: "/dossiers/" in r.url and r.request.method == "GET"):
            page.get_by_role("link", name=patient).click()
        panel = page.locator("#case-panel")
        panel.get_by_label("Radiothérapie").check()
        panel.get_by_label("Proposition").fill("Radiothérapie stéréotaxique, puis surveillance.")
        panel.get_by_label("Référentiel suivi").fill("Référentiel AURA 2025")
        panel.get_by_label("Près du domicile (centre de proximité)").check()
        started = time.monotonic()
        panel.get_by_role("button", name="Valider la décision (président)").click()
        expect(panel).to_contain_text("Décision, version 1", timeout=20_000)

        # The GP's secure mailbox receives the letter with the RCP record as a PDF.
        while len(mailbox.messages) == already and time.monotonic() - started < 15:
            time.sleep(0.1)
        assert len(mailbox.messages) > already, "no letter reached the secure mail server"
        recipients, mail = mailbox.messages[-1]
        assert recipients == [gp_address]
        assert last_name.upper() in mail["Subject"].upper()  # the product names the patient
        pdfs = [
            part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"
        ]
        assert pdfs, "the letter has no PDF attached"
        assert all(part.get_content()[:5] == b"%PDF-" for part in pdfs)
        assert any(
            re.match(r"compte-rendu-rcp-v1\.pdf", part.get_filename() or "") for part in pdfs
        )

        # The case page follows the letter: sent, receipt not confirmed yet.
        panel.get_by_role("link", name="Ouvrir le dossier complet").click()
        expect(page.locator("main")).to_contain_text(
            re.compile(r"envoyé par messagerie sécurisée le \d{2}/\d{2}/\d{4}")
        )
    finally:
        context.close()
