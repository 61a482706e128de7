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
T.update({
    "unknown gene: not an HGNC symbol the platform knows (e.g. BRAF, KRAS)": (
        "gène inconnu : pas un symbole HGNC connu de la plateforme (par ex. BRAF, KRAS)"
    ),
    "ICD-10 codes, e.g. C18 or C50.4": "des codes CIM-10, par ex. C18 ou C50.4",
    "ECOG performance status goes from 0 to 5": "l'indice de performance ECOG va de 0 à 5",
    "an age goes from 0 to 120 years": "un âge va de 0 à 120 ans",
    "TMB goes from 0 to 1000 mutations/Mb": "la TMB va de 0 à 1000 mutations/Mb",
    "a number of prior lines goes from 0 to 100": "un nombre de lignes antérieures va de 0 à 100",
    "a HER2 IHC score goes from 0 to 3 (3+)": "un score HER2 en IHC va de 0 à 3 (3+)",
    "a percentage or a CPS goes from 0 to 100": "un pourcentage ou un CPS va de 0 à 100",
    "the minimum is above the maximum": "le minimum est au-dessus du maximum",
})
T.update({
    "ClinicalTrials.gov record (JSON, API v2)": "Fiche ClinicalTrials.gov (JSON, API v2)",
    "CTML file (YAML)": "Fichier CTML (YAML)",
    "Format": "Format",
    "File": "Fichier",
    "The file is larger than 5 MB.": "Le fichier dépasse 5 Mo.",
    "The file is not text in UTF-8: a JSON or YAML export is expected.": (
        "Le fichier n'est pas du texte en UTF-8 : un export JSON ou YAML est attendu."
    ),
    "Only the clinical-trial curators import trials: ask the clinical research unit of your centre to be named curator.": (
        "Seuls les curateurs des essais cliniques importent des essais : demandez à l'unité de "
        "recherche clinique de votre centre d'être nommé curateur."
    ),
    "Import trials": "Importer des essais",
    "A ClinicalTrials.gov record (JSON, one study or a list) or a CTML file (YAML, one or more documents). All or nothing: if one record has an error, nothing is imported.": (
        "Une fiche ClinicalTrials.gov (JSON, une étude ou une liste) ou un fichier CTML (YAML, "
        "un ou plusieurs documents). Tout ou rien : si une fiche contient une erreur, rien "
        "n'est importé."
    ),
    "Imported:": "Importé :",
    "created in the registry": "créé dans le registre",
    "updated in the registry": "mis à jour dans le registre",
    "Import": "Importer",
})
