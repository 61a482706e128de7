T = {
    "session epoch": "génération de session",
}
T.update(
    {
        "password reset request": "demande de réinitialisation du mot de passe",
        "password reset requests": "demandes de réinitialisation du mot de passe",
    }
)
