"""French translations of the strings added on branch chairs (day-hospital chairs and EFS
apheresis machines planned with CP-SAT, issue 18)."""

T = {
    "Chairs and machines": "Fauteuils et machines",
    "Day: a past day is not planned.": "Jour : une journée passée ne se planifie pas.",
    "Centre: this centre's chairs are not planned.": "Centre : les fauteuils de ce centre ne "
    "sont pas planifiés.",
    "Re-planned from version %(version)s": "Replanifié à partir de la version %(version)s",
    "Built from the pathway activities": "Construit à partir des activités des parcours",
    "Status: this plan is already published.": "Statut : ce plan est déjà publié.",
    "Version: a newer version of this day's plan exists.": "Version : une version plus récente "
    "du plan de ce jour existe.",
    "Chair plan published.": "Plan des fauteuils publié.",
    "Day-hospital chair": "Fauteuil d'hôpital de jour",
    "Apheresis machine": "Séparateur d'aphérèse",
    "opens (minutes after midnight)": "ouverture (minutes après minuit)",
    "closes (minutes after midnight)": "fermeture (minutes après minuit)",
    "slot (minutes)": "créneau (minutes)",
    "set-ups per slot": "installations par créneau",
    "How many sessions the nurses can install in the same slot.": "Nombre de séances que les "
    "infirmières peuvent installer dans un même créneau.",
    "nurses on duty": "infirmières présentes",
    "patients monitored per nurse": "patients surveillés par infirmière",
    "planned": "planifié",
    "chair and machine centre": "centre de fauteuils et machines",
    "chair and machine centres": "centres de fauteuils et machines",
    "chair or machine": "fauteuil ou machine",
    "chairs and machines": "fauteuils et machines",
    "solver status": "statut du solveur",
    "gap to the bound": "écart à la borne",
    "chair plan": "plan des fauteuils",
    "chair plans": "plans des fauteuils",
    "preparation ready": "préparation prête",
    "recurring programme": "programme récurrent",
    "moved from the previous version": "déplacée depuis la version précédente",
    "chair session": "séance au fauteuil",
    "chair sessions": "séances au fauteuil",
    "the centre has no chair or machine of the kind it needs": "le centre n'a aucun fauteuil ou "
    "machine du type nécessaire",
    "its preparation is ready too late to finish before closing": "sa préparation est prête "
    "trop tard pour finir avant la fermeture",
    "the patient's other appointments leave no time for it": "les autres rendez-vous du patient "
    "ne laissent pas le temps nécessaire",
    "every chair or machine of its kind is taken": "tous les fauteuils ou machines de ce type "
    "sont occupés",
    "the nurses cannot set it up or monitor it (all busy)": "les infirmières ne peuvent ni "
    "l'installer ni la surveiller (toutes occupées)",
    "the planning ran out of time": "le calcul du plan a manqué de temps",
    "unplaced session": "séance non placée",
    "unplaced sessions": "séances non placées",
    "Day-hospital chairs and EFS apheresis machines: the day's sessions from the pathways, "
    "placed with the nurses' set-up and monitoring capacity, the pharmacy preparation and the "
    "patients' other appointments.": "Fauteuils d'hôpital de jour et séparateurs d'aphérèse de "
    "l'EFS : les séances du jour issues des parcours, placées selon la capacité d'installation "
    "et de surveillance des infirmières, la préparation de la pharmacie et les autres "
    "rendez-vous des patients.",
    "Re-plan the day (keeping what can be kept)": "Replanifier la journée (en gardant ce qui "
    "peut l'être)",
    "Plan the day": "Planifier la journée",
    "Publish this plan": "Publier ce plan",
    "Sessions per chair or machine": "Séances par fauteuil ou machine",
    "Chair or machine": "Fauteuil ou machine",
    "No chair or machine in service in this centre.": "Aucun fauteuil ni machine en service "
    "dans ce centre.",
    "Preparation ready": "Préparation prête",
    "Sessions not placed": "Séances non placées",
    "Every session is placed.": "Toutes les séances sont placées.",
    "No day hospital or EFS care centre whose chairs you plan: the directory lists none of "
    "your workplaces with planned chairs or machines.": "Aucun hôpital de jour ni centre de "
    "soins EFS dont vous planifiez les fauteuils : l'annuaire ne relie à votre compte aucun lieu "
    "d'exercice dont les fauteuils ou machines sont planifiés.",
    "No chair plan for this day yet.": "Pas encore de plan des fauteuils pour ce jour.",
}

PLURALS = {
    "%(placed)s session placed": ("%(placed)s séance placée", "%(placed)s séances placées"),
    "%(unplaced)s not placed": ("%(unplaced)s non placée", "%(unplaced)s non placées"),
}
