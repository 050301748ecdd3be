"""Load generator for dossier tracking and submission (loopback targets only), built on bench/loadgen.py.

    .venv/bin/python bench/dossiers_loadgen.py --base-url http://127.0.0.1:8765 \\
        --scenario tracking,submit --var bench/.var --concurrency 16 --duration 20 [--json out.json]

Scenarios (closed loop, one keep-alive connection per thread, threads spread over worker processes):

``tracking``       ``POST /api/v1/tracking`` JSON ``{code, proof}`` rotating over real (code, owner ID)
                   pairs from ``dossiers_tracking.tsv`` (written by ``dossiers_seed.py``).
``tracking-html``  ``POST /tra-cuu/`` form (the HTML page) with the same pairs; CSRF: each connection
                   sends a ``csrftoken`` cookie and the matching ``csrfmiddlewaretoken`` field (Django accepts
                   the unmasked 32-character secret), which is what a browser does after one GET.
``submit``         one *operation* = the realistic API path of a citizen with a bearer token:
                   ``POST /api/v1/dossiers`` (draft) → 2 × ``POST /api/v1/dossiers/{id}/files`` (multipart,
                   a unique ~2 KB PDF each, so the document store never de-duplicates) →
                   ``POST /api/v1/dossiers/{id}/submit``. Tokens (``dossiers_tokens.txt``) and offerings
                   with a two-attachment case (``dossiers_offerings.json``) rotate per connection.
                   Reported per operation (``submit-op``), per step and for all its requests together.

A response is an error unless its status is the expected one (200, or 201 for create/attach); a submission
operation is an error when any step fails (the next operation starts afresh). Same hard limits as
``loadgen.py``: loopback only, ``--duration`` ≤ 120 s, ``--max-requests`` ≤ 2,000,000.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import secrets
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import (  # noqa: E402 - the sibling module, importable once bench/ is on the path
    Connection,
    Summary,
    check_limits,
    format_table,
    split_cap,
    start_workers,
    summarise,
    validate_target,
)

SCENARIOS = ("tracking", "tracking-html", "submit", "submit-one")
SUBMIT_STEPS = ("create", "update", "attach", "submit")
BOUNDARY = "dvcbench7d9f2a41c0e3"


# --- CPU and memory of the server and of PostgreSQL (Linux /proc) -----------------------------

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> tuple[str, int, int, int] | None:
    """(command name, parent pid, CPU ticks user+system, RSS bytes) of one process, or None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return (
        name,
        int(fields[1]),
        int(fields[11]) + int(fields[12]),
        int(fields[21]) * os.sysconf("SC_PAGE_SIZE"),
    )


def cpu_snapshot(server_pid: int | None) -> dict:
    """CPU seconds used so far by the server's process tree and by every ``postgres`` process, and the
    RSS of each server process (MB)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _proc_stat(int(entry.name))
            if stat is not None:
                table[int(entry.name)] = stat
    tree = set()
    if server_pid:
        tree.add(server_pid)
        grew = True
        while grew:
            grew = False
            for pid, (_name, ppid, _ticks, _rss) in table.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
    server = sum(table[pid][2] for pid in tree if pid in table) / _TICK
    postgres = sum(ticks for name, _ppid, ticks, _rss in table.values() if name == "postgres") / _TICK
    rss = sorted(round(table[pid][3] / 2**20, 1) for pid in tree if pid in table)
    return {"server": server, "postgres": postgres, "server_rss_mb": rss}


# --- pure helpers (unit-testable) ------------------------------------------------------------


def http_request(method: str, path: str, host: str, headers: dict[str, str] | None = None, body=b"") -> bytes:
    """One pre-encoded HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "User-Agent: dvc-bench", "Accept: */*"]
    lines += ["Accept-Encoding: identity", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if method != "GET":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def tiny_pdf(nonce: str, size: int = 2048) -> bytes:
    """A small PDF that opens (one blank page, a correct xref) and whose bytes are unique per nonce;
    the upload checks refuse anything less since issue 12."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        f"<< /Title (dvc-bench {nonce}) >>".encode("ascii"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    out += b"%" + b"-" * max(0, size - len(out) - 200) + b"\n"  # padding inside a comment
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R /Info 4 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def multipart(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> bytes:
    """multipart/form-data body with BOUNDARY: plain fields and (filename, content type, bytes) files."""
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content_type, data) in files.items():
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        parts.append(head + data + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        code, _, proof = line.partition("\t")
        if code and proof:
            pairs.append((code, proof))
    return pairs


# --- per-connection loops ----------------------------------------------------------------------


class Recorder:
    """Latencies and status counts per label, measured only between warm-up end and the stop time."""

    def __init__(self, warm_until: float):
        self.warm_until = warm_until
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.statuses: dict[str, Counter[int]] = defaultdict(Counter)
        self.nbytes: Counter[str] = Counter()

    def add(self, label: str, start: float, elapsed: float, status: int, ok: bool, size: int = 0) -> None:
        if start < self.warm_until:
            return
        self.statuses[label][status] += 1
        if ok:
            self.latencies[label].append(elapsed)
            self.nbytes[label] += size
        else:
            self.errors[label] += 1

    def merge(self, other: Recorder) -> None:
        for label, values in other.latencies.items():
            self.latencies[label].extend(values)
        self.errors.update(other.errors)
        self.nbytes.update(other.nbytes)
        for label, counts in other.statuses.items():
            self.statuses[label].update(counts)

    def dump(self) -> tuple:
        return (
            dict(self.latencies),
            dict(self.errors),
            {k: dict(v) for k, v in self.statuses.items()},
            dict(self.nbytes),
        )

    @classmethod
    def load(cls, data: tuple) -> Recorder:
        rec = cls(0.0)
        latencies, errors, statuses, nbytes = data
        for label, values in latencies.items():
            rec.latencies[label].extend(values)
        rec.errors.update(errors)
        rec.nbytes.update(nbytes)
        for label, counts in statuses.items():
            rec.statuses[label].update(counts)
        return rec


def _loop_fixed(conn, requests, offset, cap, stop_at, rec, label) -> None:
    """Tracking: rotate through pre-encoded requests."""
    clock, index, done = time.perf_counter, offset, 0
    while done < cap and clock() < stop_at:
        raw = requests[index % len(requests)]
        index += 1
        start = clock()
        try:
            status, size = conn.request(raw)
        except (OSError, ValueError, IndexError):
            status, size = 0, 0
            conn.close()
        rec.add(label, start, clock() - start, status, status == 200, size)
        done += 1


def _loop_submit(conn: Connection, plan: dict, offset: int, cap: int, stop_at: float, rec) -> None:
    """Submission operations: create → attach × 2 → submit, each op with the next token and offering."""
    clock, index, done = time.perf_counter, offset, 0
    host, tokens, offerings = plan["host"], plan["tokens"], plan["offerings"]
    while done < cap and clock() < stop_at:
        token = tokens[index % len(tokens)]
        choice = offerings[(index * 7) % len(offerings)]
        index += 1
        auth = {"Authorization": f"Bearer {token}"}
        op_start = clock()
        ok = True
        step_count = 0

        def step(label: str, raw: bytes, expected: int) -> bytes | None:
            nonlocal ok, step_count
            start = clock()
            try:
                status, body = conn.request_body(raw)
            except (OSError, ValueError, IndexError):
                status, body = 0, b""
                conn.close()
            good = status == expected
            rec.add(label, start, clock() - start, status, good, len(body))
            step_count += 1
            if not good:
                ok = False
                return None
            return body

        payload = json.dumps({"offering_id": choice["offering_id"], "case": choice["case"]}).encode()
        headers = {**auth, "Content-Type": "application/json"}
        body = step("create", http_request("POST", "/api/v1/dossiers", host, headers, payload), 201)
        dossier_id = json.loads(body)["id"] if body else None
        if dossier_id and choice.get("fields"):  # the e-form, as the web form's autosave would send it
            payload = json.dumps({"fields": choice["fields"]}).encode()
            path = f"/api/v1/dossiers/{dossier_id}"
            if step("update", http_request("PATCH", path, host, headers, payload), 200) is None:
                dossier_id = None
        if dossier_id:
            for number, component in enumerate(choice["components"], start=1):
                nonce = secrets.token_hex(8)
                data = multipart(
                    {"component_id": str(component)},
                    {
                        "file": (
                            f"giay-to-{number}.pdf",
                            "application/pdf",
                            tiny_pdf(nonce, plan.get("file_size", 20 * 1024)),
                        )
                    },
                )
                headers = {**auth, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
                path = f"/api/v1/dossiers/{dossier_id}/files"
                if step("attach", http_request("POST", path, host, headers, data), 201) is None:
                    break
            if ok:
                path = f"/api/v1/dossiers/{dossier_id}/submit"
                step("submit", http_request("POST", path, host, auth, b""), 200)
        rec.add("submit-op", op_start, clock() - op_start, 200 if ok else 0, ok)
        done += step_count


def _loop_submit_one(conn: Connection, plan: dict, offset: int, cap: int, stop_at: float, rec) -> None:
    """One-request submissions: POST /api/v1/submissions with the form and both files, an Idempotency-Key."""
    clock, index, done = time.perf_counter, offset, 0
    host, tokens, offerings = plan["host"], plan["tokens"], plan["offerings"]
    while done < cap and clock() < stop_at:
        token = tokens[index % len(tokens)]
        choice = offerings[(index * 7) % len(offerings)]
        index += 1
        nonce = secrets.token_hex(8)
        files = {
            f"file_{component}": (
                f"giay-to-{number}.pdf",
                "application/pdf",
                tiny_pdf(f"{nonce}-{number}", plan["file_size"]),
            )
            for number, component in enumerate(choice["components"], start=1)
        }
        answers = {f"f_{name}": value for name, value in choice.get("fields", {}).items()}
        data = multipart(
            {"offering_id": str(choice["offering_id"]), "case": choice["case"], **answers}, files
        )
        headers = {
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": nonce,
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        }
        start = clock()
        try:
            status, body = conn.request_body(http_request("POST", "/api/v1/submissions", host, headers, data))
        except (OSError, ValueError, IndexError):
            status, body = 0, b""
            conn.close()
        rec.add("submit-one", start, clock() - start, status, status == 201, len(body))
        done += 1


def _worker(kind, host, port, plan, offsets, caps, warm_until_wall, stop_at_wall, queue) -> None:
    now_wall, now_perf = time.time(), time.perf_counter()
    warm_until = now_perf + (warm_until_wall - now_wall)
    stop_at = now_perf + (stop_at_wall - now_wall)
    recorders = [Recorder(warm_until) for _ in offsets]

    def run(offset: int, cap: int, rec: Recorder) -> None:
        conn = Connection(host, port)
        try:
            if kind == "submit":
                _loop_submit(conn, plan, offset, cap, stop_at, rec)
            elif kind == "submit-one":
                _loop_submit_one(conn, plan, offset, cap, stop_at, rec)
            else:
                _loop_fixed(conn, plan["requests"], offset, cap, stop_at, rec, kind)
        finally:
            conn.close()

    threads = [
        threading.Thread(target=run, args=(off, cap, rec))
        for off, cap, rec in zip(offsets, caps, recorders, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Recorder(warm_until)
    for rec in recorders:
        total.merge(rec)
    queue.put(total.dump())


def run(
    *,
    kind: str,
    host: str,
    port: int,
    plan: dict,
    concurrency: int,
    processes: int,
    duration,
    warmup,
    cap,
    server_pid: int | None = None,
    usage: dict | None = None,
) -> list[Summary]:
    """Run one scenario; with ``usage`` given, fill it with the CPU the server and PostgreSQL used during
    the measured seconds and the server processes' RSS at the end (``cpu_snapshot``)."""
    caps = split_cap(cap, concurrency)
    size = len(plan.get("requests") or plan.get("tokens"))
    offsets = [index * max(1, size // concurrency) for index in range(concurrency)]
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    start_wall = time.time() + 0.3
    warm_until = start_wall + warmup
    stop_at = warm_until + duration
    workers = start_workers(
        ctx,
        _worker,
        (kind, host, port, plan),
        processes=processes,
        concurrency=concurrency,
        offsets=offsets,
        caps=caps,
        warm_until=warm_until,
        stop_at=stop_at,
        queue=queue,
    )
    if usage is not None:
        time.sleep(max(0.0, warm_until - time.time()))
        before = cpu_snapshot(server_pid)
        time.sleep(max(0.0, stop_at - time.time()))
        after = cpu_snapshot(server_pid)
        usage.update(
            server_cpu_s=round(after["server"] - before["server"], 2),
            postgres_cpu_s=round(after["postgres"] - before["postgres"], 2),
            server_rss_mb=after["server_rss_mb"],
        )
    results = [Recorder.load(queue.get(timeout=duration + warmup + 60)) for _ in workers]
    finished = time.time()
    for proc in workers:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.terminate()
    total = Recorder(0.0)
    for rec in results:
        total.merge(rec)
    seconds = min(finished, stop_at) - warm_until
    labels = [kind] if kind != "submit" else ["submit-op", *SUBMIT_STEPS]
    rows = []
    for label in labels:
        name = label if kind != "submit" or label == "submit-op" else f"submit:{label}"
        rows.append(
            summarise(
                name,
                total.latencies.get(label, []),
                total.errors.get(label, 0),
                seconds,
                total.nbytes.get(label, 0),
                total.statuses.get(label, {}),
            )
        )
    if kind == "submit":  # every HTTP request of the operations together
        every = [v for label in SUBMIT_STEPS for v in total.latencies.get(label, [])]
        statuses: Counter[int] = Counter()
        for label in SUBMIT_STEPS:
            statuses.update(total.statuses.get(label, {}))
        errors = sum(total.errors.get(label, 0) for label in SUBMIT_STEPS)
        nbytes = sum(total.nbytes.get(label, 0) for label in SUBMIT_STEPS)
        rows.append(summarise("submit:all-req", every, errors, seconds, nbytes, statuses))
    return rows


# --- plans ----------------------------------------------------------------------------------


def tracking_plan(kind: str, host_header: str, pairs: list[tuple[str, str]]) -> dict:
    requests = []
    if kind == "tracking":
        for code, proof in pairs:
            body = json.dumps({"code": code, "proof": proof}).encode()
            headers = {"Content-Type": "application/json"}
            requests.append(http_request("POST", "/api/v1/tracking", host_header, headers, body))
    else:
        secret = secrets.token_hex(16)  # 32 characters, the unmasked CSRF secret
        for code, proof in pairs:
            body = urlencode({"csrfmiddlewaretoken": secret, "code": code, "proof": proof}).encode()
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={secret}",
            }
            requests.append(http_request("POST", "/tra-cuu/", host_header, headers, body))
    return {"requests": requests}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8765", help="loopback base URL")
    parser.add_argument("--scenario", default="tracking,submit", help="comma list of " + ", ".join(SCENARIOS))
    parser.add_argument("--var", type=Path, default=Path(__file__).parent / ".var", help="seed output folder")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections (default 16)")
    parser.add_argument("--processes", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per scenario (≤ 120)")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each scenario")
    parser.add_argument("--max-requests", type=int, default=500_000, help="request cap per scenario")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--file-size", type=int, default=20 * 1024, help="bytes of each PDF a submission sends (20 KB)"
    )
    parser.add_argument(
        "--server-pid",
        type=int,
        default=0,
        help="measure the CPU and RSS of this process tree and PostgreSQL",
    )
    args = parser.parse_args(argv)
    try:
        host, port = validate_target(args.base_url)
        check_limits(
            duration=args.duration,
            max_requests=args.max_requests,
            concurrency=args.concurrency,
            processes=args.processes,
        )
        if not 0 <= args.warmup <= 30:
            raise ValueError("--warmup must be between 0 and 30 seconds")
    except ValueError as exc:
        parser.error(str(exc))
    names = [n.strip() for n in args.scenario.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    host_header = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    rows: list[Summary] = []
    usages: dict[str, dict] = {}
    for name in names:
        if name in ("submit", "submit-one"):
            tokens = [t for t in (args.var / "dossiers_tokens.txt").read_text().split() if t]
            offerings = json.loads((args.var / "dossiers_offerings.json").read_text(encoding="utf-8"))
            plan = {
                "host": host_header,
                "tokens": tokens,
                "offerings": offerings,
                "file_size": args.file_size,
            }
            what = f"{len(tokens)} tokens, {len(offerings)} offerings"
        else:
            pairs = read_pairs(args.var / "dossiers_tracking.tsv")
            plan = tracking_plan(name, host_header, pairs)
            what = f"{len(pairs)} (code, proof) pairs"
        print(
            f"running {name}: {what}, {args.concurrency} connections in {args.processes} processes, "
            f"{args.warmup:g} s warm-up + {args.duration:g} s",
            file=sys.stderr,
            flush=True,
        )
        usage: dict = {}
        scenario_rows = run(
            kind=name,
            host=host,
            port=port,
            plan=plan,
            concurrency=args.concurrency,
            processes=args.processes,
            duration=args.duration,
            warmup=args.warmup,
            cap=args.max_requests,
            server_pid=args.server_pid or None,
            usage=usage,
        )
        rows += scenario_rows
        operations = scenario_rows[0].requests
        if operations:
            usage["server_cpu_ms_per_op"] = round(1000 * usage["server_cpu_s"] / operations, 2)
            usage["postgres_cpu_ms_per_op"] = round(1000 * usage["postgres_cpu_s"] / operations, 2)
        usages[name] = usage
    print(format_table(rows))
    for name, usage in usages.items():
        if "server_cpu_ms_per_op" in usage:
            print(
                f"  {name}: CPU per operation: server {usage['server_cpu_ms_per_op']} ms"
                f"{'' if args.server_pid else ' (no --server-pid: 0)'}, PostgreSQL "
                f"{usage['postgres_cpu_ms_per_op']} ms; server RSS MB {usage['server_rss_mb']}"
            )
    for row in rows:
        if row.errors:
            print(f"  {row.scenario}: status counts {row.statuses}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "base_url": args.base_url,
            "concurrency": args.concurrency,
            "processes": args.processes,
            "duration": args.duration,
            "pid": os.getpid(),
            "results": [asdict(row) for row in rows],
            "usage": usages,
        }
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if any(row.errors for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
