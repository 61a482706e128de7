"""French translations of the strings added for issue 13 (fault drills: upload on a full disk)."""

T = {
    "the server has no disk space left": "le serveur n'a plus d'espace disque",
    "the server could not write it": "le serveur n'a pas pu l'écrire",
    "The document was not saved: %(reason)s. Nothing was attached; try again later.": "Le "
    "document n'a pas été enregistré : %(reason)s. Rien n'a été joint ; réessayez plus tard.",
}
