#!/usr/bin/env bash
# Lint and the whole test suite. With DATABASE_URL set, the suite runs on that PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || { echo "ruff format: run '.venv/bin/ruff format .'"; exit 1; }
DVC_DEV=1 .venv/bin/python manage.py makemigrations --check --dry-run -v0
export DVC_DEV=1 DVC_TESTING=1
# Tests open and close connections freely; the pool is for the long-running server.
export DB_POOL=${DB_POOL:-0}
exec .venv/bin/python -m pytest "$@"
