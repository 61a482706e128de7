"""French translations for issue 15 step 2: trials on the board case and in the decision,
network worklist, re-matching notices, curation pages."""

T = {
    "Clinical trials to discuss": "Essais cliniques à discuter",
    "basket trial": "essai panier",
    "%(counter)s clinical trial arm to discuss": (
        "%(counter)s bras d'essai clinique à discuter",
        "%(counter)s bras d'essais cliniques à discuter",
    ),
    "trial arm proposed": "bras d'essai proposé",
    "Clinical trial proposed (registry arm)": "Essai clinique proposé (bras du registre)",
    "The arms matching this patient come first, with their result.": "Les bras correspondant à ce patient viennent en premier, avec leur résultat.",
    "Trial not in the registry (free text)": "Essai absent du registre (texte libre)",
    "Only when the trial is not in the registry.": "Seulement si l'essai n'est pas dans le registre.",
    "Its identifier (e.g. NCT number)": "Son identifiant (ex. numéro NCT)",
    "No trial from the registry": "Aucun essai du registre",
    "Matching this patient": "Correspond à ce patient",
    "Other open arms": "Autres bras ouverts",
    "Choose an arm from the list.": "Choisissez un bras dans la liste.",
    "Choose an arm of the registry or type a trial not in the registry, not both.": "Choisissez un bras du registre ou saisissez un essai absent du registre, pas les deux.",
    "This arm is not open to inclusion (%(status)s): choose an open arm.": "Ce bras n'est pas ouvert aux inclusions (%(status)s) : choisissez un bras ouvert.",
    "(not in the registry)": "(absent du registre)",
}
