"""In-process cost of one request through the whole WSGI application (middleware included), no network.

    DATABASE_URL=... .venv/bin/python bench/wsgi_timing.py --tracking bench/.var/dossiers_tracking.tsv -n 2000

Prints mean and p50/p99 wall time per request and CPU time per request for the tracking API.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DVC_TRACKING_PER_IP_MINUTE", "100000000")


def environ(method: str, path: str, body: bytes = b"", content_type: str = "application/json") -> dict:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tracking", required=True)
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--distinct", type=int, default=200, help="distinct dossiers looked up (cache hits)")
    args = parser.parse_args()

    from config.wsgi import application

    pairs = [line.split("\t") for line in Path(args.tracking).read_text().splitlines()[: args.distinct]]
    bodies = [json.dumps({"code": c, "proof": p.strip()}).encode() for c, p in pairs]
    statuses: dict[str, int] = {}

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    for body in bodies:  # warm-up: imports, connections, caches
        b"".join(application(environ("POST", "/api/v1/tracking", body), start_response))
    statuses.clear()
    walls = []
    cpu0 = time.process_time()
    for i in range(args.n):
        t0 = time.perf_counter()
        b"".join(application(environ("POST", "/api/v1/tracking", bodies[i % len(bodies)]), start_response))
        walls.append((time.perf_counter() - t0) * 1000)
    cpu = (time.process_time() - cpu0) * 1000 / args.n
    walls.sort()
    print(
        f"tracking: n={args.n} statuses={statuses} mean={statistics.mean(walls):.3f} ms "
        f"p50={walls[len(walls) // 2]:.3f} p99={walls[int(len(walls) * 0.99)]:.3f} cpu/request={cpu:.3f} ms"
    )


if __name__ == "__main__":
    main()
