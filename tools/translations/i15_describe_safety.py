T = {
    "except ICD-O-3 morphology %(codes)s": "sauf morphologie CIM-O-3 %(codes)s",
    "(negative)": "(négatif)",
    "Exclusion: ": "Exclusion : ",
    "no longer matching: %(arms)s": "ne correspondent plus : %(arms)s",
    "now to verify: %(arms)s": "désormais à vérifier : %(arms)s",
}
PLURALS = {
    "The patient is %(age)s year old.": ("Le patient a %(age)s an.", "Le patient a %(age)s ans."),
}
