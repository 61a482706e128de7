"""French for private_key_jwt client registration (issue 17)."""

T = {
    "public keys (JWK Set)": "clés publiques (JWK Set)",
}

T.update(
    {
        "used client assertion": "assertion client utilisée",
        "used client assertions": "assertions client utilisées",
    }
)
