"""Judge a pip-audit JSON report: exit 1 when a vulnerability has a fixed release (scripts/audit.sh)."""

from __future__ import annotations

import json
import sys


def judge(report: dict) -> tuple[int, list[str]]:
    deps = report.get("dependencies", [])
    fixable, unfixed = [], []
    for dep in deps:
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no release yet"
            line = f"{dep['name']} {dep.get('version', '?')}: {vuln['id']} (fixed in: {fixes})"
            (fixable if vuln.get("fix_versions") else unfixed).append(line)
    summary = f"{len(fixable)} fixable, {len(unfixed)} without a fix"
    lines = [f"pip-audit: {len(deps)} installed packages checked; {summary}"]
    lines += [f"  warning: {line}" for line in unfixed]
    lines += [f"  FIX: {line}" for line in fixable]
    return (1 if fixable else 0), lines


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        status, lines = judge(json.load(handle))
    print("\n".join(lines))
    sys.exit(status)
