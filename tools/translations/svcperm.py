T = {
    "Treatments in course and pathways are recorded by the care team's physicians and coordination nurses.": "Les traitements en cours et les parcours sont enregistrés par les médecins et les infirmières de coordination de l'équipe de soins.",
    "A patient's objection is recorded by a current member of the care team.": "L'opposition d'un patient est enregistrée par un membre actuel de l'équipe de soins.",
}
