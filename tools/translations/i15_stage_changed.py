T = {
    "Recorded in the patient's record since the case was registered": "Saisi dans le dossier du patient depuis l'inscription du dossier",
    "New diagnosis": "Nouveau diagnostic",
    "New staging": "Nouvelle stadification",
    "New performance status": "Nouvel état général",
}
