#!/usr/bin/env bash
# After merging branches that both changed the French catalogue: extract the messages again and
# apply every translation file of tools/translations/ (developer helper; needs GNU gettext).
set -euo pipefail
cd "$(dirname "$0")/.."
make messages >/dev/null
.venv/bin/python tools/apply_translations.py oncoparcours/locale/fr/LC_MESSAGES/django.po tools/translations/*.py
.venv/bin/oncoparcours compile_catalogs
