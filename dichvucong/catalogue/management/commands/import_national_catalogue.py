"""manage.py import_national_catalogue PATH: records of the national procedure database (CSDLQG về TTHC)."""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dichvucong.catalogue.importers.excel_list import parse_excel_list
from dichvucong.catalogue.importers.national import iter_national_folder
from dichvucong.catalogue.importers.records import ParseResult
from dichvucong.catalogue.services import (
    ensure_levels,
    procedure_create_from_listing,
    procedure_upsert_from_record,
)
from dichvucong.core.formatting import format_percent as _pct


class Command(BaseCommand):
    help = (
        "Nhập thủ tục hành chính từ dữ liệu Cơ sở dữ liệu quốc gia về TTHC: một thư mục hoặc tệp JSON, "
        "hoặc tệp Excel danh sách (.xlsx). Chạy lại an toàn: cập nhật, không nhân bản."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Thư mục/tệp .json hoặc tệp .xlsx")
        parser.add_argument("--report", help="Ghi báo cáo phân tích từng bản ghi (JSON Lines) vào tệp này")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ phân tích, không ghi cơ sở dữ liệu")
        parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến trình")

    def handle(self, *args, path: str, report: str | None, dry_run: bool, no_progress: bool, **options):
        source = Path(path)
        if not source.exists():
            raise CommandError(f"Không tìm thấy đường dẫn: {source}")
        if not dry_run:
            ensure_levels()
        is_listing = source.suffix.lower() in {".xlsx", ".xlsm"}
        results = parse_excel_list(source) if is_listing else iter_national_folder(source)
        outcomes: Counter[str] = Counter()
        field_status: dict[str, Counter[str]] = defaultdict(Counter)
        mismatch_kinds: Counter[str] = Counter()
        unverified = 0
        with ExitStack() as stack:
            writer = stack.enter_context(Path(report).open("w", encoding="utf-8")) if report else None
            quiet = no_progress or not sys.stderr.isatty()  # a log file gets no progress bar
            for result in tqdm(results, desc="Nhập thủ tục", unit=" bản ghi", disable=quiet):
                outcome, error = self._import_one(result, is_listing=is_listing, dry_run=dry_run)
                outcomes[outcome] += 1
                for item in result.fields:
                    field_status[item.name][item.status] += 1
                if result.mismatches:
                    unverified += 1
                    mismatch_kinds.update({kind for kind, _detail in result.mismatches})
                if writer:
                    writer.write(
                        json.dumps(self._report_line(result, outcome, error), ensure_ascii=False) + "\n"
                    )
        self._print_summary(outcomes, field_status)
        total = sum(outcomes.values()) or 1
        kinds = ", ".join(f"{kind}: {count}" for kind, count in sorted(mismatch_kinds.items()))
        self.stdout.write(
            f"Đối chiếu với văn bản gốc: {unverified} thủ tục ({_pct(100 * unverified / total)}) có trường "
            f"không khớp nguồn, đã ghi là partial{': ' + kinds if kinds else '.'}"
        )

    def _import_one(self, result: ParseResult, *, is_listing: bool, dry_run: bool) -> tuple[str, str]:
        if not result.ok:
            return "failed", result.error or "không đọc được bản ghi"
        if dry_run:
            return "parsed", ""
        try:
            upsert = procedure_create_from_listing if is_listing else procedure_upsert_from_record
            _procedure, outcome = upsert(record=result.record)
        except Exception as exc:  # one bad record must never stop the import  # noqa: BLE001
            return "failed", f"lỗi khi ghi: {exc}"
        return outcome, ""

    @staticmethod
    def _report_line(result: ParseResult, outcome: str, error: str) -> dict:
        return {
            "source": result.source,
            "code": result.record.code if result.record else None,
            "outcome": outcome,
            "error": error,
            "fields": {item.name: {"status": item.status, "detail": item.detail} for item in result.fields},
            "mismatches": [{"kind": kind, "detail": detail} for kind, detail in result.mismatches],
        }

    def _print_summary(self, outcomes: Counter, field_status: dict[str, Counter]) -> None:
        total = sum(outcomes.values())
        labels = {
            "created": "tạo mới",
            "updated": "cập nhật",
            "unchanged": "không đổi",
            "parsed": "đã phân tích",
            "failed": "lỗi",
        }
        summary = ", ".join(f"{labels.get(name, name)}: {count}" for name, count in sorted(outcomes.items()))
        self.stdout.write(self.style.SUCCESS(f"Đã xử lý {total} bản ghi ({summary})."))
        if field_status:
            skipped = sorted(name for name, counts in field_status.items() if counts["skipped"])
            self.stdout.write("Tỷ lệ phân tích theo trường (parsed / partial / empty / failed):")
            for name in sorted(set(field_status) - set(skipped)):
                counts = field_status[name]
                n = sum(counts.values()) or 1
                shares = " / ".join(
                    f"{_pct(100 * counts[s] / n, 1):>6}" for s in ("parsed", "partial", "empty", "failed")
                )
                self.stdout.write(f"  {name:<24} {shares}")
            if skipped:
                self.stdout.write(
                    "Không nhập (hệ thống chưa có trường tương ứng, nguồn có dữ liệu): " + ", ".join(skipped)
                )
