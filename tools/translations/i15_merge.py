"""French for a message of the FHIR import with the single biomarker source."""

T = {
    "This molecular result is already recorded with other values: correct it on the patient record (a correction keeps the history).": "Ce résultat moléculaire est déjà enregistré avec d'autres valeurs : corrigez-le dans le dossier du patient (une correction garde l'historique).",
}

T["Import: %(source)s"] = "Import : %(source)s"
