"""French translations of the strings added for issue 12, part 5 (consent and oppositions
honoured by exports) and part 6 (Article 51 cost, near-home share)."""

T = {
    # Consent model and form
    "Sharing and reuse of health data": "Partage et réutilisation des données de santé",
    "Sharing with a network (expert centres, regional cancer network)": (
        "Partage avec un réseau (centres experts, réseau régional de cancérologie)"
    ),
    "Reuse of the data for research": "Réutilisation des données pour la recherche",
    "Transmission to a cancer registry": "Transmission à un registre des cancers",
    "Evaluation and steering (indicators, Article 51 evaluation, evaluators' extracts)": (
        "Évaluation et pilotage (indicateurs, évaluation « article 51 », extractions pour les "
        "évaluateurs)"
    ),
    "Tumour board information: the patient was told their case will be discussed (care team). "
    "Sharing and reuse: who may receive or reuse their data.": (
        "Information sur la RCP : le patient a été informé que son dossier sera discuté (équipe "
        "de soins). Partage et réutilisation : qui peut recevoir ou réutiliser ses données."
    ),
    "Purpose": "Finalité",
    "An opposition to a purpose other than the care team removes the patient from every export "
    "of that purpose (indicators, extracts, research, registry or network files) produced from "
    "the date of the decision, whatever period the export covers.": (
        "Une opposition à une finalité autre que l'équipe de soins retire le patient de toute "
        "exportation de cette finalité (indicateurs, extractions, fichiers de recherche, de "
        "registre ou de réseau) produite à partir de la date de la décision, quelle que soit la "
        "période couverte."
    ),
    "Patient's decision": "Décision du patient",
    "Date of the patient's decision": "Date de la décision du patient",
    "The tumour board information concerns the care team: choose “Care team”.": (
        "L'information sur la RCP concerne l'équipe de soins : choisissez « Équipe de soins »."
    ),
    "Left out of every export for:": "Exclu(e) de toute exportation pour :",
}
T.update(
    {
        # Board statistics: the definition next to the near-home share
        "Definition:": "Définition :",
        "overseas board: a patient is treated near home unless transferred to mainland France "
        "for treatment (a decision for an expert centre counts only when that centre is "
        "overseas).": (
            "RCP ultramarine : un patient est pris en charge à proximité de son domicile s'il "
            "n'est pas transféré en métropole pour son traitement (une décision de prise en "
            "charge en centre expert ne compte que si ce centre est outre-mer)."
        ),
        "the decision sets the place of care to the proximity centre.": (
            "la décision fixe le lieu de soins au centre de proximité."
        ),
    }
)
T.update(
    {
        # Indicators: exclusions on pages and in files
        "No opposition applied to this export.": "Aucune opposition appliquée à cette exportation.",
        "Purpose: %(purpose)s (legal basis: %(basis)s)": (
            "Finalité : %(purpose)s (base légale : %(basis)s)"
        ),
        "Produced on %(day)s; oppositions in force that day apply to every period.": (
            "Produit le %(day)s ; les oppositions en vigueur ce jour-là s'appliquent à toutes les "
            "périodes."
        ),
        "— left out of every indicator below, its pages and downloads, from the day the "
        "opposition was recorded.": (
            "— retirés de tous les indicateurs ci-dessous, de leurs pages et de leurs "
            "téléchargements, dès le jour où l'opposition a été enregistrée."
        ),
        "Declare the purpose of the extract: the patients who object to it are left out, and the "
        "file says how many (first lines of the CSV starting with #, metadata of the Parquet "
        "file).": (
            "Déclarez la finalité de l'extraction : les patients qui s'y opposent en sont retirés "
            "et le fichier indique leur nombre (premières lignes du CSV commençant par #, "
            "métadonnées du fichier Parquet)."
        ),
        "Extract by declared purpose": "Extraction par finalité déclarée",
        "Purpose": "Finalité",
        "Legal basis": "Base légale",
        "Patients excluded": "Patients exclus",
        "Download": "Télécharger",
        "Parquet for %(purpose)s": "Parquet pour la finalité « %(purpose)s »",
        "CSV for %(purpose)s": "CSV pour la finalité « %(purpose)s »",
        "Parquet with dates shifted per patient for %(purpose)s": (
            "Parquet, dates décalées par patient, pour la finalité « %(purpose)s »"
        ),
        # Catalogue: Article 51 cost terms
        "approx., to check": "approx., à vérifier",
        "Where to check:": "Où vérifier :",
        "Transport round trip": "Transport aller-retour",
    }
)

PLURALS = {
    "%(count)s patient excluded (opposition to the purpose “%(purpose)s”)": (
        "%(count)s patient exclu (opposition à la finalité « %(purpose)s »)",
        "%(count)s patients exclus (opposition à la finalité « %(purpose)s »)",
    ),
}
