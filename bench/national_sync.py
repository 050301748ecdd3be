"""Benchmark of the national sync worker: payloads pushed per second to the fake national portal on loopback,
and the lag of a burst of status changes, then the catch-up after an outage. One command, stops by itself:

    .venv/bin/python bench/national_sync.py [--dossiers 2500] [--changes 4] [--workers 2] [--outage 20]

What it does, on a fresh PostgreSQL database (``--db``, default ``dvc_bench_national`` on 127.0.0.1:5432, user
postgres; dropped and created):

1. migrates, builds the delivery tests' commune and one submitted dossier through the real services (with
   its two PDF files), and clones it into ``2 × --dossiers`` submitted dossiers (rows, files and the submit
   event) with the sync switched off, so the portal has never heard of them;
2. starts the fake national portal (``dichvucong.national.testing``, JSON Schema validation on) in its own
   process, and ``--workers`` worker threads that run ``sync_push`` (what the ``push_dossier`` task runs)
   for due rows, oldest pending change first, each thread owning ``dossier_id % workers``;
3. **burst**: ``--dossiers × --changes`` status changes (accept, start processing, a hand-over, resolve)
   through the state machine (``transition()``, with the real after-commit subscriber) in
   ``--generators`` separate processes, as fast as they can commit them, while the workers push; reports
   payloads/s, HTTP calls/s, changes per payload, the lag from each change's commit to the portal
   accepting a payload that carries it (p50/p95/p99/max) and how long the workers needed after the last
   change;
4. **outage**: the portal answers 503 to everything while the same changes are made to
   ``--outage-dossiers`` other dossiers and for ``--outage`` seconds more (back-off 1, 2, 4, 8 s), then
   recovers; reports the catch-up time, and checks that every dossier ends in its last status, no
   payload was schema-invalid and no earlier state overwrote a later one (the fake counts both).

The task queue is replaced by the polling threads (``TASKS_BACKEND`` = dummy), so the figures are the sync
code, the database and HTTP, not django-tasks-db's queue. Results go to ``bench/.var/national_sync.json``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TOKEN = "Bearer bench-token"  # noqa: S105 (the fake portal on loopback)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _prepare_env(db: str, portal_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DVC_DEV": "1",
            "DVC_TESTING": "1",
            "DB_POOL": "0",
            "DEBUG": "0",
            "LOG_LEVEL": "ERROR",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
            "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "DVC_NATIONAL_PORTAL": "none",  # switched on after the setup
            "DVC_NATIONAL_BASE_URL": portal_url,
            "DVC_NATIONAL_TOKEN": TOKEN,
            "DVC_NATIONAL_TIMEOUT": "5",
            "DVC_NATIONAL_RETRY_DELAYS": "1,2,4,8",
            "DVC_NATIONAL_MAX_ATTEMPTS": "10000",
            "DVC_PUBLIC_URL": "https://dichvucong.example.vn",
            "MEDIA_ROOT": tempfile.mkdtemp(prefix="bench-national-"),
        }
    )


def _fresh_database(db: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"')


def _control(url: str, **body) -> None:
    request = urllib.request.Request(
        url + "/_control",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=5).read()  # noqa: S310 (loopback)


def _stats(url: str) -> dict:
    return json.loads(urllib.request.urlopen(url + "/_stats", timeout=30).read())  # noqa: S310


def _clone_dossiers(world: dict, count: int) -> list[int]:
    """``count`` submitted dossiers copied from one made through the services (files and submit event)."""
    import uuid

    from dichvucong.delivery.tests.conftest import submitted_dossier
    from dichvucong.dossiers.models import Dossier, DossierEvent, DossierFile

    template = submitted_dossier(world)
    files = list(DossierFile.objects.filter(dossier=template))
    event = DossierEvent.objects.get(dossier=template)
    ids = []
    for start in range(0, count, 500):
        batch = []
        for index in range(start, min(count, start + 500)):
            clone = Dossier.objects.get(pk=template.pk)
            clone.pk = None
            clone.public_id = uuid.uuid4()
            clone.code = f"{template.code[:21]}B{index:05d}"
            batch.append(clone)
        created = Dossier.objects.bulk_create(batch)
        DossierFile.objects.bulk_create(
            DossierFile(dossier=d, component_id=f.component_id, document_id=f.document_id)
            for d in created
            for f in files
        )
        DossierEvent.objects.bulk_create(
            DossierEvent(
                dossier=d,
                action=event.action,
                from_status=event.from_status,
                to_status=event.to_status,
                actor=event.actor,
                actor_role=event.actor_role,
                data=event.data,
            )
            for d in created
        )
        ids.extend(d.pk for d in created)
    return ids


STAFF = {"receptionist": "tiepnhan.a", "specialist": "chuyenvien.a", "leader": "lanhdao.a"}
STEPS = (
    ("accept", "receptionist"),
    ("start_processing", "specialist"),
    ("handover", "specialist"),
    ("resolve", "leader"),
)


def _generate(ids_file: str, changes: int) -> None:
    """The burst, in its own process (``--generate``): every change through ``transition()``; prints the
    start and end times."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from dichvucong.dossiers.workflow import transition

    users = {role: get_user_model().objects.get(username=name) for role, name in STAFF.items()}
    dossier_ids = json.loads(Path(ids_file).read_text())
    started = time.time()
    for action, role in STEPS[:changes]:
        for dossier_id in dossier_ids:
            transition(dossier_id=dossier_id, action=action, actor=users[role])
    print(json.dumps([started, time.time()]), flush=True)


def _burst(dossier_ids: list[int], changes: int, generators: int) -> tuple[float, float]:
    """Run the burst in ``generators`` processes at once (each its share of the dossiers, in order)."""
    processes = []
    for index in range(generators):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(dossier_ids[index::generators], handle)
        processes.append(
            subprocess.Popen(
                [sys.executable, __file__, "--generate", handle.name, "--changes", str(changes)],
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    times = []
    for process in processes:
        out, _ = process.communicate(timeout=3600)
        if process.returncode:
            raise SystemExit(f"burst generator failed ({process.returncode})")
        times.append(json.loads(out.strip().splitlines()[-1]))
    return min(t[0] for t in times), max(t[1] for t in times)


class Workers:
    def __init__(self, count: int) -> None:
        self.count = count
        self.stop = threading.Event()
        self.pushes = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(count)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _run(self, index: int) -> None:
        from django.db import connection
        from django.db.models import F
        from django.db.models.functions import Mod
        from django.utils import timezone

        from dichvucong.national.models import NationalSync
        from dichvucong.national.sync import sync_push

        try:
            while not self.stop.is_set():
                due = list(
                    NationalSync.objects.filter(state="pending", next_attempt_at__lte=timezone.now())
                    .annotate(part=Mod(F("dossier_id"), self.count))
                    .filter(part=index)
                    .order_by("pending_since", "pk")
                    .values_list("dossier_id", flat=True)[:100]
                )
                if not due:
                    time.sleep(0.1)
                    continue
                for dossier_id in due:
                    sync_push(dossier_id=dossier_id)
                    with self.lock:
                        self.pushes += 1
        finally:
            connection.close()

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def _wait_synced(dossier_ids: list[int], timeout: float) -> float:
    from dichvucong.national.models import NationalSync

    deadline = time.time() + timeout
    while time.time() < deadline:
        left = NationalSync.objects.filter(dossier_id__in=dossier_ids).exclude(state="synced").count()
        missing = len(dossier_ids) - NationalSync.objects.filter(dossier_id__in=dossier_ids).count()
        if left == 0 and missing == 0:
            return time.time()
        time.sleep(0.1)
    raise SystemExit(f"not synced after {timeout} s")


def _lags(dossier_ids: list[int], since: float, accepted: list) -> list[float]:
    """Seconds from each change's commit (its event) to the first accepted payload that carries it."""
    from dichvucong.dossiers.models import Dossier, DossierEvent

    codes = dict(Dossier.objects.filter(pk__in=dossier_ids).values_list("pk", "code"))
    arrivals: dict[str, list[tuple[float, int]]] = {}
    for at, code, length in accepted:
        arrivals.setdefault(code, []).append((at, length))
    lags = []
    position: dict[int, int] = {}
    for dossier_id, created in (
        DossierEvent.objects.filter(dossier_id__in=dossier_ids).order_by("dossier_id", "created_at", "pk")
    ).values_list("dossier_id", "created_at"):
        position[dossier_id] = position.get(dossier_id, 0) + 1
        stamp = created.timestamp()
        if stamp < since:
            continue
        carried = [at for at, length in arrivals.get(codes[dossier_id], []) if length >= position[dossier_id]]
        lags.append(min(carried) - stamp if carried else float("inf"))
    return lags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=2500)
    parser.add_argument("--changes", type=int, default=4, choices=range(1, 5))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--outage", type=float, default=20.0, help="seconds the portal stays down after the burst"
    )
    parser.add_argument("--outage-dossiers", type=int, default=500)
    parser.add_argument("--generators", type=int, default=2, help="processes committing the burst")
    parser.add_argument("--db", default="dvc_bench_national")
    parser.add_argument("--generate", help=argparse.SUPPRESS)  # internal: run the burst in this process
    args = parser.parse_args()
    if args.generate:
        _generate(args.generate, args.changes)
        return

    fake = subprocess.Popen(
        [sys.executable, "-m", "dichvucong.national.testing", TOKEN],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        url = fake.stdout.readline().strip()
        _prepare_env(args.db, url)
        _fresh_database(args.db)
        import django

        django.setup()
        from django.core.management import call_command

        print("== migrating", flush=True)
        call_command("migrate", verbosity=0)
        from dichvucong.delivery.tests.conftest import build_world

        world = build_world()
        total = args.dossiers + args.outage_dossiers
        print(f"== cloning {total} submitted dossiers", flush=True)
        ids = _clone_dossiers(world, total)
        live_ids, outage_ids = ids[: args.dossiers], ids[args.dossiers :]
        os.environ["DVC_NATIONAL_PORTAL"] = "dvcqg"  # read from the environment when asked
        results: dict = {
            "dossiers": args.dossiers,
            "changes": args.dossiers * args.changes,
            "workers": args.workers,
        }

        # --- burst with the portal up ---------------------------------------------------------------------
        print(f"== burst: {args.dossiers * args.changes} status changes, {args.workers} workers", flush=True)
        workers = Workers(args.workers)
        workers.start()
        started, generated = _burst(live_ids, args.changes, args.generators)
        finished = _wait_synced(live_ids, timeout=1800)
        stats = _stats(url)
        accepted = [row for row in stats["accepted"] if row[0] >= started]
        lags = _lags(live_ids, started, accepted)
        span = max(row[0] for row in accepted) - min(row[0] for row in accepted)
        results["burst"] = {
            "generation_s": round(generated - started, 2),
            "changes_per_s": round(args.dossiers * args.changes / (generated - started), 1),
            "payloads_accepted": len(accepted),
            "http_calls": stats["calls"],
            "payloads_per_s": round(len(accepted) / span, 1),
            "changes_per_payload": round(args.dossiers * args.changes / len(accepted), 2),
            "drain_after_last_change_s": round(finished - generated, 2),
            "lag_p50_s": round(statistics.median(lags), 3),
            "lag_p95_s": round(_percentile(lags, 0.95), 3),
            "lag_p99_s": round(_percentile(lags, 0.99), 3),
            "lag_max_s": round(max(lags), 3),
            "invalid": stats["invalid"],
            "regressions": stats["regressions"],
        }
        print(json.dumps(results["burst"], indent=1), flush=True)

        # --- the same burst during an outage ---------------------------------------------------------------
        print(
            f"== outage: {len(outage_ids) * args.changes} changes while the portal answers 503,"
            f" then {args.outage:.0f} s more",
            flush=True,
        )
        _control(url, fail=503, times=10**9)
        calls_before = _stats(url)["calls"]
        started, generated = _burst(outage_ids, args.changes, args.generators)
        time.sleep(args.outage)
        from dichvucong.national.models import NationalSync

        waiting = NationalSync.objects.filter(dossier_id__in=outage_ids, state="pending").count()
        calls_during = _stats(url)["calls"] - calls_before
        _control(url, clear=True)
        recovered = time.time()
        finished = _wait_synced(outage_ids, timeout=1800)
        stats = _stats(url)
        from dichvucong.dossiers.models import Dossier

        last_status = set(Dossier.objects.filter(pk__in=outage_ids).values_list("status", flat=True))
        pushed = set(
            NationalSync.objects.filter(dossier_id__in=outage_ids).values_list("pushed_status", flat=True)
        )
        results["outage"] = {
            "outage_s": round(recovered - started, 1),
            "refused_calls_during_outage": calls_during,
            "pending_when_portal_came_back": waiting,
            "catch_up_s": round(finished - recovered, 2),
            "catch_up_payloads_per_s": round(len(outage_ids) / (finished - recovered), 1),
            "dossier_status": sorted(last_status),
            "pushed_national_status": sorted(pushed),
            "invalid": stats["invalid"],
            "regressions": stats["regressions"],
        }
        print(json.dumps(results["outage"], indent=1), flush=True)
        workers.close()
        out = ROOT / "bench" / ".var"
        out.mkdir(parents=True, exist_ok=True)
        results["at"] = datetime.datetime.now(datetime.UTC).isoformat()
        (out / "national_sync.json").write_text(json.dumps(results, indent=1))
        if stats["invalid"] or stats["regressions"]:
            raise SystemExit("invalid payloads or regressions: see above")
    finally:
        fake.terminate()
        fake.wait(timeout=10)


if __name__ == "__main__":
    main()
