"""French translations for the trials try-out fixes (issue 15 cold try-out)."""

T = {
    "%(gene)s exon %(exon)s": "%(gene)s exon %(exon)s",
}
T.update({
    "Since the case was registered": "Depuis l'inscription du dossier",
    "Results added since the case was registered": "Résultats ajoutés depuis l'inscription du dossier",
    "Results corrected or withdrawn since the case was registered": (
        "Résultats corrigés ou retirés depuis l'inscription du dossier"
    ),
    "The list above is the one read from the record when the case was registered; the physician re-reads it from the case page.": (
        "La liste ci-dessus est celle lue dans le dossier à l'inscription ; le médecin la relit "
        "depuis la page du dossier RCP."
    ),
})
