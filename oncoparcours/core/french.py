"""French grammar and number conventions for text the product writes itself (names of places and
organisations glued into sentences, figures in generated summaries). Pure: no Django.

- ``of_name("Amboise")`` → "d'Amboise"; "Le Lamentin" → "du Lamentin"; "Les Abymes" → "des
  Abymes"; "La Rochelle" → "de La Rochelle".
- ``at_name("Le Lamentin")`` → "au Lamentin"; "Les Abymes" → "aux Abymes"; "Tours" → "à Tours".
- ``contract(text)`` applies the same contractions to a whole sentence already written
  ("Centre hospitalier de Le Lamentin" → "Centre hospitalier du Lamentin"), for translated
  sentences whose name is a placeholder ("Journal d'audit de %(name)s").
- ``decimal(38.6)`` → "38,6"; ``decimal(1250.5, 1)`` → "1 250,5" (narrow no-break space).
- ``zone_label("America/Martinique")`` → "Martinique (UTC−4)"; "Europe/Paris" → "Paris".

Elision is only made before a capital vowel (proper names) or "H" followed by an accented vowel
("Hélène", "Hôpital"): an aspirated h ("Le Havre", "Haguenau") keeps "de".
"""

from __future__ import annotations

import re

VOWEL_START = re.compile(r"^(?:[AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ]|H[éèêôÉÈÊÔ])")
_CONTRACTIONS = (
    (re.compile(r"\bde (?=(?:[AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ]|H[éèêôÉÈÊÔ]))"), "d'"),
    (re.compile(r"\bde Le (?=\w)"), "du "),
    (re.compile(r"\bde Les (?=\w)"), "des "),
    (re.compile(r"(?<!\w)à Le (?=\w)"), "au "),
    (re.compile(r"(?<!\w)à Les (?=\w)"), "aux "),
)
NARROW_NBSP = "\u202f"


def of_name(name: str) -> str:
    """ "de" + a name, contracted as French requires."""
    return contract(f"de {name.strip()}")


def at_name(name: str) -> str:
    """ "à" + a name, contracted as French requires."""
    return contract(f"à {name.strip()}")


def contract(text: str) -> str:
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def decimal(value: float | int | None, digits: int | None = None, *, english: bool = False) -> str:
    """A number as French (or English) readers write it; "—" for no value."""
    if value is None:
        return "—"
    if digits is None:
        digits = 0 if float(value).is_integer() else 1
    text = f"{float(value):,.{digits}f}"
    if english:
        return text
    return text.replace(",", NARROW_NBSP).replace(".", ",")


NBSP = "\u00a0"


def euros(value: float | int | str | None, *, english: bool = False) -> str:
    """An amount as French readers write it: "1 105 €", "85,50 €" (thousands and the euro sign
    held by no-break spaces); "€1,105" in English."""
    if value is None or value == "":
        return "—"
    amount = float(value)
    digits = 0 if amount.is_integer() else 2
    if english:
        return f"€{decimal(amount, digits, english=True)}"
    return f"{decimal(amount, digits)}{NBSP}€"


def sort_key(text: str) -> tuple[str, str]:
    """Order names as a French reader expects (the first level of French collation): case and
    accents ignored ("école" between "Dax" and "Évreux"), ligatures spelled out ("Œ" as "OE");
    ties broken by the exact text so the order is stable."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", str(text).replace("œ", "oe").replace("Œ", "OE"))
    base = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return base.replace("’", "'"), str(text)


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Order names holding numbers as a reader expects: "Fauteuil 2" before "Fauteuil 10"
    (text parts compared as ``sort_key`` does, number parts as numbers)."""
    parts = _DIGITS.split(str(text))
    keys: list[tuple[int, int | str]] = [
        (1, int(part)) if index % 2 else (0, sort_key(part)[0]) for index, part in enumerate(parts)
    ]
    return (*keys, (0, str(text)))


# Job titles for a woman (docs/french-writing.md, "One inclusive-writing convention"): the
# masculine generic names a role or a function; a named woman is given the feminine form. Word
# by word on the French text; epicene words (médecin, oncologue, secrétaire, pharmacologue…)
# are unchanged. Acronyms and words not listed stay as they are.
FEMININE_WORDS = {
    "administrateur": "administratrice",
    "agent": "agente",
    "assistant": "assistante",
    "chargé": "chargée",
    "chef": "cheffe",
    "chirurgien": "chirurgienne",
    "coordinateur": "coordinatrice",
    "coordonnateur": "coordonnatrice",
    "directeur": "directrice",
    "évaluateur": "évaluatrice",
    "gestionnaire": "gestionnaire",
    "hospitalier": "hospitalière",
    "infirmier": "infirmière",
    "libéral": "libérale",
    "pharmacien": "pharmacienne",
    "praticien": "praticienne",
    "président": "présidente",
    "référent": "référente",
    "responsable": "responsable",
    "spécialisé": "spécialisée",
    "technicien": "technicienne",
    "traitant": "traitante",
    "manipulateur": "manipulatrice",
}
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")


def feminine(title: str) -> str:
    """The feminine form of a French job title ("Pharmacien hospitalier" → "Pharmacienne
    hospitalière", "Infirmier de coordination (IDEC)" → "Infirmière de coordination (IDEC)")."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        found = FEMININE_WORDS.get(word.lower())
        if found is None:
            return word
        return found[:1].upper() + found[1:] if word[:1].isupper() else found

    return _WORD.sub(swap, str(title))


def title_for(title: object, person: object) -> str:
    """``title`` as it applies to ``person`` (a Professional, a User, a civility code or None):
    the feminine form when the person's civility is known to be "Madame" and the page is in
    French."""
    from django.utils.translation import get_language

    text = str(title)
    civility = person if isinstance(person, str) else getattr(person, "civility", None)
    if civility is None and person is not None:
        professional = getattr(person, "professional", None) if hasattr(person, "role") else None
        civility = getattr(professional, "civility", None)
    if civility == "mme" and (get_language() or "fr").startswith("fr"):
        return feminine(text)
    return text


# Time zones as people name them (docs/french-writing.md): the territory, and its offset from UTC
# when it is not the reference time of the platform (Paris). Never the IANA identifier.
ZONE_NAMES = {
    "Europe/Paris": "Paris",
    "America/Martinique": "Martinique",
    "America/Guadeloupe": "Guadeloupe",
    "America/Cayenne": "Guyane",
    "America/Miquelon": "Saint-Pierre-et-Miquelon",
    "America/St_Barthelemy": "Saint-Barthélemy",
    "America/Marigot": "Saint-Martin",
    "Indian/Reunion": "La Réunion",
    "Indian/Mayotte": "Mayotte",
    "Pacific/Noumea": "Nouvelle-Calédonie",
    "Pacific/Tahiti": "Polynésie française",
    "Pacific/Wallis": "Wallis-et-Futuna",
    "UTC": "UTC",
}
MINUS = "\u2212"


def zone_offset(zone: object, at: object = None) -> str:
    """ "UTC−4", "UTC+4", "UTC+5:30"; "" for Paris, UTC and unknown zones. ``at`` (an aware
    datetime) picks the offset for zones with summer time; now by default."""
    import datetime as dt
    import zoneinfo

    code = str(zone or "Europe/Paris")
    if code in ("Europe/Paris", "UTC"):
        return ""
    try:
        info = zoneinfo.ZoneInfo(code)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    moment = at if isinstance(at, dt.datetime) else dt.datetime.now(dt.UTC)
    offset = moment.astimezone(info).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else MINUS
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}{f':{rest:02d}' if rest else ''}"


def zone_label(zone: object, at: object = None) -> str:
    """A time zone in words: "Martinique (UTC−4)", "La Réunion (UTC+4)", "Paris"."""
    code = str(zone or "Europe/Paris")
    name = ZONE_NAMES.get(code) or code.rsplit("/", 1)[-1].replace("_", " ")
    offset = zone_offset(code, at)
    return f"{name} ({offset})" if offset else name


# The project's seed documents ("seed 003") are internal references: a source shown to a user
# cites the public document only (docs/french-writing.md).
_SEED_REFERENCES = (
    re.compile(r"\s*\((?:[Ss]eeds? \d{3}(?:[,;]? ?(?:and |et )?(?:seed )?\d{3})*)\)"),
    re.compile(r"(?:(?<=^)|(?<=[;,] ))[Ss]eed \d{3} [—-] "),
    re.compile(r"[,;]?\s*\b[Ss]eed \d{3}\b"),
)


def citation(text: object) -> str:
    """A data file's source line without the project's internal seed references."""
    cleaned = str(text or "")
    for pattern in _SEED_REFERENCES:
        cleaned = pattern.sub("", cleaned)
    return cleaned.strip(" ;,")


def version_month(code: object) -> object:
    """The month a referential version was published ("networks-2026-12.1" → 1 Dec 2026, shown
    with ``|date:"F Y"`` as "décembre 2026"); None when the code holds no year-month."""
    import datetime as dt

    found = re.search(r"(20\d\d)-(0[1-9]|1[0-2])\b", str(code or ""))
    return dt.date(int(found.group(1)), int(found.group(2)), 1) if found else None


def born_on(sex: object, day: object) -> str:
    """ "né le 17/05/1960" / "née le …" by the patient's sex ("M" / "F"); the epicene "date de
    naissance : …" when it is not known (no "né·e", docs/french-writing.md)."""
    from django.utils.translation import pgettext

    text = day.strftime("%d/%m/%Y") if hasattr(day, "strftime") else str(day)
    if sex == "F":
        return pgettext("woman", "born on %(day)s") % {"day": text}
    if sex == "M":
        return pgettext("man", "born on %(day)s") % {"day": text}
    return pgettext("sex not known", "born on %(day)s") % {"day": text}


def phone(value: object) -> str:
    """A stored French number (E.164, "+33600000001", "+590590123456") as read in France:
    "06 00 00 00 01", "05 90 12 34 56". Anything else is shown as stored."""
    text = str(value or "")
    match = re.fullmatch(r"\+(?:33|590|594|596|262)(\d{9})", text.replace(" ", ""))
    if not match:
        return text
    national = "0" + match.group(1)
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))
