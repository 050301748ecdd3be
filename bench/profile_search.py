"""Where the time of the search page goes: pyinstrument over in-process requests (no server).

    .venv/bin/pip install pyinstrument   # session-only, not a project dependency
    DVC_DEV=1 DATABASE_URL=postgres://… .venv/bin/python bench/profile_search.py [--rounds 5] [--api]
        [--html bench/.var/profile.html] [--skip-short]

Requests every query of the loadgen ``search`` scenario ``--rounds`` times through
``django.test.Client`` (full middleware stack, templates, ORM) and prints the call tree.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--api", action="store_true", help="profile /api/v1/procedures instead of /thu-tuc/")
    parser.add_argument("--skip-short", action="store_true", help="leave out queries shorter than 3 letters")
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML report here")
    args = parser.parse_args(argv)
    try:
        from pyinstrument import Profiler
    except ImportError:
        parser.error("pyinstrument is not installed (.venv/bin/pip install pyinstrument)")

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DVC_DEV", "1")
    import django

    django.setup()
    from django.test import Client
    from loadgen import SEARCH_QUERIES

    queries = [q for q in SEARCH_QUERIES if not (args.skip_short and len(q.replace(" ", "")) < 3)]
    prefix = "/api/v1/procedures?q=" if args.api else "/thu-tuc/?q="
    urls = [prefix + quote(q) for q in queries]
    client = Client(HTTP_HOST="127.0.0.1")
    for url in urls:  # warm up: template loading, filter-choices cache, connection
        client.get(url)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.rounds):
        for url in urls:
            client.get(url)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(profiler.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
