"""French translations of the strings added for issue 13, safe outputs and privacy (input limits,
blood pressure check, rectification trail, right-of-access export)."""

T = {
    # monitoring: input checks
    "Systolic pressure (%(systolic)s mmHg) must be higher than diastolic pressure "
    "(%(diastolic)s mmHg): check both values.": "La pression systolique (%(systolic)s mmHg) doit "
    "être supérieure à la pression diastolique (%(diastolic)s mmHg) : vérifiez les deux valeurs.",
    "The comment is too long (%(length)s characters; at most %(limit)s).": "Le commentaire est "
    "trop long (%(length)s caractères ; %(limit)s au plus).",
    # patients: rectification trail
    "Required when the identity or the contact details change: the previous value, who, when "
    "and why are kept and shown on the record.": "Obligatoire quand l'identité ou les "
    "coordonnées changent : l'ancienne valeur, l'auteur, la date et le motif sont conservés et "
    "affichés dans le dossier.",
    "Correction": "Rectification",
    "field": "champ",
    "previous value": "ancienne valeur",
    "new value": "nouvelle valeur",
    "identity correction": "rectification d'identité",
    "identity corrections": "rectifications d'identité",
    "Say why the identity is corrected (%(fields)s).": "Indiquez le motif de la rectification "
    "(%(fields)s).",
    "Rectification trail": "Historique des rectifications",
    "Field": "Champ",
    "Previous value": "Ancienne valeur",
    "New value": "Nouvelle valeur",
    # privacy: right of access
    "Patients' rights": "Droits des patients",
    "Patient's rights": "Droits du patient",
    "Right of access: everything the platform holds on this patient, and who opened the record. "
    "The download is recorded in the audit trail.": "Droit d'accès : toutes les données que la "
    "plateforme détient sur ce patient, et qui a consulté le dossier. Le téléchargement est "
    "tracé.",
    "Summary for the patient (HTML)": "Synthèse pour le patient (HTML)",
    "All data (JSON)": "Toutes les données (JSON)",
    "Your data held by OncoParcours": "Vos données détenues par OncoParcours",
    "Produced on %(day)s at the patient's request (right of access, GDPR article 15). Every "
    "piece of data the platform holds on the patient is below, then the list of who opened the "
    "record. The complete data is also available as a JSON file.": "Document produit le "
    "%(day)s à la demande du patient (droit d'accès, article 15 du RGPD). Vous trouverez "
    "ci-dessous toutes les données que la plateforme détient sur le patient, puis la liste des "
    "personnes qui ont consulté le dossier. L'ensemble des données est aussi disponible en "
    "fichier JSON.",
    "Who accessed the record": "Qui a consulté le dossier",
    "What": "Quoi",
    "No access recorded.": "Aucun accès enregistré.",
}

PLURALS = {
    "%(counter)s identity correction": (
        "%(counter)s rectification d'identité",
        "%(counter)s rectifications d'identité",
    ),
}
