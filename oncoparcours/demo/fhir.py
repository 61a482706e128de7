"""A demo system registered for the FHIR API: the oncologue's hospital information system, with
a fixed demo secret so the API can be tried with curl (demo only; real clients get a random
secret shown once by `oncoparcours fhir_client create`)."""

from __future__ import annotations

from oncoparcours.directory.models import Organisation
from oncoparcours.interop.models import ApiClient
from oncoparcours.interop.services import api_client_create

DEMO_CLIENT_ID = "demo-dpi"
DEMO_CLIENT_SECRET = "demo-fhir-secret"  # noqa: S105 (synthetic demo only)
DEMO_SCOPES = [
    "system/Patient.rs",
    "system/Condition.rs",
    "system/Observation.rs",
    "system/MedicationStatement.rs",
    "system/Composition.r",
]


def register_demo_fhir_client() -> ApiClient | None:
    organisations = list(
        Organisation.objects.filter(staff__professional__user__username="oncologue").distinct()
    )
    if not organisations:
        return None
    new = api_client_create(
        actor=None,
        name="DPI de démonstration",
        organisations=organisations,
        scopes=DEMO_SCOPES,
        export_purposes=["network", "evaluation"],
    )
    application = new.client.application
    application.client_id = DEMO_CLIENT_ID
    application.client_secret = DEMO_CLIENT_SECRET  # hashed on save
    application.save()
    return new.client
