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
