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

T.update(
    {
        # triage rule set page: the rules' references in French, who is also notified
        "Also notified:": "Également prévenus :",
        "ASCO 2021, ESMO 2022: headache on immune checkpoint inhibitors may reveal hypophysitis": "ASCO 2021, ESMO 2022 : sous inhibiteurs de points de contrôle immunitaire, un mal de tête peut révéler une hypophysite",
        "ASCO 2021, ESMO 2022: immune myocarditis (chest pain, often with myositis) can be fatal if missed": "ASCO 2021, ESMO 2022 : une myocardite immunologique (douleur thoracique, souvent avec myosite) peut être mortelle si elle est méconnue",
        "ASCO 2021: colitis grade 2, hold and corticosteroids": "ASCO 2021 : colite de grade 2, suspendre le traitement et corticoïdes",
        "ASCO 2021: diarrhoea/colitis grade 2 on immune checkpoint inhibitors": "ASCO 2021 : diarrhée ou colite de grade 2 sous inhibiteurs de points de contrôle immunitaire",
        "ASCO 2021: hepatitis grade 3, admission above 8 x ULN": "ASCO 2021 : hépatite de grade 3, hospitalisation au-delà de 8 fois la limite supérieure de la normale",
        "ASCO 2021: pneumonitis grade 2, chest imaging": "ASCO 2021 : pneumopathie de grade 2, imagerie thoracique",
        "ASTCT 2019; CAR-T SmPCs 4.4: any fever or neurological sign after infusion needs immediate assessment": "ASTCT 2019 ; RCP des produits CAR-T, rubrique 4.4 : toute fièvre ou tout signe neurologique après la perfusion demande une évaluation immédiate",
        "CAR-T SmPCs 4.4: relatives watch for neurological signs and call at once; ASTCT 2019 ICANS": "RCP des produits CAR-T, rubrique 4.4 : les proches surveillent les signes neurologiques et appellent aussitôt ; ASTCT 2019 (ICANS)",
        "CTCAE v5.0 / ASTCT 2019 grade 4; the CAR-T on-call is told too": "CTCAE v5.0 / ASTCT 2019 grade 4 ; l'équipe CAR-T de garde est aussi prévenue",
        "CTCAE v5.0 grade 1; ASCO 2021: continue treatment at grade 1 (most organs)": "CTCAE v5.0 grade 1 ; ASCO 2021 : poursuivre le traitement au grade 1 (la plupart des organes)",
        "CTCAE v5.0 grade 2; ASCO 2021: hold immunotherapy at grade 2, resume at grade <= 1": "CTCAE v5.0 grade 2 ; ASCO 2021 : suspendre l'immunothérapie au grade 2, la reprendre au grade ≤ 1",
        "CTCAE v5.0 grade 3 (severe); ASCO 2021: hold and corticosteroids at grade 3": "CTCAE v5.0 grade 3 (sévère) ; ASCO 2021 : suspendre le traitement et corticoïdes au grade 3",
        "CTCAE v5.0 grade 4: life-threatening consequences": "CTCAE v5.0 grade 4 : conséquences mettant en jeu le pronostic vital",
        "CTCAE v5.0 grade 4; ESMO 2016: antibiotics within the hour; the oncologist is told too": "CTCAE v5.0 grade 4 ; ESMO 2016 : antibiotiques dans l'heure ; l'oncologue est aussi prévenu",
        "ESMO 2016; ASCO/IDSA 2018: a febrile patient on chemotherapy is managed as neutropenic until a count says otherwise; antibiotics within the hour": "ESMO 2016 ; ASCO/IDSA 2018 : un patient fébrile sous chimiothérapie est pris en charge comme neutropénique tant qu'une numération ne montre pas le contraire ; antibiotiques dans l'heure",
        "Triage contract default@2: fever on chemotherapy or immunotherapy is never routine": "Contrat de tri default@2 : une fièvre sous chimiothérapie ou immunothérapie n'est jamais un suivi de routine",
        "Triage contract default@2; ASTCT 2019: a seizure is ICANS grade >= 3": "Contrat de tri default@2 ; ASTCT 2019 : une convulsion est un ICANS de grade ≥ 3",
    }
)

T.update({"Missing report": "Signalement manquant"})

T.update(
    {
        "Composition rules (version %(version)s): INCa RCP reference, December 2023 update.": "Règles de composition (version %(version)s) : référentiel RCP de l'INCa, actualisation de décembre 2023.",
    }
)

T.update(
    {
        "Every indicator is defined once, the same for every organisation, and computed over the pseudonymised extract of the care events. Strata of fewer than 5 patients are hidden.": "Chaque indicateur est défini une seule fois, de la même façon pour tous les établissements, et calculé sur l'extraction pseudonymisée des événements de soins. Les strates de moins de 5 patients sont masquées.",
        "Code for analysts": "Code pour les analystes",
    }
)

T.update({"Paris time": "heure de Paris"})
