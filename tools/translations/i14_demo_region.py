"""French for the believable demo region (issue 14): order history and list, thaw after infusion,
the EFS day in the menu and on the home page."""

T = {
    "Order placed (qualified)": "Commande passée (qualifiée)",
    "No step recorded yet.": "Aucune étape enregistrée pour l'instant.",
    "A step cannot be dated in the future.": "Une étape ne peut pas être datée dans le futur.",
    "This step cannot be dated before the previous one (%(time)s).": "Cette étape ne peut pas être datée avant la précédente (%(time)s).",
    "Infused on %(day)s at %(time)s, %(elapsed)s min after the start of the thaw at %(at)s (label limit %(limit)s min).": "Perfusé le %(day)s à %(time)s, %(elapsed)s min après le début de la décongélation à %(at)s (limite du RCP du produit %(limit)s min).",
    "Last event": "Dernier événement",
    "Order placed": "Commande passée",
}

PLURALS: dict[str, tuple[str, str]] = {}

T.update(
    {
        "EFS day": "Journée EFS",
        "Today at the EFS centre": "Aujourd'hui au centre EFS",
        "You work at no EFS care centre.": "Vous n'êtes rattaché·e à aucun centre de soins EFS.",
        "under way": "en cours",
        "No more sessions today.": "Plus aucune séance aujourd'hui.",
        "Open the EFS day": "Ouvrir la journée EFS",
    }
)
PLURALS.update(
    {
        "%(counter)s session done": ("%(counter)s séance faite", "%(counter)s séances faites"),
        "%(counter)s under way": ("%(counter)s en cours", "%(counter)s en cours"),
        "%(counter)s to come": ("%(counter)s à venir", "%(counter)s à venir"),
        "%(counter)s activity moved": (
            "%(counter)s activité déplacée",
            "%(counter)s activités déplacées",
        ),
        "%(counter)s request to schedule": (
            "%(counter)s demande à programmer",
            "%(counter)s demandes à programmer",
        ),
    }
)
