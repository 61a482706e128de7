"""French for the portal's warning signs prompt and urgent messages (issue 16, safety review)."""

T = {
    "Your message was sent to your care team, marked urgent. A message is not an emergency channel: if you are not answered today, or if things get worse, fill in the questionnaire or call 15.": "Votre message a été envoyé à votre équipe de soins, marqué urgent. Un message n'est pas un moyen d'appeler en urgence : si personne ne vous répond aujourd'hui, ou si cela s'aggrave, remplissez le questionnaire ou appelez le 15.",
    "Urgent: a patient's message to read today": "Urgent : un message de patient à lire aujourd'hui",
    "Call %(number)s": "Appeler le %(number)s",
    "If you send it anyway, your care team sees it first, marked urgent, and is told at once. It is still not an emergency channel: it may not be read before the next working day.": "Si vous l'envoyez quand même, votre équipe de soins le voit en premier, marqué urgent, et elle est prévenue aussitôt. Ce n'est pas pour autant un moyen d'appeler en urgence : il peut n'être lu que le jour ouvré suivant.",
    "A message is not an emergency channel: it never raises an alert, even marked urgent. For a new or worsening symptom, fill in the questionnaire; in an emergency, call 15; if you think of suicide, call 3114.": "Un message n'est pas un moyen d'appeler en urgence : il ne déclenche jamais d'alerte, même marqué urgent. Pour un symptôme nouveau ou qui s'aggrave, remplissez le questionnaire ; en cas d'urgence, appelez le 15 ; si vous pensez au suicide, appelez le 3114.",
    "Your care team sees this conversation first, marked urgent. It is not an emergency channel: if things get worse, fill in the questionnaire or call 15.": "Votre équipe de soins voit cette conversation en premier, marquée urgente. Ce n'est pas un moyen d'appeler en urgence : si cela s'aggrave, remplissez le questionnaire ou appelez le 15.",
    "urgent: sent after the warning": "urgent : envoyé malgré l'avertissement",
    "urgent: sent after the warning, %(since)s": "urgent : envoyé malgré l'avertissement, %(since)s",
    "A message sent after the warning signs prompt is urgent: it comes first, and the team is told at once; read it today and call the patient.": "Un message envoyé malgré l'avertissement sur les signes d'alerte est urgent : il passe en tête et l'équipe est prévenue aussitôt ; lisez-le aujourd'hui et appelez le patient.",
    "Urgent: the patient's side sent this message on %(since)s after being warned that it mentions warning signs.": "Urgent : le patient ou son proche a envoyé ce message le %(since)s malgré l'avertissement qu'il mentionne des signes d'alerte.",
    "Read it today and call the patient; your answer removes the urgent mark.": "Lisez-le aujourd'hui et appelez le patient ; votre réponse retire la mention urgent.",
    "A patient of your care team sent a message after being warned that it mentions warning signs. Read it today and call the patient if needed: %(url)s": "Un patient de votre équipe de soins a envoyé un message malgré l'avertissement qu'il mentionne des signes d'alerte. Lisez-le aujourd'hui et appelez le patient si besoin : %(url)s",
    "OncoParcours: urgent, a patient of your care team sent a message after the warning signs prompt. Read it today.": "OncoParcours : urgent, un patient de votre équipe de soins a envoyé un message malgré l'avertissement sur les signes d'alerte. À lire aujourd'hui.",
}

PLURALS = {"%(counter)s urgent": ("%(counter)s urgent", "%(counter)s urgents")}
