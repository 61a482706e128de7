T = {
    "No session is placed in this plan.": "Aucune séance n'est placée dans ce plan.",
}
