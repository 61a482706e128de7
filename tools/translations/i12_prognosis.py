"""French translations for issue 12, part 4 (poor-prognosis cancers and networks)."""

T = {
    "Poor prognosis": "Mauvais pronostic",
    "Not a poor-prognosis cancer": "Pas un cancer de mauvais pronostic",
    "Not determined — to check": "Non déterminé — à vérifier",
    "Not determined — not in the survival table": "Non déterminé — absent de la table de survie",
    "Prognosis not determined (to check)": "Pronostic non déterminé (à vérifier)",
    "prognosis to check": "pronostic à vérifier",
    "Survival table %(version)s applied": "Table de survie %(version)s appliquée",
    "Staging recorded": "Stadification enregistrée",
    "Biomarker recorded": "Biomarqueur enregistré",
    "histology (ICD-O-3 morphology)": "histologie (morphologie CIM-O-3)",
    "stage (stage group or TNM)": "stade (groupe de stade ou TNM)",
    "distant metastasis (TNM M category)": "métastases à distance (catégorie M du TNM)",
    "age at diagnosis": "âge au diagnostic",
    "oestrogen receptor status (ER)": "statut des récepteurs aux œstrogènes (RE)",
    "progesterone receptor status (PR)": "statut des récepteurs à la progestérone (RP)",
    "HER2 status": "statut HER2",
    "%(marker)s status": "statut %(marker)s",
    "5-year net survival %(value)s %%": "survie nette à 5 ans %(value)s %%",
    "approx.": "approx.",
    "Missing to decide:": "Manque pour décider :",
    "Once known, the answer could become:": "Une fois connu, la réponse pourrait devenir :",
    "%(value)s %% at 5 years": "%(value)s %% à 5 ans",
    "needs: %(needs)s": "il faut : %(needs)s",
    "Matched entry": "Entrée retenue",
    "what the known facts give so far": "ce que donnent les faits connus à ce stade",
    "Population:": "Population :",
    "Would change the answer": "Changerait la réponse",
    "Poor prognosis when the 5-year net survival is below %(threshold)s %% (INCa definition).": (
        "Mauvais pronostic quand la survie nette à 5 ans est inférieure à %(threshold)s %% "
        "(définition de l'INCa)."
    ),
    "Survival table": "Table de survie",
    "current table %(version)s not applied yet": "table actuelle %(version)s pas encore appliquée",
    "Network referral to check for %(diagnosis)s: %(code)s": (
        "Orientation vers un réseau à vérifier pour %(diagnosis)s : %(code)s"
    ),
    "The prognosis of this diagnosis is not determined: complete the record, then propose the "
    "referral if it is a poor-prognosis cancer.": (
        "Le pronostic de ce diagnostic n'est pas déterminé : complétez le dossier, puis proposez "
        "l'orientation s'il s'agit d'un cancer de mauvais pronostic."
    ),
}
