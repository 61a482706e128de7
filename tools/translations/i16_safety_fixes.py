"""French for the portal's safety fixes of the clinical review (issue 16, branch i16): on-call
escalation of urgent messages, worrying questionnaire comments, PROM notices."""

T = {
    "On call: a patient's urgent message is unanswered": "Astreinte : le message urgent d'un patient est sans réponse",
    "OncoParcours: on call, a patient's urgent message is unanswered. Read it now and call the patient.": "OncoParcours : astreinte, le message urgent d'un patient est sans réponse. Lisez-le maintenant et appelez le patient.",
    "A patient sent an urgent message after being warned that it mentions warning signs, and the care team has not answered it (2 hours in working hours, or it came outside them). You are told as the centre's on-call physician or the care team's lead: read it now and call the patient: %(url)s": "Un patient a envoyé un message urgent après avoir été averti qu'il mentionne des signes d'alerte, et l'équipe de soins n'y a pas répondu (2 heures pendant les heures ouvrées, ou il est arrivé en dehors). Vous êtes prévenu(e) comme médecin d'astreinte du centre ou responsable de l'équipe de soins : lisez-le maintenant et appelez le patient : %(url)s",
    "Passed to the on-call team on %(when)s.": "Transmis à l'astreinte le %(when)s.",
    "The centre's on-call physician and the person in charge of your care team were told. If things get worse, call 15 without waiting.": "Le médecin d'astreinte du centre et la personne responsable de votre équipe de soins ont été prévenus. Si cela s'aggrave, appelez le 15 sans attendre.",
    "On %(when)s, your urgent message could not be passed to an on-call physician: nobody could be told.": "Le %(when)s, votre message urgent n'a pu être transmis à aucun médecin d'astreinte : personne n'a pu être prévenu.",
    "Do not wait for an answer: call your centre now (see who to call), or 15 in an emergency.": "N'attendez pas de réponse : appelez votre centre maintenant (voir qui appeler), ou le 15 en cas d'urgence.",
    "Passed on %(when)s to the centre's on-call physician and the care team's lead (unanswered urgent message).": "Transmis le %(when)s au médecin d'astreinte du centre et au responsable de l'équipe de soins (message urgent sans réponse).",
    "On %(when)s no on-call physician could be told (nobody on the centre's rota with an account); the care team's lead was told and the patient was asked to call.": "Le %(when)s, aucun médecin d'astreinte n'a pu être prévenu (personne de garde au centre avec un compte) ; le responsable de l'équipe de soins a été prévenu et le patient invité à appeler.",
    "Messages are read on working days and never raise an alert. If you have a new or worsening symptom, fill in the follow-up questionnaire now: when your answers show a warning sign, your care team receives an alert.": "Les messages sont lus les jours ouvrés et ne déclenchent jamais d'alerte. Si vous avez un symptôme nouveau ou qui s'aggrave, remplissez maintenant le questionnaire de suivi : quand vos réponses montrent un signe d'alerte, votre équipe de soins reçoit une alerte.",
    "If you send it anyway, it is marked urgent for your care team. If nobody has answered it within 2 hours on a working day (Monday to Friday, 8 am to 6 pm), or if you send it outside those hours, it is passed to the centre's on-call physician. It is still not an emergency channel: if things get worse, call 15.": "Si vous l'envoyez quand même, il est marqué urgent pour votre équipe de soins. Si personne n'y a répondu dans les 2 heures un jour ouvré (du lundi au vendredi, de 8 h à 18 h), ou si vous l'envoyez en dehors de ces heures, il est transmis au médecin d'astreinte du centre. Ce n'est toujours pas un moyen d'urgence : si cela s'aggrave, appelez le 15.",
    "Your file « %(name)s » is not kept after this warning: choose it again to send it with your message.": "Votre fichier « %(name)s » n'est pas conservé après cet avertissement : choisissez-le à nouveau pour l'envoyer avec votre message.",
    "Your comment mentions a warning sign": "Votre commentaire mentionne un signe d'alerte",
    "A comment is read by your care team, but it does not raise an alert by itself. Your care team sees it marked.": "Un commentaire est lu par votre équipe de soins, mais il ne déclenche pas d'alerte à lui seul. Votre équipe de soins le voit signalé.",
    "Worrying comment:": "Commentaire inquiétant :",
    "The comment does not raise an alert by itself: read it and call the patient if in doubt.": "Le commentaire ne déclenche pas d'alerte à lui seul : lisez-le et appelez le patient en cas de doute.",
    "Your comment mentions a warning sign: your care team sees it marked. It does not raise an alert by itself: if things get worse, call 15.": "Votre commentaire mentionne un signe d'alerte : votre équipe de soins le voit signalé. Il ne déclenche pas d'alerte à lui seul : si cela s'aggrave, appelez le 15.",
    "If things get worse: call your care team, do not write. In an emergency, call 15.": "Si cela s'aggrave : appelez votre équipe de soins, n'écrivez pas. En cas d'urgence, appelez le 15.",
    "Fill in the questionnaire again": "Remplir à nouveau le questionnaire",
    "If it gets worse: call, do not write.": "Si cela s'aggrave : appelez, n'écrivez pas.",
}
T.update(
    {
        "On hold": "En pause",
        "Your care programme is paused: this date will move. Your care team tells you the new one.": "Votre programme de soins est en pause : cette date va changer. Votre équipe de soins vous dira la nouvelle.",
        "Your care programme was stopped: this date will not take place unless your care team confirms it.": "Votre programme de soins a été arrêté : cette date n'aura pas lieu, sauf si votre équipe de soins vous la confirme.",
    }
)
T.update(
    {
        "A worrying questionnaire answer: call the patient": "Réponse inquiétante à un questionnaire : appelez le patient",
        'A patient of your care team gave a worrying answer to the questionnaire "%(questionnaire)s" (the worst level of an item, or a big drop of the score since the previous answer). A questionnaire never raises an alert: call the patient to check how they are: %(url)s': "Un patient de votre équipe de soins a donné une réponse inquiétante au questionnaire « %(questionnaire)s » (le niveau le plus grave d'une question, ou une forte baisse du score depuis la réponse précédente). Un questionnaire ne déclenche jamais d'alerte : appelez le patient pour savoir comment il va : %(url)s",
        "OncoParcours: a patient of your care team gave a worrying questionnaire answer. Call them. %(url)s": "OncoParcours : un patient de votre équipe de soins a donné une réponse inquiétante à un questionnaire. Appelez-le. %(url)s",
    }
)
T.update(
    {
        "your coordination nurse": "votre infirmière de coordination",
        "your cancer doctor": "votre cancérologue",
        "your pharmacist": "votre pharmacien",
        "the on-call doctor": "le médecin de garde",
        "the CAR-T on-call team": "l'équipe CAR-T de garde",
        "the intensive-care on-call doctor": "le réanimateur de garde",
        "the neurology on-call doctor": "le neurologue de garde",
        "the person in charge of your care team": "la personne responsable de votre équipe de soins",
        "a member of your care team": "un membre de votre équipe de soins",
        "Told: %(who)s.": "Prévenu(s) : %(who)s.",
        "Nobody in your care team could be told automatically: call your centre now, or 15 in an emergency.": "Personne de votre équipe de soins n'a pu être prévenu automatiquement : appelez votre centre maintenant, ou le 15 en cas d'urgence.",
    }
)
