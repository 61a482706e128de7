"""The trial registry through FHIR: ResearchStudy by NCT number, status mapped so that nothing
unconfirmed reads as recruiting, arms with their status, French sites with their own status;
scopes apply to systems; bad searches are refused naming the parameter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.researchstudy import ResearchStudy

from oncoparcours.testing.factories import ProfessionalFactory
from oncoparcours.trials.models import Arm, Trial, TrialSite

pytestmark = pytest.mark.django_db
OWN_STATUS = "https://oncoparcours.fr/fhir/StructureDefinition/recruitment-status"


@pytest.fixture
def staff():
    client = Client()
    client.force_login(ProfessionalFactory().user)
    return client


def make_trial(**fields) -> Trial:
    values = {
        "nct_id": "NCT01234567",
        "eu_ct_number": "2023-501234-12-00",
        "title": "Panier KRAS G12C tumeurs solides",
        "phase": "I/II",
        "sponsor": "UNICANCER",
        "overall_status": "RECRUITING",
        "conditions": ["Solid tumour"],
        "source": "manual",
        "retrieved_at": timezone.now() - dt.timedelta(days=2),
        **fields,
    }
    return Trial.objects.create(**values)


def test_study_found_by_nct_with_arms_sites_and_statuses(staff):
    trial = make_trial()
    Arm.objects.create(trial=trial, code="A", description="Cohorte poumon", status="open")
    Arm.objects.create(trial=trial, code="B", description="Cohorte côlon", status="suspended")
    TrialSite.objects.create(
        trial=trial, name="Centre Léon Bérard", city="Lyon", status="SUSPENDED",
        latitude=45.74, longitude=4.88,
    )  # fmt: skip
    TrialSite.objects.create(
        trial=trial, name="Gustave Roussy", city="Villejuif", status="RECRUITING"
    )
    make_trial(nct_id="NCT07654321", title="Autre essai")

    bundle = staff.get("/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|NCT01234567")
    assert bundle.status_code == 200 and bundle.json()["total"] == 1
    study = bundle.json()["entry"][0]["resource"]
    ResearchStudy.model_validate(study)
    assert study["status"] == "active"
    assert study["phase"]["coding"][0]["code"] == "phase-1-phase-2"
    assert {"system": "https://euclinicaltrials.eu", "value": "2023-501234-12-00"} in study[
        "identifier"
    ]
    arms = {arm["name"]: arm["extension"][0]["valueCode"] for arm in study["arm"]}
    assert arms == {"A": "open", "B": "suspended"}
    sites = {site["name"]: site for site in study["contained"]}
    lyon = sites["Centre Léon Bérard"]
    assert lyon["extension"][0]["valueCoding"]["code"] == "SUSPENDED"
    assert lyon["position"] == {"latitude": 45.74, "longitude": 4.88}
    assert [site["reference"] for site in study["site"]] == ["#site-1", "#site-2"]
    assert staff.get(f"/fhir/ResearchStudy/{trial.pk}").json()["title"] == trial.title


@pytest.mark.parametrize(
    ("registry_status", "fhir_status"),
    [
        ("UNKNOWN", "closed-to-accrual"),
        ("SUSPENDED", "temporarily-closed-to-accrual"),
        ("NOT_YET_RECRUITING", "approved"),
        ("WITHDRAWN", "withdrawn"),
    ],
)
def test_a_study_not_confirmed_open_is_never_sent_as_recruiting(
    staff, registry_status, fhir_status
):
    trial = make_trial(overall_status=registry_status)
    study = staff.get(f"/fhir/ResearchStudy/{trial.pk}").json()
    assert study["status"] == fhir_status
    assert study["extension"][0]["valueCoding"]["code"] == registry_status
    active = staff.get("/fhir/ResearchStudy?status=active").json()
    assert active["total"] == 0


def test_search_by_status_and_title(staff):
    make_trial(nct_id="NCT00000001", title="Glioblastome récidivant", overall_status="RECRUITING")
    make_trial(nct_id="NCT00000002", title="Glioblastome adjuvant", overall_status="COMPLETED")
    found = staff.get("/fhir/ResearchStudy?title=glioblastome&status=active").json()
    assert [e["resource"]["title"] for e in found["entry"]] == ["Glioblastome récidivant"]
    both = staff.get("/fhir/ResearchStudy?status=active,completed").json()
    assert both["total"] == 2


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=recruiting", "status"),
        ("identifier=http://example.org|NCT1", "identifier"),
        ("_id=not-a-uuid", "_id"),
    ],
)
def test_bad_search_refused_naming_the_parameter(staff, query, parameter):
    response = staff.get(f"/fhir/ResearchStudy?{query}")
    assert response.status_code == 400
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["expression"] == [parameter]
    assert outcome["issue"][0]["diagnostics"]


def test_capability_statement_lists_research_study():
    client = Client()
    client.force_login(ProfessionalFactory().user)
    resources = client.get("/fhir/metadata").json()["rest"][0]["resource"]
    study = next(r for r in resources if r["type"] == "ResearchStudy")
    assert {p["name"] for p in study["searchParam"]} >= {"identifier", "status", "title"}
