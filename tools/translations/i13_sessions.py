T = {
    "session epoch": "génération de session",
}
