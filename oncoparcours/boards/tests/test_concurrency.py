"""Two people validating the same case at the same moment on PostgreSQL: one wins, the other is
told who validated."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from oncoparcours.boards.models import AgendaItem, Decision
from oncoparcours.boards.services import decisions, sessions
from oncoparcours.core.errors import ApplicationError

from .test_services import PROPOSAL, open_with_quorum

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)"
)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_validations_make_one_decision(
    complete_case, session, clinician, specialists
):
    item = sessions.agenda_add(actor=clinician.user, session=session, case=complete_case)
    open_with_quorum(session, clinician, specialists)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def validate() -> None:
        try:
            barrier.wait()
            decisions.decision_validate(
                actor=clinician.user, item=AgendaItem.objects.get(pk=item.pk), proposal=PROPOSAL
            )
            outcomes.append("validated")
        except ApplicationError as error:
            outcomes.append(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=validate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[-1] == "validated"
    assert outcomes.count("validated") == 1
    refused = next(o for o in outcomes if o != "validated")
    assert clinician.user.display_name in refused
    assert Decision.objects.count() == 1
