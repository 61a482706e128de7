"""French translations of the asynchronous bulk export (issue 17)."""

T = {
    "bulk export\x04queued": "en attente",
    "bulk export\x04running": "en cours",
    "bulk export\x04completed": "terminé",
    "bulk export\x04failed": "en échec",
    "bulk export\x04cancelled": "annulé",
    "bulk export\x04expired": "expiré",
    "client": "client",
    "purpose": "finalité",
    "resource types": "types de ressources",
    "kick-off request": "requête de lancement",
    "data read at": "données lues le",
    "finished at": "terminé le",
    "patients to export": "patients à exporter",
    "patients exported": "patients exportés",
    "files": "fichiers",
    "error": "erreur",
    "bulk export": "export en masse",
    "bulk exports": "exports en masse",
    "export purposes": "finalités d'export",
    "Unknown export purpose: %(purposes)s. Known: %(known)s.": "Finalité d'export inconnue : %(purposes)s. Finalités connues : %(known)s.",
}
