"""French translations of the strings added for the last cold try-out of issue 14."""

T = {
    # celltherapy: the order page offers only the steps the service accepts now
    "Infusion not possible at the moment": "Perfusion impossible pour le moment",
}

PLURALS: dict[str, tuple[str, str]] = {}

T |= {
    # patients: biomarker results worded for the kind of marker
    "positive": "positif",
    "negative": "négatif",
    "mutated": "muté",
    "not mutated (wild type)": "non muté (sauvage)",
    "rearranged": "réarrangé",
    "not rearranged": "non réarrangé",
    "methylated": "méthylé",
    "not methylated": "non méthylé",
    "unstable (MSI)": "instable (MSI)",
    "stable (MSS)": "stable (MSS)",
    "positive / altered": "positif / altéré",
    "negative / not altered": "négatif / non altéré",
    "equivocal": "équivoque",
    "not assessable": "non interprétable",
}

T |= {
    # privacy: the patient's access summary as a readable document
    "Technical details (internal codes, settings of the care pathway) are not repeated here: they "
    "are in the complete file, which your care team can give you.": "Les détails techniques "
    "(codes internes, réglages du parcours de soins) ne sont pas repris ici : ils figurent dans le "
    "fichier complet, que votre équipe de soins peut vous remettre.",
    "access summary\x04viewed": "consulté",
    "access summary\x04seen in a list": "vu dans une liste",
    "access summary\x04found by a search": "trouvé par une recherche",
    "access summary\x04created": "créé",
    "access summary\x04modified": "modifié",
    "access summary\x04exported": "exporté",
    "access summary\x04imported": "importé",
    "access summary\x04access refused": "accès refusé",
}

T |= {
    # monitoring: the joining words of a rule set's source line
    "in addition to the default policy": "en complément de la politique par défaut",
}

T |= {
    # boards: the secretary's home page
    "Agendas to prepare": "Ordres du jour à préparer",
    "next session %(day)s": "prochaine séance %(day)s",
    "no session planned in the next two months": "aucune séance prévue dans les deux mois",
}
PLURALS |= {
    "%(counter)s complete case waits for a session's agenda.": (
        "%(counter)s dossier complet attend l’ordre du jour d’une séance.",
        "%(counter)s dossiers complets attendent l’ordre du jour d’une séance.",
    ),
    "%(counter)s case to place": (
        "%(counter)s dossier à inscrire",
        "%(counter)s dossiers à inscrire",
    ),
}

PLURALS |= {
    # directory: a regional network counts its members
    "%(counter)s member organisation": (
        "%(counter)s établissement membre",
        "%(counter)s établissements membres",
    ),
}

T |= {
    # celltherapy: a step at the manufacturer's site
    "%(manufacturer)s (recorded by %(name)s)": "%(manufacturer)s (saisi par %(name)s)",
}
