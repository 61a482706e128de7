"""The demo's PROM questionnaires: answered, missed and waiting ones for patients in a programme
with a schedule, the portal's demo patient with one to fill in today, completion rates on the
Article 51 page (run on PostgreSQL too: DATABASE_URL=postgres://…)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from oncoparcours.core.models import User
from oncoparcours.monitoring.models import PatientAccessLink, PromAnswer, QuestionnaireDue
from oncoparcours.monitoring.prom_selectors import prom_completion, proms_open

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_has_answered_missed_and_waiting_questionnaires(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", seed=5, patients=150, quiet=True)
    statuses = set(QuestionnaireDue.objects.values_list("status", flat=True))
    assert statuses == {"due", "answered", "missed"}
    assert PromAnswer.objects.count() == QuestionnaireDue.objects.filter(status="answered").count()
    link = PatientAccessLink.objects.get(label="Téléphone de la patiente (démo)")
    assert proms_open(link.patient_id, timezone.localdate())
    rows = prom_completion()
    assert rows and all(r.asked == r.answered + r.missed + r.open for r in rows)
    client = Client()
    client.force_login(User.objects.get(username="coordinateur"))
    page = client.get("/indicateurs/article-51/")
    assert page.status_code == 200
    assert "Questionnaires de qualité de vie : taux de réponse" in page.content.decode()
