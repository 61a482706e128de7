"""French translations of the strings added on branch polish (left-overs of issues 15 and 18)."""

T = {
    # Column headers of a time span: "End" alone collides with the verb ("Terminer").
    "time of day\x04Start": "Début",
    "time of day\x04End": "Fin",
    # Trials: discordant results of one marker (issue 15).
    "Discordant results for the same marker: %(results)s. Which one holds is to verify in "
    "the reports.": "Résultats discordants pour le même marqueur : %(results)s. Lequel fait foi "
    "est à vérifier dans les comptes rendus.",
    "%(gene)s: no alteration found": "%(gene)s : aucune altération trouvée",
    "%(label)s classified benign": "%(label)s classé bénin",
    "%(label)s classified pathogenic": "%(label)s classé pathogène",
    "%(value)s mut/Mb": "%(value)s mut/Mb",
    # Trials importers (ClinicalTrials.gov JSON, CTML YAML): every refusal in French.
    "age: %(value)s is not “N Years”, “N Months”, “N Weeks” or “N Days”": "âge : %(value)s "
    "n'est pas « N Years », « N Months », « N Weeks » ou « N Days »",
    "sex: %(value)s is not ALL, FEMALE or MALE": "sexe : %(value)s n'est pas ALL, FEMALE ou MALE",
    "site status: %(value)s unknown": "statut du site : %(value)s inconnu",
    "not a ClinicalTrials.gov API v2 study (no protocolSection)": "pas une étude de l'API v2 de "
    "ClinicalTrials.gov (pas de protocolSection)",
    "nctId: %(value)s is not NCT followed by 8 digits": "nctId : %(value)s n'est pas NCT suivi "
    "de 8 chiffres",
    "overallStatus: %(value)s unknown": "overallStatus : %(value)s inconnu",
    "no briefTitle": "pas de briefTitle",
    "%(path)s: %(value)s is not a comparison like “>=18”": "%(path)s : %(value)s n'est pas une "
    "comparaison comme « >=18 »",
    "%(path)s: strict comparison %(value)s unsupported, use >= or <=": "%(path)s : comparaison "
    "stricte %(value)s non prise en charge, utiliser >= ou <=",
    "%(path)s: negated group %(value)s unsupported": "%(path)s : groupe nié %(value)s non pris "
    "en charge",
    "%(path)s: OncoTree diagnosis %(value)s not in our mapping table": "%(path)s : diagnostic "
    "OncoTree %(value)s absent de notre table de correspondance",
    "%(path)s: clinical field or value %(value)s unsupported": "%(path)s : champ ou valeur "
    "clinique %(value)s non pris en charge",
    "%(path)s: value unsupported": "%(path)s : valeur non prise en charge",
    "%(path)s: genomic node without hugo_symbol": "%(path)s : nœud génomique sans hugo_symbol",
    "%(path)s: %(value)s unsupported": "%(path)s : %(value)s non pris en charge",
    "%(path)s: %(value)s is not a whole number": "%(path)s : %(value)s n'est pas un nombre entier",
    "%(path)s: %(value)s is not true or false": "%(path)s : %(value)s n'est ni true ni false",
    "%(path)s: genomic fields unsupported: %(fields)s": "%(path)s : champs génomiques non pris "
    "en charge : %(fields)s",
    "%(path)s: a node has exactly one key (and, or, clinical, genomic)": "%(path)s : un nœud a "
    "exactement une clé (and, or, clinical, genomic)",
    "%(path)s: needs a non-empty list": "%(path)s : une liste non vide est attendue",
    "%(path)s: empty node": "%(path)s : nœud vide",
    "%(path)s: %(value)s unsupported (and, or, clinical, genomic)": "%(path)s : %(value)s non "
    "pris en charge (and, or, clinical, genomic)",
    "a CTML document is a mapping of fields": "un document CTML est une table de champs",
    "no nct_id nor protocol_no": "ni nct_id ni protocol_no",
    "no long_title nor short_title": "ni long_title ni short_title",
    "%(path)s: an arm is a mapping of fields": "%(path)s : un bras est une table de champs",
    "%(path)s: dose levels unsupported": "%(path)s : niveaux de dose non pris en charge",
    "%(path)s: arm without match tree": "%(path)s : bras sans arbre match",
    "%(path)s: no arm": "%(path)s : aucun bras",
    "arm %(code)s: %(problems)s": "bras %(code)s : %(problems)s",
    "%(record)s: %(problems)s": "%(record)s : %(problems)s",
    "%(record)s: unexpected content (%(error)s)": "%(record)s : contenu inattendu (%(error)s)",
    "record %(number)s": "enregistrement %(number)s",
    "document %(number)s": "document %(number)s",
}
