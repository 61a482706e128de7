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
T.update({
    "A measured value cannot be negative: check the report.": (
        "Une valeur mesurée ne peut pas être négative : vérifiez le compte rendu."
    ),
    "The value is out of range: a percentage of stained cells (ER, PR, PD-L1 TPS) or a CPS goes from 0 to 100.": (
        "Valeur hors limites : un pourcentage de cellules marquées (RE, RP, PD-L1 TPS) ou un "
        "CPS va de 0 à 100."
    ),
})
