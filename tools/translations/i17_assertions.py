"""French for private_key_jwt client registration (issue 17)."""

T = {
    "public keys (JWK Set)": "clés publiques (JWK Set)",
}
