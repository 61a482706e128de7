"""French for the clinical-safety review (identity, triage wording, escalation; branch safety)."""

T = {
    # INS / NIA
    "The INS does not match the sex entered (first digit: 1 or 7 male, 2 or 8 female; 7 and 8 are temporary numbers).": "L'INS ne correspond pas au sexe saisi (premier chiffre : 1 ou 7 homme, 2 ou 8 femme ; 7 et 8 sont des numéros provisoires).",
    # Triage rules in words
    "Cytokine release syndrome (CRS)": "Syndrome de relargage de cytokines (CRS)",
    "Immune effector cell-associated neurotoxicity syndrome (ICANS)": "Syndrome de neurotoxicité associée aux cellules effectrices immunitaires (ICANS)",
    "%(first)s and %(last)s": "%(first)s et %(last)s",
    "%(condition)s (ASTCT 2019 grading)": "%(condition)s selon la classification ASTCT 2019",
    "at least one of these signs (%(conditions)s)": "au moins un de ces signes (%(conditions)s)",
    "“%(answer)s” among the %(observation)s": "« %(answer)s » parmi les %(observation)s",
    # A symptom is never triaged without its grade
    "Skin symptoms were reported: say how much of the skin is affected (the rash is graded on it).": "Une gêne de la peau est signalée : indiquez quelle surface de peau est touchée (c'est elle qui donne la gravité).",
    # Who was told, truthfully
    "Your answers show a possible emergency. Call 15 (or 112) immediately.": "Vos réponses montrent une possible urgence. Appelez le 15 (ou le 112) immédiatement.",
    "An alert has been sent to a physician of your care team.": "Une alerte a été envoyée à un médecin de votre équipe de soins.",
    "An alert has been sent to your care team.": "Une alerte a été envoyée à votre équipe de soins.",
    "Nobody in your care team could be reached automatically: call 15, or the unit.": "Personne de votre équipe de soins n'a pu être joint automatiquement : appelez le 15 ou le service.",
    "Call 15": "Appeler le 15",
    "If nobody takes charge, the alert is passed on to: %(roles)s, from %(when)s (escalation %(step)s of %(total)s).": "Sans prise en charge, l'alerte est transmise à : %(roles)s, à partir du %(when)s (escalade %(step)s sur %(total)s).",
    "The last escalation has been made (%(step)s of %(total)s): nobody else will be told automatically. Take charge or call the on-call physician yourself.": "La dernière escalade a été faite (%(step)s sur %(total)s) : personne d'autre ne sera prévenu automatiquement. Prenez l'alerte en charge ou appelez vous-même le médecin de garde.",
    "This alert is not escalated automatically: only the people listed below have been told.": "Cette alerte n'est pas transmise automatiquement plus loin : seules les personnes ci-dessous ont été prévenues.",
    "Fill in the follow-up questionnaire: when your answers show a warning sign, your care team sees an alert at once and calls you back within the time shown. At night and at the weekend, call the switchboard of your centre and ask for the doctor on call.": "Remplissez le questionnaire de suivi : quand vos réponses montrent un signe d'alerte, votre équipe de soins reçoit une alerte aussitôt et vous rappelle dans le délai indiqué. La nuit et le week-end, appelez le standard de votre centre et demandez le médecin de garde.",
}

T.update(
    {
        "The relatives' neurological watch is triaged only after CAR-T cells or a T-cell engager, and none is in course: for a neurological change, call the unit now, or 15.": "La surveillance neurologique par les proches n'est triée qu'après des cellules CAR-T ou un anticorps bispécifique engageant les lymphocytes T, et aucun n'est en cours : pour un changement neurologique, appelez le service maintenant, ou le 15.",
    }
)
