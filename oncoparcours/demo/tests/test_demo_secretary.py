"""The board secretary's demo journey (issue 14 try-out): the secretary of the Centre Léon
Bérard's boards finds complete cases to place on the next session, sees them by name and birth
date only (no clinical content, no record), and the list she is shown is audited."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oncoparcours.boards.models import Board, Case, Session
from oncoparcours.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_secretary_has_board_cases_to_place_on_the_agenda(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", seed=5, patients=150, quiet=True)
    secretary = User.objects.get(username="secretaire")
    client = Client()
    client.force_login(secretary)
    board = Board.objects.get(short_name="RCP thoracique CLB")
    session = (
        Session.objects.filter(board=board, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    assert session is not None
    page = client.get(reverse("boards:session", args=[session.pk]))
    assert page.status_code == 200
    form = page.context["add_form"]
    offered = list(form.fields["case"].queryset)
    assert len(offered) >= 2
    assert {case.board_id for case in offered} == {board.pk}
    body = page.content.decode()
    for case in offered:
        assert case.patient.birth_date.strftime("%d/%m/%Y") in body
        assert case.question not in body  # who, not why
        # No access to the record itself.
        assert client.get(case.patient.get_absolute_url()).status_code == 404
    event = AuditEvent.objects.filter(actor=secretary, details__what="session agenda").latest("at")
    assert set(event.details["candidates"]) == {str(c.patient_id) for c in offered}
    # Another board's cases are never offered to her.
    other = Case.objects.exclude(board=board).filter(status="ready")
    assert not set(other.values_list("pk", flat=True)) & {c.pk for c in offered}
