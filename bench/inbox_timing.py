"""The staff inbox (HTML page ``/xu-ly/``) on the seeded dossier database: every tab and the search, per role.

    DVC_DEV=1 DATABASE_URL=postgres://…/dvc_bench_dossiers .venv/bin/python bench/inbox_timing.py \\
        [--repeat 40] [--agency-code 000.00.31.H56]

``dossiers_seed.py`` writes dossiers and events but no processing tracks, so this script first gives every
open dossier of the seed the track the workflow would have made (idempotent, one ``INSERT … SELECT``):
``processing`` → at a specialist's step (assigned to the agency's first specialist, due within the
dossier's window), ``resolved`` → back at the counter; ``accepted`` ones stay without a track ("to start").
Then, in-process (``django.test.Client``, signed in with a second factor as the page requires), each tab of
the inbox and a few searches are requested ``--repeat`` times after a warm-up, for the receptionist, the
specialist and the leader of the busiest agency; printed: queries, p50, p99 and max wall ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TRACKS_SQL = """
INSERT INTO processing_track (dossier_id, workflow_id, agency_id, state, step_id, position, step_name, role,
    assignee_id, step_started_at, step_due_at, plan, dossier_due_at, draft_by_id, step_alerted_at,
    dossier_alert_key, updated_at)
SELECT d.id, %(workflow)s, d.agency_id,
       CASE WHEN d.status = 'resolved' THEN 'at_counter' ELSE 'in_progress' END,
       NULL, CASE WHEN d.status = 'resolved' THEN 0 ELSE 1 END,
       CASE WHEN d.status = 'resolved' THEN 'Bộ phận Tiếp nhận và Trả kết quả' ELSE 'Chuyên viên xử lý' END,
       CASE WHEN d.status = 'resolved' THEN 'receptionist' ELSE 'specialist' END,
       CASE WHEN d.status = 'resolved' THEN NULL ELSE s.user_id END,
       coalesce(d.received_at, d.submitted_at, now()),
       coalesce(d.received_at, now()) + (coalesce(d.due_at, now()) - coalesce(d.received_at, now())) * 0.6,
       '[]'::jsonb, d.due_at, NULL, NULL, '', now()
FROM dossiers_dossier d
LEFT JOIN LATERAL (
    SELECT m.user_id FROM accounts_agencymembership m
    WHERE m.agency_id = d.agency_id AND m.role = 'specialist' AND m.is_active ORDER BY m.user_id LIMIT 1
) s ON true
WHERE d.status IN ('processing', 'resolved')
ON CONFLICT (dossier_id) DO NOTHING
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=40, help="measured requests per line (default 40)")
    parser.add_argument(
        "--agency-code", default="", help="the agency (default: the one with most open dossiers)"
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DVC_DEV", "1")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django_otp.plugins.otp_static.models import StaticDevice

    from dichvucong.accounts.models import AgencyMembership
    from dichvucong.agencies.models import Agency
    from dichvucong.dossiers.models import Dossier
    from dichvucong.processing.models import Track, Workflow

    if connection.vendor != "postgresql":
        parser.error("this benchmark needs the seeded PostgreSQL database (set DATABASE_URL)")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            TRACKS_SQL, {"workflow": Workflow.objects.order_by("pk").values_list("pk", flat=True)[0]}
        )
        added = cursor.rowcount
        if added:
            cursor.execute("ANALYZE processing_track")
    print(f"tracks: {added} added in {time.perf_counter() - started:.1f} s, {Track.objects.count()} in all")

    if args.agency_code:
        agency = Agency.objects.get(code=args.agency_code)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT agency_id FROM processing_track GROUP BY agency_id ORDER BY count(*) DESC LIMIT 1"
            )
            agency = Agency.objects.get(pk=cursor.fetchone()[0])
    open_here = Track.objects.filter(agency=agency).count()
    print(f"agency: {agency.code} {agency.name} ({Dossier.objects.filter(agency=agency).count()} dossiers, "
          f"{open_here} tracks)")  # fmt: skip
    sample = Dossier.objects.filter(agency=agency, track__isnull=False).values("code", "owner_name").first()

    header = (
        f"{'role':<13} {'request':<44} {'status':>6} {'queries':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    print(header)
    print("-" * len(header))
    slowest = 0.0
    for role in ("receptionist", "specialist", "leader"):
        membership = (
            AgencyMembership.objects.filter(agency=agency, role=role, is_active=True)
            .select_related("user")
            .first()
        )
        if membership is None:
            continue
        user = membership.user
        device, _ = StaticDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        from dichvucong.processing.selectors import inbox_scope

        paths = [f"/xu-ly/?tab={tab}" for tab in inbox_scope(user=user).tabs()]
        paths += [
            f"/xu-ly/?tab={paths[0].split('=')[1]}&q={sample['code']}",
            f"/xu-ly/?tab={paths[0].split('=')[1]}&q=Nguy%E1%BB%85n+V%C4%83n",
            f"/xu-ly/?tab={paths[0].split('=')[1]}&page=3",
        ]
        for path in paths:
            for _ in range(3):
                client.get(path)
            times, counted = [], []

            def count(execute, sql, params, many, context, counted=counted):
                counted.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):  # counts on any connection set-up (pool or not)
                response = client.get(path)
            for _ in range(args.repeat):
                began = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - began) * 1000)
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            slowest = max(slowest, p99)
            print(
                f"{role:<13} {path[:44]:<44} {response.status_code:>6} {len(counted):>7} "
                f"{statistics.median(times):>7.1f} {p99:>7.1f} {times[-1]:>7.1f}"
            )
    print(f"slowest p99: {slowest:.1f} ms (target < 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
