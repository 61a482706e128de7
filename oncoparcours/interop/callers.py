"""Who calls the FHIR API: a registered system with its bearer token, or a professional with
their session; anyone else gets a 401 OperationOutcome with a Bearer challenge."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from .oauth import bearer_client
from .outcomes import FhirError, fhir_response, operation_outcome
from .readers import Reader
from .rules import scopes


def unauthorised(diagnostics: str, bearer_error: str = "") -> HttpResponse:
    response = fhir_response(operation_outcome(FhirError(401, "login", diagnostics)), status=401)
    challenge = 'Bearer realm="fhir"'
    if bearer_error:
        challenge += f', error="{bearer_error}"'
    response["WWW-Authenticate"] = challenge
    return response


def request_reader(request: HttpRequest) -> Reader | HttpResponse:
    """A bearer token wins over a session; a bad token is never replaced by the session."""
    if request.headers.get("Authorization", "").startswith("Bearer "):
        found = bearer_client(request)
        if found is None:
            return unauthorised("the access token is invalid or expired", "invalid_token")
        client, granted = found
        return Reader(client=client, scopes=tuple(granted))
    if request.user.is_authenticated:
        return Reader(user=request.user)
    return unauthorised("authentication is required")


def check_scope(reader: Reader, resource_type: str, interaction: str) -> None:
    """Raise a 403 FhirError naming the scope a system's token lacks (professionals are limited
    by their care teams, not by scopes)."""
    if reader.client is not None and not scopes.grants(
        list(reader.scopes), resource_type, interaction
    ):
        letter = scopes.INTERACTION_LETTER[interaction]
        raise FhirError(
            403,
            "forbidden",
            f"the token does not grant system/{resource_type}.{letter}",
            expression=resource_type,
        )
