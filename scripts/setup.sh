#!/usr/bin/env bash
# Creates the virtual environment and installs the pinned packages (skipped when nothing changed).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.dvc-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  echo "$want" > "$stamp"
fi
mkdir -p var/static var/media
if command -v msgfmt >/dev/null 2>&1; then
  DVC_DEV=1 .venv/bin/python manage.py compilemessages --ignore=.venv -v0
fi
