"""French translations for issue 12 part 1: triage default@2, treatments in course, report forms."""

T = {
    "Alerts waiting for me": "Alertes qui m'attendent",
    "Neutrophil count decreased": "Neutropénie (polynucléaires neutrophiles diminués)",
    "Febrile neutropenia": "Neutropénie fébrile",
    "Creatinine increased": "Créatinine augmentée",
    "Chest pain (cardiac)": "Douleur thoracique (cardiaque)",
    "Generalised muscle weakness": "Faiblesse musculaire généralisée",
    "Headache": "Maux de tête",
    "Suspected febrile neutropenia": "Suspicion de neutropénie fébrile",
    "Neurological change seen after CAR-T (ICANS screen positive)": "Changement neurologique après CAR-T (dépistage d'ICANS positif)",
    "Suspected immune myocarditis / myositis": "Suspicion de myocardite / myosite immunologique",
    "Suspected hypophysitis": "Suspicion d'hypophysite",
    "confusion": "confusion",
    "word-finding difficulty": "manque du mot",
    "handwriting change": "écriture modifiée",
    "tremor": "tremblement",
    "unusual drowsiness": "somnolence inhabituelle",
    "seizure witnessed": "convulsion observée",
    "intensive-care on-call": "réanimation de garde",
    "neurology on-call": "neurologie de garde",
    "Neutrophils (× 10⁹/L)": "Polynucléaires neutrophiles (G/L)",
    "Hours at or above 38 °C": "Heures à 38 °C ou plus",
    "Creatinine (× upper limit of normal)": "Créatinine (× limite supérieure de la normale)",
    "Chest pain": "Douleur thoracique",
    "Muscle weakness": "Faiblesse musculaire",
    "Changes seen by relatives": "Changements vus par les proches",
    "suspicions": "suspicions",
    "Intensive-care on-call": "Réanimation de garde",
    "Neurology on-call": "Neurologie de garde",
    "They seem confused, or do not know where they are or what day it is": "Elle semble confuse, ou ne sait plus où elle est ni quel jour on est",
    "They struggle to find their words or to speak": "Elle cherche ses mots ou a du mal à parler",
    "Their handwriting has changed (ask them to write a short sentence every day)": "Son écriture a changé (demandez-lui d'écrire une petite phrase chaque jour)",
    "Their hands are shaking": "Ses mains tremblent",
    "They are unusually sleepy or hard to wake up": "Elle est anormalement endormie ou difficile à réveiller",
    "They had a fit (jerking movements, loss of consciousness)": "Elle a fait une crise (secousses, perte de connaissance)",
    "Since your last message": "Depuis votre dernier message",
    "Fever and blood tests (chemotherapy)": "Fièvre et prise de sang (chimiothérapie)",
    "With a temperature of 38 °C or more, call the unit at once (or 15 if nobody answers), and take no medicine for the fever before calling.": "Avec une température de 38 °C ou plus, appelez le service tout de suite (ou le 15 si personne ne répond), et ne prenez pas de médicament contre la fièvre avant d'avoir appelé.",
    "Chest, muscles and headache (immunotherapy)": "Poitrine, muscles et maux de tête (immunothérapie)",
    "For a relative: what you have noticed since yesterday": "Pour le proche : ce que vous avez remarqué depuis hier",
    "After CAR-T cells, relatives are often the first to notice a change. Tick everything you have seen, even if it seems small. Do not let the person drive.": "Après les CAR-T, les proches sont souvent les premiers à remarquer un changement. Cochez tout ce que vous avez vu, même si cela vous semble peu de chose. Ne laissez pas la personne conduire.",
    "Anything else": "Autre chose",
    "How many hours have you had a temperature of 38 °C or more? (leave empty if no fever)": "Depuis combien d'heures avez-vous 38 °C ou plus ? (laissez vide si vous n'avez pas de fièvre)",
    "If you had a blood test: your neutrophil count (« polynucléaires neutrophiles »), in G/L as on the laboratory report": "Si vous avez fait une prise de sang : votre taux de polynucléaires neutrophiles, en G/L comme sur le compte rendu du laboratoire",
    "When was that blood test taken?": "Quand cette prise de sang a-t-elle été faite ?",
    "Less than 24 hours ago": "Il y a moins de 24 heures",
    "Yesterday or before": "Hier ou avant",
    "Pain or tightness in the chest": "Douleur ou serrement dans la poitrine",
    "No": "Non",
    "A little, and it goes away": "Un peu, et ça passe",
    "When I make an effort; it stops me doing some things": "Quand je fais un effort ; ça m'empêche de faire certaines choses",
    "Even at rest; I cannot look after myself": "Même au repos ; je n'arrive plus à m'occuper de moi",
    "Weakness in the muscles (arms, legs, neck)": "Faiblesse des muscles (bras, jambes, cou)",
    "I feel weaker, but I can do everything": "Je me sens plus faible, mais j'arrive à tout faire",
    "Too weak for shopping, cooking or housework": "Trop faible pour les courses, la cuisine ou le ménage",
    "It stops me doing some things": "Ça m'empêche de faire certaines choses",
    "Strong; I cannot look after myself": "Fort ; je n'arrive plus à m'occuper de moi",
    "Have you noticed in the person treated…": "Avez-vous remarqué chez la personne soignée…",
    "Say when the blood test was taken.": "Indiquez quand la prise de sang a été faite.",
    "Moderate, on exertion, limiting instrumental ADL": "Modérée, à l'effort, limitant les activités instrumentales",
    "At rest, limiting self-care ADL": "Au repos, limitant les soins personnels",
    "Symptomatic, not limiting": "Symptomatique, sans retentissement",
    "Limiting instrumental ADL": "Limitant les activités instrumentales",
    "Limiting self-care ADL": "Limitant les soins personnels",
    "Confusion, disorientation": "Confusion, désorientation",
    "Word-finding difficulty": "Manque du mot",
    "Handwriting change": "Écriture modifiée",
    "Tremor": "Tremblement",
    "Unusual drowsiness": "Somnolence inhabituelle",
    "Seizure witnessed": "Convulsion observée",
    "Blood results of the day (if available)": "Résultats sanguins du jour (si disponibles)",
    "Only results of the last 24 hours: an older count must not be entered here.": "Uniquement des résultats de moins de 24 heures : ne saisissez pas ici une numération plus ancienne.",
    "Neurological watch after CAR-T": "Surveillance neurologique après CAR-T",
    "Vital signs": "Constantes",
    "Comment": "Commentaire",
    "Changes seen (by you or the relatives)": "Changements observés (par vous ou par les proches)",
    "Laboratory results (× upper limit of normal unless stated)": "Biologie (× limite supérieure de la normale sauf mention contraire)",
    "Cytokine release syndrome (ASTCT 2019)": "Syndrome de relargage cytokinique (ASTCT 2019)",
    "ICANS: ICE score and neurological findings (ASTCT 2019)": "ICANS : score ICE et examen neurologique (ASTCT 2019)",
    "Days since CAR-T infusion": "Jours depuis l'injection des CAR-T",
    "Changes reported by the relatives": "Changements signalés par les proches",
    "not reached (nobody on the rota or in the care team): %(roles)s": "non joint (personne de garde ni dans l'équipe de soins) : %(roles)s",
    "Suspicions raised": "Suspicions signalées",
    "graded for": "gradé pour",
    "All my alerts": "Toutes mes alertes",
    "Graded for every treatment in course; the strictest answer was kept.": "Gradé pour chaque traitement en cours ; la réponse la plus stricte a été retenue.",
    "Kind of treatment": "Type de traitement",
    "Regimen or drugs": "Protocole ou médicaments",
    "E.g. FOLFOX, carboplatin–paclitaxel, pembrolizumab.": "Par ex. FOLFOX, carboplatine–paclitaxel, pembrolizumab.",
    "Line of treatment": "Ligne de traitement",
    "Started on": "Débuté le",
    "Ended on": "Terminé le",
    "Immunotherapy (immune checkpoint inhibitor)": "Immunothérapie (inhibiteur de point de contrôle immunitaire)",
    "Bispecific T-cell engager antibody": "Anticorps bispécifique engageant les lymphocytes T",
    "Hormone therapy": "Hormonothérapie",
    "Other anticancer treatment": "Autre traitement anticancéreux",
    "Stopped for toxicity": "Arrêté pour toxicité",
    "Stopped for progression": "Arrêté pour progression",
    "Stopped at the patient's request": "Arrêté à la demande du patient",
    "Other reason": "Autre raison",
    "kind of treatment": "type de traitement",
    "regimen or drugs": "protocole ou médicaments",
    "E.g. FOLFOX, carboplatin–paclitaxel, pembrolizumab, axicabtagene ciloleucel.": "Par ex. FOLFOX, carboplatine–paclitaxel, pembrolizumab, axicabtagène ciloleucel.",
    "line of treatment": "ligne de traitement",
    "reason for ending": "motif de fin",
    "anticancer treatment": "traitement anticancéreux",
    "anticancer treatments": "traitements anticancéreux",
    "Choose a kind of treatment from the list.": "Choisissez un type de traitement dans la liste.",
    "Name the regimen or the drugs.": "Indiquez le protocole ou les médicaments.",
    "The line of treatment is 1 or more.": "La ligne de traitement vaut 1 ou plus.",
    "This treatment already ended on %(date)s.": "Ce traitement s'est déjà terminé le %(date)s.",
    "Give the end date (today at the latest).": "Indiquez la date de fin (aujourd'hui au plus tard).",
    "The end date is before the start (%(date)s).": "La date de fin est avant le début (%(date)s).",
    "Choose why the treatment ended.": "Choisissez pourquoi le traitement s'est terminé.",
    "in course": "en cours",
    "line %(line)s": "ligne %(line)s",
    "since %(start)s": "depuis le %(start)s",
    "ended %(end)s (%(reason)s)": "terminé le %(end)s (%(reason)s)",
    "No anticancer treatment recorded.": "Aucun traitement anticancéreux enregistré.",
    "Home follow-up grades the patient's reports for every treatment in course (and the treatment of their pathways): fever on chemotherapy, signs after CAR-T…": "Le suivi à domicile grade les déclarations du patient pour chaque traitement en cours (et le traitement de ses parcours) : fièvre sous chimiothérapie, signes après CAR-T…",
    "Record a treatment in course": "Enregistrer un traitement en cours",
    "Treatment started: %(kind)s": "Début de traitement : %(kind)s",
    "Treatment ended: %(kind)s": "Fin de traitement : %(kind)s",
    "Anticancer treatments": "Traitements anticancéreux",
    "Treatment recorded.": "Traitement enregistré.",
    "End the treatment: %(treatment)s": "Terminer le traitement : %(treatment)s",
    "Treatment end recorded.": "Fin de traitement enregistrée.",
    "Clinical assessment": "Évaluation clinique",
    "End": "Terminer",
    "ended": "terminé",
}
T.update(
    {
        "Every matching rule is considered; the highest level wins, everyone the rules at that level name is notified, the shortest deadline applies, and the advice is that of the most specific rule (the later one in the file). A report is also never triaged laxer than the newest shipped default policy.": "Toutes les règles qui s'appliquent sont prises en compte : le niveau le plus élevé l'emporte, toutes les personnes nommées par les règles de ce niveau sont prévenues, le délai le plus court s'applique et le conseil est celui de la règle la plus spécifique (la dernière du fichier). Une déclaration n'est par ailleurs jamais triée moins strictement que la politique par défaut la plus récente livrée.",
        "Also notified (the level does not change)": "Également prévenus (le niveau ne change pas)",
    }
)
T.update(
    {
        "Prognosis to check: the record lacks facts that decide whether this cancer is of poor prognosis (see the diagnosis on the record). A referral may still be requested.": "Pronostic à vérifier : il manque au dossier des éléments qui décident si ce cancer est de mauvais pronostic (voir le diagnostic dans le dossier). Une demande d'avis reste possible.",
    }
)
T.update({"Other symptoms": "Autres symptômes"})
T.update(
    {
        "A fever of 38 °C or more was reported: give the highest temperature measured, even if a medicine has lowered it since.": "Une fièvre de 38 °C ou plus a été signalée : indiquez la température la plus haute mesurée, même si un médicament l'a fait baisser depuis.",
        "Neutrophil count taken": "Numération faite",
        "Yesterday or before (not used for grading)": "Hier ou avant (non utilisée pour le grade)",
        "Systolic pressure below 90 mmHg: say whether the patient is hypotensive (it grades febrile neutropenia and, after CAR-T, the cytokine release syndrome).": "Pression systolique sous 90 mmHg : indiquez si le patient est hypotendu (cela grade la neutropénie fébrile et, après CAR-T, le syndrome de relargage cytokinique).",
        "Blood results (if available)": "Résultats sanguins (si disponibles)",
        "A neutrophil count older than 24 hours is recorded but not used for grading.": "Une numération de plus de 24 heures est enregistrée mais n'est pas utilisée pour le grade.",
        "After CAR-T": "Après CAR-T",
        "Oxygen saturation below 92 %: say whether oxygen is given.": "Saturation sous 92 % : indiquez si de l'oxygène est donné.",
        "Systolic pressure is %(value)s mmHg: say whether the patient is hypotensive.": "La pression systolique est de %(value)s mmHg : indiquez si le patient est hypotendu.",
        "Saturation is %(value)s %%: say whether oxygen is given.": "La saturation est de %(value)s %% : indiquez si de l'oxygène est donné.",
        "Peritoneal signs (guarding, rebound tenderness)": "Signes péritonéaux (défense, douleur à la décompression)",
    }
)
T.update(
    {
        "%(kind)s — %(regimen)s, ended on %(date)s": "%(kind)s — %(regimen)s, terminé le %(date)s",
        "Antibody–drug conjugate": "Anticorps conjugué (ADC)",
    }
)
T.update({"research, network, registry, evaluation": "recherche, réseau, registre, évaluation"})
PLURALS = {
    "%(count)s patient excluded (opposition to at least one export purpose: %(purposes)s)": (
        "%(count)s patient exclu (opposition à au moins une finalité d'export : %(purposes)s)",
        "%(count)s patients exclus (opposition à au moins une finalité d'export : %(purposes)s)",
    ),
}
T.update(
    {
        "Your care team": "Votre équipe de soins",
        "Call %(phone)s": "Appeler le %(phone)s",
        "Patient records are created by the care team (physician, nurse, EFS staff).": "Les dossiers patients sont créés par l'équipe de soins (médecin, infirmier, personnel de l'EFS).",
    }
)
T.update(
    {
        'If you are a relative answering for %(name)s, tick "I am answering for the patient": the questions about the person treated are for you.': "Si vous êtes un proche qui répond pour %(name)s, cochez « Je réponds pour le patient » : les questions sur la personne soignée vous sont destinées.",
    }
)
T.update(
    {
        "The infusion cannot be dated before the bedside check (%(time)s).": "La perfusion ne peut pas être datée avant le contrôle au lit du patient (%(time)s)."
    }
)
T.update(
    {
        "%(product)s is indicated for: %(indications)s. None of the patient's diagnoses matches (at %(age)s years): choose another product, or the board must decide it outside guidelines with its justification.": "%(product)s est indiqué pour : %(indications)s. Aucun diagnostic du patient ne correspond (à %(age)s ans) : choisissez un autre produit, ou la RCP doit le décider hors référentiel avec sa justification.",
    }
)
T.update(
    {"A check cannot be dated in the future.": "Un contrôle ne peut pas être daté dans le futur."}
)
T.update(
    {
        "The patient already has a session that day (%(procedure)s at %(time)s, %(centre)s): one procedure a day.": "Le patient a déjà une séance ce jour-là (%(procedure)s à %(time)s, %(centre)s) : une seule séance par jour.",
        "The requesting team asked for a session between %(start)s and %(end)s: schedule it in that period, or ask them for a new request.": "L'équipe demandeuse a souhaité une séance entre le %(start)s et le %(end)s : programmez-la dans cette période ou demandez-lui une nouvelle demande.",
    }
)
