"""Fill a .po catalogue from Python dicts of translations (developer helper).

Usage: python tools/apply_translations.py oncoparcours/locale/fr/LC_MESSAGES/django.po file.py [...]
Each file defines ``T`` (msgid → msgstr; "context\\x04msgid" for a msgctxt entry) and optionally ``PLURALS`` (msgid → (singular, plural)).
Existing translations are kept unless the file gives a new one; prints what is still missing."""

from __future__ import annotations

import runpy
import sys

import polib


def main(po_path: str, *sources: str) -> int:
    po = polib.pofile(po_path)
    translations: dict[str, str] = {}
    plurals: dict[str, tuple[str, str]] = {}
    for source in sources:
        namespace = runpy.run_path(source)
        translations.update(namespace.get("T", {}))
        plurals.update(namespace.get("PLURALS", {}))
    missing = []
    for entry in po:
        if entry.msgid_plural:
            if entry.msgid in plurals:
                entry.msgstr_plural = {0: plurals[entry.msgid][0], 1: plurals[entry.msgid][1]}
            if not entry.msgstr_plural or not entry.msgstr_plural.get(0):
                missing.append(entry.msgid)
        else:
            contextual = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else None
            if contextual in translations:
                entry.msgstr = translations[contextual]
            elif entry.msgid in translations:
                entry.msgstr = translations[entry.msgid]
            if not entry.msgstr:
                missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            # A fuzzy entry is gettext's guess from a similar message: accept it only when a
            # translation file gives it; otherwise it stays missing (never a silent wrong text).
            if (
                entry.msgid in translations
                or entry.msgid in plurals
                or f"{entry.msgctxt}\x04{entry.msgid}" in translations
            ):
                entry.flags.remove("fuzzy")
            elif entry.msgid not in missing:
                missing.append(entry.msgid)
    po.metadata["Language"] = "fr"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save(po_path)
    for msgid in missing:
        print("MISSING:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
