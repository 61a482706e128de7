"""French translations of the record's lazy sections (branch recordhtmx, issue 19): the
placeholder of a section loaded on its own, its page without JavaScript, the status message.
Applied with tools/apply_translations.py."""

T = {
    "Loading…": "Chargement…",
    "Open the section “%(title)s” on its own page": (
        "Ouvrir la rubrique « %(title)s » sur sa propre page"
    ),
    "Section loaded: %(title)s": "Rubrique chargée : %(title)s",
    "Back to the whole record": "Retour au dossier complet",
}
