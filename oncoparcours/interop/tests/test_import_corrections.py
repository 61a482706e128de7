"""A re-import corrects rows the record already holds: the corrected row must meet the same
rules as on entry (here: no staging more than 90 days before the diagnosis date), or the whole
import is refused and nothing changes (cold try-out of issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest

from oncoparcours.interop.importing import ImportRefused, bundle_import
from oncoparcours.patients.models import Diagnosis, TreatmentCourse

from .test_import import corrected_eom, errors

pytestmark = pytest.mark.django_db


def test_a_reimport_moving_the_diagnosis_date_past_its_stagings_is_refused(doctor):
    bundle_import(actor=doctor.user, bundle=corrected_eom(), source="ehr")
    primary = Diagnosis.objects.get(is_primary=True)
    assert primary.diagnosed_on == dt.date(2019, 3, 1)

    moved = corrected_eom()  # the source asserts the diagnosis in 2024 again
    moved["entry"][1]["resource"]["extension"][1]["valueDateTime"] = "2024-01-01"
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=doctor.user, bundle=moved, source="ehr")
    (where, why), *_ = errors(refused.value.outcome)
    assert where.startswith("Bundle.entry[1]")
    assert "90" in why
    primary.refresh_from_db()
    assert primary.diagnosed_on == dt.date(2019, 3, 1)


def test_a_reimport_dating_a_treatment_in_the_future_is_refused(doctor):
    bundle_import(actor=doctor.user, bundle=corrected_eom(), source="ehr")
    course = TreatmentCourse.objects.first()
    assert course is not None
    later = corrected_eom()
    for entry in later["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "MedicationStatement" and "effectivePeriod" in resource:
            resource["effectivePeriod"]["start"] = "2099-01-01"
            break
    else:  # pragma: no cover - the sample has treatments
        pytest.fail("no MedicationStatement with a period in the sample")
    with pytest.raises(ImportRefused):
        bundle_import(actor=doctor.user, bundle=later, source="ehr")
    assert not TreatmentCourse.objects.filter(started_on__year=2099).exists()
