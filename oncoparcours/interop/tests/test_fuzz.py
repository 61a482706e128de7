"""Property-based fuzzing of the FHIR API from its own CapabilityStatement: for every resource
type and search parameter it declares (plus unknown ones), random values and random ids never
give a server error, and every refusal is an OperationOutcome."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oncoparcours.testing.factories import CareTeamMemberFactory, DiagnosisFactory

pytestmark = pytest.mark.django_db

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
VALUES = st.one_of(
    TEXT,
    st.from_regex(r"(eq|ne|gt|lt|ge|le|sa|eb|ap)?\d{4}(-\d{2}(-\d{2})?)?", fullmatch=True),
    st.from_regex(r"(Patient/)?[0-9a-f-]{0,40}", fullmatch=True),
    st.from_regex(r"https?://[a-z./]{1,20}\|[A-Za-z0-9.-]{0,12}", fullmatch=True),
    st.integers(-5, 500).map(str),
)


@pytest.fixture
def declared(staff):
    statement = staff.get("/fhir/metadata").json()
    return {
        resource["type"]: [p["name"] for p in resource.get("searchParam", [])]
        for resource in statement["rest"][0]["resource"]
    }


def check(answer):
    assert answer.status_code < 500, answer.content[:300]
    if answer.status_code >= 400:
        assert answer.json()["resourceType"] == "OperationOutcome"


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_searches_and_reads_never_fail_with_a_server_error(staff, doctor, declared, data):
    if not hasattr(doctor, "_fuzz_patient"):
        diagnosis = DiagnosisFactory()
        CareTeamMemberFactory(patient=diagnosis.patient, professional=doctor)
        doctor._fuzz_patient = diagnosis.patient
    resource_type = data.draw(st.sampled_from(sorted(declared)))
    names = data.draw(
        st.lists(
            st.one_of(st.sampled_from(declared[resource_type] or ["_count"]), TEXT),
            max_size=3,
        )
    )
    query = {name: data.draw(VALUES) for name in names}
    check(staff.get(f"/fhir/{resource_type}", query))
    check(staff.get(f"/fhir/{resource_type}/{data.draw(VALUES)[:64] or 'x'}"))
    check(staff.get(f"/fhir/Patient/{doctor._fuzz_patient.pk}/$everything", query))


def test_anonymous_and_bad_tokens_are_operation_outcomes():
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer nope"}):
        answer = Client().get("/fhir/Patient", **headers)
        assert answer.status_code == 401
        assert answer.json()["resourceType"] == "OperationOutcome"
