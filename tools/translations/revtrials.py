"""French for the review fixes of trial matching (branch revtrials)."""

T = {
    "ERBB2 amplified": "ERBB2 amplifié",
    "ERBB2 not amplified": "ERBB2 non amplifié",
    "Discordant results for the same marker: %(results)s. The pathogenic variant found rules the "
    "criterion out; the reports are to check.": "Résultats discordants pour le même marqueur : "
    "%(results)s. Le variant pathogène trouvé exclut le critère ; les comptes rendus sont à "
    "vérifier.",
}
