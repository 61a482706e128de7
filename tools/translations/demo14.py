"""French for the believable demo region (issue 14): excursion times, patient list order."""

T = {
    "An acknowledgement cannot be dated in the future.": (
        "Un acquittement ne peut pas être daté dans le futur."
    ),
    "An acknowledgement cannot be dated before the excursion (%(when)s).": (
        "Un acquittement ne peut pas être daté avant l'excursion (%(when)s)."
    ),
}

PLURALS: dict[str, tuple[str, str]] = {
    "%(counter)s patient, in alphabetical order of name": (
        "%(counter)s patient, par ordre alphabétique du nom",
        "%(counter)s patients, par ordre alphabétique du nom",
    ),
}
