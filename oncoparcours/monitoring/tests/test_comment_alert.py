"""A worrying comment from home is never left unread: when the answers raise less than an
urgent alert, the comment raises one (data/comment-alert.yaml); a stronger alert is kept; a
harmless comment or a professional's note changes nothing."""

from __future__ import annotations

from oncoparcours.monitoring.models import Alert


def test_a_self_harm_comment_with_quiet_answers_raises_an_urgent_alert(submit):
    submitted = submit({"fatigue": "none"}, comment="je veux mourir, j'en peux plus")
    alert = submitted.alert
    assert alert is not None and alert.level == "urgent"
    assert alert.rule == "comment-warning-words" and alert.respond_within_minutes == 120
    assert "idées de suicide" in alert.advice
    assert set(alert.notify) == {"coordination_nurse", "oncologist"}
    assert alert.recipients.exists()


def test_a_stronger_alert_from_the_answers_is_kept(submit):
    submitted = submit({"temperature_c": 40.5}, comment="je saigne du nez", treatment="car_t")
    assert submitted.alert.rule != "comment-warning-words"
    assert submitted.alert.level in ("immediate", "emergency")


def test_harmless_comments_and_professional_notes_raise_nothing(submit):
    assert submit({"fatigue": "none"}, comment="Merci pour votre appel").alert is None
    nurse_note = submit({"fatigue": "none"}, source="nurse", comment="patient confus hier")
    assert nurse_note.alert is None
    assert Alert.objects.count() == 0
