T = {
    "%(what)s changed since the case was registered": "%(what)s modifié depuis l'inscription du dossier",
}
