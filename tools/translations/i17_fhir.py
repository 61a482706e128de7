"""French translations of the strings added for issue 17 (FHIR API), steps 1 and 2."""

T = {
    "Interoperability (FHIR)": "Interopérabilité (FHIR)",
    "OAuth2 application": "Application OAuth2",
    "organisations": "établissements",
    "scopes granted": "autorisations (scopes) accordées",
    "active": "actif",
    "created by": "créé par",
    "API client": "système connecté (API)",
    "API clients": "systèmes connectés (API)",
    "A name is required.": "Un nom est obligatoire.",
    "Unknown scope: %(scopes)s. Offered: %(offered)s.": "Autorisation inconnue : %(scopes)s. "
    "Autorisations proposées : %(offered)s.",
    "At least one scope is required.": "Au moins une autorisation est obligatoire.",
    "At least one organisation is required.": "Au moins un établissement est obligatoire.",
}
