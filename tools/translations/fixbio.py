"""French for the biomarker entry safety fixes (branch fixbio)."""

T = {
    "PD-L1 on immune cells (IC) is not structured: enter the TPS or the CPS, or keep the result "
    "in the report.": "Le PD-L1 sur les cellules immunitaires (IC) n'est pas structuré : saisir "
    "le TPS ou le CPS, ou garder le résultat dans le compte rendu.",
    "MSI-L (low instability) is not structured: enter the status as the report concludes, MSS "
    "or MSI-H, or keep the result in the report.": "MSI-L (instabilité faible) n'est pas "
    "structuré : saisir le statut conclu par le compte rendu, MSS ou MSI-H, ou garder le "
    "résultat dans le compte rendu.",
    "Say dMMR (loss of a mismatch repair protein) or pMMR (proteins retained): on "
    'immunohistochemistry "positive" often means the proteins are expressed.': "Préciser dMMR "
    "(perte d'expression d'une protéine MMR) ou pMMR (expression conservée) : en "
    "immunohistochimie, « positif » signifie souvent que les protéines sont exprimées.",
}
