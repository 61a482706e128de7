"""French for the lead's fixes of the ninth session (2026-12-04)."""

T = {
    "The comment alone raises an alert: read it and call the patient back.": "Le commentaire déclenche à lui seul une alerte : lisez-le et rappelez le patient.",
}
