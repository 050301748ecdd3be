#!/usr/bin/env bash
# Known vulnerabilities in the installed (pinned) dependencies, from PyPI's advisory data via pip-audit.
# Fails when a vulnerability has a fixed release (upgrade the pin); one without a fix is printed, not fatal.
# pip-audit lives in its own virtual environment so its dependencies never mix with the project's.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
if [ ! -x var/audit-venv/bin/pip-audit ]; then
  python3 -m venv var/audit-venv
  var/audit-venv/bin/pip install -q --disable-pip-version-check pip-audit==2.10.1 2>/dev/null
fi
site=$(.venv/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
report=$(mktemp)
trap 'rm -f "$report"' EXIT
if ! var/audit-venv/bin/pip-audit --path "$site" --format json --progress-spinner off >"$report" 2>"$report.err"; then
  if ! grep -q '"vulns": \[{' "$report" 2>/dev/null; then
    echo "pip-audit SKIPPED: the advisory service did not answer:"; tail -3 "$report.err"; rm -f "$report.err"; exit 0
  fi
fi
rm -f "$report.err"
.venv/bin/python scripts/audit_report.py "$report"
