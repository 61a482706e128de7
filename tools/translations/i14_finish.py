"""French translations of the strings added when finishing issue 14 (cold try-out fixes)."""

T = {
    # patients: every identity problem in one round
    "This is a different person (identity document checked)": "Il s’agit d’une autre personne "
    "(pièce d’identité vérifiée)",
    "A patient with the same birth name, first first-name and birth date already exists (listed "
    "below). Check that it is not the same person.": "Un patient de même nom de naissance, même "
    "premier prénom et même date de naissance existe déjà (liste ci-dessous). Vérifiez qu’il ne "
    "s’agit pas de la même personne.",
    "An identity with the same names and birth date exists in another care team. Contact the "
    "identity-vigilance cell.": "Une identité de mêmes noms et date de naissance existe dans une "
    "autre équipe de soins. Contactez la cellule d’identitovigilance.",
    "Tick this box only if this is a different person; otherwise correct the entry.": "Cochez "
    "cette case seulement s’il s’agit d’une autre personne ; sinon, corrigez la saisie.",
}
T |= {
    # core: empty choice of a select
    "— choose —": "— choisir —",
    "Not specified": "Non renseigné",
}
T |= {
    # notifications page
    "Demonstration: no message is really sent. SMS and secure mails are written to files on the "
    "server instead, and e-mails to the server's log.": "Démonstration : aucun message n’est "
    "réellement envoyé. Les SMS et messages sécurisés sont écrits dans des fichiers sur le "
    "serveur, et les courriels dans le journal du serveur.",
    "Folder: %(outbox)s": "Dossier : %(outbox)s",
    "No notifications.": "Aucune notification.",
    "No message sent at your request.": "Aucun message envoyé à votre demande.",
}
T |= {
    "Molecular results are entered by a physician of the patient's care team.": "Les résultats "
    "moléculaires sont saisis par un médecin de l’équipe de soins du patient.",
}
T |= {
    # indicators overview: the two exclusion counts explained
    "Indicators:": "Indicateurs :",
    "Declare the purpose of the extract. The file says how many patients it leaves out (first "
    "lines of the CSV starting with #, metadata of the Parquet file).": "Déclarez la finalité de "
    "l’extraction. Le fichier indique combien de patients il écarte (premières lignes du CSV "
    "commençant par #, métadonnées du fichier Parquet).",
    "Why this count differs from the indicators above: the indicators leave out only the "
    "patients who object to the evaluation of care; a patient-level file leaves the platform, so "
    "it leaves out every patient who objects to any use of their data (research, network, "
    "registry or evaluation), whatever the purpose declared.": "Pourquoi ce nombre diffère de "
    "celui des indicateurs ci-dessus : les indicateurs n’écartent que les patients opposés à "
    "l’évaluation des soins ; un fichier patient par patient sort de la plateforme, il écarte donc "
    "tout patient opposé à l’une quelconque des utilisations de ses données (recherche, réseau, "
    "registre ou évaluation), quelle que soit la finalité déclarée.",
    "Patients left out of the file": "Patients écartés du fichier",
}
T |= {
    # trials: what the record says, as sentences
    "Nothing matching is recorded for the patient.": "Rien de correspondant n’est noté dans le "
    "dossier.",
    "Not recorded in the patient's file.": "Non renseigné dans le dossier.",
    "The patient is a woman.": "La patiente est une femme.",
    "The patient is a man.": "Le patient est un homme.",
    "Sex recorded: %(value)s.": "Sexe noté : %(value)s.",
    "The patient is %(age)s years old.": "Le patient a %(age)s ans.",
    "Recorded ECOG performance status: %(value)s.": "État général ECOG noté : %(value)s.",
    "Metastatic disease is recorded (M1).": "Une maladie métastatique est notée (M1).",
    "No metastasis is recorded (M0).": "Aucune métastase n’est notée (M0).",
    "Recorded stage: %(stage)s.": "Stade noté : %(stage)s.",
    "Recorded tumour mutational burden: %(value)s mut/Mb.": "Charge mutationnelle tumorale "
    "notée : %(value)s mut/Mb.",
    "Recorded microsatellite status: %(value)s.": "Statut microsatellitaire noté : %(value)s.",
    "Recorded immunohistochemistry result: %(value)s.": "Résultat d’immunohistochimie noté : "
    "%(value)s.",
    "Recorded value: %(value)s %(unit)s.": "Valeur notée : %(value)s %(unit)s.",
    "Already treated with %(drugs)s.": "Déjà traité par %(drugs)s.",
    "Recorded alteration: %(label)s.": "Altération notée : %(label)s.",
    "Recorded diagnosis: %(diagnosis)s.": "Diagnostic noté : %(diagnosis)s.",
    "Recorded: %(value)s.": "Noté : %(value)s.",
    "Laboratory test %(test)s %(bounds)s": "Examen biologique %(test)s %(bounds)s",
}
PLURALS = {
    "%(count)s prior line of treatment is recorded.": (
        "%(count)s ligne de traitement antérieure est notée.",
        "%(count)s lignes de traitement antérieures sont notées.",
    ),
}
T |= {
    # triage rule sets in words
    "no deadline": "sans délai fixé",
    "immediately": "immédiatement",
    "within the hour": "dans l’heure",
    "within %(hours)s h %(minutes)02d": "dans %(hours)s h %(minutes)02d",
    "%(first)s or %(last)s": "%(first)s ou %(last)s",
    "any symptom": "un symptôme quel qu’il soit",
    "%(term)s of grade %(grade)s": "%(term)s de grade %(grade)s",
    "%(term)s of grade %(grade)s or more": "%(term)s de grade %(grade)s ou plus",
    "%(term)s reported": "%(term)s signalé",
    "the most severe symptom is of grade %(grade)s": "le symptôme le plus sévère est de grade "
    "%(grade)s",
    "a symptom of grade %(grade)s or more": "un symptôme de grade %(grade)s ou plus",
    "one of: %(conditions)s": "l’un de ces signes : %(conditions)s",
    "%(observation)s: %(answer)s": "%(observation)s : %(answer)s",
    "on %(treatments)s": "sous %(treatments)s",
    "reported by %(sources)s": "signalé par %(sources)s",
    "If %(conditions)s": "Si %(conditions)s",
    "%(condition)s: %(level)s alert, answered %(deadline)s.": "%(condition)s : alerte "
    "« %(level)s », réponse %(deadline)s.",
    "In words": "En clair",
    "Advice given to the patient": "Conseil donné au patient",
    "then again %(deadline)s": "puis de nouveau %(deadline)s",
}
PLURALS |= {
    "within %(count)s minute": ("dans la %(count)s minute", "dans les %(count)s minutes"),
    "within %(count)s day": ("dans le %(count)s jour", "dans les %(count)s jours"),
    "within %(count)s hour": ("dans l’%(count)s heure", "dans les %(count)s heures"),
}
T |= {
    "%(condition)s: %(level)s alert, answered without delay.": "%(condition)s : alerte "
    "« %(level)s », réponse sans délai.",
}
T |= {
    # directory: civility of a professional
    "Ms": "Madame",
    "Mr": "Monsieur",
    "civility": "civilité",
}
