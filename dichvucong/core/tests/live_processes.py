"""Start the portal as ``make run`` does (gunicorn, several worker processes) on the test database.

SQLite: the migrated test database is copied to a file the workers open. PostgreSQL (``DATABASE_URL``): the
workers use the test database itself (the test is transactional, so what they write is flushed after it).
The cache is the portal's default: ``createcachetable`` runs first, as in ``scripts/run.sh``.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Browser:
    """A cookie-keeping HTTP client that opens a new connection for every request, so that consecutive
    requests of one person are spread over the server's worker processes as a proxy would spread them."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: dict | None = None, *, json_body: str | None = None):
        headers = {"Connection": "close", "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json_body
            headers["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body.encode() if body else None, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
            for header, value in raw.getheaders():
                if header.lower() == "set-cookie":
                    for name, morsel in SimpleCookie(value).items():
                        self.cookies[name] = morsel.value
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, data)


class LiveSite:
    def __init__(self, tmp_path: Path, *, workers: int = 2, env: dict[str, str] | None = None):
        self.tmp = tmp_path
        self.port = _free_port()
        self.workers = workers
        self.access_log = tmp_path / "access.log"
        self.error_log = tmp_path / "error.log"
        self.sqlite_path: Path | None = None
        self.env = self._environment(env or {})
        self.process: subprocess.Popen | None = None

    def _environment(self, extra: dict[str, str]) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DVC_TESTING", "CACHE_BACKEND", "CACHE_LOCATION", "REDIS_URL", "DATABASE_URL"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="dichvucong.core.tests.multiprocess_settings",
            DVC_DEV="1",
            DB_POOL="0",
            MEDIA_ROOT=str(self.tmp / "media"),
            STATIC_ROOT=str(self.tmp / "static"),
            LOG_LEVEL="WARNING",
        )
        if connection.vendor == "sqlite":
            self.sqlite_path = self.tmp / "db.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.sqlite_path)
            connection.connection.backup(target)  # the migrated (and so far empty) test database
            target.close()
            env["SQLITE_PATH"] = str(self.sqlite_path)
        else:
            s = connection.settings_dict
            env["DATABASE_URL"] = (
                f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
                f"/{s['NAME']}"
            )
        env.update(extra)
        return env

    def start(self, *, cache_table: bool = True) -> LiveSite:
        (self.tmp / "static").mkdir(exist_ok=True)
        if cache_table:  # not again when the same site restarts
            subprocess.run(
                [str(BIN / "python"), "manage.py", "createcachetable"], cwd=ROOT, env=self.env, check=True
            )
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "gthread",
                "--threads",
                "2",
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s",
                # gunicorn 27's control socket is one path for every server on the machine: off
                "--no-control-socket",
                "--error-logfile",
                str(self.error_log),
                "--log-level",
                "info",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {self.error_log.read_text()}")
            log = self.error_log.read_text() if self.error_log.exists() else ""
            if log.count("Booting worker") >= self.workers and self._answers():
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start in 90 s")

    def _answers(self) -> bool:
        try:
            return Browser(self.port).get("/healthz").status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def browser(self) -> Browser:
        return Browser(self.port)

    def worker_pids(self, path_prefix: str) -> set[str]:
        """The worker processes that answered requests for paths starting with ``path_prefix``."""
        pids = set()
        for line in self.access_log.read_text().splitlines():
            pid, _method, path, _status = line.split(" ", 3)
            if path.startswith(path_prefix):
                pids.add(pid)
        return pids

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read what the workers wrote (``%s`` placeholders)."""
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def form_value(html: str, name: str) -> str | None:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    return match.group(1) if match else None
