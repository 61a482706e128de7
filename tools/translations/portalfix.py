"""French for the portal fixes after the cold try-out of issue 16 (2026-12-04)."""

T = {
    "The centre's on-call physician and the person in charge of your care team were told. If things get worse, call 15 without waiting; your care team will also read your message.": "Le médecin d'astreinte du centre et le responsable de votre équipe de soins ont été prévenus. Si cela s'aggrave, appelez le 15 sans attendre ; votre équipe de soins lira aussi votre message.",
    "Call your centre now (see who to call), or 15 in an emergency; your care team will also read your message.": "Appelez votre centre maintenant (voir qui appeler), ou le 15 en cas d'urgence ; votre équipe de soins lira aussi votre message.",
    "Your message is marked urgent: your care team sees it first and will also read it. It is not an emergency channel, so do not wait for a written answer: if things get worse, call 15 now (or fill in the questionnaire).": "Votre message est marqué urgent : votre équipe de soins le voit en premier et lira aussi votre message. Ce n'est pas un moyen d'appeler en urgence, n'attendez donc pas de réponse écrite : si cela s'aggrave, appelez le 15 maintenant (ou remplissez le questionnaire).",
}
T.update(
    {
        "Your comment contains words that worry us: your care team is told and will call you back, but if things get worse, do not wait: call 15.": "Votre commentaire contient des mots qui nous inquiètent : votre équipe de soins est prévenue et vous rappellera, mais si cela s'aggrave, n'attendez pas : appelez le 15.",
        "The comment alone raises an urgent alert: read it and call the patient back.": "Le commentaire déclenche à lui seul une alerte urgente : lisez-le et rappelez le patient.",
    }
)
T.update(
    {
        "kept from the relatives (words of distress)": "caché aux proches (mots de détresse)",
        "privacy chosen by the patient": "confidentialité choisie par le patient",
        "Your message speaks of distress, so your relatives do not read it and are not told of the answer, unless you share it.": "Votre message parle de détresse : vos proches ne le lisent pas et ne sont pas prévenus de la réponse, sauf si vous le partagez.",
    }
)
T.update(
    {
        "You have used up the %(tries)s tries for this code: it no longer works, even typed correctly. Ask for a new code with the button below.": "Vous avez utilisé les %(tries)s essais de ce code : il ne fonctionne plus, même tapé correctement. Demandez un nouveau code avec le bouton ci-dessous.",
        "Send me a new code": "Recevoir un nouveau code",
    }
)
