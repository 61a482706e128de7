"""French translations of the strings added by branch import17 (mCODE import clinical review)."""

T = {
    "the mCODE primary cancer condition profile contradicts the code %(code)s, a secondary "
    "malignant neoplasm (ICD-10 C77–C79)": "le profil mCODE de cancer primitif contredit le code "
    "%(code)s, une tumeur maligne secondaire (CIM-10 C77–C79)",
    "%(value)s: a stage after neoadjuvant treatment (y) or of a recurrence (r) cannot be kept, "
    "the record has no field for this prefix; enter it on the record with a note": "%(value)s : "
    "un stade après traitement néoadjuvant (y) ou d'une récidive (r) ne peut pas être conservé, "
    "le dossier n'a pas de champ pour ce préfixe ; saisissez-le dans le dossier avec une note",
    "%(value)s: unknown TNM prefix": "%(value)s : préfixe TNM inconnu",
    "%(value)s contradicts the observation code %(code)s (a clinical stage is cTNM, a "
    "pathological one pTNM)": "%(value)s contredit le code de l'observation %(code)s (un stade "
    "clinique est cTNM, un stade pathologique pTNM)",
    "the %(letter)s category was read from its text (%(value)s), not from a code: check it on "
    "the record": "la catégorie %(letter)s a été lue dans son texte (%(value)s), non dans un "
    "code : vérifiez-la dans le dossier",
    "a treatment with status %(status)s needs its end date (only an active treatment is kept as "
    "in course)": "un traitement au statut %(status)s doit avoir sa date de fin (seul un "
    "traitement actif est conservé comme en cours)",
    "conflicting TNM edition": "édition TNM contradictoire",
    "no TNM edition given: the 8th edition is assumed, check it on the record": "édition TNM non "
    "précisée : la 8e édition est retenue, vérifiez-la dans le dossier",
}
