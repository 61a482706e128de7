"""French for the reminders (issue 16): questionnaire due, appointment tomorrow, missed
questionnaire, the nurse's notice after two misses."""

T = {
    "A questionnaire to fill in": "Un questionnaire à remplir",
    'Your care programme asks you to fill in the questionnaire "%(questionnaire)s" by %(until)s. It takes a few minutes, in your space: %(url)s': "Votre programme de soins vous demande de remplir le questionnaire « %(questionnaire)s » avant le %(until)s. Cela prend quelques minutes, dans votre espace : %(url)s",
    "If you have a new or worsening symptom, fill in the follow-up questionnaire in your space; in an emergency, call 15.": "Si vous avez un symptôme nouveau ou qui s'aggrave, remplissez le questionnaire de suivi dans votre espace ; en cas d'urgence, appelez le 15.",
    "OncoParcours: a questionnaire to fill in by %(until)s, in your space: %(url)s": "OncoParcours : un questionnaire à remplir avant le %(until)s, dans votre espace : %(url)s",
    "Reminder: an appointment tomorrow": "Rappel : un rendez-vous demain",
    "Reminder: tomorrow %(day)s at %(time)s, %(what)s.": "Rappel : demain %(day)s à %(time)s, %(what)s.",
    "Reminder: tomorrow %(day)s, %(what)s.": "Rappel : demain %(day)s, %(what)s.",
    "Details in your calendar: %(url)s": "Le détail dans votre calendrier : %(url)s",
    "If you cannot come, call your care team.": "Si vous ne pouvez pas venir, appelez votre équipe de soins.",
    "OncoParcours: reminder, tomorrow %(day)s at %(time)s: %(what)s. Details: %(url)s": "OncoParcours : rappel, demain %(day)s à %(time)s : %(what)s. Détail : %(url)s",
    "OncoParcours: reminder, tomorrow %(day)s: %(what)s. Details: %(url)s": "OncoParcours : rappel, demain %(day)s : %(what)s. Détail : %(url)s",
    "A questionnaire was not filled in": "Un questionnaire n'a pas été rempli",
    'The questionnaire "%(questionnaire)s" was not filled in within its time. The next one will be offered to you in your space: %(url)s': "Le questionnaire « %(questionnaire)s » n'a pas été rempli dans le délai prévu. Le prochain vous sera proposé dans votre espace : %(url)s",
    "OncoParcours: a questionnaire was not filled in in time. The next one will be in your space: %(url)s": "OncoParcours : un questionnaire n'a pas été rempli à temps. Le prochain sera dans votre espace : %(url)s",
    "Two questionnaires missed in a row": "Deux questionnaires manqués de suite",
    'A patient of your care team has missed the questionnaire "%(questionnaire)s" twice in a row. Call them to check how they are and whether they can use their space: %(url)s': "Un patient de votre équipe de soins a manqué deux fois de suite le questionnaire « %(questionnaire)s ». Appelez-le pour savoir comment il va et s'il arrive à utiliser son espace : %(url)s",
    "OncoParcours: a patient of your care team missed a questionnaire twice in a row. %(url)s": "OncoParcours : un patient de votre équipe de soins a manqué deux fois de suite un questionnaire. %(url)s",
    "reminder": "rappel",
    "reminders": "rappels",
}

PLURALS: dict[str, tuple[str, str]] = {}
