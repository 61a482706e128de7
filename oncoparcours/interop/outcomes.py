"""FHIR answers: resources as ``application/fhir+json`` and errors as ``OperationOutcome``
naming the failing element (the request parameter or the resource path)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

FHIR_JSON = "application/fhir+json; charset=utf-8"


class FhirError(Exception):
    """A request the API refuses; becomes an OperationOutcome with this HTTP status."""

    def __init__(self, status: int, code: str, diagnostics: str, expression: str = "") -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.expression = expression


def fhir_response(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(resource, ensure_ascii=False, separators=(",", ":")),
        content_type=FHIR_JSON,
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


def operation_outcome(error: FhirError) -> dict[str, Any]:
    issue: dict[str, Any] = {
        "severity": "error",
        "code": error.code,
        "diagnostics": error.diagnostics,
    }
    if error.expression:
        issue["expression"] = [error.expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def not_found(resource_type: str, resource_id: str) -> FhirError:
    """The same answer whether the resource does not exist or is outside the care team."""
    return FhirError(404, "not-found", f"{resource_type}/{resource_id} is not known")
