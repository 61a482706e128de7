"""French translations of the strings added on branch fixbeds (CAR-T intensive-care beds: no
infusion without a confirmed bed, an early release needs a reason and tells the team)."""

T = {
    "This bed is still held until %(last)s for a CAR-T patient: say why it is "
    "released (reason); the haematologist and the coordination nurse will be told. "
    "Possible next steps: %(options)s.": "Ce lit est encore réservé jusqu'au %(last)s pour un "
    "patient CAR-T : indiquez pourquoi il est libéré (motif) ; l'hématologue et l'infirmière de "
    "coordination seront prévenus. Étapes possibles : %(options)s.",
    "The intensive-care bed of %(unit)s held from %(first)s to %(last)s for the CAR-T order "
    "%(coi)s was released on %(today)s by %(actor)s. Reason: %(reason)s. The infusion date "
    "is cleared: request and confirm a bed covering the infusion day and the product's days "
    "before infusing.": "Le lit de réanimation de %(unit)s réservé du %(first)s au %(last)s "
    "pour la commande CAR-T %(coi)s a été libéré le %(today)s par %(actor)s. Motif : "
    "%(reason)s. La date de perfusion est effacée : demandez et faites confirmer un lit couvrant "
    "le jour de la perfusion et les jours requis pour le produit avant de perfuser.",
    "Intensive-care bed released early (CAR-T %(coi)s)": "Lit de réanimation libéré avant la "
    "fin (CAR-T %(coi)s)",
    "The confirmed intensive-care bed (%(first)s–%(last)s) does not cover an infusion "
    "on %(day)s and the %(days)s days the product needs (until %(until)s): cancel it "
    "and request a bed covering these days, then wait for the ICU's confirmation "
    "before infusing.": "Le lit de réanimation confirmé (%(first)s–%(last)s) ne couvre pas une "
    "perfusion le %(day)s et les %(days)s jours requis pour le produit (jusqu'au %(until)s) : "
    "annulez-le et demandez un lit couvrant ces jours, puis attendez la confirmation de la "
    "réanimation avant de perfuser.",
    "No confirmed intensive-care bed covers the infusion on %(day)s: the reservation "
    "of %(pending_first)s is awaiting the ICU's answer. Do not infuse before the ICU "
    "confirms a bed covering %(day)s–%(until)s.": "Aucun lit de réanimation confirmé ne couvre "
    "la perfusion du %(day)s : la réservation du %(pending_first)s attend la réponse de la "
    "réanimation. Ne perfusez pas avant que la réanimation confirme un lit couvrant "
    "%(day)s–%(until)s.",
    "No confirmed intensive-care bed covers the infusion on %(day)s: request a bed from "
    "the order for %(day)s–%(until)s (%(days)s days for this product) and wait for the "
    "ICU's confirmation before infusing.": "Aucun lit de réanimation confirmé ne couvre la "
    "perfusion du %(day)s : demandez un lit depuis la commande pour %(day)s–%(until)s "
    "(%(days)s jours pour ce produit) et attendez la confirmation de la réanimation avant de "
    "perfuser.",
    "Reason (required to release before the last day; the team is told)": "Motif (obligatoire "
    "pour libérer avant le dernier jour ; l'équipe est prévenue)",
}
