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
    # boards: compositions, quorum, recours boards
    "Only specialties recognised to this member in the directory; a physician counts for one of "
    "them. Empty: the member's specialties.": "Seulement des spécialités reconnues à ce membre "
    "dans l'annuaire ; un médecin compte pour une seule d'entre elles. Vide : les spécialités du "
    "membre.",
    "Medical oncologist": "Oncologue médical",
    "Paediatric oncologist": "Oncologue pédiatre",
    "Gastroenterologist (organ specialist)": "Gastro-entérologue (spécialiste d'organe)",
    "Pulmonologist (organ specialist)": "Pneumologue (spécialiste d'organe)",
    "Biotherapy referent pharmacist": "Pharmacien référent en biothérapies",
    "no medical oncologist": "pas d'oncologue médical",
    "no radiation oncologist": "pas de radiothérapeute",
    "no haematologist": "pas d'hématologue",
    "no paediatric oncologist": "pas d'oncologue pédiatre",
    "no gastroenterologist": "pas de gastro-entérologue",
    "no pulmonologist": "pas de pneumologue",
    "no biotherapy referent pharmacist": "pas de pharmacien référent en biothérapies",
    "An expert (recours) board belongs to a network: choose the network whose expert centre "
    "organises it.": "Une RCP de recours appartient à un réseau : choisissez le réseau dont le "
    "centre expert l'organise.",
    "An expert (recours) board covers its network's cancers: give its ICD-10 scope.": "Une RCP "
    "de recours couvre les cancers de son réseau : indiquez son périmètre CIM-10.",
    "The board's scope (%(scope)s) is outside the scope of %(network)s (%(network_scope)s).": "Le "
    "périmètre de la RCP (%(scope)s) sort de celui de %(network)s (%(network_scope)s).",
    "An expert (recours) board is organised by a pilot or expert centre of %(network)s with a "
    "current label: %(organisers)s is not.": "Une RCP de recours est organisée par un centre "
    "pilote ou expert de %(network)s dont la labellisation est en cours : ce n'est pas le cas de "
    "%(organisers)s.",
    "no organiser": "aucun organisateur",
    "Choose the organising organisation.": "Choisissez l'établissement organisateur.",
    "%(name)s does not hold %(specialties)s in the directory (recognised: %(held)s): declare a "
    "recognised specialty, or record the qualification in the directory first.": "%(name)s n'a "
    "pas la spécialité %(specialties)s dans l'annuaire (reconnues : %(held)s) : déclarez une "
    "spécialité reconnue, ou enregistrez d'abord la qualification dans l'annuaire.",
    "Already a member of this board.": "Déjà membre de cette RCP.",
    "%(count)s specialties counted, at least %(needed)s needed": "%(count)s spécialités "
    "comptées, au moins %(needed)s nécessaires",
    "label valid until %(date)s": "labellisation valable jusqu'au %(date)s",
    "label expired": "labellisation expirée",
    "no organiser is a member of this network": "aucun organisateur n'est membre de ce réseau",
    "including": "dont",
    "Recommended": "Recommandé",
    "Each physician counts for one specialty, among those recognised to them in the "
    "directory.": "Chaque médecin compte pour une seule spécialité, parmi celles qui lui sont "
    "reconnues dans l'annuaire.",
    "Rules %(version)s: INCa RCP reference, December 2023 update.": "Règles %(version)s : "
    "référentiel RCP de l'INCa, actualisation de décembre 2023.",
    "none besides the quorum": "aucune en plus du quorum",
    "not recognised in the directory": "non reconnue dans l'annuaire",
    "Recommended, not required: %(role)s (presence or opinion).": "Recommandé, non obligatoire : "
    "%(role)s (présence ou avis).",
    "not counted: not recognised in the directory": "non compté : non reconnu dans l'annuaire",
    "counted": "compté",
    "Roles": "Rôles",
    # pathways: roles and letters
    "addressed to": "destinataire",
    "Nuclear medicine physician": "Médecin nucléaire",
    "to": "à",  # context "addressed to": a letter "to" the GP
}

PLURALS: dict[str, tuple[str, str]] = {
    "at least %(counter)s physician of different specialties": (
        "au moins %(counter)s médecin de spécialités différentes",
        "au moins %(counter)s médecins de spécialités différentes",
    ),
}
