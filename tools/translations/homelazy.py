"""French translations: lazy home panels and the open alerts' index (issue 19)."""

T = {
    "open alert": "alerte ouverte",
    "open alerts": "alertes ouvertes",
    "Open “%(title)s” on its own page": "Ouvrir « %(title)s » sur une page à part",
    "Back to the home page": "Retour à l'accueil",
    "Nothing needs you here right now.": "Rien ne vous attend ici pour le moment.",
}
