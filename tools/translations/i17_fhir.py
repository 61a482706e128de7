"""French translations of the strings added for issue 17 (FHIR API), step 1."""

T = {
    "Interoperability (FHIR)": "Interopérabilité (FHIR)",
}
