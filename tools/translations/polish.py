"""French translations of the strings added on branch polish (left-overs of issues 15 and 18)."""

T = {
    # Column headers of a time span: "End" alone collides with the verb ("Terminer").
    "time of day\x04Start": "Début",
    "time of day\x04End": "Fin",
}
