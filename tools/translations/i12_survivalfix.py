"""French translations for issue 12, part 4 follow-up (poor-prognosis histologies)."""

T = {
    "survival of this histology at this site (the site figure holds only for its usual"
    " histologies)": "survie de cette histologie pour cette localisation (le chiffre de la"
    " localisation ne vaut que pour ses histologies habituelles)",
}
