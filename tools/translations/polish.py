"""French translations of the strings added on branch polish (left-overs of issues 15 and 18)."""

T = {
    # Column headers of a time span: "End" alone collides with the verb ("Terminer").
    "time of day\x04Start": "Début",
    "time of day\x04End": "Fin",
    # Trials: discordant results of one marker (issue 15).
    "Discordant results for the same marker: %(results)s. Which one holds is to verify in "
    "the reports.": "Résultats discordants pour le même marqueur : %(results)s. Lequel fait foi "
    "est à vérifier dans les comptes rendus.",
    "%(gene)s: no alteration found": "%(gene)s : aucune altération trouvée",
    "%(label)s classified benign": "%(label)s classé bénin",
    "%(label)s classified pathogenic": "%(label)s classé pathogène",
}
