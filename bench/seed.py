"""Seed a benchmark database with ~7,000 procedures (idempotent).

Usage (from the project root, DATABASE_URL / SQLITE_PATH chosen by the caller):

    DVC_DEV=1 .venv/bin/python bench/seed.py [--source DIR] [--total N] [--codes-out FILE]

What it writes, all through the project's own code paths:

1. the demo data (``manage.py load_demo_data``: admin units, agencies, life events, 37 curated procedures);
2. the real national records under ``--source`` (``manage.py import_national_catalogue``);
3. generated variants up to ``--total`` procedures: realistic Vietnamese names composed from the
   real ones (the action of one name + the object of another + sometimes a qualifier), codes
   ``8.000001``, ``8.000002``…, and the body (steps, components, fees…) of a real record,
   written with ``dichvucong.catalogue.services.procedure_upsert_from_record``.

The generator is seeded, so a second run produces the same records and every upsert is a no-op
("unchanged"). ``--codes-out`` writes the real (non-generated) procedure codes for ``loadgen.py``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = Path("/work/shared/data/national-tthc")
VARIANT_PREFIX = "8."
RANDOM_SEED = 20260701

# Leading actions of real procedure names, longest first so "Cấp lại" wins over "Cấp".
ACTIONS = (
    "Đăng ký thay đổi",
    "Đề nghị cấp lại",
    "Đề nghị cấp",
    "Cấp điều chỉnh",
    "Cấp bản sao",
    "Điều chỉnh",
    "Chấp thuận",
    "Công nhận",
    "Thay đổi",
    "Xác nhận",
    "Thẩm định",
    "Phê duyệt",
    "Công bố",
    "Đăng ký",
    "Gia hạn",
    "Thu hồi",
    "Cấp lại",
    "Cấp đổi",
    "Bổ sung",
    "Cấp",
)
QUALIFIERS = (
    "",
    "",
    "",
    " (thực hiện tại cấp tỉnh)",
    " (thực hiện tại cấp xã)",
    " đối với cá nhân",
    " đối với tổ chức",
    " cho người nước ngoài",
    " trong trường hợp bị mất, hư hỏng",
    " có yếu tố nước ngoài",
    " theo hình thức trực tuyến",
)


def split_action(name: str) -> tuple[str, str]:
    """("Cấp lại", "Thẻ công chứng viên") for "Cấp lại Thẻ công chứng viên"; ("", name) if no action."""
    for action in ACTIONS:
        if name.startswith(action + " "):
            return action, name[len(action) + 1 :]
    return "", name


def compose_names(real_names: list[str], count: int, rng: random.Random) -> list[str]:
    """``count`` distinct names, none equal to a real one, built from the actions/objects of real names."""
    objects = sorted({obj for action, obj in map(split_action, real_names) if action and len(obj) > 8})
    taken = set(real_names)
    names: list[str] = []
    attempts = 0
    while len(names) < count:
        attempts += 1
        if attempts > count * 50:
            raise RuntimeError("could not compose enough distinct names")
        name = f"{rng.choice(ACTIONS)} {rng.choice(objects)}{rng.choice(QUALIFIERS)}"
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def variant_code(index: int) -> str:
    return f"{VARIANT_PREFIX}{index:06d}"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DVC_DEV", "1")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="national-tthc records folder")
    parser.add_argument("--total", type=int, default=7000, help="target number of procedures (default 7000)")
    parser.add_argument("--codes-out", type=Path, help="write procedure codes for loadgen here")
    parser.add_argument("--skip-demo", action="store_true", help="do not load the demo data")
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        parser.error(f"no such folder: {args.source}")

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from dichvucong.catalogue.importers.national import iter_national_folder
    from dichvucong.catalogue.models import Procedure
    from dichvucong.catalogue.services import procedure_upsert_from_record

    started = time.perf_counter()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")

    step = time.perf_counter()
    if not args.skip_demo:
        call_command("load_demo_data")
        print(f"demo data: {time.perf_counter() - step:.1f} s")

    step = time.perf_counter()
    call_command("import_national_catalogue", str(args.source), no_progress=True)
    print(f"national records: {time.perf_counter() - step:.1f} s")

    # The parsed real records are the donors of the variants' bodies and name parts.
    donors = sorted(
        (result.record for result in iter_national_folder(args.source) if result.ok), key=lambda r: r.code
    )
    existing_real = Procedure.objects.exclude(code__startswith=VARIANT_PREFIX).count()
    wanted = max(0, args.total - existing_real)
    rng = random.Random(RANDOM_SEED)
    names = compose_names([record.name for record in donors], wanted, rng)
    outcomes: Counter[str] = Counter()
    step = time.perf_counter()
    for index, name in enumerate(names, start=1):
        donor = donors[rng.randrange(len(donors))]
        record = dataclasses.replace(
            donor, code=variant_code(index), name=name, source_url="", life_events=[]
        )
        _procedure, outcome = procedure_upsert_from_record(record=record)
        outcomes[outcome] += 1
        if index % 1000 == 0:
            print(f"  variants: {index}/{wanted} ({time.perf_counter() - step:.0f} s)", flush=True)
    print(f"variants: {dict(outcomes)} in {time.perf_counter() - step:.1f} s")

    with connection.cursor() as cursor:  # fresh statistics for the planner (both databases)
        cursor.execute("ANALYZE")

    total = Procedure.objects.count()
    variants = Procedure.objects.filter(code__startswith=VARIANT_PREFIX).count()
    print(f"procedures: {total} (real and demo: {total - variants}, generated: {variants})")
    if args.codes_out:
        codes = list(
            Procedure.objects.exclude(status=Procedure.Status.ABOLISHED)
            .exclude(code__startswith=VARIANT_PREFIX)
            .values_list("code", flat=True)
        )
        random.Random(RANDOM_SEED).shuffle(codes)
        args.codes_out.parent.mkdir(parents=True, exist_ok=True)
        args.codes_out.write_text("\n".join(codes) + "\n", encoding="utf-8")
        print(f"codes written to {args.codes_out} ({len(codes)})")
    print(f"seed done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
