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


def test_the_record_lists_the_trail_latest_first_with_who_corrected(patient, clinician):
    """``selectors.identity_corrections`` (read as plain values, issue 19): the field's label,
    both values, the reason, the author's full name (else the login), latest first."""
    from oncoparcours.patients.selectors import identity_corrections
    from oncoparcours.testing.factories import UserFactory

    services.patient_update(
        actor=clinician.user,
        patient=patient,
        data={"first_names": "Jeanne Marie"},
        reason="Erreur de saisie",
    )
    anonymous = UserFactory(first_name="", last_name="")
    IdentityCorrection.objects.create(
        patient=patient,
        field="birth_last_name",
        previous_value="Moreau",
        new_value="Moreau-Petit",
        reason="Acte de naissance",
        corrected_by=anonymous,
    )
    rows = identity_corrections(patient)
    expected = [
        (
            patient.field_label(c.field),
            c.previous_value,
            c.new_value,
            c.reason,
            c.corrected_by.get_full_name() or c.corrected_by.username,
            c.corrected_at,
        )
        for c in IdentityCorrection.objects.filter(patient=patient).order_by("-corrected_at")
    ]
    assert [(r.field, r.previous, r.new, r.reason, r.by, r.at) for r in rows] == expected
    assert rows[0].by == anonymous.username and rows[1].by == clinician.user.get_full_name()
