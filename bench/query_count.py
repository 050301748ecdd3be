"""SQL queries per request for the benchmarked pages, on the seeded database (no server needed).

    DVC_DEV=1 DATABASE_URL=postgres://… .venv/bin/python bench/query_count.py [--sql] [--codes-file F]

Each URL is requested twice through ``django.test.Client`` (the first warms caches: templates,
the filter choices); the second is measured with ``CaptureQueriesContext``. Prints the number of
queries, their total database time and the slowest one per URL. ``--sql`` prints every query.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ("khai sinh", "dang ky ket hon", "giấy phép xây dựng", "cư trú", "1.001193", "kh", "khai s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sql", action="store_true", help="print every query")
    parser.add_argument("--codes-file", type=Path, help="take the first 3 detail codes from this file")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DVC_DEV", "1")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    codes = ["1.001193", "2.000815", "1.004873"]
    if args.codes_file:
        codes = [line.strip() for line in args.codes_file.read_text().splitlines() if line.strip()][:3]
    urls = []
    for q in QUERIES:
        urls += [f"/thu-tuc/?q={quote(q)}", f"/api/v1/procedures?q={quote(q)}"]
    for code in codes:
        urls += [f"/thu-tuc/{code}/", f"/api/v1/procedures/{code}"]

    client = Client(HTTP_HOST="127.0.0.1")
    print(f"database: {connection.vendor}")
    print(f"{'url':<58} {'status':>6} {'queries':>7} {'db ms':>7} {'wall ms':>8} {'slowest ms':>10}")
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            wall = (time.perf_counter() - started) * 1000
        times = [float(q["time"]) * 1000 for q in ctx.captured_queries]
        slowest = max(times, default=0.0)
        status = response.status_code
        print(f"{url:<58} {status:>6} {len(times):>7} {sum(times):>7.1f} {wall:>8.1f} {slowest:>10.1f}")
        if args.sql:
            for query, ms in zip(ctx.captured_queries, times, strict=True):
                print(f"    {ms:7.1f} ms  {query['sql'][:400]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
