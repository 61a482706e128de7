"""French translations of the strings added on branch tours (nurse tours: preferred nurse,
double-staffed visits, re-planning when a nurse is absent or a visit is added; issue 18)."""

T = {
    "second nurse unavailable (two nurses needed)": "seconde infirmière indisponible (visite à "
    "deux infirmières)",
    "its nurse is absent and no other tour has room for it": "son infirmière est absente et "
    "aucune autre tournée n'a de place",
    "absent nurses": "infirmières absentes",
    "second nurse": "seconde infirmière",
    "preferred nurse unavailable": "infirmière préférée indisponible",
    "Reason: say why the nurse is absent.": "Motif : indiquez pourquoi l'infirmière est absente.",
    "Plan: only a published plan is re-planned.": "Plan : seul un plan publié se replanifie.",
    "Nurse: this nurse is already absent in this plan.": "Infirmière : cette infirmière est déjà "
    "absente dans ce plan.",
    "%(nurse)s absent: %(reason)s": "%(nurse)s absente : %(reason)s",
    "Absent nurse: %(reason)s": "Infirmière absente : %(reason)s",
    "Plan: only a published plan takes added visits.": "Plan : seul un plan publié reçoit des "
    "visites ajoutées.",
    "Plan: no visit was added to the day's worklist since this version.": "Plan : aucune visite "
    "n'a été ajoutée à la liste de travail du jour depuis cette version.",
    "%(count)s visit(s) added to the worklist": "%(count)s visite(s) ajoutée(s) à la liste de "
    "travail",
    "Absent nurse": "Infirmière absente",
    "Reason for the absence": "Motif de l'absence",
    "%(nurse)s absent: version %(version)s published, only her visits were given to the other "
    "nurses.": "%(nurse)s absente : version %(version)s publiée, seules ses visites ont été "
    "confiées aux autres infirmières.",
    "Version %(version)s published: the added visits were inserted in the tours.": "Version "
    "%(version)s publiée : les visites ajoutées ont été insérées dans les tournées.",
    "Absent:": "Absentes :",
    "Re-plan: an absent nurse, added visits": "Replanifier : infirmière absente, visites "
    "ajoutées",
    "A new version is published; the other tours keep their visits in order.": "Une nouvelle "
    "version est publiée ; les autres tournées gardent leurs visites dans l'ordre.",
    "Re-plan without this nurse": "Replanifier sans cette infirmière",
    "Insert the visits added since": "Insérer les visites ajoutées depuis",
    "Two nurses: with %(nurse)s, same start": "Deux infirmières : avec %(nurse)s, même heure de "
    "début",
    "Preferred nurse unavailable (%(nurse)s)": "Infirmière préférée indisponible (%(nurse)s)",
}
