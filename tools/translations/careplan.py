T = {
    "A non-objection is recorded by the care team's physicians, its coordination nurses and its lead; you may record an objection.": "Une non-opposition est enregistrée par les médecins de l'équipe de soins, ses infirmières de coordination et son responsable ; vous pouvez enregistrer une opposition.",
}
