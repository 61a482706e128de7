"""French for the trial fixes after the clinical review and cold try-out of 2026-12-03."""

T = {
    "The patient's record does not meet this arm (%(criteria)s). If the record is out of date, correct it first: the arms are matched again.": "Le dossier du patient ne remplit pas ce bras (%(criteria)s). Si le dossier n'est plus à jour, corrigez-le d'abord : les bras sont alors recalculés.",
}

T.update(
    {
        "not a number": "pas un nombre",
        "true or false expected": "vrai ou faux attendu",
        "text expected": "texte attendu",
        "a list of texts expected": "liste de textes attendue",
        "not a node (and, or, not or a criterion)": "pas un nœud (and, or, not ou un critère)",
        "an and / or node needs a non-empty list, a not node one node": "un nœud and / or demande une liste non vide, un nœud not un seul nœud",
        "unknown kind of criterion": "type de critère inconnu",
        "unknown field for this kind of criterion": "champ inconnu pour ce type de critère",
        "Not valid JSON (line %(line)s, column %(column)s).": "JSON non valide (ligne %(line)s, colonne %(column)s).",
    }
)

T.update(
    {
        "A protein change is given only for an SNV or an indel.": "Une modification protéique ne s'indique que pour un SNV ou un indel.",
        "This value does not belong to this kind of result: record it as a result of its own.": "Cette valeur n'appartient pas à ce type de résultat : enregistrez-la comme un résultat à part.",
    }
)

T.update(
    {
        "The maximum is below the minimum.": "Le maximum est inférieur au minimum.",
        "Give the unit (e.g. µmol/L, or × ULN).": "Indiquez l'unité (par exemple µmol/L, ou × LSN).",
    }
)

T.update(
    {
        "questionnaire answer": "réponse à un questionnaire",
        "questionnaire answers": "réponses aux questionnaires",
        "questionnaire to fill in": "questionnaire à remplir",
        "questionnaires to fill in": "questionnaires à remplir",
    }
)
