"""The FHIR R4 REST endpoints: thin views over ``selectors`` and ``builders``. Professionals use
their session (second factor included, through the session guard); an anonymous call gets a
401 OperationOutcome, never the login page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from . import adverse_resources as adverse
from . import appointment_resources as appointments
from . import builders, bulk_views, capability, documents, observations, record_resources, selectors
from . import careplan_resources as careplans
from . import directory_resources as directory
from . import encounter_resources as encounters
from . import product_resources as products
from . import report_resources as reports
from . import task_resources as tasks
from . import trial_resources as trials
from .bulk_export import EXPORT_PURPOSES, export_lines
from .bulk_export import TYPES as EXPORT_TYPES
from .callers import check_scope, request_reader
from .client_assertions import token_endpoint
from .everything import patient_everything
from .oauth import SmartScopes
from .outcomes import FhirError, fhir_response, not_found, operation_outcome
from .readers import Reader
from .rules import scopes
from .rules.client_assertion import ALGORITHMS
from .rules.search import SearchError, parse_count, parse_page, unknown_parameters

ToResource = Callable[[Any], dict[str, Any]]
SEARCHES: dict[str, tuple[tuple[str, ...], Callable[..., selectors.Page], ToResource]] = {
    "Patient": (selectors.PATIENT_PARAMETERS, selectors.patient_search, builders.patient_resource),
    "Condition": (
        selectors.CONDITION_PARAMETERS,
        selectors.condition_search,
        builders.condition_resource,
    ),
    "Observation": (
        selectors.OBSERVATION_PARAMETERS,
        selectors.observation_search,
        observations.observation_resource,
    ),
    "MedicationStatement": (
        selectors.MEDICATION_PARAMETERS,
        selectors.medication_search,
        record_resources.medication_statement,
    ),
    "Practitioner": (
        directory.PRACTITIONER_PARAMETERS,
        directory.practitioner_search,
        directory.practitioner_resource,
    ),
    "Organization": (
        directory.ORGANIZATION_PARAMETERS,
        directory.organization_search,
        directory.organization_resource,
    ),
    "PractitionerRole": (
        directory.ROLE_PARAMETERS,
        directory.role_search,
        directory.role_resource,
    ),
    "ResearchStudy": (
        trials.RESEARCH_STUDY_PARAMETERS,
        trials.research_study_search,
        trials.research_study_resource,
    ),
    "BiologicallyDerivedProduct": (
        products.PRODUCT_PARAMETERS,
        products.product_search,
        products.product_resource,
    ),
    "AdverseEvent": (
        adverse.ADVERSE_EVENT_PARAMETERS,
        adverse.adverse_event_search,
        adverse.adverse_event_resource,
    ),
    "QuestionnaireResponse": (
        reports.REPORT_PARAMETERS,
        reports.report_search,
        reports.report_resource,
    ),
    "CarePlan": (
        careplans.CAREPLAN_PARAMETERS,
        careplans.careplan_search,
        careplans.careplan_resource,
    ),
    "Task": (tasks.TASK_PARAMETERS, tasks.task_search, tasks.task_resource),
    "Appointment": (
        appointments.APPOINTMENT_PARAMETERS,
        appointments.appointment_search,
        appointments.appointment_resource,
    ),
    "Encounter": (
        encounters.ENCOUNTER_PARAMETERS,
        encounters.encounter_search,
        encounters.encounter_resource,
    ),
}
READS: dict[str, tuple[Callable[..., Any], ToResource]] = {
    "Patient": (
        lambda reader, key: selectors.patient_read(reader=reader, patient_id=key),
        builders.patient_resource,
    ),
    "Condition": (
        lambda reader, key: selectors.condition_read(reader=reader, condition_id=key),
        builders.condition_resource,
    ),
    "Observation": (
        lambda reader, key: selectors.observation_read(reader=reader, observation_id=key),
        observations.observation_resource,
    ),
    "MedicationStatement": (
        lambda reader, key: selectors.medication_read(reader=reader, statement_id=key),
        record_resources.medication_statement,
    ),
    "Practitioner": (
        lambda reader, key: directory.read_by_id(directory.Professional, key),
        directory.practitioner_resource,
    ),
    "Organization": (
        lambda reader, key: directory.read_by_id(directory.Organisation, key),
        directory.organization_resource,
    ),
    "PractitionerRole": (
        lambda reader, key: directory.read_by_id(directory.OrganisationMembership, key),
        directory.role_resource,
    ),
    "ResearchStudy": (
        lambda reader, key: trials.research_study_read(key),
        trials.research_study_resource,
    ),
    "BiologicallyDerivedProduct": (
        lambda reader, key: products.product_read(reader=reader, product_id=key),
        products.product_resource,
    ),
    "AdverseEvent": (
        lambda reader, key: adverse.adverse_event_read(reader=reader, event_id=key),
        adverse.adverse_event_resource,
    ),
    "QuestionnaireResponse": (
        lambda reader, key: reports.report_read(reader=reader, report_id=key),
        reports.report_resource,
    ),
    "CarePlan": (
        lambda reader, key: careplans.careplan_read(reader=reader, careplan_id=key),
        careplans.careplan_resource,
    ),
    "Task": (
        lambda reader, key: tasks.task_read(reader=reader, task_id=key),
        tasks.task_resource,
    ),
    "Appointment": (
        lambda reader, key: appointments.appointment_read(reader=reader, appointment_id=key),
        appointments.appointment_resource,
    ),
    "Encounter": (
        lambda reader, key: encounters.encounter_read(reader=reader, encounter_id=key),
        encounters.encounter_resource,
    ),
}


def _answer(request: HttpRequest, build: Callable[[Reader], dict[str, Any]]) -> HttpResponse:
    reader = request_reader(request)
    if isinstance(reader, HttpResponse):
        return reader
    try:
        return fhir_response(build(reader))
    except FhirError as error:
        return fhir_response(operation_outcome(error), status=error.status)
    except SearchError as error:
        refused = FhirError(400, "invalid", error.reason, expression=error.parameter)
        return fhir_response(operation_outcome(refused), status=400)


@login_not_required
@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement is public (FHIR R4 §3.1.0.9): it carries no patient data."""
    return fhir_response(capability.capability_statement(request.build_absolute_uri("/fhir")))


@login_not_required
@require_GET
def smart_configuration(request: HttpRequest) -> HttpResponse:
    """SMART App Launch v2 discovery for backend services (public, no patient data)."""
    return JsonResponse(
        {
            "token_endpoint": token_endpoint(),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic"],
            "token_endpoint_auth_signing_alg_values_supported": list(ALGORITHMS),
            "scopes_supported": sorted(SmartScopes().get_all_scopes()),
            "capabilities": ["client-confidential-asymmetric", "client-confidential-symmetric"],
        }
    )


@login_not_required
@require_GET
def search(request: HttpRequest, resource_type: str) -> HttpResponse:
    def build(reader: Reader) -> dict[str, Any]:
        if resource_type not in SEARCHES:
            raise FhirError(404, "not-supported", f"{resource_type} is not served here")
        check_scope(reader, resource_type, "search")
        supported, run, to_resource = SEARCHES[resource_type]
        params = {key: request.GET.getlist(key) for key in request.GET}
        unknown = unknown_parameters(list(params), supported)
        if unknown:
            raise SearchError(unknown[0], f"not a supported search parameter of {resource_type}")
        count = parse_count(request.GET.get("_count"))
        page = parse_page(request.GET.get("_page"))
        found = run(reader=reader, params=params, count=count, page=page)
        return _bundle(request, resource_type, found, count, page, to_resource)

    return _answer(request, build)


@login_not_required
@require_GET
def read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    def build(reader: Reader) -> dict[str, Any]:
        if resource_type not in READS:
            raise FhirError(404, "not-supported", f"{resource_type} is not served here")
        check_scope(reader, resource_type, "read")
        fetch, to_resource = READS[resource_type]
        row = fetch(reader, resource_id)
        if row is None:
            raise not_found(resource_type, resource_id)
        return to_resource(row)

    return _answer(request, build)


def _bundle(
    request: HttpRequest,
    resource_type: str,
    found: selectors.Page,
    count: int,
    page: int,
    to_resource: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    base = request.build_absolute_uri(f"/fhir/{resource_type}")

    def link(relation: str, number: int) -> dict[str, str]:
        query = [(k, v) for k, values in request.GET.lists() if k != "_page" for v in values]
        return {"relation": relation, "url": f"{base}?{urlencode([*query, ('_page', number)])}"}

    links = [link("self", page)]
    if page > 1:
        links.append(link("previous", page - 1))
    if page * count < found.total:
        links.append(link("next", page + 1))
    entries = [
        {
            "fullUrl": f"{base}/{resource['id']}",
            "resource": resource,
            "search": {"mode": "match"},
        }
        for resource in map(to_resource, found.rows)
    ]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": found.total,
        "link": links,
        "entry": entries,
    }


@login_not_required
@require_GET
def everything(request: HttpRequest, patient_id: str) -> HttpResponse:
    def build(reader: Reader) -> dict[str, Any]:
        check_scope(reader, "Patient", "read")
        if request.GET:  # none of $everything's optional parameters is supported
            name = sorted(request.GET)[0]
            raise FhirError(
                400, "not-supported", f"not a parameter of $everything: {name}", expression=name
            )
        bundle = patient_everything(
            reader=reader, patient_id=patient_id, base=request.build_absolute_uri("/fhir")
        )
        if bundle is None:
            raise not_found("Patient", patient_id)
        return bundle

    return _answer(request, build)


@login_not_required
@require_GET
def bulk_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """``GET /fhir/$export?purpose=<network|evaluation|research|registry>[&_type=…]`` for a
    registered system: NDJSON streamed, pseudonymised, objecting patients left out; with
    ``Prefer: respond-async``, a job whose files are fetched later (FHIR Bulk Data)."""
    reader = request_reader(request)
    if isinstance(reader, HttpResponse):
        return reader
    try:
        purpose, types = _export_request(request, reader)
    except FhirError as error:
        return fhir_response(operation_outcome(error), status=error.status)
    except SearchError as error:
        refused = FhirError(400, "invalid", error.reason, expression=error.parameter)
        return fhir_response(operation_outcome(refused), status=400)
    if "respond-async" in request.headers.get("Prefer", ""):
        return bulk_views.kick_off(request, reader, purpose, types)
    response = StreamingHttpResponse(
        export_lines(reader=reader, purpose=purpose, types=types),
        content_type="application/fhir+ndjson",
    )
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = f'attachment; filename="oncoparcours-{purpose}.ndjson"'
    return response


# FHIR Bulk Data's names for NDJSON (the only output format).
NDJSON_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")


def _export_request(request: HttpRequest, reader: Reader) -> tuple[str, set[str]]:
    if reader.client is None:
        raise FhirError(
            403,
            "forbidden",
            "bulk export is for registered systems (OAuth2 client credentials)",
            expression="$export",
        )
    unknown = unknown_parameters(list(request.GET), ("purpose", "_type", "_outputFormat"))
    if unknown:
        raise SearchError(unknown[0], "not a parameter of $export (purpose, _type, _outputFormat)")
    # A "+" left unencoded in the query string arrives as a space.
    output_format = request.GET.get("_outputFormat", NDJSON_FORMATS[0]).replace(" ", "+")
    if output_format not in NDJSON_FORMATS:
        raise SearchError("_outputFormat", f"only NDJSON is written ({', '.join(NDJSON_FORMATS)})")
    if len(request.GET.getlist("purpose")) > 1:
        raise SearchError("purpose", "one purpose per export")
    purpose = request.GET.get("purpose", "")
    if purpose not in EXPORT_PURPOSES:
        raise SearchError("purpose", f"one of {', '.join(EXPORT_PURPOSES)} is required")
    if purpose not in reader.client.export_purposes:
        registered = ", ".join(reader.client.export_purposes) or "none"
        raise FhirError(
            403,
            "forbidden",
            f"this system is not registered to export for {purpose} (registered: {registered})",
            expression="purpose",
        )
    if "_type" not in request.GET:
        # FHIR Bulk Data: without _type, every exported type the client's scopes grant.
        granted = [
            name for name in EXPORT_TYPES if scopes.grants(list(reader.scopes), name, "search")
        ]
        if not granted:
            check_scope(reader, "Patient", "search")
        return purpose, set(granted)
    # ``_type=A,B`` or ``_type=A&_type=B`` (both are FHIR Bulk Data's spelling).
    asked = ",".join(request.GET.getlist("_type")).split(",")
    wrong = [name or "(empty)" for name in asked if name not in EXPORT_TYPES]
    if wrong:
        raise SearchError("_type", f"{wrong[0]} is not exported (only {', '.join(EXPORT_TYPES)})")
    for name in asked:
        check_scope(reader, name, "search")
    return purpose, set(asked)


@login_not_required
@require_GET
def decision_document(request: HttpRequest, decision_id: str) -> HttpResponse:
    """A board decision as a FHIR document bundle (Composition first)."""

    def build(reader: Reader) -> dict[str, Any]:
        check_scope(reader, "Composition", "read")
        decision = documents.decision_for(reader=reader, decision_id=decision_id)
        if decision is None:
            raise not_found("Composition", decision_id)
        return documents.decision_document(
            reader=reader, decision=decision, base=request.build_absolute_uri("/fhir")
        )

    return _answer(request, build)


@login_not_required
def unknown_path(request: HttpRequest, *args: Any) -> HttpResponse:
    refused = FhirError(404, "not-found", f"{request.path} is not a FHIR endpoint of this server")
    return fhir_response(operation_outcome(refused), status=404)
