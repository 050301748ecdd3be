"""Share of records parsed / partial / empty / failed per source field of the national importer.

Usage: python bench/importer_share.py PATH [--details N]

PATH is a folder of portal JSON records (searched recursively), a single JSON file, or an Excel
list export (.xlsx). ``--details N`` also prints up to N example details for partial/failed fields.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dichvucong.catalogue.importers.excel_list import parse_excel_list  # noqa: E402
from dichvucong.catalogue.importers.national import iter_national_folder  # noqa: E402
from dichvucong.catalogue.importers.records import ParseResult  # noqa: E402

STATUSES = ("parsed", "partial", "empty", "failed")


def results_for(path: Path) -> Iterable[ParseResult]:
    if path.suffix.lower() == ".xlsx":
        return parse_excel_list(path)
    return iter_national_folder(path)


def print_table(results: list[ParseResult], details: int) -> None:
    counts: dict[str, Counter] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    for result in results:
        for report in result.fields:
            counts[report.name][report.status] += 1
            if report.status in ("partial", "failed") and len(examples[report.name]) < details:
                examples[report.name].append(f"{result.source}: {report.detail}")
    width = max([len(name) for name in counts] + [5])
    print(f"{'field':<{width}}  " + "  ".join(f"{s:>8}" for s in STATUSES) + "     n")
    for name, counter in counts.items():
        total = sum(counter.values()) or 1
        shares = "  ".join(f"{100 * counter[s] / total:7.1f}%" for s in STATUSES)
        print(f"{name:<{width}}  {shares}  {total:4d}")
    usable = sum(1 for r in results if r.ok)
    print(f"\nusable records: {usable} / {len(results)}")
    for result in results:
        if result.error:
            print(f"  unusable {result.source}: {result.error}")
    for name, lines in ((n, ls) for n, ls in examples.items() if ls):
        print(f"\n{name}:")
        for line in lines:
            print(f"  {line[:200]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--details", type=int, default=0, help="example details per field")
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"{args.path} does not exist", file=sys.stderr)
        return 2
    print_table(list(results_for(args.path)), args.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
