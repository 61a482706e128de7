"""French for the first scanner's immediate bedside mismatch (issue 14)."""

T = {
    "Do not infuse: %(problems)s. Check the patient and the bag; a second professional's confirmation closes this check as failed (alert sent), then repeat it with two professionals.": "Ne perfusez pas : %(problems)s. Vérifiez le patient et la poche ; la confirmation d'un second professionnel clôt ce contrôle en échec (alerte envoyée), puis refaites-le à deux.",
    "Do not infuse: the first confirmation does not match this order.": "Ne perfusez pas : la première confirmation ne correspond pas à cette commande.",
}
