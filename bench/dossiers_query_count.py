"""SQL queries per request for dossier tracking and each submission step, on the seeded database.

    DVC_DEV=1 DATABASE_URL=postgres://…/dvc_bench_dossiers .venv/bin/python bench/dossiers_query_count.py \\
        [--var bench/.var] [--sql] [--explain] [--profile]

In-process (``django.test.Client``, no server): each request kind runs once to warm up, then is measured
with ``CaptureQueriesContext`` (query count, database ms, wall ms, slowest query). Tracking uses real
pairs from ``dossiers_tracking.tsv``; submission uses the bearer tokens of
``dossiers_tokens.txt`` in turn (one citizen's storage quota would fill)
and an offering of ``dossiers_offerings.json`` (it creates real dossiers in the bench database).
``--explain`` runs ``EXPLAIN (ANALYZE, BUFFERS)`` on every SELECT of the tracking API request;
``--profile`` writes a pyinstrument call tree per request kind to ``<var>/dossiers_profile_<kind>.txt``
(pyinstrument is installed into the venv by hand, it is not a project dependency).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--var", type=Path, default=ROOT / "bench" / ".var", help="seed output folder")
    parser.add_argument("--sql", action="store_true", help="print every query")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the tracking queries")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile per request kind")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DVC_DEV", "1")
    os.environ.setdefault("DVC_TRACKING_PER_IP_MINUTE", "100000000")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from dossiers_loadgen import tiny_pdf

    pairs = [
        line.split("\t")
        for line in (args.var / "dossiers_tracking.tsv").read_text(encoding="utf-8").splitlines()[:20]
    ]
    tokens = iter((args.var / "dossiers_tokens.txt").read_text().split())
    offerings = json.loads((args.var / "dossiers_offerings.json").read_text(encoding="utf-8"))
    choice = next((o for o in offerings if o["case"] == "" and not o.get("fields")), offerings[0])
    client = Client(HTTP_HOST="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {next(tokens)}"}

    def upload() -> SimpleUploadedFile:
        return SimpleUploadedFile(
            "giay-to.pdf", tiny_pdf(f"qc-{secrets.token_hex(8)}", 20 * 1024), "application/pdf"
        )

    def submission(step: str, state: dict):
        """One step of the submission path; ``state`` carries the draft id between steps."""
        if step == "create":
            body = {"offering_id": choice["offering_id"], "case": choice["case"]}
            response = client.post("/api/v1/dossiers", body, content_type="application/json", **auth)
            state["id"] = response.json().get("id")
            return response
        if step.startswith("attach"):
            component = choice["components"][0 if step == "attach-1" else 1]
            path = f"/api/v1/dossiers/{state['id']}/files"
            return client.post(path, {"component_id": component, "file": upload()}, **auth)
        return client.post(f"/api/v1/dossiers/{state['id']}/submit", **auth)

    def submission_one():
        """The whole submission in one request (POST /api/v1/submissions)."""
        body = {"offering_id": choice["offering_id"], "case": choice["case"]}
        for component in choice["components"]:
            body[f"file_{component}"] = upload()
        key = secrets.token_hex(8)
        return client.post(
            "/api/v1/submissions", body, HTTP_IDEMPOTENCY_KEY=key, HTTP_AUTHORIZATION=f"Bearer {next(tokens)}"
        )

    def tracking_api(index: int):
        code, proof = pairs[index % len(pairs)]
        body = {"code": code, "proof": proof}
        return client.post("/api/v1/tracking", body, content_type="application/json")

    def tracking_html(index: int):
        code, proof = pairs[index % len(pairs)]
        return client.post("/tra-cuu/", {"code": code, "proof": proof})

    profiler_cls = None
    if args.profile:
        from pyinstrument import Profiler

        profiler_cls = Profiler

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    header = f"{'request':<34} {'status':>6} {'queries':>7} {'db ms':>7} {'wall ms':>8} {'slowest ms':>10}"
    print(header)
    print("-" * len(header))

    def measure(label: str, call, profile_name: str | None = None):
        profiler = profiler_cls() if profiler_cls and profile_name else None
        with CaptureQueriesContext(connection) as ctx:
            if profiler:
                profiler.start()
            started = time.perf_counter()
            response = call()
            wall = (time.perf_counter() - started) * 1000
            if profiler:
                profiler.stop()
        times = [float(q["time"]) * 1000 for q in ctx.captured_queries]
        slowest = max(times, default=0.0)
        print(
            f"{label:<34} {response.status_code:>6} {len(times):>7} {sum(times):>7.1f} {wall:>8.1f} "
            f"{slowest:>10.1f}"
        )
        if args.sql:
            for query, ms in zip(ctx.captured_queries, times, strict=True):
                print(f"    {ms:7.2f} ms  {query['sql'][:300]}")
        if profiler:
            out = args.var / f"dossiers_profile_{profile_name}.txt"
            out.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
        return response, ctx.captured_queries

    # Warm-up: templates, URL resolvers, ninja schemas, the pool.
    tracking_api(0)
    tracking_html(0)
    state: dict = {}
    for step in ("create", "attach-1", "attach-2", "submit"):
        submission(step, state)
    submission_one()

    _response, tracking_queries = measure("POST /api/v1/tracking", lambda: tracking_api(1), "tracking")
    measure(
        "POST /api/v1/tracking (wrong proof)",
        lambda: client.post(
            "/api/v1/tracking",
            {"code": pairs[2][0], "proof": "000000000000"},
            content_type="application/json",
        ),
    )
    measure("POST /tra-cuu/ (HTML form)", lambda: tracking_html(3), "tracking_html")
    state = {}
    labels = {
        "create": "POST /api/v1/dossiers",
        "attach-1": "POST …/files (1st file)",
        "attach-2": "POST …/files (2nd file)",
        "submit": "POST …/submit",
    }
    for step, label in labels.items():
        response, _queries = measure(label, lambda step=step: submission(step, state), f"submit_{step}")
        if response.status_code not in (200, 201):
            print(f"    ! {response.status_code} {response.content[:300]!r}")

    response, _queries = measure("POST /api/v1/submissions (one)", submission_one, "submit_one")
    if response.status_code != 201:
        print(f"    ! {response.status_code} {response.content[:300]!r}")
    walls = []
    for _ in range(20):
        started = time.perf_counter()
        submission_one()
        walls.append((time.perf_counter() - started) * 1000)
    walls.sort()
    print(
        f"  20 more one-request submissions: median {walls[10]:.1f} ms, slowest {walls[-1]:.1f} ms in-process"
    )

    if args.explain:
        print("\nEXPLAIN (ANALYZE, BUFFERS) of the tracking API queries:")
        with connection.cursor() as cursor:
            for query in tracking_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                print(f"\n-- {sql[:400]}")
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                for (line,) in cursor.fetchall():
                    print("   " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
