"""French translations of the strings added for issue 12, part 3 (tumour boards as the INCa
reference requires) and part 6 (JACIE cycle, roles). Apply with tools/apply_translations.py."""

T = {
    # directory: recognised specialties
    "Main specialty": "Spécialité principale",
    "Additional recognised specialties": "Autres spécialités reconnues",
    "A second specialist qualification or a competence recognised by the professional order "
    "(RPPS). A physician represents only these specialties in a tumour board, and counts for one "
    "of them.": "Une seconde qualification de spécialiste ou une compétence reconnue par l'ordre "
    "(RPPS). En RCP, un médecin ne représente que ces spécialités, et compte pour une seule "
    "d'entre elles.",
    "This is already the main specialty.": "C'est déjà la spécialité principale.",
    "Unknown specialty %(code)s.": "Spécialité inconnue : %(code)s.",
    "This profession has no recognised specialty.": "Cette profession n'a pas de spécialité "
    "reconnue.",
    "%(specialty)s does not fit the profession.": "%(specialty)s ne correspond pas à la "
    "profession.",
    "additional recognised specialty": "autre spécialité reconnue",
    "additional recognised specialties": "autres spécialités reconnues",
    "%(specialty)s is already the main specialty.": "%(specialty)s est déjà la spécialité "
    "principale.",
    "Give the main specialty first.": "Indiquez d'abord la spécialité principale.",
    "Recognised specialties": "Spécialités reconnues",
    "In a tumour board, this professional may represent only these specialties, and counts for "
    "one of them.": "En RCP, ce professionnel ne peut représenter que ces spécialités, et compte "
    "pour une seule d'entre elles.",
    "Edit the recognised specialties": "Modifier les spécialités reconnues",
    "Specialties recorded.": "Spécialités enregistrées.",
    # directory: accreditation cycles
    "interim audit done on": "audit intermédiaire réalisé le",
    "Accreditations with an interim audit (JACIE: at 2 years of a 4-year cycle).": "Accréditations "
    "avec un audit intermédiaire (JACIE : à 2 ans d'un cycle de 4 ans).",
    "This accreditation lasts %(months)s months: give its expiry.": "Cette accréditation dure "
    "%(months)s mois : indiquez son échéance.",
    "This accreditation lasts at most %(months)s months: it ends by %(date)s.": "Cette "
    "accréditation dure au plus %(months)s mois : elle prend fin au plus tard le %(date)s.",
    "This capability has no interim audit.": "Cette capacité n'a pas d'audit intermédiaire.",
    "The interim audit is before the accreditation.": "L'audit intermédiaire est antérieur à "
    "l'accréditation.",
    "The interim audit is after the expiry.": "L'audit intermédiaire est postérieur à l'échéance.",
    "expired on %(date)s": "expirée le %(date)s",
    "interim audit overdue (due %(date)s)": "audit intermédiaire en retard (prévu le %(date)s)",
    "interim audit due on %(date)s": "audit intermédiaire prévu le %(date)s",
    "renewal due: expires on %(date)s": "renouvellement à préparer : expire le %(date)s",
    "interim audit done on %(date)s": "audit intermédiaire réalisé le %(date)s",
}

PLURALS: dict[str, tuple[str, str]] = {}
