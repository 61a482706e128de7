"""Checks of a client assertion's claims (pure), for ``private_key_jwt`` client authentication
(RFC 7523 §3, SMART App Launch v2 "Backend Services"): issuer and subject are the client id,
the audience is our token endpoint, it expires within five minutes and carries a ``jti``.
Signature checking is done by the caller with the client's registered keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# SMART Backend Services: servers SHALL support RS384 and ES384; nothing weaker is accepted
# (no "none", no shared-secret HS* algorithms).
ALGORITHMS = ("RS384", "ES384")
MAX_LIFETIME_SECONDS = 300
CLOCK_SKEW_SECONDS = 60


def header_problems(header: Mapping[str, Any]) -> list[str]:
    if header.get("alg") not in ALGORITHMS:
        return [f"alg: one of {', '.join(ALGORITHMS)} is required"]
    return []


def claims_problems(
    claims: Mapping[str, Any], *, client_id: str, audience: str, now: float
) -> list[str]:
    """What is wrong with the claims; empty when the assertion may be used."""
    problems = []
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        problems.append("iss and sub: both must be the client_id")
    audiences = claims.get("aud")
    if isinstance(audiences, str):
        audiences = [audiences]
    if not isinstance(audiences, list) or audience not in audiences:
        problems.append(f"aud: must be the token endpoint {audience}")
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or isinstance(expires, bool):
        problems.append("exp: a number of seconds is required")
    elif expires < now - CLOCK_SKEW_SECONDS:
        problems.append("exp: the assertion has expired")
    elif expires > now + MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS:
        problems.append(f"exp: at most {MAX_LIFETIME_SECONDS} seconds ahead")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not 1 <= len(jti) <= 255:
        problems.append("jti: a unique identifier (1 to 255 characters) is required")
    return problems


def public_jwks_problems(jwks: Any) -> list[str]:
    """A JWK Set of public signing keys (RSA or EC P-384), each with a ``kid``; a private key
    is refused (it must never be sent to us)."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        return ['jwks: a JSON Web Key Set {"keys": [...]} with at least one key is required']
    problems = []
    for number, key in enumerate(jwks["keys"], start=1):
        if not isinstance(key, dict):
            problems.append(f"jwks.keys[{number}]: a JSON object is expected")
            continue
        if key.get("kty") not in ("RSA", "EC"):
            problems.append(f"jwks.keys[{number}].kty: RSA or EC is expected")
        if "d" in key or "p" in key:
            problems.append(f"jwks.keys[{number}]: this is a private key; send the public key")
        if not key.get("kid"):
            problems.append(f"jwks.keys[{number}].kid: a key id is required")
    return problems
