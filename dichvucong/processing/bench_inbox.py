"""Inbox benchmark: seed N dossiers into a PostgreSQL database and time the staff inbox (API and page).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvc_bench_inbox DVC_DEV=1 \
        .venv/bin/python -m dichvucong.processing.bench_inbox --dossiers 1000000 --requests 200

The database is migrated, then filled with SQL ``INSERT … SELECT generate_series`` (a million rows in about a
minute): ``--agencies`` agencies share the dossiers; 90 % are returned (closed tracks), 10 % are in processing
spread over the four steps, a tenth of those late. The timed user is a specialist at the first agency.
Each URL is requested ``--requests`` times through Django's test client (the whole stack but the network), after a
warm-up; p50/p95/p99 are printed in milliseconds. Run again with ``--reuse`` to skip seeding.
"""

# ruff: noqa: E501, S608 (the seeding SQL is built from integers and our own step names, never from input)
from __future__ import annotations

import argparse
import os
import statistics
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _constant_columns(model, explicit: set[str]) -> tuple[list[str], list]:
    """Every other concrete column gets its Python default (so new columns elsewhere do not break this)."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in explicit or field.primary_key:
            continue
        default = field.get_default()
        if default is None and not field.null:
            default = ""
        columns.append(_connection().ops.quote_name(field.column))
        values.append(field.get_db_prep_save(default, connection=_connection()))
    return columns, values


def _connection():
    from django.db import connection

    return connection


def seed(*, dossiers: int, agencies: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from dichvucong.accounts.models import AgencyMembership, User
    from dichvucong.agencies.models import Agency
    from dichvucong.catalogue.models import AgencyProcedure, Procedure, ProcedureVersion
    from dichvucong.dossiers.models import Dossier
    from dichvucong.processing import workflows
    from dichvucong.processing.models import Track

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        procedure, _ = Procedure.objects.get_or_create(code="9.999999", defaults={"name": "Thủ tục thử tải"})
        version, _ = ProcedureVersion.objects.get_or_create(procedure=procedure, number=1)
        procedure.current_version = version
        procedure.save()
        agency_rows, offerings = [], []
        for n in range(agencies):
            agency, _ = Agency.objects.get_or_create(
                code=f"{n:03d}.99.99.H99",
                defaults={"name": f"UBND xã thử tải {n}", "kind": "commune_committee", "level": "xa"},
            )
            offering, _ = AgencyProcedure.objects.get_or_create(
                agency=agency, procedure=procedure, defaults={"local_code": f"9.999999.{agency.code}"}
            )
            agency_rows.append(agency)
            offerings.append(offering)
        workflow = workflows.workflow_default_ensure(agency_kind="commune_committee")
        steps = workflows.steps_of(workflow)
        staff = []
        for n, agency in enumerate(agency_rows[:5]):
            for k in range(5):
                user, _ = User.objects.get_or_create(
                    username=f"bench.cv{n}.{k}",
                    defaults={"kind": "staff", "full_name": f"Chuyên viên {n}.{k}"},
                )
                AgencyMembership.objects.get_or_create(user=user, agency=agency, role="specialist")
                staff.append(user)
    explicit = {
        "public_id", "code", "procedure_id", "version_id", "offering_id", "agency_id", "status",
        "applicant_name", "owner_name", "submitted_at", "received_at", "due_at", "finished_at",
        "created_at", "updated_at", "tracking_secret",
    }  # fmt: skip
    other_columns, other_values = _constant_columns(Dossier, explicit)
    offering_ids = [o.pk for o in offerings]
    agency_ids = [a.pk for a in agency_rows]
    table = Dossier._meta.db_table
    sql = f"""
        INSERT INTO {table} (public_id, code, tracking_secret, procedure_id, version_id, offering_id, agency_id,
            status, applicant_name, owner_name, submitted_at, received_at, due_at, finished_at, created_at,
            updated_at{"".join(", " + c for c in other_columns)})
        SELECT gen_random_uuid(), 'BENCH-' || g, 'BENCH', %s, %s, (%s::int[])[1 + g %% %s], (%s::int[])[1 + g %% %s],
            CASE WHEN (g / 100) %% 10 = 0 THEN 'processing' ELSE 'returned' END,
            'Người nộp ' || g, 'Chủ hồ sơ ' || (g %% 50000),
            now() - (g %% 400) * interval '1 day', now() - (g %% 400) * interval '1 day',
            now() - (g %% 400) * interval '1 day' + interval '7 days' - CASE WHEN (g / 100) %% 100 = 0 THEN interval '30 days'
                ELSE interval '0 days' END,
            CASE WHEN (g / 100) %% 10 = 0 THEN NULL ELSE now() - (g %% 400) * interval '1 day' + interval '3 days' END,
            now(), now(){"".join(", %s" for _ in other_columns)}
        FROM generate_series(1, %s) AS g
    """
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql,
            [procedure.pk, version.pk, offering_ids, len(offering_ids), agency_ids, len(agency_ids),
             *other_values, dossiers],
        )  # fmt: skip
        step_cases = " ".join(f"WHEN {i} THEN {s.pk}" for i, s in enumerate(steps))
        step_names = " ".join(f"WHEN {i} THEN '{s.name}'" for i, s in enumerate(steps))
        step_roles = " ".join(f"WHEN {i} THEN '{s.role}'" for i, s in enumerate(steps))
        staff_by_agency = {
            a.pk: [u.pk for u in staff[i * 5 : i * 5 + 5]] for i, a in enumerate(agency_rows[:5])
        }
        assignee_case = " ".join(
            f"WHEN d.agency_id = {agency} THEN (ARRAY{ids}::int[])[1 + d.id %% 5]"
            for agency, ids in staff_by_agency.items()
        )
        cursor.execute(
            f"""
            INSERT INTO {Track._meta.db_table} (dossier_id, workflow_id, agency_id, state, step_id, position, step_name,
                role, assignee_id, step_started_at, step_due_at, dossier_due_at, draft_by_id, step_alerted_at, dossier_alert_key,
                updated_at)
            SELECT d.id, %s, d.agency_id,
                CASE WHEN d.status = 'processing' THEN 'in_progress' ELSE 'closed' END,
                CASE WHEN d.status = 'processing' THEN CASE d.id %% 4 {step_cases} END END,
                CASE WHEN d.status = 'processing' THEN 1 + d.id %% 4 ELSE 0 END,
                CASE d.id %% 4 {step_names} END,
                CASE d.id %% 4 {step_roles} END,
                CASE WHEN d.status = 'processing' AND d.id %% 4 = 0 THEN CASE {assignee_case} END END,
                d.received_at, d.due_at - interval '1 day', d.due_at, NULL, NULL, '', now()
            FROM {table} d WHERE d.code LIKE 'BENCH-%%'
            ON CONFLICT (dossier_id) DO NOTHING
            """,
            [workflow.pk],
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}; ANALYZE {Track._meta.db_table};")
    return {"seconds": round(time.perf_counter() - started, 1), "user": staff[0].username}


def measure(*, username: str, requests: int) -> dict[str, tuple[float, float, float]]:
    from django.conf import settings
    from django.test import Client
    from django_otp.plugins.otp_static.models import StaticDevice

    from dichvucong.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.get(username=username)
    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    urls = [
        "/healthz",  # the baseline: the same stack without the inbox
        "/api/v1/processing/inbox?tab=mine",
        "/api/v1/processing/inbox?tab=unit",
        "/api/v1/processing/inbox?tab=late",
        "/api/v1/processing/inbox?tab=unit&q=BENCH-10",
        "/xu-ly/?tab=unit",
    ]
    results = {}
    for url in urls:
        for _ in range(5):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p = statistics.quantiles(timings, n=100)
        results[url] = (round(p[49], 1), round(p[94], 1), round(p[98], 1))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="do not seed (the database is already filled)")
    args = parser.parse_args()
    _setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database made for this benchmark.")
    if args.reuse:
        username = "bench.cv0.0"
    else:
        seeded = seed(dossiers=args.dossiers, agencies=args.agencies)
        print(f"seeded {args.dossiers} dossiers in {seeded['seconds']} s")
        username = seeded["user"]
    from dichvucong.dossiers.models import Dossier

    print(f"dossiers in the database: {Dossier.objects.count()}")
    for url, (p50, p95, p99) in measure(username=username, requests=args.requests).items():
        print(f"{url:50s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms")


if __name__ == "__main__":
    main()
