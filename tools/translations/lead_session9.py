"""French for the lead's fixes of the ninth session (2026-12-04)."""

T = {
    "The comment alone raises an alert: read it and call the patient back.": "Le commentaire déclenche à lui seul une alerte : lisez-le et rappelez le patient.",
}
T.update({
    "If you are worried about your relative, call the care team, or 15 in an emergency.": "Si vous êtes inquiet pour votre proche, appelez l'équipe de soins, ou le 15 en cas d'urgence.",
    "Hidden from the relatives (words of distress); the patient may choose to share it.": "Cachée aux proches (mots de détresse) ; le patient peut choisir de la partager.",
})

PLURALS = {
    "A conversation you started now continues between the patient and the care team only.": (
        "Une conversation que vous avez commencée se poursuit désormais entre le patient et l'équipe de soins seulement.",
        "%(counter)s conversations que vous avez commencées se poursuivent désormais entre le patient et l'équipe de soins seulement.",
    ),
}
