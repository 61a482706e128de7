T = {
    "A non-objection is recorded by the care team's physicians and coordination nurses; you may record an objection.": "Une non-opposition est enregistrée par les médecins et les infirmières de coordination de l'équipe de soins ; vous pouvez enregistrer une opposition.",
    "You may record an objection; a non-objection is recorded by the care team's physicians and coordination nurses.": "Vous pouvez enregistrer une opposition ; une non-opposition est enregistrée par les médecins et les infirmières de coordination de l'équipe de soins.",
}
T.update({
    "Pathway paused.": "Parcours suspendu.",
    "Pause the pathway": "Suspendre le parcours",
    "Pathway resumed: future activities were moved by the pause.": "Parcours repris : les activités à venir ont été décalées de la durée de la suspension.",
    "Resume the pathway": "Reprendre le parcours",
    "Pathway ended: open activities were cancelled.": "Parcours terminé : les activités ouvertes ont été annulées.",
    "End the pathway": "Terminer le parcours",
})
T["Your role in this patient's care team does not allow importing this entry."] = "Votre rôle dans l'équipe de soins de ce patient ne permet pas d'importer cette entrée."
T["method not recorded"] = "méthode non renseignée"
T["single arm"] = "bras unique"
T["arm %(number)s"] = "bras %(number)s"
T["Every patient matched again: %(count)s match(es) changed."] = "Tous les patients ont été rapprochés à nouveau : %(count)s rapprochement(s) modifié(s)."
T["As in the report. An ERBB2 amplification decides a HER2 2+ only by in situ hybridisation (ASCO/CAP 2018): by NGS or without the method, the 2+ stays to verify. Record the final ISH conclusion (for groups 2 to 4, after the IHC work-up), not the raw ratio."] = "Comme dans le compte rendu. Une amplification d'ERBB2 ne conclut un HER2 2+ que par hybridation in situ (ASCO/CAP 2018) : en NGS ou sans méthode notée, le 2+ reste à vérifier. Notez la conclusion finale de l'ISH (pour les groupes 2 à 4, après l'IHC complémentaire), pas le ratio brut."
T["Back to the patient record"] = "Retour au dossier du patient"
T["already followed"] = "déjà suivi"
T["An in situ hybridisation of ERBB2 looks for the amplification: choose the alteration type “Amplification”."] = "Une hybridation in situ d'ERBB2 recherche l'amplification : choisissez le type d'altération « Amplification »."
