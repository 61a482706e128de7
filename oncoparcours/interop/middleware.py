"""Methods the FHIR API answers: a request with any other method gets a 405 OperationOutcome
naming the allowed ones, before Django's CSRF check could answer with its HTML page (the API
changes nothing through POST, PUT or DELETE, except the token endpoint and a bulk export's
DELETE)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .outcomes import FhirError, fhir_response, operation_outcome

READ = ("GET",)


def allowed_methods(path: str) -> tuple[str, ...]:
    if path == "/fhir/auth/token":
        return ("POST",)
    if path.startswith("/fhir/bulkstatus/"):
        return (*READ, "DELETE")
    return READ


def fhir_methods(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        path = request.path
        if path == "/fhir" or path.startswith("/fhir/"):
            allowed = allowed_methods(path)
            if request.method not in allowed:
                refused = FhirError(
                    405,
                    "not-supported",
                    f"{request.method} is not supported here (allowed: {', '.join(allowed)})",
                )
                response = fhir_response(operation_outcome(refused), status=405)
                response["Allow"] = ", ".join(allowed)
                return response
        return get_response(request)

    return middleware
