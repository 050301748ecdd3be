"""A local stand-in for the national portal's sync API, for tests and the benchmark: a real HTTP server on
127.0.0.1 that validates every payload against ``schema/HoSoDongBoDVC.schema.json`` (jsonschema, a development
dependency), answers create and update as the portal does ("đã tồn tại", "không tồn tại"), and can be told
to fail (an HTTP status, or a delay past the client's timeout) for the next N calls.

It also checks order: an accepted payload that carries fewer process-log entries than the one it replaces
(an earlier state overwriting a later one) is counted in ``regressions``.

Run alone (``python -m dichvucong.national.testing``) it prints its URL and serves until killed; the
benchmark drives it through ``POST /_control`` (``{"fail": status, "times": n}``) and reads ``GET /_stats``.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SCHEMA_PATH = Path(__file__).parent / "schema" / "HoSoDongBoDVC.schema.json"
CREATE_PATH = "/api/hoso/dongbo/them-moi"
UPDATE_PATH = "/api/hoso/dongbo/cap-nhat"


@functools.cache
def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.cache
def _format_checking_validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(payload: dict) -> list[str]:
    validator = _format_checking_validator()  # built once, not for every payload checked
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(payload)]


@dataclass
class Received:
    operation: str  # create | update
    code: str
    status: int | None
    log_length: int
    payload: dict
    answered: int  # HTTP status we answered
    at: float = 0.0  # time.time() when it was stored


class FakeNationalPortal:
    def __init__(self, *, token: str = "") -> None:
        from jsonschema import Draft202012Validator

        self.validator = Draft202012Validator(load_schema())
        self.token = token
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.invalid: list[tuple[str, list[str]]] = []
        self.store: dict[str, dict] = {}
        self.regressions: list[str] = []
        self.failures: list[list] = []  # [HTTP status or 0 for "hang", seconds, calls left]
        self.count = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                self._answer(*fake._stats() if self.path == "/_stats" else (404, {}))

            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path == "/_control":
                    control = json.loads(raw or b"{}")
                    fake.fail(int(control.get("fail", 503)), int(control.get("times", 0)))
                    if control.get("clear"):
                        with fake.lock:
                            fake.failures.clear()
                    self._answer(200, {"ok": True})
                    return
                self._answer(*fake._handle(self.path, self.headers.get("Authorization", ""), raw))

            def _answer(self, status: int, answer: dict) -> None:
                body = json.dumps(answer, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    # --- control -------------------------------------------------------------------------------------------

    def fail(self, status: int, times: int = 1) -> None:
        """Answer the next ``times`` calls with HTTP ``status`` (nothing stored)."""
        with self.lock:
            self.failures.append([status, 0.0, times])

    def hang(self, seconds: float, times: int = 1) -> None:
        """Answer the next ``times`` calls only after ``seconds`` (past the client's timeout), storing
        nothing: the portal never took them."""
        with self.lock:
            self.failures.append([0, seconds, times])

    def _next_failure(self) -> tuple[int, float] | None:
        with self.lock:
            self.count += 1
            while self.failures and self.failures[0][2] <= 0:
                self.failures.pop(0)
            if not self.failures:
                return None
            self.failures[0][2] -= 1
            return self.failures[0][0], self.failures[0][1]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def history(self, code: str) -> list[tuple[str, int | None]]:
        with self.lock:
            return [(r.operation, r.status) for r in self.received if r.code == code and r.answered == 200]

    def _stats(self) -> tuple[int, dict]:
        with self.lock:
            accepted = [(r.at, r.code, r.log_length) for r in self.received if r.answered == 200]
            return 200, {
                "calls": self.count,
                "accepted": accepted,
                "refused": sum(1 for r in self.received if r.answered != 200),
                "regressions": len(self.regressions),
                "invalid": len(self.invalid),
                "invalid_sample": self.invalid[:3],
            }

    # --- the API -------------------------------------------------------------------------------------------

    def _handle(self, path: str, auth: str, raw: bytes) -> tuple[int, dict]:
        failure = self._next_failure()
        if failure is not None:
            status, delay = failure
            if delay:
                time.sleep(delay)
                return 504, {"error_code": "-1", "message": "Hết thời gian chờ"}
            return status, {"error_code": "-1", "message": "Lỗi hệ thống"}
        if self.token and auth != self.token:
            return 401, {"error_code": "401", "message": "Sai thông tin xác thực"}
        operation = {CREATE_PATH: "create", UPDATE_PATH: "update"}.get(path)
        if operation is None:
            return 404, {"error_code": "404", "message": "Không có dịch vụ"}
        try:
            payload = json.loads(raw.decode("utf-8"))
        except ValueError:
            return 400, {"error_code": "1", "message": "Dữ liệu không phải JSON"}
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in self.validator.iter_errors(payload)
        ]
        code = str(payload.get("MaHoSo", "")) if isinstance(payload, dict) else ""
        if errors:
            with self.lock:
                self.invalid.append((code, errors))
            return 400, {"error_code": "1", "message": "Dữ liệu không hợp lệ: " + "; ".join(errors[:5])}
        with self.lock:
            known = code in self.store
            if operation == "create" and known:
                answer = (200, {"error_code": "1", "message": f"Hồ sơ {code} đã tồn tại"})
            elif operation == "update" and not known:
                answer = (200, {"error_code": "1", "message": f"Hồ sơ {code} không tồn tại"})
            else:
                previous = self.store.get(code)
                if previous is not None and len(previous["QuaTrinhXuLy"]) > len(payload["QuaTrinhXuLy"]):
                    self.regressions.append(code)
                self.store[code] = payload
                answer = (200, {"error_code": "0", "message": "Thành công"})
            self.received.append(
                Received(
                    operation,
                    code,
                    payload.get("TrangThaiHoSo"),
                    len(payload.get("QuaTrinhXuLy", [])),
                    payload,
                    answer[0] if answer[1]["error_code"] == "0" else 409,
                    time.time(),
                )
            )
        return answer


if __name__ == "__main__":
    import sys

    portal = FakeNationalPortal(token=sys.argv[1] if len(sys.argv) > 1 else "")
    print(portal.url, flush=True)
    try:
        portal.thread.join()
    except KeyboardInterrupt:
        portal.close()
