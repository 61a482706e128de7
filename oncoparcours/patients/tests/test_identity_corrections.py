"""The rectification trail cannot be rewritten: the ORM and the database refuse changes."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from oncoparcours.patients import services
from oncoparcours.patients.models import IdentityCorrection

pytestmark = pytest.mark.django_db


def test_corrections_are_append_only(patient, clinician):
    services.patient_update(
        actor=clinician.user,
        patient=patient,
        data={"first_names": "Jeanne Marie"},
        reason="Erreur de saisie",
    )
    correction = IdentityCorrection.objects.get(patient=patient)
    correction.reason = "autre chose"
    with pytest.raises(PermissionError):
        correction.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE patients_identitycorrection SET previous_value = 'X'")
    correction.refresh_from_db()
    assert (correction.previous_value, correction.reason) == ("Jeanne", "Erreur de saisie")


def test_a_change_outside_identity_needs_no_reason(patient, clinician):
    services.patient_update(actor=clinician.user, patient=patient, data={"latitude": None})
    assert not IdentityCorrection.objects.exists()
