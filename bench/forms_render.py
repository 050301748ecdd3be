"""Cost of the official forms (Mẫu 01, 02, 03) and the ledger, rendered in-process from real dossiers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvc_bench_dossiers .venv/bin/python bench/forms_render.py

Forms are rendered when someone opens them (the counter's print button, the citizen's download), never at
intake, so they do not limit intake throughput; this measures what one opening costs. Uses dossiers of the
seeded benchmark database (or any database holding accepted, supplemented and refused dossiers).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DVC_DEV", "1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=30, help="renders per form")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from dichvucong.dossiers import paperwork, selectors
    from dichvucong.dossiers.models import Dossier, Status
    from dichvucong.paperwork import render_ledger_pdf, render_ledger_xlsx

    def sample(**filters) -> list[Dossier]:
        ids = list(Dossier.objects.filter(**filters).order_by("-id").values_list("pk", flat=True)[: args.n])
        return [
            selectors._base().prefetch_related("files__component", "supplements").get(pk=pk) for pk in ids
        ]

    cases = {
        "Mẫu 01 (tiếp nhận)": (paperwork.receipt_pdf, sample(status=Status.ACCEPTED, due_at__isnull=False)),
        "Mẫu 02 (bổ sung)": (paperwork.supplement_pdf, sample(supplements__isnull=False)),
        "Mẫu 03 (từ chối)": (paperwork.refusal_pdf, sample(status=Status.REFUSED)),
    }
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"{'form':<22} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'KB':>6}")
    for label, (render, dossiers) in cases.items():
        if not dossiers:
            print(f"{label:<22} (no such dossier in this database)")
            continue
        render(dossiers[0])  # warm-up: fonts, templates
        times, queries, sizes = [], [], []
        for dossier in dossiers:
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                pdf = render(dossier)
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(ctx.captured_queries))
            sizes.append(len(pdf) / 1024)
        times.sort()
        print(
            f"{label:<22} {len(times):>4} {statistics.median(times):>10.1f} "
            f"{times[int(len(times) * 0.95) - 1 if len(times) > 1 else 0]:>8.1f} {times[-1]:>8.1f} "
            f"{max(queries):>8} {statistics.mean(sizes):>6.0f}"
        )

    # The ledger of the busiest agency for its busiest month (what a leader downloads).
    busiest = (
        Dossier.objects.filter(received_at__isnull=False)
        .values("agency_id", "received_at__year", "received_at__month")
        .annotate(total=Count("id"))
        .order_by("-total")
        .first()
    )
    if busiest:
        import datetime

        from dichvucong.accounts.models import AgencyMembership

        first = datetime.date(busiest["received_at__year"], busiest["received_at__month"], 1)
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        from dichvucong.accounts.models import User

        officer, _created = User.objects.get_or_create(
            username="bench_ledger_officer", defaults={"kind": User.Kind.STAFF, "full_name": "Cán bộ đo sổ"}
        )
        AgencyMembership.objects.get_or_create(
            user=officer, agency_id=busiest["agency_id"], role="receptionist"
        )
        dossiers = selectors.ledger_dossiers(user=officer, start=first, end=last)
        started = time.perf_counter()
        rows = paperwork.ledger_rows(dossiers)
        read = (time.perf_counter() - started) * 1000
        for label, render in (
            ("Sổ theo dõi (Excel)", render_ledger_xlsx),
            ("Sổ theo dõi (PDF)", render_ledger_pdf),
        ):
            started = time.perf_counter()
            body = render(rows, agency_name="Cơ quan", period_text="Tháng")
            elapsed = (time.perf_counter() - started) * 1000
            print(
                f"{label:<22} {len(rows):>4} rows: read {read:.0f} ms, render {elapsed:.0f} ms, "
                f"{len(body) / 1024:.0f} KB"
            )


if __name__ == "__main__":
    main()
