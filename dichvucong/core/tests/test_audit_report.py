"""The dependency audit gate of CI (scripts/audit.sh) fails on a vulnerability that has a fix."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "audit_report.py"
spec = importlib.util.spec_from_file_location("audit_report", SCRIPT)
audit_report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_report)


def test_a_vulnerability_with_a_fixed_release_fails_the_gate():
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-X", "fix_versions": ["5.2.1"]}]},
            {"name": "qrcode", "version": "8.0", "vulns": []},
        ]
    }

    status, lines = audit_report.judge(report)

    assert status == 1
    assert "  FIX: django 5.2.0: PYSEC-X (fixed in: 5.2.1)" in lines


def test_a_vulnerability_without_a_fix_is_reported_but_does_not_fail():
    report = {
        "dependencies": [{"name": "x", "version": "1", "vulns": [{"id": "GHSA-1", "fix_versions": []}]}]
    }

    status, lines = audit_report.judge(report)

    assert status == 0
    assert lines[0] == "pip-audit: 1 installed packages checked; 0 fixable, 1 without a fix"
    assert "warning: x 1: GHSA-1 (fixed in: no release yet)" in lines[1]
