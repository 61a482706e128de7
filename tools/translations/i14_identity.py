"""French for issue 14: identity and safety on entry."""

T = {
    "used first name": "prénom utilisé",
    "birth place code": "code du lieu de naissance",
    "INSEE code of the birth commune; 99 + country code if born abroad.": (
        "Code INSEE de la commune de naissance ; 99 + code du pays si né(e) à l’étranger."
    ),
    "This name is required.": "Ce nom est obligatoire.",
    "A name cannot contain digits (RNIV: letters, space, hyphen, apostrophe only).": (
        "Un nom ne peut pas contenir de chiffres (RNIV : lettres, espace, trait d’union et "
        "apostrophe uniquement)."
    ),
    "Only letters, spaces, hyphens and apostrophes are allowed in a name (RNIV); "
    "accents are removed for you.": (
        "Seuls les lettres, espaces, traits d’union et apostrophes sont admis dans un nom "
        "(RNIV) ; les accents sont retirés automatiquement."
    ),
    "A name starts and ends with a letter; a space, hyphen or apostrophe stands between "
    "two letters.": (
        "Un nom commence et finit par une lettre ; une espace, un trait d’union ou une "
        "apostrophe se place entre deux lettres."
    ),
    "A birth place code has 5 characters (INSEE commune code, e.g. 75056).": (
        "Un code de lieu de naissance compte 5 caractères (code commune INSEE, ex. 75056)."
    ),
    "Not an INSEE commune code: 2 digits (2A/2B for Corsica) + 3 digits, 971xx–978xx "
    "overseas, or 99 + the country code for a birth abroad (e.g. 99134).": (
        "Ce n’est pas un code commune INSEE : 2 chiffres (2A/2B pour la Corse) + 3 chiffres, "
        "971xx–978xx outre-mer, ou 99 + le code du pays pour une naissance à l’étranger "
        "(ex. 99134)."
    ),
    "A French postcode has 5 digits (e.g. 37000).": (
        "Un code postal français compte 5 chiffres (ex. 37000)."
    ),
    "Not a French postcode: 01000–95999, 971xx–976xx overseas or 98xxx.": (
        "Ce n’est pas un code postal français : 01000–95999, 971xx–976xx outre-mer ou 98xxx."
    ),
    "A French phone number has 10 digits starting with 0 (06 12 34 56 78).": (
        "Un numéro de téléphone français compte 10 chiffres et commence par 0 (06 12 34 56 78)."
    ),
    "Give a French number: +33, +590, +594, +596 or +262 followed by 9 digits.": (
        "Indiquez un numéro français : +33, +590, +594, +596 ou +262 suivi de 9 chiffres."
    ),
    "+269 is the Comoros' code: Mayotte numbers start with +262 (e.g. +262 269 61 23 45).": (
        "+269 est l’indicatif des Comores : les numéros de Mayotte commencent par +262 "
        "(ex. +262 269 61 23 45)."
    ),
    "A patient with the same birth name, first first-name and birth date already exists "
    "(below): check that it is not the same person.": (
        "Un patient de même nom de naissance, même premier prénom et même date de naissance "
        "existe déjà (ci-dessous) : vérifiez qu’il ne s’agit pas de la même personne."
    ),
    "An identity with the same names and birth date exists in another care team: contact "
    "the identity-vigilance cell.": (
        "Une identité de mêmes noms et date de naissance existe dans une autre équipe de soins : "
        "contactez la cellule d’identitovigilance."
    ),
    "If this is a different person, tick the box and save again.": (
        "S’il s’agit d’une autre personne, cochez la case et enregistrez de nouveau."
    ),
    "As on the identity document; capitals without accents are stored (RNIV).": (
        "Comme sur la pièce d’identité ; enregistré en majuscules sans accents (RNIV)."
    ),
    "All birth first names, separated by spaces; the first one comes first.": (
        "Tous les prénoms de naissance, séparés par des espaces, le premier prénom en tête."
    ),
    "Used first name": "Prénom utilisé",
    "Birth place code": "Code du lieu de naissance",
    "INSEE commune code (e.g. 37261); 99 + country code if born abroad.": (
        "Code commune INSEE (ex. 37261) ; 99 + code du pays si né(e) à l’étranger."
    ),
    "06 12 34 56 78 or +33 6 12 34 56 78 (overseas: +590, +594, +596, +262).": (
        "06 12 34 56 78 ou +33 6 12 34 56 78 (outre-mer : +590, +594, +596, +262)."
    ),
    "This is a different person: I checked the identity document": (
        "Il s’agit d’une autre personne : j’ai vérifié la pièce d’identité"
    ),
    "Possible homonyms": "Homonymes possibles",
}
