#!/bin/sh
# Regenerate the English catalogue from the French source strings, compile it, and list what is
# left to translate.
#
#   locale/update.sh      (from anywhere: it works at the project root)
#
# Then translate the entries listed (untranslated, or fuzzy: msgmerge's guesses, to check and
# unflag) in locale/en/LC_MESSAGES/django.po and run this script again to compile them.
# config/tests/test_translations.py fails while anything is missing or the .mo is stale.
set -eu
cd "$(dirname "$0")/.."
PYTHON=.venv/bin/python
[ -x "$PYTHON" ] || PYTHON=python
IGNORE="--ignore=.venv --ignore=var --ignore=bench --ignore=node_modules"
# shellcheck disable=SC2086
"$PYTHON" manage.py makemessages -l en --no-location $IGNORE
# shellcheck disable=SC2086
"$PYTHON" manage.py compilemessages -l en $IGNORE
"$PYTHON" locale/fill_check.py || true
