"""Tools for the fault-injection tests: the portal's real processes (gunicorn with two workers, the task
worker, the outbox sweeper) on loopback, killed with SIGKILL while they work, and a fake eSMS server that
counts what it received by RequestId (the message's idempotency key) and deduplicates as eSMS does (code 124
for a repeat).

Every wait is bounded, so a stuck process fails the test instead of hanging CI.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from dichvucong.core.tests.live_processes import BIN, ROOT, LiveSite

HTTP_ERRORS = (OSError, http.client.HTTPException)


class FakeEsms:
    """eSMS's send endpoint: a RequestId seen before is answered 124 (already accepted). A message counts as
    delivered when the request arrives, whether or not the sender lives to read the answer."""

    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.received: Counter[str] = Counter()  # RequestId -> requests
        self.contents: dict[str, str] = {}
        self.arrived = threading.Event()  # set whenever a request arrives (a sender is waiting for us)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                request_id = str(body.get("RequestId", ""))
                with fake.lock:
                    repeat = fake.received[request_id] > 0
                    fake.received[request_id] += 1
                    fake.contents.setdefault(request_id, str(body.get("Content", "")))
                fake.arrived.set()
                if fake.delay:
                    time.sleep(fake.delay)
                answer = {"CodeResult": "124" if repeat else "100", "SMSID": f"SMS-{request_id}"}
                raw = json.dumps(answer).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:
                    pass  # the sender was killed while we answered

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.contents.clear()

    def repeats(self) -> int:
        with self.lock:
            return sum(count - 1 for count in self.received.values())

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def esms_settings(url: str) -> dict[str, str]:
    return {
        "DVC_SMS_PROVIDER": "esms",
        "DVC_ESMS_API_KEY": "fault-key",
        "DVC_ESMS_SECRET_KEY": "fault-secret",
        "DVC_ESMS_BRANDNAME": "DVC-THU",
        "DVC_ESMS_BASE_URL": url,
        "DVC_ESMS_TIMEOUT": "5",
    }


class Stack:
    """gunicorn (two workers) + ``db_worker`` + ``sweep_notifications``, restartable, with kill counters."""

    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.tmp = tmp_path
        self.site = LiveSite(tmp_path, workers=2, env=env)
        self.worker: subprocess.Popen | None = None
        self.sweeper: subprocess.Popen | None = None
        self.kills = Counter()  # "web", "task worker"
        self.esms: FakeEsms | None = None

    # --- processes ------------------------------------------------------------------------------

    def start(self) -> Stack:
        self.site.start()
        self.start_worker()
        return self

    def _manage(self, *args: str, log: str) -> subprocess.Popen:
        out = (self.tmp / log).open("ab")
        return subprocess.Popen(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.site.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_worker(self) -> None:
        self.worker = self._manage(
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--no-reload",
            log="worker.log",
        )

    def reset(self) -> None:
        """Between scenarios: no sweeper yet, a live task worker, both web workers up, counters at zero."""
        if self.sweeper and self.sweeper.poll() is None:
            os.killpg(self.sweeper.pid, signal.SIGTERM)
            self.sweeper.wait(timeout=10)
        if self.worker is None or self.worker.poll() is not None:
            self.start_worker()
        self.wait_web_workers()
        self.kills.clear()
        if self.esms:
            self.esms.reset()

    def start_sweeper(self) -> None:
        if self.sweeper is None or self.sweeper.poll() is not None:
            self.sweeper = self._manage("sweep_notifications", "--every", "1", "-v", "0", log="sweeper.log")

    def web_pids(self) -> list[int]:
        master = self.site.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_web_worker(self, pid: int | None = None) -> int:
        pids = self.web_pids()
        victim = pid or (pids[0] if pids else None)
        if victim is None:
            return 0
        os.kill(victim, signal.SIGKILL)
        self.kills["web"] += 1
        return victim

    def wait_web_workers(self, timeout: float = 60) -> None:
        """Until gunicorn's master has replaced the killed workers (two alive, both answering)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.web_pids()) >= 2 and self.site._answers():
                return
            time.sleep(0.2)
        raise AssertionError("gunicorn did not replace its killed worker")

    def kill_worker(self, *, restart: bool = True) -> None:
        if self.worker and self.worker.poll() is None:
            os.kill(self.worker.pid, signal.SIGKILL)
            self.worker.wait(timeout=10)
            self.kills["task worker"] += 1
        if restart:  # as a supervisor (systemd, the compose file) would
            self.start_worker()

    def crash_and_restart_site(self) -> None:
        """The whole server dies at once (master and workers, SIGKILL), then starts again."""
        process = self.site.process
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            self.kills["web server (all processes)"] += 1
        self.site.start(cache_table=False)

    def stop(self) -> None:
        for process in (self.worker, self.sweeper):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
        self.site.stop()

    def logs(self) -> str:
        parts = []
        for name in ("error.log", "worker.log", "sweeper.log"):
            path = self.tmp / name
            if path.exists():
                parts.append(f"--- {name}\n{path.read_text(errors='replace')[-3000:]}")
        return "\n".join(parts)

    # --- the outbox -------------------------------------------------------------------------------

    def drain_outbox(self, *, timeout: float = 60) -> None:
        """Run the worker and the sweeper until no message waits or is being sent (bounded)."""
        from dichvucong.notifications.models import Message

        if self.worker is None or self.worker.poll() is not None:
            self.start_worker()
        self.start_sweeper()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            open_rows = Message.objects.exclude(status__in=Message.FINAL_STATUSES).count()
            if open_rows == 0:
                return
            time.sleep(0.5)
        left = list(
            Message.objects.exclude(status__in=Message.FINAL_STATUSES).values("pk", "status", "attempts")
        )
        raise AssertionError(f"outbox not drained in {timeout} s: {left}\n{self.logs()}")

    # --- HTTP ---------------------------------------------------------------------------------------

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.site.port, timeout=30)
        try:
            conn.request(
                method,
                path,
                body=body,
                headers={"Host": "127.0.0.1", "Connection": "close", **(headers or {})},
            )
            raw = conn.getresponse()
            return raw.status, raw.read().decode("utf-8", "replace")
        finally:
            conn.close()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Clock:
    """Seconds spent in each phase of a scenario, for the report."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()
        self.phases: dict[str, float] = {}

    def mark(self, phase: str) -> None:
        now = time.monotonic()
        self.phases[phase] = round(self.phases.get(phase, 0) + now - self.last, 1)
        self.last = now

    def total(self) -> float:
        return round(time.monotonic() - self.start, 1)


class Outcomes:
    """What the clients saw, thread-safe: answers per key and requests cut off by a kill."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answers: dict[str, list[tuple[int, str]]] = {}
        self.interrupted = 0
        self.requests = 0
        self.trace: list[tuple[float, float, str]] = []  # (start, seconds, status or error)

    def add(self, key: str, status: int, body: str) -> None:
        with self.lock:
            self.answers.setdefault(key, []).append((status, body))

    def cut(self) -> None:
        with self.lock:
            self.interrupted += 1

    def sent(self) -> None:
        with self.lock:
            self.requests += 1


def with_retries(
    outcomes: Outcomes, call, *, attempts: int = 6, pause: float = 0.3
) -> tuple[int, str] | None:
    """A client that resends the same request when the connection breaks (as an app or a gateway does)."""
    for _ in range(attempts):
        outcomes.sent()
        start = time.monotonic()
        try:
            answer = call()
        except HTTP_ERRORS as error:
            outcomes.trace.append((start, time.monotonic() - start, type(error).__name__))
            outcomes.cut()
            time.sleep(pause)
        else:
            outcomes.trace.append((start, time.monotonic() - start, str(answer[0])))
            return answer
    return None
