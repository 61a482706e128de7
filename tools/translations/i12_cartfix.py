"""French translations of the CAR-T safety-review fixes of issue 12 (part 2): the label as the
floor of the CAR-T pathway's periods, the tocilizumab confirmation's validity before infusion,
where each label value comes from. Applied with tools/apply_translations.py."""

T = {
    # services
    "Infusion refused: the last tocilizumab confirmation (%(when)s) is more than %(valid)s hours old. The pharmacy must confirm again that the doses are on site for this patient (valid %(valid)s hours before the infusion).": "Perfusion refusée : la dernière confirmation du tocilizumab (%(when)s) date de plus de %(valid)s heures. La pharmacie doit confirmer à nouveau que les doses sont sur place pour ce patient (valable %(valid)s heures avant la perfusion).",
    "%(product)s: its label asks the patient to stay within %(hours)s hours of the qualified centre for at least %(weeks)s weeks after the infusion (stay near the centre: %(chosen)s weeks refused). A longer stay is allowed; a shorter one needs a new version of the product data citing the label that allows it.": "%(product)s : le RCP du produit demande au patient de rester à moins de %(hours)s heures du centre qualifié pendant au moins %(weeks)s semaines après la perfusion (séjour à proximité : %(chosen)s semaines refusé). Un séjour plus long est possible ; un séjour plus court demande une nouvelle version des données du produit citant le RCP du produit qui l'autorise.",
    "%(product)s: its label forbids driving for at least %(weeks)s weeks after the infusion (driving ban: %(chosen)s weeks refused). A longer ban is allowed; a shorter one needs a new version of the product data citing the label that allows it.": "%(product)s : le RCP du produit interdit de conduire pendant au moins %(weeks)s semaines après la perfusion (interdiction de conduire : %(chosen)s semaines refusé). Une interdiction plus longue est possible ; une plus courte demande une nouvelle version des données du produit citant le RCP du produit qui l'autorise.",
    "The patient's CAR-T pathway is shorter than the product's label: %(reason)s End the pathway and apply it again.": "Le parcours CAR-T du patient est plus court que le RCP du produit : %(reason)s Terminez le parcours et appliquez-le à nouveau.",
    # order page
    "Valid for an infusion until %(until)s: a confirmation counts only when recorded within %(hours)s hours before the infusion.": "Valable pour une perfusion jusqu’au %(until)s : une confirmation ne compte que si elle est enregistrée dans les %(hours)s heures avant la perfusion.",
    "This confirmation expires before the planned infusion (%(day)s): the pharmacy confirms again in the %(hours)s hours before it.": "Cette confirmation expire avant la perfusion prévue (%(day)s) : la pharmacie confirme à nouveau dans les %(hours)s heures qui la précèdent.",
    "The last confirmation (%(when)s, %(who)s) expired on %(until)s: it counts only within %(hours)s hours before the infusion. The infusion will be refused until the pharmacy confirms again.": "La dernière confirmation (%(when)s, %(who)s) a expiré le %(until)s : elle ne compte que dans les %(hours)s heures avant la perfusion. La perfusion sera refusée tant que la pharmacie n'aura pas confirmé à nouveau.",
    "The patient's CAR-T pathway sets a shorter stay near the centre or driving ban than the product's label: the label's weeks shown here apply, not the pathway's dates. End the pathway and apply it again.": "Le parcours CAR-T du patient prévoit un séjour à proximité du centre ou une interdiction de conduire plus court que le RCP du produit : ce sont les semaines du RCP du produit affichées ici qui s'appliquent, pas les dates du parcours. Terminez le parcours et appliquez-le à nouveau.",
    "Where each value comes from": "D'où vient chaque valeur",
    "Reference to confirm every value against": "Référence à laquelle confirmer chaque valeur",
    "Tocilizumab is not confirmed for this patient within the %(hours)s hours before now: the infusion will be refused.": "Le tocilizumab n'est pas confirmé pour ce patient dans les %(hours)s dernières heures : la perfusion sera refusée.",
    # tocilizumab page
    "A confirmation counts for the infusion only when recorded within the %(hours)s hours before it: the doses must be on site at the infusion, not only at the order. Confirm again close to the infusion.": "Une confirmation ne compte pour la perfusion que si elle est enregistrée dans les %(hours)s heures qui la précèdent : les doses doivent être sur place à la perfusion, pas seulement à la commande. Confirmez à nouveau peu avant la perfusion.",
    "The latest confirmation is valid until %(until)s.": "La dernière confirmation est valable jusqu’au %(until)s.",
    "The latest confirmation expired on %(until)s.": "La dernière confirmation a expiré le %(until)s.",
    # where the label values come from
    "EU SmPC": "RCP européen",
    "EU SmPC to confirm": "RCP européen à confirmer",
    "project's stricter reading": "lecture plus stricte du projet",
    "Daily assessment": "Évaluation quotidienne",
    "Stay near the qualified centre": "Séjour à proximité du centre qualifié",
    "No driving": "Interdiction de conduire",
    "Tocilizumab before infusion": "Tocilizumab avant la perfusion",
    "Thaw-to-infusion limit": "Délai entre décongélation et perfusion",
}
