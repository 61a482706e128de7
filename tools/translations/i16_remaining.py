"""French for issue 16's remaining parts: per-conversation privacy, late answers."""

T = {
    "Keep this conversation from my relatives": "Ne pas montrer cette conversation à mes proches",
    "Your relatives who have access to your messages will not see it.": "Vos proches qui ont accès à vos messages ne la verront pas.",
    "Your relatives no longer see this conversation.": "Vos proches ne voient plus cette conversation.",
    "Your relatives with access to messages see it again.": "Vos proches ayant accès aux messages la voient de nouveau.",
    "Only the patient chooses who reads a conversation.": "Seul le patient choisit qui lit une conversation.",
    "kept from my relatives": "cachée à mes proches",
    "Only you and your care team read this conversation.": "Seuls vous et votre équipe de soins lisez cette conversation.",
    "Share it with my relatives": "La montrer à mes proches",
    "Your relatives with access to your messages can read this conversation.": "Vos proches ayant accès à vos messages peuvent lire cette conversation.",
    "Keep it from my relatives": "La cacher à mes proches",
    "The patient keeps this conversation between you, them and the care team.": "La personne soignée garde cette conversation entre vous, elle et l'équipe de soins.",
    "not answered yet": "pas encore de réponse",
    "Your care team has not answered yet; in an emergency, call 15.": "Votre équipe n'a pas encore répondu ; en cas d'urgence, appelez le 15.",
    "Your message is still waiting: the person in charge of your care team is told.": "Votre message attend toujours : la personne responsable de votre équipe de soins en est prévenue.",
    "The head of the care team was told on %(when)s that the answer is late.": "La personne responsable de l'équipe de soins a été prévenue le %(when)s du retard de réponse.",
    "The patient keeps this conversation from their relatives.": "Le patient ne montre pas cette conversation à ses proches.",
    "A patient's message is waiting past its answer date": "Un message de patient attend une réponse au-delà de la date promise",
    "A patient of the care team you lead has been waiting for an answer to a message past the date they were promised. Make sure someone answers today: %(url)s": "Un patient de l'équipe de soins que vous dirigez attend la réponse à un message au-delà de la date promise. Veillez à ce que quelqu'un réponde aujourd'hui : %(url)s",
    "OncoParcours: a patient's message to your care team is past its answer date. Make sure someone answers today.": "OncoParcours : le message d'un patient à votre équipe de soins a dépassé sa date de réponse. Veillez à ce que quelqu'un réponde aujourd'hui.",
}

PLURALS: dict[str, tuple[str, str]] = {}

T.update(
    {
        "Attached file (optional)": "Pièce jointe (facultative)",
        "A PDF document or a JPEG or PNG photo, 10 MB at most.": "Un document PDF ou une photo JPEG ou PNG, 10 Mo au plus.",
        "The attached file is empty.": "Le fichier joint est vide.",
        "The attached file is too large (%(size)s MB; at most 10 MB).": "Le fichier joint est trop volumineux (%(size)s Mo ; 10 Mo au plus).",
        "Only PDF documents and JPEG or PNG photos can be attached.": "Seuls les documents PDF et les photos JPEG ou PNG peuvent être joints.",
        "The attached file could not be saved; nothing was sent. Try again later.": "Le fichier joint n'a pas pu être enregistré ; rien n'a été envoyé. Réessayez plus tard.",
        "Attached file: %(name)s": "Pièce jointe : %(name)s",
        "message attachment": "pièce jointe de message",
        "message attachments": "pièces jointes de messages",
        "file name": "nom du fichier",
    }
)

T.update(
    {
        "Your care team at %(centre)s": "Votre équipe de soins — %(centre)s",
        "Your care team": "Votre équipe de soins",
        "%(sender)s: a questionnaire to fill in by %(until)s, in your space: %(url)s": "%(sender)s : un questionnaire à remplir avant le %(until)s, dans votre espace : %(url)s",
        "%(sender)s: reminder, tomorrow %(day)s at %(time)s: %(what)s. Details: %(url)s": "%(sender)s : rappel, demain %(day)s à %(time)s : %(what)s. Détail : %(url)s",
        "%(sender)s: reminder, tomorrow %(day)s: %(what)s. Details: %(url)s": "%(sender)s : rappel, demain %(day)s : %(what)s. Détail : %(url)s",
        "%(sender)s: a questionnaire was not filled in in time; it does not matter, the next one will be in your space: %(url)s": "%(sender)s : un questionnaire n'a pas été rempli à temps ; ce n'est pas grave, le prochain sera dans votre espace : %(url)s",
        'The questionnaire "%(questionnaire)s" was not filled in within its time. It does not matter: the next one will be offered to you in your space: %(url)s': "Le questionnaire « %(questionnaire)s » n'a pas été rempli à temps. Ce n'est pas grave : le prochain vous sera proposé dans votre espace : %(url)s",
    }
)
