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
T.update(
    {
        "Trial": "Essai",
        "Result": "Résultat",
        "Met or to verify": "Remplis ou à vérifier",
        "Met only": "Remplis seulement",
        "To verify only": "À vérifier seulement",
        "Trials worklists by network": "Listes de travail essais par réseau",
        "Your patients with a cancer in the network's scope and at least one open trial arm met or to verify.": "Vos patients atteints d'un cancer du périmètre du réseau avec au moins un bras d'essai ouvert rempli ou à vérifier.",
        "No network with a scope.": "Aucun réseau avec un périmètre.",
        "Trials worklist — %(code)s": "Liste de travail essais — %(code)s",
        "Your patients only (care team). Results of the last matching; open the record for every criterion's reason.": "Vos patients seulement (équipe de soins). Résultats du dernier appariement ; ouvrez le dossier pour le motif de chaque critère.",
        "Filter the worklist": "Filtrer la liste de travail",
        "Filter": "Filtrer",
        "%(counter)s patient": ("%(counter)s patient", "%(counter)s patients"),
        "Arms met": "Bras remplis",
        "Arms to verify": "Bras à vérifier",
        "No patient of yours in this network has an open arm met or to verify.": "Aucun de vos patients de ce réseau n'a de bras ouvert rempli ou à vérifier.",
        "new arms met or to verify: %(arms)s": "nouveaux bras remplis ou à vérifier : %(arms)s",
        "now met: %(arms)s": "désormais remplis : %(arms)s",
        "closed: %(arms)s": "fermés : %(arms)s",
        "Clinical trials for %(patient)s changed — %(changes)s. See the record.": "Essais cliniques de %(patient)s modifiés — %(changes)s. Voir le dossier.",
    }
)
T.update(
    {
        "Eligibility tree (JSON)": "Arbre d'éligibilité (JSON)",
        'Nodes: {"and": [...]}, {"or": [...]}, {"not": {...}} or a criterion {"criterion": ..., "text": verbatim source text}. Criteria added or changed are marked curated, with your name and today\'s date.': 'Nœuds : {"and": [...]}, {"or": [...]}, {"not": {...}} ou un critère {"criterion": ..., "text": texte source exact}. Les critères ajoutés ou modifiés sont marqués structurés à la main, avec votre nom et la date du jour.',
        "What changes and why": "Ce qui change et pourquoi",
        "Not valid JSON (line %(line)s): %(error)s": "JSON non valide (ligne %(line)s) : %(error)s",
        "New version saved; patients matched again.": "Nouvelle version enregistrée ; patients appariés à nouveau.",
        "Each criterion added or changed needs its verbatim source text: %(paths)s": "Chaque critère ajouté ou modifié doit porter son texte source exact : %(paths)s",
        "Say what the edit changes and why.": "Dites ce que la modification change et pourquoi.",
        "Curate arm %(arm)s": "Structurer le bras %(arm)s",
        "Curate arm %(arm)s (version %(version)s)": "Structurer le bras %(arm)s (version %(version)s)",
        "Current eligibility": "Éligibilité actuelle",
        "Edit": "Modifier",
        "Preview the patients affected": "Voir les patients concernés",
        "Save as a new version": "Enregistrer une nouvelle version",
        "What this edit changes": "Ce que cette modification change",
        "%(counter)s patient added (met or to verify)": (
            "%(counter)s patient ajouté (rempli ou à vérifier)",
            "%(counter)s patients ajoutés (remplis ou à vérifier)",
        ),
        "%(counter)s patient outside your care teams": (
            "%(counter)s patient hors de vos équipes de soins",
            "%(counter)s patients hors de vos équipes de soins",
        ),
        "%(counter)s patient removed": (
            "%(counter)s patient retiré",
            "%(counter)s patients retirés",
        ),
        "Nothing is saved yet.": "Rien n'est encore enregistré.",
        "History of edits": "Historique des modifications",
        "Version %(number)s, %(when)s": "Version %(number)s, %(when)s",
        "import": "import",
        "Curate (edit, preview, history)": "Structurer (modifier, prévisualiser, historique)",
    }
)


# Plural entries (msgid -> (singular, plural)), moved out of T.
PLURALS = {k: v for k, v in T.items() if isinstance(v, tuple)}
T = {k: v for k, v in T.items() if not isinstance(v, tuple)}
T.update(
    {
        "trial matching result": "résultat d'appariement aux essais",
        "trial matching results": "résultats d'appariement aux essais",
    }
)
