"""Systems authenticating with signed assertions (private_key_jwt, SMART Backend Services)
against the real token endpoint: a good ES384 / RS384 assertion gets a token; a replayed,
expired, mis-addressed, unsigned or foreign-signed one is refused and audited; such a client
cannot fall back to a secret; its registration refuses private keys."""

from __future__ import annotations

import base64
import json
import time
import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from jwcrypto import jwk, jwt

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.interop import services
from oncoparcours.interop.client_assertions import token_endpoint

pytestmark = pytest.mark.django_db
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def new_key(kind: str = "EC", kid: str = "k1") -> jwk.JWK:
    if kind == "EC":
        return jwk.JWK.generate(kty="EC", crv="P-384", kid=kid)
    return jwk.JWK.generate(kty="RSA", size=2048, kid=kid)


def public_set(*keys: jwk.JWK) -> dict:
    return {"keys": [json.loads(key.export_public()) for key in keys]}


def assertion(key, client_id, alg="ES384", **claims) -> str:
    now = int(time.time())
    values = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_endpoint(),
        "exp": now + 240,
        "jti": str(uuid.uuid4()),
        **claims,
    }
    token = jwt.JWT(header={"alg": alg, "kid": key.get("kid"), "typ": "JWT"}, claims=values)
    token.make_signed_token(key)
    return token.serialize()


def ask(client_assertion, scope="system/Patient.rs", **extra):
    data = {
        "grant_type": "client_credentials",
        "scope": scope,
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion,
        **extra,
    }
    return Client().post("/fhir/auth/token", data)


@pytest.fixture
def key():
    return new_key()


@pytest.fixture
def registered(lyon, key):
    return services.api_client_create(
        actor=None,
        name="Entrepôt régional",
        organisations=[lyon],
        scopes=["system/Patient.rs"],
        jwks=public_set(key),
    )


def test_signed_assertion_gets_a_token_that_reads(registered, key, lyon_patient):
    answer = ask(assertion(key, registered.client_id))
    assert answer.status_code == 200, answer.content
    access = answer.json()["access_token"]
    bundle = Client().get("/fhir/Patient", HTTP_AUTHORIZATION=f"Bearer {access}").json()
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(lyon_patient.pk)]
    assert registered.client_secret == ""


def test_rsa_keys_sign_with_rs384(lyon):
    rsa = new_key("RSA", kid="rsa-1")
    new = services.api_client_create(
        actor=None, name="DPI", organisations=[lyon], scopes=["system/Patient.rs"],
        jwks=public_set(rsa),
    )  # fmt: skip
    assert ask(assertion(rsa, new.client_id, alg="RS384")).status_code == 200


def test_a_replayed_assertion_is_refused(registered, key):
    signed = assertion(key, registered.client_id)
    assert ask(signed).status_code == 200
    replay = ask(signed)
    assert replay.status_code == 401 and replay.json()["error"] == "invalid_client"
    refused = AuditEvent.objects.filter(action="denied", details__what="FHIR client assertion")
    assert refused.get().details["problems"] == ["jti: this assertion was already used"]


@pytest.mark.parametrize(
    ("claims", "problem"),
    [
        ({"aud": "https://ailleurs.example/token"}, "aud"),
        ({"exp": int(time.time()) - 600}, "exp"),
        ({"exp": int(time.time()) + 3600}, "exp"),
        ({"sub": "someone-else"}, "iss and sub"),
        ({"jti": ""}, "jti"),
    ],
)
def test_bad_claims_are_refused_and_audited(registered, key, claims, problem):
    answer = ask(assertion(key, registered.client_id, **claims))
    assert answer.status_code == 401
    refused = AuditEvent.objects.get(action="denied", details__what="FHIR client assertion")
    assert refused.details["problems"][0].startswith(problem)
    assert refused.actor_label == "Entrepôt régional (FHIR client)"


def test_a_key_the_client_did_not_register_is_refused(registered):
    stranger = new_key(kid="k1")  # same kid, another key
    assert ask(assertion(stranger, registered.client_id)).status_code == 401
    refused = AuditEvent.objects.get(action="denied", details__what="FHIR client assertion")
    assert refused.details["problems"] == ["signature: not made by a key the client registered"]


def test_unsigned_and_shared_secret_algorithms_are_refused(registered):
    claims = {
        "iss": registered.client_id,
        "sub": registered.client_id,
        "aud": token_endpoint(),
        "exp": int(time.time()) + 60,
        "jti": "x",
    }

    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    unsigned = f"{part({'alg': 'none'})}.{part(claims)}."
    assert ask(unsigned).status_code == 401
    secret = jwk.JWK.generate(kty="oct", size=384, kid="k1")
    assert ask(assertion(secret, registered.client_id, alg="HS384")).status_code == 401
    problems = AuditEvent.objects.filter(
        action="denied", details__what="FHIR client assertion"
    ).values_list("details__problems", flat=True)
    assert all(p[0].startswith("alg") for p in problems) and len(problems) == 2


def test_such_a_client_cannot_use_a_secret(registered):
    application = registered.client.application
    application.client_secret = "a-secret-someone-knows"  # hashed on save
    application.save()
    basic = base64.b64encode(f"{application.client_id}:a-secret-someone-knows".encode()).decode()
    answer = Client().post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials", "scope": "system/Patient.rs"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert answer.status_code == 401
    refused = AuditEvent.objects.get(action="denied", details__what="FHIR client assertion")
    assert refused.details["problems"] == ["client_secret: this client signs assertions"]


def test_registration_refuses_a_private_key(lyon, key, tmp_path):
    private = {"keys": [json.loads(key.export_private())]}
    with pytest.raises(ApplicationError) as refused:
        services.api_client_create(
            actor=None, name="X", organisations=[lyon], scopes=["system/Patient.rs"],
            jwks=private,
        )  # fmt: skip
    assert refused.value.field == "jwks" and "private key" in refused.value.message
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(public_set(key)))
    call_command(
        "fhir_client", "create", "--name", "Registre", "--finess", lyon.finess,
        "--scope", "system/Patient.rs", "--jwks", str(path),
    )  # fmt: skip


def test_discovery_advertises_private_key_jwt():
    found = Client().get("/fhir/.well-known/smart-configuration").json()
    assert found["token_endpoint"] == token_endpoint()
    assert "private_key_jwt" in found["token_endpoint_auth_methods_supported"]
    assert found["token_endpoint_auth_signing_alg_values_supported"] == ["RS384", "ES384"]
