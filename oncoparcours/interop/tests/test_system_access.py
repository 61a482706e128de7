"""Systems call the FHIR API with OAuth2 client credentials (the real django-oauth-toolkit token
endpoint, no mock): SMART v2 system scopes granted per client, patients limited to the care
teams of the client's organisations, every token and read audited, deactivation immediate."""

from __future__ import annotations

import base64

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.interop import services
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    PatientFactory,
)

pytestmark = pytest.mark.django_db
PURPOSES = ("network", "evaluation", "research", "registry")


def register(organisation, scopes, purposes=PURPOSES):
    return services.api_client_create(
        actor=None,
        name="DPI du CHU",
        organisations=[organisation],
        scopes=scopes,
        export_purposes=list(purposes),
    )


def token(new, scope, status=200):
    basic = base64.b64encode(f"{new.client_id}:{new.client_secret}".encode()).decode()
    answer = Client().post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert answer.status_code == status, answer.content
    return answer.json()


def call(access_token, url):
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {access_token}")


def test_a_client_reads_its_organisations_patients_only(lyon, lyon_patient):
    elsewhere = PatientFactory()
    CareTeamMemberFactory(patient=elsewhere)  # a care team without anyone from Lyon
    new = register(lyon, ["system/Patient.rs", "system/Condition.rs"])
    granted = token(new, "system/Patient.rs")
    assert granted["token_type"] == "Bearer" and granted["expires_in"] <= 300
    bundle = call(granted["access_token"], "/fhir/Patient").json()
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(lyon_patient.pk)]
    assert call(granted["access_token"], f"/fhir/Patient/{elsewhere.pk}").status_code == 404
    reads = AuditEvent.objects.filter(patient_id=lyon_patient.pk, action="view")
    assert [(e.actor, e.actor_label) for e in reads] == [(None, "DPI du CHU (FHIR client)")]
    assert AuditEvent.objects.filter(patient_id=elsewhere.pk, action="denied").exists()
    issued = AuditEvent.objects.get(action="login", details__what="FHIR access token")
    assert issued.details["scopes"] == ["system/Patient.rs"]


def test_a_scope_not_in_the_token_is_forbidden_by_name(lyon, lyon_patient):
    DiagnosisFactory(patient=lyon_patient)
    new = register(lyon, ["system/Patient.rs", "system/Condition.rs"])
    access = token(new, "system/Patient.r")["access_token"]
    assert call(access, f"/fhir/Patient/{lyon_patient.pk}").status_code == 200
    search = call(access, "/fhir/Patient")
    assert search.status_code == 403
    assert "system/Patient.s" in search.json()["issue"][0]["diagnostics"]
    assert call(access, f"/fhir/Condition?patient={lyon_patient.pk}").status_code == 403


def test_a_client_cannot_obtain_scopes_it_was_not_granted(lyon):
    new = register(lyon, ["system/Patient.rs"])
    refused = token(new, "system/Condition.rs", status=400)
    assert refused["error"] == "invalid_scope"


def test_wrong_secret_and_bad_token_are_refused(lyon, lyon_patient):
    new = register(lyon, ["system/Patient.rs"])
    wrong = services.NewClient(new.client, new.client_id, "not-the-secret")
    assert token(wrong, "system/Patient.rs", status=401)["error"] == "invalid_client"
    answer = call("made-up-token", "/fhir/Patient")
    assert answer.status_code == 401
    assert 'error="invalid_token"' in answer["WWW-Authenticate"]


def test_a_bad_token_is_not_rescued_by_a_session(lyon, lyon_patient):
    staff = Client()
    member = lyon_patient.care_team.get().professional
    staff.force_login(member.user)
    assert staff.get("/fhir/Patient").status_code == 200
    answer = staff.get("/fhir/Patient", HTTP_AUTHORIZATION="Bearer made-up-token")
    assert answer.status_code == 401


def test_deactivation_stops_tokens_already_issued(lyon, lyon_patient):
    new = register(lyon, ["system/Patient.rs"])
    access = token(new, "system/Patient.rs")["access_token"]
    services.api_client_deactivate(actor=None, client=new.client, reason="contrat terminé")
    assert call(access, "/fhir/Patient").status_code == 401
    assert token(new, "system/Patient.rs", status=400)["error"] == "invalid_scope"


def test_registration_refuses_unknown_scopes_and_names_the_field(lyon):
    with pytest.raises(ApplicationError) as refused:
        register(lyon, ["system/Patient.write"])
    assert refused.value.field == "scopes"
    with pytest.raises(ApplicationError) as refused:
        services.api_client_create(
            actor=None, name="X", organisations=[], scopes=["system/Patient.rs"]
        )
    assert refused.value.field == "organisations"


def test_command_registers_and_lists(lyon, capsys):
    call_command(
        "fhir_client",
        "create",
        "--name",
        "Entrepôt",
        "--finess",
        lyon.finess,
        "--scope",
        "system/*.rs",
    )
    printed = capsys.readouterr().out
    assert "client_id=" in printed and "client_secret=" in printed
    call_command("fhir_client", "list")
    assert "Entrepôt" in capsys.readouterr().out
    with pytest.raises(CommandError, match="finess"):
        call_command(
            "fhir_client",
            "create",
            "--name",
            "X",
            "--finess",
            "000000000",
            "--scope",
            "system/*.rs",
        )


def test_the_demo_system_logs_in_with_the_printed_credentials(lyon, lyon_patient):
    from oncoparcours.demo.fhir import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, register_demo_fhir_client

    member = lyon_patient.care_team.get().professional
    member.user.username = "oncologue"
    member.user.save()
    client = register_demo_fhir_client()
    assert client is not None and list(client.organisations.all()) == [lyon]
    demo = services.NewClient(client, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    access = token(demo, "system/Patient.rs system/Condition.rs")["access_token"]
    bundle = call(access, "/fhir/Patient").json()
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(lyon_patient.pk)]
