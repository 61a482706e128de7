"""French translations for issue 15 leftovers (branch trialsfin): CTML export and import
refusals, the trials command's messages, sites enrolling by invitation, HER2 2+ with an
ERBB2 amplification not known by in situ hybridisation, the method of a molecular result."""

T = {
    # CTML export (every refusal names the path of the criterion and why).
    "arm %(code)s": "bras %(code)s",
    "%(path)s: this disease criterion cannot be written in CTML (one OncoTree name or group, optionally negated, is all CTML says)": "%(path)s : ce critère de diagnostic ne peut pas s'écrire en CTML (CTML ne dit qu'un nom OncoTree ou un groupe, éventuellement exclu)",
    "%(path)s: this disease criterion has no OncoTree name in our mapping table": "%(path)s : ce critère de diagnostic n'a pas de nom OncoTree dans notre table de correspondance",
    "%(path)s: this IHC criterion cannot be written in CTML (CTML only says HER2, ER or PR positive or negative)": "%(path)s : ce critère d'immunohistochimie ne peut pas s'écrire en CTML (CTML ne dit que HER2, RE ou RP positif ou négatif)",
    "%(path)s: alteration type %(value)s cannot be written in CTML": "%(path)s : le type d'altération %(value)s ne peut pas s'écrire en CTML",
    "%(path)s: eligibility text still to curate cannot be written in CTML (curate it into criteria first)": "%(path)s : un texte d'éligibilité encore à structurer ne peut pas s'écrire en CTML (structurez-le d'abord en critères)",
    "%(path)s: criterion %(value)s cannot be written in CTML": "%(path)s : le critère %(value)s ne peut pas s'écrire en CTML",
    "%(path)s: an exclusion (NOT) other than of a diagnosis cannot be written in CTML": "%(path)s : une exclusion (NOT) autre que celle d'un diagnostic ne peut pas s'écrire en CTML",
    # CTML import: parts of the wrong shape, by path.
    "%(path)s: a mapping of fields is expected": "%(path)s : une table de champs est attendue",
    "%(path)s: a list of steps is expected": "%(path)s : une liste d'étapes est attendue",
    "%(path)s: a list of arms is expected": "%(path)s : une liste de bras est attendue",
    "%(path)s: a list of mappings with a value is expected": "%(path)s : une liste de tables avec une valeur (value) est attendue",
    # ClinicalTrials.gov records: parts of the wrong shape, by path.
    "%(path)s: a list of mappings is expected": "%(path)s : une liste de tables est attendue",
    "%(path)s: %(value)s is not a number": "%(path)s : %(value)s n'est pas un nombre",
    "site %(name)s": "site %(name)s",
    # The trials command.
    "No trial with the NCT number %(value)s in the registry.": "Aucun essai de numéro NCT %(value)s dans le registre.",
    "No file %(path)s.": "Pas de fichier %(path)s.",
    "%(trial)s: %(arms)s arm(s), %(sites)s French site(s) — %(title)s": "%(trial)s : %(arms)s bras, %(sites)s site(s) français — %(title)s",
    # HER2 2+ and an ERBB2 amplification result not by in situ hybridisation.
    "2+, ERBB2 amplified by sequencing (NGS) or by a method not recorded: an in situ hybridisation (ISH) is needed to conclude (ASCO/CAP 2018)": "2+, ERBB2 amplifié en séquençage (NGS) ou par une méthode non notée : une hybridation in situ (ISH) est nécessaire pour conclure (ASCO/CAP 2018)",
    "2+, ERBB2 not amplified by sequencing (NGS) or by a method not recorded: an in situ hybridisation (ISH) is needed to conclude (ASCO/CAP 2018)": "2+, ERBB2 non amplifié en séquençage (NGS) ou par une méthode non notée : une hybridation in situ (ISH) est nécessaire pour conclure (ASCO/CAP 2018)",
    # The method of a molecular result.
    "In situ hybridisation (FISH, CISH, SISH)": "Hybridation in situ (FISH, CISH, SISH)",
    "Sequencing (NGS)": "Séquençage (NGS)",
    "PCR": "PCR",
    "Other method": "Autre méthode",
    "method": "méthode",
    "Method": "Méthode",
    "As in the report. An ERBB2 amplification decides a HER2 2+ only by in situ hybridisation (ASCO/CAP 2018): by NGS or without the method, the 2+ stays to verify.": "Comme dans le compte rendu. Une amplification d'ERBB2 ne conclut un HER2 2+ que par hybridation in situ (ASCO/CAP 2018) : en NGS ou sans méthode notée, le 2+ reste à vérifier.",
    "One result per row; columns: type, gène, altération, exon, modification protéique, partenaire de fusion, classe, TMB, statut MSI, marqueur IHC, échelle IHC, valeur IHC, date de prélèvement, source, méthode (facultative : FISH, NGS…).": "Un résultat par ligne ; colonnes : type, gène, altération, exon, modification protéique, partenaire de fusion, classe, TMB, statut MSI, marqueur IHC, échelle IHC, valeur IHC, date de prélèvement, source, méthode (facultative : FISH, NGS…).",
}
