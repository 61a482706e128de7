"""French translations of the cold tester's fixes (branch cold1): CAR-T sources in plain words,
triage rule references, alert rule labels, role labels, board rule set and sessions' time zones,
indicator catalogue. Applied with tools/apply_translations.py."""

T = {
    # CAR-T: where the label values come from, in plain words
    "product's SmPC (EU)": "RCP du produit (européen)",
    "to confirm in the product's SmPC": "à confirmer dans le RCP du produit",
    "Read in the product's European summary of product characteristics.": "Lue dans le résumé des caractéristiques du produit (RCP européen du produit).",
    "Taken from another document than the product's European summary of product characteristics (summary of the labels, Swiss, UK or US product information): to confirm in the product's summary of characteristics.": "Reprise d'un autre document que le résumé des caractéristiques du produit européen (synthèse des RCP, notice suisse, britannique ou américaine) : à confirmer dans le résumé des caractéristiques du produit.",
    "The team's stricter reading: the value applied asks more than the product's summary of characteristics.": "Lecture plus prudente de l'équipe : la valeur appliquée est plus exigeante que le résumé des caractéristiques du produit.",
    "European summary of product characteristics of %(brand)s (product's SmPC, EMA), revision of %(date)s": "Résumé des caractéristiques du produit %(brand)s (RCP européen du produit, EMA), version du %(date)s",
    "European summary of product characteristics of %(brand)s (product's SmPC, EMA)": "Résumé des caractéristiques du produit %(brand)s (RCP européen du produit, EMA)",
    "Reference against which every value is to be confirmed": "Référence pour confirmer chaque valeur",
    "to confirm": "à confirmer",
    "Summaries of product characteristics of each CAR-T product (European, EMA) and the ANSM list of authorised advanced therapy medicinal products; some values still to confirm in the product's summary of characteristics (update of %(version)s)": "Résumés des caractéristiques de chaque produit CAR-T (RCP européens des produits, EMA) et liste ANSM des médicaments de thérapie innovante autorisés ; certaines valeurs restent à confirmer dans le résumé des caractéristiques du produit (mise à jour de %(version)s)",
    "French blood establishment (EFS), care offer of its health centres, and the French haemapheresis society's practice recommendations (update of %(version)s)": "Établissement français du sang (EFS), offre de soins de ses centres de santé, et recommandations de pratique de la Société française d'hémaphérèse (mise à jour de %(version)s)",
    "CRS and ICANS treatments: the CAR-T products' summaries of characteristics (tocilizumab, corticosteroids), limits to confirm with the centre's protocol; ASTCT 2019 consensus grading (update of %(version)s)": "Traitements du SRC et de l'ICANS : résumés des caractéristiques des produits CAR-T (tocilizumab, corticoïdes), limites à confirmer avec le protocole du centre ; gradation du consensus ASTCT 2019 (mise à jour de %(version)s)",
}
