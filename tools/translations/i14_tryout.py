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
