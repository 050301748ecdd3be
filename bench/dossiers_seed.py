"""Seed a PostgreSQL benchmark database with citizens and ≥ 1,000,000 dossiers (idempotent, fast).

Usage (from the project root; DATABASE_URL must point at PostgreSQL, e.g. a fresh dvc_bench_dossiers):

    DVC_DEV=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvc_bench_dossiers \\
        .venv/bin/python bench/dossiers_seed.py [--dossiers 1000000] [--citizens 10000] [--force]

What it writes:

1. ``migrate`` and the demo data (``load_demo_data``: 31 agencies, 37 procedures, 211 offerings);
2. ``--citizens`` citizen accounts ``bench_citizen_NNNNN`` (CCCD, phone, commune; unusable password),
   one ``INSERT … SELECT generate_series`` (names composed from common Vietnamese family/middle/given names);
3. ``--dossiers`` dossiers over the active offerings and the last ``--days`` days (today included), all
   server-side: a staging table built with ``generate_series`` + ``random()`` (seeded), codes
   ``<agency>-YYMMDD-NNNN`` numbered per agency and day with ``row_number()``, statuses by age (recent:
   submitted/accepted/processing; older: mostly returned), ~2 % drafts without a code; then one
   ``INSERT … SELECT`` into ``dossiers_dossier`` and one into ``dossiers_dossierevent`` (1–5 events per
   dossier following the status path), and the code counters set to the highest number used per
   agency and day (so submissions during the benchmark continue the sequence without collisions);
4. files for the load generator in ``--out`` (default ``bench/.var``): ``dossiers_tracking.tsv``
   (code, owner ID number) sampled from the table, ``dossiers_tokens.txt`` (bearer tokens made with
   ``accounts.services.api_token_create`` for ``--tokens`` citizens) and ``dossiers_offerings.json``
   (offerings a citizen can submit with exactly two attachments: case + two component ids).

A second run skips steps 2–3 when the table already holds ``--dossiers`` rows (``--force`` truncates the
dossier tables and re-seeds them) and only refreshes the files (tokens are re-made when older than a day).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench" / ".var"
USER_PREFIX = "bench_citizen_"
RANDOM_SEED = 0.2026
# "Today" in the project time zone (codes use timezone.localdate()); the server may run in UTC.
TODAY = "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Hữu", "Quang", "Thu", "Xuân", "Hoài", "Gia")
GIVEN = (
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
)

# Status by age of the dossier: (status, cumulative probability). Drafts (~2 %) are decided first.
RECENT = (("submitted", 0.40), ("accepted", 0.70), ("processing", 0.95), ("supplement_requested", 1.0))
MONTH = (
    ("submitted", 0.05),
    ("accepted", 0.15),
    ("processing", 0.58),
    ("supplement_requested", 0.63),
    ("payment_requested", 0.65),
    ("resolved", 0.85),
    ("returned", 0.97),
    ("refused", 1.0),
)
OLD = (
    ("returned", 0.85),
    ("resolved", 0.90),
    ("refused", 0.95),
    ("stopped", 0.97),
    ("withdrawal_requested", 0.98),
    ("processing", 1.0),
)
# The events each status implies, in order: (action, from, to, actor role).
SUBMIT = ("submit", "draft", "submitted", "applicant")
ACCEPT = ("accept", "submitted", "accepted", "receptionist")
PROCESS = ("process", "accepted", "processing", "specialist")
RESOLVE = ("resolve", "processing", "resolved", "specialist")
PATHS = {
    "submitted": (SUBMIT,),
    "accepted": (SUBMIT, ACCEPT),
    "refused": (SUBMIT, ("refuse", "submitted", "refused", "receptionist")),
    "supplement_requested": (
        SUBMIT,
        ACCEPT,
        ("request_supplement", "accepted", "supplement_requested", "receptionist"),
    ),
    "processing": (SUBMIT, ACCEPT, PROCESS),
    "payment_requested": (
        SUBMIT,
        ACCEPT,
        PROCESS,
        ("request_payment", "processing", "payment_requested", "specialist"),
    ),
    "resolved": (SUBMIT, ACCEPT, PROCESS, RESOLVE),
    "returned": (SUBMIT, ACCEPT, PROCESS, RESOLVE, ("return", "resolved", "returned", "receptionist")),
    "stopped": (SUBMIT, ACCEPT, ("stop", "accepted", "stopped", "specialist")),
    "withdrawal_requested": (
        SUBMIT,
        ACCEPT,
        ("request_withdrawal", "accepted", "withdrawal_requested", "applicant"),
    ),
}
FINISHED = ("returned", "resolved", "refused", "stopped")


def case_sql(column: str, table: tuple[tuple[str, float], ...]) -> str:
    """``CASE WHEN r < p1 THEN 's1' … END`` for a cumulative probability table."""
    whens = " ".join(f"WHEN {column} < {p} THEN '{s}'" for s, p in table[:-1])
    return f"CASE {whens} ELSE '{table[-1][0]}' END"


def event_plan_rows() -> list[tuple[str, int, str, str, str, str]]:
    return [
        (status, step, action, source, target, role)
        for status, path in PATHS.items()
        for step, (action, source, target, role) in enumerate(path)
    ]


def two_attachment_choices(version) -> list[dict]:
    """The (case, two component ids) of one procedure version that make a complete dossier with exactly
    two uploads, by the project's own case rules (``dossiers.cases``: general groups, special cases,
    alternatives) and upload rule (a declaration the e-form replaces needs no file); [] when none fits."""
    from dichvucong.dossiers import cases as case_rules

    plan = case_rules.case_plan(version)
    choices = []
    options = [[case] for case in plan.alternatives] or [[], *([case] for case in plan.special)]
    for chosen in options:
        components = plan.components(chosen)
        required = [
            c.pk for c in components if c.required and not case_rules.eform_replaces_upload(c, version)
        ]
        optional = [c.pk for c in components if c.pk not in required]
        if len(required) > 2 or len(required) + len(optional) < 2:
            continue
        choices.append({"case": chosen[0] if chosen else "", "components": (required + optional)[:2]})
    return choices


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DVC_DEV", "1")
    import django

    django.setup()


def check_columns(cursor, table: str, given) -> None:
    """Every column a raw INSERT names must exist: a renamed or dropped model field fails here with its
    name, not halfway through a million-row INSERT."""
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    existing = {row[0] for row in cursor.fetchall()}
    missing = sorted(set(given) - existing)
    if missing:
        raise RuntimeError(f"{table}: no column {', '.join(missing)} (the model changed: update the seed)")


def fillers(cursor, table: str, given: set[str]) -> tuple[list[str], list[str]]:
    """(columns, SQL values) for NOT NULL columns without a database default that the caller does not set:
    Django keeps defaults in Python, so a raw INSERT must name them (robust to new model fields). Checks
    first that every column in ``given`` exists."""
    check_columns(cursor, table, given)
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
        "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
        [table],
    )
    by_type = {
        "character varying": "''",
        "text": "''",
        "boolean": "false",
        "integer": "0",
        "smallint": "0",
        "bigint": "0",
        "jsonb": "'{}'::jsonb",
        "timestamp with time zone": "now()",
        "date": "current_date",
        "uuid": "gen_random_uuid()",
    }
    columns, values = [], []
    for name, data_type in cursor.fetchall():
        if name in given:
            continue
        if data_type not in by_type:
            raise RuntimeError(f"{table}.{name}: no filler for type {data_type}")
        columns.append(f'"{name}"')
        values.append(by_type[data_type])
    return columns, values


def insert_citizens(cursor, count: int) -> int:
    # In the order of the SELECT below.
    given = [
        "password",
        "is_superuser",
        "username",
        "kind",
        "id_type",
        "id_number",
        "full_name",
        "phone",
        "email",
        "address",
        "is_active",
        "is_staff",
        "date_joined",
        "commune_id",
        "phone_verified_at",
        "notify_sms",
        "notify_email",
    ]
    extra_cols, extra_vals = fillers(cursor, "accounts_user", set(given))
    cursor.execute(
        "SELECT array_agg(id ORDER BY id) FROM agencies_administrativeunit WHERE level = 'commune'"
    )
    communes = cursor.fetchone()[0] or [None]
    cols = ", ".join([*given, *extra_cols])
    sql = f"""
        INSERT INTO accounts_user ({cols})
        SELECT '!bench', false, %(prefix)s || lpad(g::text, 5, '0'), 'citizen', 'cccd',
               '0790' || lpad((g * 7919 %% 100000000)::text, 8, '0'),
               (%(family)s::text[])[1 + g %% cardinality(%(family)s::text[])] || ' ' ||
               (%(middle)s::text[])[1 + (g / 13) %% cardinality(%(middle)s::text[])] || ' ' ||
               (%(given)s::text[])[1 + (g / 7) %% cardinality(%(given)s::text[])],
               '+8490' || lpad(g::text, 7, '0'), 'citizen' || g || '@example.vn',
               'Số ' || (1 + g %% 200) || ' đường ' || (1 + g %% 50), true, false, now(),
               (%(communes)s::bigint[])[1 + (g * 31) %% cardinality(%(communes)s::bigint[])],
               now(), true, true
               {"".join(", " + v for v in extra_vals)}
        FROM generate_series(1, %(count)s) AS g
        ON CONFLICT (username) DO NOTHING
    """  # noqa: S608 - constant SQL, values are parameters
    cursor.execute(
        sql,
        {
            "prefix": USER_PREFIX,
            "family": list(FAMILY),
            "middle": list(MIDDLE),
            "given": list(GIVEN),
            "communes": communes,
            "count": count,
        },
    )
    return cursor.rowcount


def build_stage(cursor, *, dossiers: int, days: int) -> None:
    """Temp table bench_stage: one row per dossier with its offering, day, status, code and times."""
    cursor.execute(
        """
        CREATE TEMP TABLE bench_offering AS
        SELECT row_number() OVER (ORDER BY o.id) - 1 AS idx, o.id AS offering_id, o.agency_id,
               o.procedure_id, p.current_version_id AS version_id, a.code AS agency_code
        FROM catalogue_agencyprocedure o
        JOIN catalogue_procedure p ON p.id = o.procedure_id
        JOIN agencies_agency a ON a.id = o.agency_id
        WHERE o.is_active AND p.current_version_id IS NOT NULL
        """
    )
    cursor.execute("SELECT count(*) FROM bench_offering")
    offerings = cursor.fetchone()[0]
    cursor.execute(
        "SELECT array_agg(id ORDER BY id) FROM accounts_user WHERE username LIKE %s", [USER_PREFIX + "%"]
    )
    users = cursor.fetchone()[0]
    if not offerings or not users:
        raise RuntimeError("no active offering or no citizen: load the demo data and citizens first")
    cursor.execute("SELECT setseed(%s)", [RANDOM_SEED])
    # Popular offerings get more dossiers: skew the offering index with power(random, 2).
    cursor.execute(
        """
        CREATE TEMP TABLE bench_raw AS
        SELECT g,
               floor(power(random(), 2) * %(offerings)s)::int AS idx,
               ({TODAY} - floor(random() * %(days)s)::int) AS day,
               (%(users)s::bigint[])[1 + floor(random() * cardinality(%(users)s::bigint[]))::int]
                   AS applicant_id,
               random() AS r_draft, random() AS r_status, random() AS r_time, random() AS r_other
        FROM generate_series(1, %(dossiers)s) AS g
        """.replace("{TODAY}", TODAY),
        {"offerings": offerings, "days": days, "users": users, "dossiers": dossiers},
    )
    recent, month, old = (case_sql("r.r_status", t) for t in (RECENT, MONTH, OLD))
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_stage AS
        WITH s AS (
            SELECT r.g, r.day, r.applicant_id, r.r_time, r.r_other, o.*,
                   CASE WHEN r.r_draft < 0.02 THEN 'draft'
                        WHEN {TODAY} - r.day <= 3 THEN {recent}
                        WHEN {TODAY} - r.day <= 30 THEN {month}
                        ELSE {old} END AS status
            FROM bench_raw r JOIN bench_offering o ON o.idx = r.idx
        )
        SELECT s.*,
               CASE WHEN s.status = 'draft' THEN NULL ELSE row_number() OVER (
                   PARTITION BY s.agency_id, s.day, s.status = 'draft' ORDER BY s.r_time, s.g) END AS number,
               (s.day + time '07:00' + s.r_time * interval '14 hours') AT TIME ZONE 'Asia/Ho_Chi_Minh'
                   AS submitted_at
        FROM s
        """  # noqa: S608 - constant SQL
    )
    cursor.execute("ANALYZE bench_stage")


def insert_dossiers(cursor) -> int:
    finished = ", ".join(f"'{s}'" for s in FINISHED)
    given = {
        "public_id",
        "code",
        "tracking_secret",
        "case",
        "channel",
        "status",
        "supplement_state",
        "resume_status",
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "applicant_email",
        "applicant_address",
        "owner_name",
        "owner_id_number",
        "owner_address",
        "form_data",
        "result_delivery",
        "delivery_address",
        "home_pickup",
        "submitted_at",
        "received_at",
        "due_at",
        "finished_at",
        "supplement_count",
        "refusal_reasons",
        "created_at",
        "updated_at",
        "agency_id",
        "applicant_id",
        "offering_id",
        "procedure_id",
        "version_id",
    }
    extra_cols, extra_vals = fillers(cursor, "dossiers_dossier", given)
    cols = ", ".join([f'"{c}"' for c in sorted(given)] + extra_cols)
    # Same order as sorted(given): keep the SELECT list in a dict to stay aligned.
    values = {
        "public_id": "gen_random_uuid()",
        "code": "CASE WHEN s.number IS NULL THEN NULL ELSE s.agency_code || '-' || to_char(s.day, 'YYMMDD') "
        "|| '-' || lpad(s.number::text, 4, '0') END",
        "tracking_secret": "upper(substr(translate(encode(sha256(s.g::text::bytea), 'base64'), "
        "'+/=01OIL', 'ABCDEFGH'), 1, 8))",
        "case": "''",
        "channel": "CASE WHEN s.r_other < 0.75 THEN 'online' WHEN s.r_other < 0.95 THEN 'in_person' "
        "ELSE 'postal' END",
        "status": "s.status",
        "supplement_state": "CASE WHEN s.status = 'supplement_requested' THEN 'awaiting_citizen' ELSE '' END",
        "resume_status": "CASE WHEN s.status = 'supplement_requested' THEN 'accepted' ELSE '' END",
        "applicant_name": "u.full_name",
        "applicant_id_number": "u.id_number",
        "applicant_phone": "u.phone",
        "applicant_email": "u.email",
        "applicant_address": "u.address",
        "owner_name": "u.full_name",
        "owner_id_number": "u.id_number",
        "owner_address": "u.address",
        "form_data": "'{}'::jsonb",
        "result_delivery": "CASE WHEN s.r_other < 0.6 THEN 'counter' WHEN s.r_other < 0.85 THEN 'online' "
        "ELSE 'post' END",
        "delivery_address": "CASE WHEN s.r_other >= 0.85 THEN u.address ELSE '' END",
        "home_pickup": "false",
        "submitted_at": "CASE WHEN s.status = 'draft' THEN NULL ELSE s.submitted_at END",
        "received_at": "CASE WHEN s.status IN ('draft', 'submitted') THEN NULL "
        "ELSE s.submitted_at + interval '3 hours' END",
        "due_at": "CASE WHEN s.status IN ('draft', 'submitted', 'refused') THEN NULL "
        "ELSE s.submitted_at + interval '10 days' END",
        "finished_at": f"CASE WHEN s.status IN ({finished}) THEN s.submitted_at + interval '8 days' END",
        "supplement_count": "CASE WHEN s.status = 'supplement_requested' THEN 1 ELSE 0 END",
        "refusal_reasons": "CASE WHEN s.status = 'refused' THEN "
        "'[\"Hồ sơ không đúng thẩm quyền giải quyết\"]'::jsonb ELSE '[]'::jsonb END",
        "created_at": "s.submitted_at - interval '20 minutes'",
        "updated_at": "s.submitted_at + interval '1 day'",
        "agency_id": "s.agency_id",
        "applicant_id": "s.applicant_id",
        "offering_id": "s.offering_id",
        "procedure_id": "s.procedure_id",
        "version_id": "s.version_id",
    }
    select = ", ".join([values[c] for c in sorted(given)] + extra_vals)
    cursor.execute(
        f"INSERT INTO dossiers_dossier ({cols}) SELECT {select} "  # noqa: S608 - constant SQL
        "FROM bench_stage s JOIN accounts_user u ON u.id = s.applicant_id "
        "ORDER BY s.day, s.agency_id, s.number"
    )
    return cursor.rowcount


def insert_events(cursor) -> int:
    cursor.execute(
        "CREATE TEMP TABLE bench_event_plan (status text, step int, action text, from_status text, "
        "to_status text, actor_role text)"
    )
    cursor.executemany("INSERT INTO bench_event_plan VALUES (%s, %s, %s, %s, %s, %s)", event_plan_rows())
    # In the order of the SELECT below.
    given = [
        "action",
        "from_status",
        "to_status",
        "actor_role",
        "note",
        "data",
        "step_due_at",
        "created_at",
        "actor_id",
        "agency_id",
        "dossier_id",
    ]
    extra_cols, extra_vals = fillers(cursor, "dossiers_dossierevent", set(given))
    cols = ", ".join([*given, *extra_cols])
    cursor.execute(
        f"""
        INSERT INTO dossiers_dossierevent ({cols})
        SELECT p.action, p.from_status, p.to_status, p.actor_role, '',
               CASE WHEN p.action = 'submit' THEN jsonb_build_object('code', d.code) ELSE '{{}}'::jsonb END,
               CASE WHEN p.step > 0 THEN d.due_at END,
               d.submitted_at + p.step * interval '2 days',
               CASE WHEN p.actor_role = 'applicant' THEN d.applicant_id END,
               CASE WHEN p.actor_role = 'applicant' THEN NULL ELSE d.agency_id END,
               d.id {"".join(", " + v for v in extra_vals)}
        FROM dossiers_dossier d JOIN bench_event_plan p ON p.status = d.status
        ORDER BY d.id, p.step
        """  # noqa: S608 - constant SQL
    )
    return cursor.rowcount


def set_counters(cursor) -> int:
    cursor.execute(
        """
        INSERT INTO dossiers_dossiercodecounter (agency_id, day, last_number)
        SELECT agency_id, day, max(number) FROM bench_stage WHERE number IS NOT NULL GROUP BY agency_id, day
        ON CONFLICT (agency_id, day) DO UPDATE
            SET last_number = GREATEST(dossiers_dossiercodecounter.last_number, EXCLUDED.last_number)
        """
    )
    return cursor.rowcount


def e_form_answer(spec: dict) -> str:
    kind = spec.get("type", "text")
    if kind == "date":
        return "03/11/2025"
    if kind == "choice":
        return spec.get("choices", ["Có"])[0]
    return "Nguyễn Thị Bé Na"


def write_files(*, out: Path, tokens: int, tracking: int, refresh_tokens: bool) -> None:
    from django.db import connection

    from dichvucong.accounts.models import User
    from dichvucong.accounts.services import api_token_create
    from dichvucong.catalogue.models import AgencyProcedure

    out.mkdir(parents=True, exist_ok=True)
    with connection.cursor() as cursor:
        # TABLESAMPLE reads ~0.5 % of the pages: a spread of old and recent dossiers, cheaply.
        cursor.execute(
            "SELECT code, owner_id_number FROM dossiers_dossier TABLESAMPLE SYSTEM (2) REPEATABLE (7) "
            "WHERE code IS NOT NULL AND owner_id_number <> '' LIMIT %s",
            [tracking],
        )
        pairs = cursor.fetchall()
    random.Random(7).shuffle(pairs)
    (out / "dossiers_tracking.tsv").write_text("".join(f"{c}\t{p}\n" for c, p in pairs), encoding="utf-8")
    print(f"tracking pairs: {len(pairs)} -> {out / 'dossiers_tracking.tsv'}")

    tokens_file = out / "dossiers_tokens.txt"
    fresh = tokens_file.exists() and time.time() - tokens_file.stat().st_mtime < 86400
    if refresh_tokens or not fresh:
        step = time.perf_counter()
        users = list(User.objects.filter(username__startswith=USER_PREFIX).order_by("id")[:tokens])
        keys = [api_token_create(user=user, name="bench")[1] for user in users]
        tokens_file.write_text("".join(k + "\n" for k in keys), encoding="utf-8")
        tokens_file.chmod(0o600)
        print(f"api tokens: {len(keys)} in {time.perf_counter() - step:.1f} s -> {tokens_file}")
    else:
        print(f"api tokens: kept {tokens_file} (less than a day old)")

    offerings = []
    for offering in (
        AgencyProcedure.objects.filter(is_active=True, procedure__current_version__isnull=False)
        .select_related("procedure__current_version")
        .prefetch_related("procedure__current_version__components")
    ):
        # E-form answers a citizen would type (f_<name> in a one-request submission, `fields` in a PATCH).
        fields = {
            spec["name"]: e_form_answer(spec)
            for spec in offering.procedure.current_version.form_schema
            if spec.get("required")
        }
        for choice in two_attachment_choices(offering.procedure.current_version):
            offerings.append({"offering_id": offering.pk, **choice, "fields": fields})
    (out / "dossiers_offerings.json").write_text(json.dumps(offerings, ensure_ascii=False, indent=1), "utf-8")
    print(
        f"offerings with a two-attachment submission: {len(offerings)} -> {out / 'dossiers_offerings.json'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dossiers", type=int, default=1_000_000, help="dossiers to seed (default 1,000,000)"
    )
    parser.add_argument("--citizens", type=int, default=10_000, help="citizen accounts (default 10,000)")
    parser.add_argument("--days", type=int, default=730, help="spread over the last N days (default 730)")
    parser.add_argument("--tokens", type=int, default=2000, help="API tokens to write (default 2,000)")
    parser.add_argument(
        "--tracking", type=int, default=20_000, help="tracking pairs to write (default 20,000)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the load-generator files")
    parser.add_argument("--force", action="store_true", help="truncate the dossier tables and re-seed")
    args = parser.parse_args(argv)

    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        parser.error("this seed needs PostgreSQL (set DATABASE_URL)")
    started = time.perf_counter()
    print(f"database: {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}")
    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the demo loaders read the database cache
    step = time.perf_counter()
    call_command("load_demo_data")
    print(f"demo data: {time.perf_counter() - step:.1f} s")

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        existing = cursor.fetchone()[0]
    seeded = existing >= args.dossiers and not args.force
    if seeded:
        print(f"dossiers: {existing} already there, skipping (use --force to re-seed)")
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            if existing:
                cursor.execute(
                    "TRUNCATE dossiers_dossierevent, dossiers_dossierfile, dossiers_supplementrequest, "
                    "dossiers_dossier, dossiers_dossiercodecounter CASCADE"  # and rows of other apps
                )
                print(f"truncated {existing} dossiers")
            step = time.perf_counter()
            added = insert_citizens(cursor, args.citizens)
            print(f"citizens: {added} added in {time.perf_counter() - step:.1f} s")
            step = time.perf_counter()
            build_stage(cursor, dossiers=args.dossiers, days=args.days)
            print(f"staging table: {time.perf_counter() - step:.1f} s")
            step = time.perf_counter()
            print(f"dossiers: {insert_dossiers(cursor)} in {time.perf_counter() - step:.1f} s", flush=True)
            step = time.perf_counter()
            print(f"events: {insert_events(cursor)} in {time.perf_counter() - step:.1f} s", flush=True)
            step = time.perf_counter()
            print(f"code counters: {set_counters(cursor)} in {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()
        with connection.cursor() as cursor:
            for table in (
                "dossiers_dossier",
                "dossiers_dossierevent",
                "dossiers_dossiercodecounter",
                "accounts_user",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")  # the planner and index-only scans need it
        print(f"vacuum analyze: {time.perf_counter() - step:.1f} s")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM dossiers_dossier), (SELECT count(*) FROM dossiers_dossierevent), "
            "(SELECT count(*) FROM dossiers_dossiercodecounter), "
            "(SELECT count(*) FROM accounts_user WHERE username LIKE %s), "
            "pg_size_pretty(pg_total_relation_size('dossiers_dossier')), "
            "pg_size_pretty(pg_total_relation_size('dossiers_dossierevent'))",
            [USER_PREFIX + "%"],
        )
        dossiers, events, counters, citizens, size_d, size_e = cursor.fetchone()
        cursor.execute("SELECT status, count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 2 DESC")
        statuses = cursor.fetchall()
    print(
        f"totals: {dossiers} dossiers ({size_d} with indexes), {events} events ({size_e}), "
        f"{counters} code counters, {citizens} bench citizens"
    )
    print("statuses: " + ", ".join(f"{s} {n}" for s, n in statuses))
    write_files(out=args.out, tokens=args.tokens, tracking=args.tracking, refresh_tokens=not seeded)
    print(f"seed done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
