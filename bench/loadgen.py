"""Bounded HTTP/1.1 load generator for the public catalogue pages (loopback targets only).

    .venv/bin/python bench/loadgen.py --base-url http://127.0.0.1:8765 --scenario search,detail \\
        --concurrency 16 --duration 20 [--max-requests 50000] [--json results.json]

Scenarios: ``search`` (``/thu-tuc/?q=…``), ``detail`` (``/thu-tuc/<code>/``), ``api-search``
(``/api/v1/procedures?q=…``), ``api-detail`` (``/api/v1/procedures/<code>``), ``all`` (the four),
or ``custom`` with ``--urls-file`` (one path per line). Each scenario runs closed-loop: every
connection sends its next request as soon as the previous response is read, rotating through
the scenario's URL list from its own offset.

The work is split over several worker processes (``--processes``), each running a few threads
with one keep-alive connection each; requests are pre-encoded bytes and responses are parsed
with a minimal reader (Content-Length or chunked), so the generator costs little CPU. Hard
limits: loopback hosts only, ``--duration`` ≤ 120 s per scenario, ``--max-requests`` ≤ 2,000,000.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import math
import multiprocessing as mp
import os
import socket
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

MAX_DURATION = 120.0
MAX_REQUESTS = 2_000_000
MAX_CONCURRENCY = 256
SOCKET_TIMEOUT = 10.0

# Realistic citizen queries: with and without accents, several words, codes, prefixes (the last
# word matches as a prefix: "giay phep xay d" is what a user has typed half-way).
SEARCH_QUERIES = (
    "khai sinh",
    "đăng ký khai sinh",
    "dang ky ket hon",
    "đăng ký kết hôn",
    "giấy phép xây dựng",
    "giay phep xay dung",
    "chứng thực",
    "chung thuc ban sao",
    "cư trú",
    "cu tru",
    "1.001193",
    "2.000815",
    "hộ chiếu",
    "ho chieu pho thong",
    "lý lịch tư pháp",
    "ly lich tu phap",
    "căn cước",
    "can cuoc",
    "cấp lại",
    "gia han giay phep",
    "xuat nhap canh",
    "con nuôi",
    "quốc tịch",
    "công chứng viên",
    "nhà ở xã hội",
    "chứng chỉ hành nghề",
    "vu khi",
    "giay phep lai xe",
    "đăng kiểm",
    "thu hoi",
    "kh",
    "kha",
    "khai s",
    "giay phep xay d",
    "dang ky th",
    "chung ch",
    "tàu biển",
    "hang khong",
    "đất đai",
    "phòng cháy chữa cháy",
)
# Real codes from the national records (used when no --codes-file is given).
DEFAULT_CODES = (
    "1.001193",
    "1.000894",
    "1.000656",
    "1.004873",
    "2.000635",
    "1.001022",
    "1.000689",
    "2.000815",
    "2.000884",
    "1.004222",
    "1.014061",
    "3.000228",
)
SCENARIOS = ("search", "detail", "api-search", "api-detail")


# --- pure helpers (unit-tested) ------------------------------------------------------------


def validate_target(url: str) -> tuple[str, int]:
    """(host, port) of an ``http://`` URL on a loopback host; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        raise ValueError(f"only http:// targets are supported, not {parts.scheme or 'no scheme'}")
    host = parts.hostname or ""
    if host != "localhost":
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            raise ValueError(
                f"refusing non-loopback target {host!r}: use 127.0.0.1, localhost or ::1"
            ) from None
        if not (address in ipaddress.ip_network("127.0.0.0/8") or address == ipaddress.ip_address("::1")):
            raise ValueError(f"refusing non-loopback target {host!r}: use 127.0.0.1, localhost or ::1")
    if parts.path not in ("", "/") or parts.query:
        raise ValueError("give the base URL only (scheme, host and port)")
    return host, parts.port or 80


def percentile(sorted_values: list[float], p: float) -> float:
    """Linear-interpolated percentile (0 ≤ p ≤ 100) of already-sorted values; nan when empty."""
    if not 0 <= p <= 100:
        raise ValueError("p must be between 0 and 100")
    if not sorted_values:
        return math.nan
    rank = (len(sorted_values) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def split_cap(total: int, parts: int) -> list[int]:
    """Share a request cap over ``parts`` connections as evenly as possible."""
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def scenario_paths(name: str, codes: list[str], queries: tuple[str, ...] = SEARCH_QUERIES) -> list[str]:
    if name == "search":
        return [f"/thu-tuc/?q={quote(q)}" for q in queries]
    if name == "api-search":
        return [f"/api/v1/procedures?q={quote(q)}" for q in queries]
    if name == "detail":
        return [f"/thu-tuc/{quote(code)}/" for code in codes]
    if name == "api-detail":
        return [f"/api/v1/procedures/{quote(code)}" for code in codes]
    raise ValueError(f"unknown scenario {name!r}")


def check_limits(*, duration: float, max_requests: int, concurrency: int, processes: int) -> None:
    if not 0 < duration <= MAX_DURATION:
        raise ValueError(f"--duration must be in (0, {MAX_DURATION:.0f}] seconds")
    if not 0 < max_requests <= MAX_REQUESTS:
        raise ValueError(f"--max-requests must be in [1, {MAX_REQUESTS}]")
    if not 0 < concurrency <= MAX_CONCURRENCY:
        raise ValueError(f"--concurrency must be in [1, {MAX_CONCURRENCY}]")
    if not 0 < processes <= concurrency:
        raise ValueError("--processes must be between 1 and --concurrency")


@dataclass
class Summary:
    scenario: str
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_bytes: float
    statuses: dict[str, int] = field(default_factory=dict)


def summarise(
    scenario: str, latencies: list[float], errors: int, seconds: float, nbytes: int, statuses
) -> Summary:
    values = sorted(latencies)
    ms = [percentile(values, p) * 1000 for p in (50, 95, 99)]
    count = len(values)
    return Summary(
        scenario=scenario,
        requests=count,
        errors=errors,
        seconds=round(seconds, 2),
        rps=round(count / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=round(ms[0], 2),
        p95_ms=round(ms[1], 2),
        p99_ms=round(ms[2], 2),
        max_ms=round(values[-1] * 1000, 2) if values else math.nan,
        mean_bytes=round(nbytes / count) if count else 0,
        statuses={str(k): v for k, v in sorted(statuses.items())},
    )


def format_table(rows: list[Summary]) -> str:
    header = f"{'scenario':<12} {'requests':>9} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
    header += f"{'p99 ms':>8} {'max ms':>8} {'bytes':>7}"
    lines = [header, "-" * len(header)]
    for s in rows:
        lines.append(
            f"{s.scenario:<12} {s.requests:>9} {s.errors:>6} {s.rps:>8.1f} {s.p50_ms:>8.2f} {s.p95_ms:>8.2f} "
            f"{s.p99_ms:>8.2f} {s.max_ms:>8.2f} {s.mean_bytes:>7.0f}"
        )
    return "\n".join(lines)


# --- the HTTP client ----------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection with a minimal response reader."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=SOCKET_TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock, self.buffer = sock, b""
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def _fill(self) -> None:
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("connection closed by server")
        self.buffer += chunk

    def _read_line(self) -> bytes:
        while (end := self.buffer.find(b"\r\n")) < 0:
            self._fill()
        line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
        return line

    def _read_exact(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self._fill()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def request(self, raw: bytes) -> tuple[int, int]:
        """Send a pre-encoded request; return (status, body length)."""
        status, body = self.request_body(raw)
        return status, len(body)

    def request_body(self, raw: bytes) -> tuple[int, bytes]:
        """Send a pre-encoded request; return (status, body). Reconnects when the server closed."""
        for attempt in (1, 2):
            fresh = self.sock is None
            sock = self.sock or self._connect()
            try:
                sock.sendall(raw)
                return self._read_response()
            except (ConnectionError, BrokenPipeError) as exc:
                self.close()
                if fresh or attempt == 2:
                    raise ConnectionError(str(exc)) from exc
        raise AssertionError("unreachable")

    def _read_response(self) -> tuple[int, bytes]:
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._fill()
        head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip().lower()
        if b"content-length" in headers:
            body = self._read_exact(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            chunks = []
            while (chunk := int(self._read_line().split(b";")[0], 16)) > 0:
                chunks.append(self._read_exact(chunk))
                self._read_exact(2)
            while self._read_line():  # trailers
                pass
            body = b"".join(chunks)
        else:  # body until close
            while True:
                try:
                    self._fill()
                except ConnectionError:
                    break
            body, self.buffer = self.buffer, b""
            self.close()
            return status, body
        if headers.get(b"connection") == b"close":
            self.close()
        return status, body


def _connection_loop(host, port, requests, offset, cap, warm_until, stop_at, out) -> None:
    conn = Connection(host, port)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = nbytes = done = 0
    index = offset
    clock = time.perf_counter
    try:
        while done < cap:
            start = clock()
            if start >= stop_at:
                break
            raw = requests[index % len(requests)]
            index += 1
            try:
                status, size = conn.request(raw)
            except (OSError, ValueError, IndexError):
                status, size = 0, 0
                conn.close()
            elapsed = clock() - start
            if start < warm_until:
                continue
            done += 1
            statuses[status] += 1
            if status == 200:
                latencies.append(elapsed)
                nbytes += size
            else:
                errors += 1
    finally:
        conn.close()
    out.append((latencies, errors, nbytes, statuses))


def _worker(host, port, requests, offsets, caps, warm_until_wall, stop_at_wall, queue) -> None:
    # perf_counter is per-process monotonic; translate the wall-clock deadlines once.
    now_wall, now_perf = time.time(), time.perf_counter()
    warm_until = now_perf + (warm_until_wall - now_wall)
    stop_at = now_perf + (stop_at_wall - now_wall)
    out: list = []
    threads = [
        threading.Thread(
            target=_connection_loop, args=(host, port, requests, off, cap, warm_until, stop_at, out)
        )
        for off, cap in zip(offsets, caps, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = nbytes = 0
    for lat, err, nb, st in out:
        latencies.extend(lat)
        errors += err
        nbytes += nb
        statuses.update(st)
    queue.put((latencies, errors, nbytes, dict(statuses)))


def start_workers(
    ctx,
    target,
    leading: tuple,
    *,
    processes: int,
    concurrency: int,
    offsets: list[int],
    caps: list[int],
    warm_until: float,
    stop_at: float,
    queue,
) -> list:
    """Spread ``concurrency`` connections over ``processes`` worker processes and start them.

    Each process gets ``target(*leading, its offsets, its caps, warm_until, stop_at, queue)``."""
    workers = []
    for p in range(processes):
        mine = list(range(p, concurrency, processes))
        args = (*leading, [offsets[i] for i in mine], [caps[i] for i in mine], warm_until, stop_at, queue)
        proc = ctx.Process(target=target, args=args, daemon=True)
        proc.start()
        workers.append(proc)
    return workers


def run_scenario(
    *,
    name: str,
    host: str,
    port: int,
    paths: list[str],
    concurrency: int,
    processes: int,
    duration: float,
    warmup: float,
    max_requests: int,
) -> Summary:
    host_header = f"[{host}]" if ":" in host else host
    requests = [
        (
            f"GET {path} HTTP/1.1\r\nHost: {host_header}:{port}\r\nUser-Agent: dvc-bench\r\n"
            "Accept: */*\r\nAccept-Encoding: identity\r\nConnection: keep-alive\r\n\r\n"
        ).encode("ascii")
        for path in paths
    ]
    caps = split_cap(max_requests, concurrency)
    offsets = [index * max(1, len(requests) // concurrency) for index in range(concurrency)]
    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    queue = ctx.Queue()
    start_wall = time.time() + 0.2  # let every process start before the clock runs
    warm_until = start_wall + warmup
    stop_at = warm_until + duration
    workers = start_workers(
        ctx,
        _worker,
        (host, port, requests),
        processes=processes,
        concurrency=concurrency,
        offsets=offsets,
        caps=caps,
        warm_until=warm_until,
        stop_at=stop_at,
        queue=queue,
    )
    results = [queue.get(timeout=duration + warmup + 60) for _ in workers]
    finished = time.time()
    for proc in workers:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.terminate()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors = nbytes = 0
    for lat, err, nb, st in results:
        latencies.extend(lat)
        errors += err
        nbytes += nb
        statuses.update(st)
    seconds = min(finished, stop_at) - warm_until
    return summarise(name, latencies, errors, seconds, nbytes, statuses)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8765", help="loopback base URL")
    parser.add_argument(
        "--scenario", default="all", help="comma list: search,detail,api-search,api-detail|all|custom"
    )
    parser.add_argument("--urls-file", type=Path, help="paths for the 'custom' scenario, one per line")
    parser.add_argument("--codes-file", type=Path, help="procedure codes for detail scenarios, one per line")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections (default 16)")
    parser.add_argument(
        "--processes", type=int, default=0, help="worker processes (default: min(cpus, conc.))"
    )
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per scenario (≤ 120)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each scenario")
    parser.add_argument("--max-requests", type=int, default=500_000, help="request cap per scenario")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    processes = args.processes or min(os.cpu_count() or 1, args.concurrency)
    try:
        host, port = validate_target(args.base_url)
        check_limits(
            duration=args.duration,
            max_requests=args.max_requests,
            concurrency=args.concurrency,
            processes=processes,
        )
        if not 0 <= args.warmup <= 30:
            raise ValueError("--warmup must be between 0 and 30 seconds")
    except ValueError as exc:
        parser.error(str(exc))
    names = [n.strip() for n in args.scenario.split(",") if n.strip()]
    if names == ["all"]:
        names = list(SCENARIOS)
    codes = list(DEFAULT_CODES)
    if args.codes_file:
        codes = [
            line.strip() for line in args.codes_file.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
    plans: list[tuple[str, list[str]]] = []
    for name in names:
        if name == "custom":
            if not args.urls_file:
                parser.error("the custom scenario needs --urls-file")
            paths = [line.strip() for line in args.urls_file.read_text(encoding="utf-8").splitlines()]
            paths = [p for p in paths if p.startswith("/")]
            if not paths:
                parser.error("--urls-file holds no paths starting with /")
            plans.append((name, paths))
        else:
            try:
                plans.append((name, scenario_paths(name, codes)))
            except ValueError as exc:
                parser.error(str(exc))
    rows = []
    for name, paths in plans:
        print(
            f"running {name}: {len(paths)} URLs, {args.concurrency} connections in {processes} processes, "
            f"{args.warmup:g} s warm-up + {args.duration:g} s",
            file=sys.stderr,
            flush=True,
        )
        rows.append(
            run_scenario(
                name=name,
                host=host,
                port=port,
                paths=paths,
                concurrency=args.concurrency,
                processes=processes,
                duration=args.duration,
                warmup=args.warmup,
                max_requests=args.max_requests,
            )
        )
    print(format_table(rows))
    for row in rows:
        if row.errors:
            print(f"  {row.scenario}: status counts {row.statuses}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "base_url": args.base_url,
            "concurrency": args.concurrency,
            "processes": processes,
            "duration": args.duration,
            "results": [asdict(row) for row in rows],
        }
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if any(row.errors for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
