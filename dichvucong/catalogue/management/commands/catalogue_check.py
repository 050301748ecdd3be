"""manage.py catalogue_check PATH: does the catalogue say what the national records say?

For every record under PATH (the folders the importer reads), compare what was stored with the source
text (``importers.check``) and count the procedures with a provable mismatch, per ministry folder and
per kind of defect. ``--database`` compares the rows in the database (what citizens see); without it,
what the importer would store now. ``--max-share 1`` fails (exit status 1) when more than 1 % of the
procedures have a mismatch, for CI.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dichvucong.catalogue.importers import records as r
from dichvucong.catalogue.importers.check import KINDS, check_record
from dichvucong.catalogue.importers.national import iter_national_folder
from dichvucong.catalogue.models import Procedure
from dichvucong.core.formatting import format_percent as _pct


def stored_record(code: str) -> r.ProcedureRecord | None:
    """The current version of a procedure, as a record (only what the checks read)."""
    procedure = (
        Procedure.objects.select_related("current_version")
        .prefetch_related(
            "current_version__components",
            "current_version__legal_bases",
            "current_version__channels",
            "current_version__fees",
        )
        .filter(code=code)
        .first()
    )
    if procedure is None or procedure.current_version is None:
        return None
    version = procedure.current_version
    return r.ProcedureRecord(
        code=procedure.code,
        name=procedure.name,
        issuing_agency=procedure.issuing_agency,
        components=[
            r.ComponentRecord(
                name=c.name,
                case=c.case,
                form_name=c.form_name,
                original_count=c.original_count,
                copy_count=c.copy_count,
                quantity_text=c.quantity_text,
            )
            for c in version.components.all()
        ],
        legal_bases=[r.LegalBasisRecord(title=b.title, number=b.number) for b in version.legal_bases.all()],
        channels=[r.ChannelRecord(channel=c.channel) for c in version.channels.all()],
        fees=[
            r.FeeRecord(name=f.name, amount=f.amount, channel=f.channel or None) for f in version.fees.all()
        ],
    )


class Command(BaseCommand):
    help = (
        "Đối chiếu danh mục thủ tục đã lưu với văn bản gốc của CSDL quốc gia về TTHC: đếm thủ tục có sai "
        "lệch chứng minh được, theo bộ và theo loại lỗi."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Thư mục/tệp .json của CSDL quốc gia")
        parser.add_argument(
            "--database",
            action="store_true",
            help="So với dữ liệu trong cơ sở dữ liệu (mặc định: kết quả phân tích)",
        )
        parser.add_argument("--json", dest="json_path", help="Ghi từng sai lệch (JSON Lines) vào tệp này")
        parser.add_argument(
            "--max-share", type=float, default=None, help="Báo lỗi nếu tỷ lệ thủ tục sai lệch vượt quá (%%)"
        )
        parser.add_argument("--show", type=int, default=10, help="Số sai lệch in ra (mặc định 10)")

    def handle(
        self, *args, path: str, database: bool, json_path: str | None, max_share, show: int, **options
    ):
        source = Path(path)
        if not source.exists():
            raise CommandError(f"Không tìm thấy đường dẫn: {source}")
        totals: Counter[str] = Counter()
        flawed: Counter[str] = Counter()
        kinds: dict[str, Counter[str]] = defaultdict(Counter)
        missing = unreadable = 0
        lines: list[dict] = []
        files: dict[Path, object] = {}
        for result in iter_national_folder(source):
            if not result.ok:
                unreadable += 1
                continue
            record = stored_record(result.record.code) if database else result.record
            if record is None:
                missing += 1
                continue
            group = Path(result.source).parts[0] if len(Path(result.source).parts) > 1 else "."
            totals[group] += 1
            mismatches = check_record(_source_data(source, result.source, files), record)
            if mismatches:
                flawed[group] += 1
                for kind in {m.kind for m in mismatches}:
                    kinds[group][kind] += 1
                for m in mismatches:
                    lines.append(
                        {"source": result.source, "code": record.code, "kind": m.kind, "detail": m.detail}
                    )
        if json_path:
            with Path(json_path).open("w", encoding="utf-8") as handle:
                for line in lines:
                    handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        share = self._print(totals, flawed, kinds, lines[:show], missing=missing, unreadable=unreadable)
        if max_share is not None and not sum(totals.values()):
            raise CommandError(
                "Không đối chiếu được thủ tục nào (chưa nhập dữ liệu, sai đường dẫn hoặc sai cơ sở dữ liệu)."
            )
        if max_share is not None and share > max_share:
            raise CommandError(f"Tỷ lệ thủ tục sai lệch {_pct(share)} vượt ngưỡng {_pct(max_share)}.")

    def _print(self, totals, flawed, kinds, sample, *, missing: int, unreadable: int) -> float:
        total, bad = sum(totals.values()), sum(flawed.values())
        share = 100 * bad / total if total else 0.0
        self.stdout.write(f"Đã đối chiếu {total} thủ tục: {bad} có sai lệch ({_pct(share)}).")
        if missing:
            self.stdout.write(f"  {missing} thủ tục chưa có trong cơ sở dữ liệu (không đối chiếu).")
        if unreadable:
            self.stdout.write(f"  {unreadable} bản ghi không đọc được (xem báo cáo nhập).")
        all_kinds: Counter[str] = Counter()
        for group in sorted(totals):
            all_kinds.update(kinds[group])
            detail = ", ".join(f"{k}: {kinds[group][k]}" for k in KINDS if kinds[group][k])
            self.stdout.write(f"  {group:<24} {flawed[group]:>4} / {totals[group]:<5} {detail}")
        if all_kinds:
            self.stdout.write(
                "Theo loại lỗi: " + ", ".join(f"{k}: {all_kinds[k]}" for k in KINDS if all_kinds[k])
            )
        for line in sample:
            self.stdout.write(f"  - {line['source']} [{line['kind']}] {line['detail'][:160]}")
        return share


def _source_data(root: Path, source: str, files: dict[Path, object]) -> dict:
    """The JSON object a result came from (``file.json`` or ``file.json#3`` for a list item); ``files``
    keeps the last file read, since a list file's items come one after another."""
    name, _, index = source.partition("#")
    file = root / name if root.is_dir() else root
    if file not in files:
        files.clear()
        files[file] = json.loads(file.read_bytes().decode("utf-8-sig"))
    data = files[file]
    return data[int(index)] if index else data
