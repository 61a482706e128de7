"""A worrying comment from home is never left unread: when the answers raise less than an
urgent alert, the comment raises one (data/comment-alert.yaml); a stronger alert is kept; a
harmless comment or a professional's note changes nothing."""

from __future__ import annotations

from oncoparcours.monitoring.models import Alert


def test_a_worrying_comment_with_quiet_answers_raises_an_urgent_alert(submit):
    submitted = submit({"fatigue": "none"}, comment="j'ai mal au ventre depuis hier")
    alert = submitted.alert
    assert alert is not None and alert.level == "urgent"
    assert alert.rule == "comment-warning-words" and alert.respond_within_minutes == 120
    assert {"coordination_nurse", "oncologist"} <= set(alert.notify)
    assert alert.recipients.exists()


def test_self_harm_words_raise_an_immediate_alert_with_the_on_call_physician_at_any_hour(submit):
    """Review M9 (2026-12-04): self-harm and the signs the portal sends to 15 at once are not
    left two hours; the on-call physician is told whatever the hour."""
    submitted = submit({"fatigue": "none"}, comment="je veux mourir, j'en peux plus")
    alert = submitted.alert
    assert alert.level == "immediate" and alert.respond_within_minutes == 60
    assert "idées de suicide" in alert.advice
    assert set(alert.notify) == {"coordination_nurse", "oncologist", "on_call_physician"}
    breathless = submit({"fatigue": "none"}, comment="je suis essoufflé au moindre effort")
    assert breathless.alert.level == "immediate"
    assert "on_call_physician" in breathless.alert.notify


def test_a_fever_comment_during_chemotherapy_is_immediate(submit):
    """Triage contract: a febrile patient on chemotherapy is treated as neutropenic (60 min)."""
    chemo = submit({"fatigue": "none"}, comment="j'ai 38,5 de fièvre", treatment="chemotherapy")
    assert chemo.alert.level == "immediate" and chemo.alert.respond_within_minutes == 60
    other = submit({"fatigue": "none"}, comment="j'ai 38,5 de fièvre")
    assert (other.alert.level, other.alert.respond_within_minutes) == ("urgent", 120)


def test_a_stronger_alert_from_the_answers_is_kept(submit):
    submitted = submit({"temperature_c": 40.5}, comment="je saigne du nez", treatment="car_t")
    assert submitted.alert.rule != "comment-warning-words"
    assert submitted.alert.level in ("immediate", "emergency")


def test_harmless_comments_and_professional_notes_raise_nothing(submit):
    assert submit({"fatigue": "none"}, comment="Merci pour votre appel").alert is None
    nurse_note = submit({"fatigue": "none"}, source="nurse", comment="patient confus hier")
    assert nurse_note.alert is None
    assert Alert.objects.count() == 0


def test_an_urgent_answer_with_a_longer_deadline_does_not_hide_the_comment(submit):
    # Grade 2 diarrhoea on immunotherapy: urgent, but answered within a day.
    quiet = submit({"stools_over_baseline_per_day": 5})
    assert quiet.alert.level == "urgent" and quiet.alert.respond_within_minutes > 120
    submitted = submit({"stools_over_baseline_per_day": 5}, comment="j'ai mal au ventre")
    alert = submitted.alert
    assert alert.rule == "comment-warning-words" and alert.respond_within_minutes == 120
    # Whoever the answers' alert notified is still notified.
    assert set(quiet.alert.notify) <= set(alert.notify)


def test_after_car_t_a_relative_s_worrying_words_are_an_immediate_alert(submit):
    submitted = submit(
        {"fatigue": "none"},
        source="caregiver",
        comment="il cherche ses mots depuis ce matin",
        treatment="car_t",
    )
    alert = submitted.alert
    assert alert.level == "immediate" and alert.respond_within_minutes == 60
    assert "car_t_on_call" in alert.notify


def test_outside_working_hours_the_on_call_physician_is_told_too():
    from oncoparcours.monitoring.rules.comment_alert import comment_decision
    from oncoparcours.monitoring.rules.policy import NO_ALERT

    day = comment_decision(NO_ALERT, ["idées de suicide"], treatment="chemotherapy")
    night = comment_decision(
        NO_ALERT, ["idées de suicide"], treatment="chemotherapy", after_hours=True
    )
    assert "on_call_physician" not in day.notify and "on_call_physician" in night.notify


def test_the_portal_registers_its_warning_words_for_comments():
    from oncoparcours.monitoring import comment_checks

    assert [s["category"] for s in comment_checks.warning_signs("je veux mourir")] == ["suicide"]
