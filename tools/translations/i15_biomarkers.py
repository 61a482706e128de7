"""French for issue 15: one biomarker source (simple entry → structured molecular result) and the
ICD-O-3 behaviour digit of trial disease criteria (branch i15)."""

T = {
    # Model
    "Mutation (SNV or indel, not reported which)": "Mutation (SNV ou indel, non précisé)",
    "To verify: enter again as a structured result": "À vérifier : à ressaisir en résultat structuré",
    "reported marker": "marqueur rapporté",
    "reported alteration": "altération rapportée",
    "reported result": "résultat rapporté",
    "reported value": "valeur rapportée",
    "converted from the free-text biomarker": "converti depuis le biomarqueur en texte libre",
    "%(reported)s (to verify: enter again)": "%(reported)s (à vérifier : à ressaisir)",
    # Simple entry form
    "E.g. EGFR, KRAS G12C, ALK, HER2, PD-L1, RE, MSI-H, TMB.": "Ex. EGFR, KRAS G12C, ALK, HER2, PD-L1, RE, MSI-H, TMB.",
    "E.g. V600E, exon 19 deletion, fusion, amplification.": "Ex. V600E, délétion exon 19, fusion, amplification.",
    "Required for IHC: HER2 score (IHC 0, 1+, 2+, 3+), ER/PR %, PD-L1 TPS % or CPS.": "Obligatoire en IHC : score HER2 (IHC 0, 1+, 2+, 3+), RE/RP en %, PD-L1 TPS en % ou CPS.",
    "Laboratory or report; blank: the pathology or molecular biology report.": "Laboratoire ou compte rendu ; vide : le compte rendu d'anatomopathologie ou de biologie moléculaire.",
    "Biomarker recorded as a molecular result.": "Biomarqueur enregistré comme résultat moléculaire.",
    "Results of the patient: which tumour each belongs to is for a clinician to confirm.": "Résultats du patient : à quelle tumeur chacun se rapporte est à confirmer par un clinicien.",
    "a biomarker": "un biomarqueur",
    # Services
    "Molecular result recorded": "Résultat moléculaire enregistré",
    "Pathology or molecular biology report": "Compte rendu d'anatomopathologie ou de biologie moléculaire",
    "Former free-text entry": "Ancienne saisie en texte libre",
    "Former biomarker entry": "Ancienne saisie de biomarqueur",
    "This field is required.": "Ce champ est obligatoire.",
    "A result not assessable is not a result: record it when the test is repeated.": "Un résultat non évaluable n'est pas un résultat : saisissez-le quand le test sera refait.",
    "Positive or negative is needed for this marker (an equivocal HER2 is entered with its score, 2+).": "Ce marqueur demande positif ou négatif (un HER2 équivoque se saisit avec son score, 2+).",
    "This marker has no structured form yet (e.g. MGMT promoter methylation): keep it in the report.": "Ce marqueur n'a pas encore de forme structurée (ex. méthylation du promoteur de MGMT) : il reste dans le compte rendu.",
    "Name the gene: NTRK1, NTRK2 or NTRK3, KRAS or NRAS, IDH1 or IDH2…": "Nommez le gène : NTRK1, NTRK2 ou NTRK3, KRAS ou NRAS, IDH1 ou IDH2…",
    "Unknown gene or marker: give an HGNC gene symbol (e.g. ERBB2, EGFR) or HER2, ER, PR, PD-L1, MSI, TMB.": "Gène ou marqueur inconnu : donnez un symbole HGNC (ex. ERBB2, EGFR) ou HER2, RE, RP, PD-L1, MSI, TMB.",
    "Give the measured value: HER2 score (IHC 0, 1+, 2+, 3+), percentage of stained cells (ER, PR, PD-L1 TPS), PD-L1 CPS, TMB in mutations/Mb.": "Donnez la valeur mesurée : score HER2 (IHC 0, 1+, 2+, 3+), pourcentage de cellules marquées (RE, RP, PD-L1 TPS), CPS du PD-L1, TMB en mutations/Mb.",
    "The value cannot be read: give one number (e.g. 60 %, CPS 10).": "La valeur n'est pas lisible : donnez un seul nombre (ex. 60 %, CPS 10).",
    "A HER2 score is IHC 0, 1+, 2+ or 3+.": "Un score HER2 vaut IHC 0, 1+, 2+ ou 3+.",
    "HER2 2+ is negative only after in situ hybridisation: record the IHC 2+ and the ERBB2 amplification result (molecular result form).": "Un HER2 2+ n'est négatif qu'après hybridation in situ : saisissez l'IHC 2+ et le résultat de l'amplification d'ERBB2 (formulaire des résultats moléculaires).",
    "Say the PD-L1 scale: TPS in % (e.g. TPS 50 %) or CPS.": "Précisez l'échelle du PD-L1 : TPS en % (ex. TPS 50 %) ou CPS.",
    "The value contradicts the result (e.g. ER positive at 0 %, HER2 positive at 1+): check the report.": "La valeur contredit le résultat (ex. RE positif à 0 %, HER2 positif à 1+) : vérifiez le compte rendu.",
    "Give one exon per result (e.g. exon 19), or the protein change.": "Un exon par résultat (ex. exon 19), ou la modification protéique.",
    "One alteration per result: record each change on its own.": "Une altération par résultat : saisissez chaque modification séparément.",
    "Say which alteration: mutated (or the protein change, e.g. V600E), rearranged (fusion), amplified.": "Précisez l'altération : muté (ou la modification protéique, ex. V600E), réarrangé (fusion), amplifié.",
    "A negative result for one change says nothing of the rest of the gene: record the gene tested without alteration with the molecular result form (exon, kind).": "Un résultat négatif pour une modification ne dit rien du reste du gène : saisissez le gène testé sans altération avec le formulaire des résultats moléculaires (exon, type).",
    "Unknown fusion partner gene (HGNC symbol expected).": "Gène partenaire de fusion inconnu (symbole HGNC attendu).",
    # Trials: ICD-O-3 codes of a disease criterion
    "ICD-O-3 morphology codes: a block (814), a type (8140) or a type with its behaviour digit (8140/3, behaviour 0, 1, 2, 3, 6 or 9); without the digit the code means malignant": "codes morphologiques CIM-O-3 : un bloc (814), un type (8140) ou un type avec son code de comportement (8140/3, comportement 0, 1, 2, 3, 6 ou 9) ; sans ce code, il s'agit d'une tumeur maligne",
    "ICD-O-3 topography codes, e.g. C34 or C34.1": "codes topographiques CIM-O-3, ex. C34 ou C34.1",
}
