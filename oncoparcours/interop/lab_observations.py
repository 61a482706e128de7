"""Laboratory Observations of the EFS care centres: the haemoglobin results recorded for a
procedure with a haemoglobin gate (``celltherapy.HaemoglobinResult``), LOINC-coded through the
mapping table ``interop/data/lab_codes.json``. Their id is ``efs-hb-<number>``: never a UUID nor
a report-derived id, so it cannot collide with the other Observations. The laboratory values of
the home follow-up reports are built in ``report_observations``."""

from __future__ import annotations

import re
from typing import Any

from oncoparcours.celltherapy.models import HaemoglobinResult

from . import systems
from .builders import validated
from .rules import lab_codes

ID_PATTERN = re.compile(r"^efs-hb-(?P<key>[0-9]{1,18})$")
UCUM = "http://unitsofmeasure.org"


def haemoglobin_observation(result: HaemoglobinResult) -> dict[str, Any]:
    lab = lab_codes.haemoglobin()
    assert lab.loinc is not None
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"efs-hb-{result.pk}",
        "identifier": [{"system": systems.OWN_HAEMOGLOBIN_RESULT, "value": str(result.pk)}],
        "status": "final",
        "category": [{"coding": [{"system": systems.OBSERVATION_CATEGORY, "code": "laboratory"}]}],
        "code": {
            "coding": [{"system": systems.LOINC, "code": lab.loinc, "display": lab.display}],
            "text": lab.display,
        },
        "subject": {"reference": f"Patient/{result.patient_id}"},
        "effectiveDateTime": result.measured_on.isoformat(),
        "issued": result.recorded_at.isoformat(),
        "valueQuantity": {
            "value": float(result.value_g_dl),
            "unit": lab.unit,
            "system": UCUM,
            "code": lab.ucum,
        },
    }
    return validated(resource)
