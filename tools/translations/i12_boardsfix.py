"""French translations of the tumour-board safety review fixes (issue 12, boardsfix)."""

T = {
    # Board scope and compositions
    "cancers (from the ICD-10 scope)": "cancers (d'après le périmètre CIM-10)",
    "Cancers": "Cancers",
    "Haematological malignancies (haematology compositions)": (
        "Hémopathies malignes (compositions d'hématologie)"
    ),
    "Solid tumours (compositions outside haematology)": (
        "Tumeurs solides (compositions hors hématologie)"
    ),
    "Solid tumours and haematological malignancies: each case's diagnosis decides the "
    "composition": (
        "Tumeurs solides et hémopathies malignes : le diagnostic de chaque dossier décide de la "
        "composition"
    ),
    "solid tumour: composition outside haematology": (
        "tumeur solide : composition hors hématologie"
    ),
    "haematological malignancy (ICD-10 C81–C96, D45–D47): haematology composition": (
        "hémopathie maligne (CIM-10 C81–C96, D45–D47) : composition d'hématologie"
    ),
    "solid tumours and haematological malignancies on one agenda (or no diagnosis): both "
    "compositions at once": (
        "tumeurs solides et hémopathies malignes à l'ordre du jour (ou diagnostic absent) : les "
        "deux compositions à la fois"
    ),
    "The diagnosis %(code)s is outside the scope of %(board)s (%(scope)s): submit the case to a "
    "board that covers this cancer.": (
        "Le diagnostic %(code)s est hors du périmètre de %(board)s (%(scope)s) : présentez le "
        "dossier à une RCP qui couvre ce cancer."
    ),
    "a pharmacist of a hospital pharmacy (PUI) of the board's organisers": (
        "un pharmacien d'une pharmacie à usage intérieur (PUI) d'un établissement organisateur"
    ),
    "a recommendation only: it never blocks a decision": (
        "une recommandation seulement : elle ne bloque jamais une décision"
    ),
    "Quorum for this case": "Quorum pour ce dossier",
    "Quorum not met for this case: the decision will be refused until the attendance is "
    "complete.": (
        "Quorum non atteint pour ce dossier : la décision sera refusée tant que les présences ne "
        "sont pas complètes."
    ),
    "For the cases on the agenda: %(applies)s. Each case's own quorum is on its panel.": (
        "Pour les dossiers de l'ordre du jour : %(applies)s. Le quorum propre à chaque dossier "
        "figure sur sa fiche."
    ),
    "Recommended, not required: %(role)s (presence or opinion). A recommendation only: it "
    "never blocks a decision.": (
        "Recommandé, non exigé : %(role)s (présence ou avis). Une recommandation seulement : "
        "elle ne bloque jamais une décision."
    ),
    "not counted as %(role)s: not from a hospital pharmacy (PUI) of the board's organisers": (
        "non compté comme %(role)s : n'exerce pas dans une pharmacie à usage intérieur (PUI) "
        "d'un établissement organisateur"
    ),
    # Opposition to the tumour-board review
    "the patient's decision: they objected to the review — if they have changed their mind, "
    "record their new decision on the record's consent form": (
        "la décision du patient : il s'est opposé à l'examen de son dossier — s'il a changé "
        "d'avis, enregistrez sa nouvelle décision dans le formulaire de consentement du dossier"
    ),
    "The patient objected to the tumour board review on %(date)s: the case cannot be "
    "discussed. If the patient has changed their mind, record their new decision on the "
    "record's consent form first.": (
        "Le patient s'est opposé à l'examen de son dossier en RCP le %(date)s : le dossier ne "
        "peut pas être discuté. Si le patient a changé d'avis, enregistrez d'abord sa nouvelle "
        "décision dans le formulaire de consentement du dossier."
    ),
    "The patient objected to the tumour board review on %(date)s: this box cannot replace that "
    "decision. If the patient no longer objects, record their new decision on the record's "
    "consent form first, then save the case.": (
        "Le patient s'est opposé à l'examen de son dossier en RCP le %(date)s : cette case ne "
        "peut pas remplacer cette décision. Si le patient ne s'y oppose plus, enregistrez "
        "d'abord sa nouvelle décision dans le formulaire de consentement du dossier, puis "
        "enregistrez le dossier RCP."
    ),
    "The patient objected to the tumour board review on %(date)s. The case cannot be "
    "discussed while this decision is in force, and the box below cannot replace it. If the "
    "patient has changed their mind, record their new decision first:": (
        "Le patient s'est opposé à l'examen de son dossier en RCP le %(date)s. Le dossier ne "
        "peut pas être discuté tant que cette décision est en vigueur, et la case ci-dessous ne "
        "peut pas la remplacer. Si le patient a changé d'avis, enregistrez d'abord sa nouvelle "
        "décision :"
    ),
    "record the patient's decision": "enregistrer la décision du patient",
    "objects to the review": "s'oppose à l'examen en RCP",
    # Opposition to sharing with a network
    "The patient objects to sharing their data with a network (expert centres, regional cancer "
    "network) since %(date)s: no referral can be requested or accepted. If the patient has "
    "changed their mind, record their new decision on the record's consent form first.": (
        "Le patient s'oppose au partage de ses données avec un réseau (centres experts, réseau "
        "régional de cancérologie) depuis le %(date)s : aucune orientation ne peut être demandée "
        "ni acceptée. Si le patient a changé d'avis, enregistrez d'abord sa nouvelle décision "
        "dans le formulaire de consentement du dossier."
    ),
    "The patient objects to sharing their data with a network (expert centres, regional cancer "
    "network) since %(date)s: no referral can be requested.": (
        "Le patient s'oppose au partage de ses données avec un réseau (centres experts, réseau "
        "régional de cancérologie) depuis le %(date)s : aucune orientation ne peut être "
        "demandée."
    ),
    "If the patient has changed their mind, record their new decision first:": (
        "Si le patient a changé d'avis, enregistrez d'abord sa nouvelle décision :"
    ),
    # Board statistics: near-home share
    "Patients treated near home": "Patients traités à proximité",
    "overseas board: a patient is treated near home unless transferred to mainland France for "
    "treatment (a transfer or an expert centre overseas, e.g. from Guadeloupe to Martinique, "
    "counts as near home; an organisation in mainland France or not named does not).": (
        "RCP ultramarine : un patient est traité à proximité s'il n'est pas transféré en "
        "métropole pour son traitement (un transfert ou un centre expert outre-mer, par exemple "
        "de la Guadeloupe à la Martinique, compte à proximité ; un établissement en métropole ou "
        "non précisé, non)."
    ),
    "Unit:": "Unité :",
    "each patient counted once, by the latest decision of this board (as in the indicator « "
    "Share of patients treated near home »).": (
        "chaque patient compté une fois, selon la dernière décision de cette RCP (comme "
        "l'indicateur « Part des patients traités à proximité »)."
    ),
    "Transferred": "Transférés",
    "patients by the latest decision, and %(expert)s at an expert centre": (
        "patients selon la dernière décision, et %(expert)s en centre expert"
    ),
    "of which %(mainland)s to mainland France (the others between overseas territories)": (
        "dont %(mainland)s en métropole (les autres entre territoires ultramarins)"
    ),
    # Surgical specialties (French specialist training in surgery)
    "ENT and head and neck surgery": "ORL et chirurgie cervico-faciale",
    "Maxillofacial surgery": "Chirurgie maxillo-faciale",
    "Plastic, reconstructive and aesthetic surgery": (
        "Chirurgie plastique, reconstructrice et esthétique"
    ),
    "Orthopaedic and trauma surgery": "Chirurgie orthopédique et traumatologique",
    "Paediatric surgery": "Chirurgie pédiatrique",
    # Who recorded a specialty
    "the professional's page of the directory": "la fiche du professionnel dans l'annuaire",
    "a CSV import": "un import CSV",
    "before who recorded it was kept": "avant que l'auteur de la saisie soit conservé",
    "recorded by": "enregistrée par",
    "recorded through": "enregistrée via",
    "recorded by %(who)s on %(when)s, through %(via)s": (
        "enregistrée par %(who)s le %(when)s, via %(via)s"
    ),
    "recorded on %(when)s (%(via)s); who recorded it is not known": (
        "enregistrée le %(when)s (%(via)s) ; son auteur n'est pas connu"
    ),
    "The directory is the reference for these specialties: they are recorded here by an "
    "administrator or a centre manager (who and when are kept and audited) and are not checked "
    "against the RPPS. An import from the RPPS would be the source of truth; the product has "
    "none yet.": (
        "L'annuaire fait référence pour ces spécialités : elles y sont saisies par un "
        "administrateur ou un responsable d'établissement (l'auteur et la date sont conservés "
        "et tracés) et ne sont pas vérifiées auprès du RPPS. Un import depuis le RPPS en serait "
        "la source de vérité ; le produit n'en a pas encore."
    ),
}

PLURALS = {
    "%(near)s of %(counter)s patient": (
        "%(near)s sur %(counter)s patient",
        "%(near)s sur %(counter)s patients",
    ),
    "%(counter)s decided case": (
        "%(counter)s dossier décidé",
        "%(counter)s dossiers décidés",
    ),
}
