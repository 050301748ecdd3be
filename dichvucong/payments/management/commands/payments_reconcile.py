"""payments_reconcile --gateway vnpay --file report.csv --date 2026-03-10 [--end 2026-03-12]

Compares our ledger with the gateway's report file (format: dichvucong/payments/reconciliation.py), stores
a Reconciliation and prints every mismatch. Exit status 1 when something does not match."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dichvucong.payments.gateways.registry import gateway_class
from dichvucong.payments.reconciliation import ReportError, parse_report, reconcile_gateway


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Ngày không hợp lệ (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = "Đối soát giao dịch với tệp báo cáo của cổng thanh toán."

    def add_arguments(self, parser):
        parser.add_argument("--gateway", required=True)
        parser.add_argument("--file", required=True)
        parser.add_argument("--date", required=True, help="Ngày đối soát (hoặc ngày đầu kỳ), YYYY-MM-DD")
        parser.add_argument("--end", help="Ngày cuối kỳ (mặc định: bằng --date)")
        parser.add_argument("--no-fail", action="store_true", help="Không trả mã lỗi khi có chênh lệch")

    def handle(self, *args, gateway, file, date, end=None, no_fail=False, **options):
        try:
            gateway_class(gateway)
        except LookupError as error:
            raise CommandError(str(error)) from None
        start = _date(date)
        finish = _date(end) if end else start
        if finish < start:
            raise CommandError("--end phải sau --date")
        path = Path(file)
        try:
            rows = parse_report(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ReportError) as error:
            raise CommandError(f"Không đọc được tệp đối soát: {error}") from None
        result = reconcile_gateway(gateway=gateway, rows=rows, start=start, end=finish, source_name=path.name)
        self.stdout.write(
            f"Đối soát {gateway} {start}–{finish}: sổ của ta {result.ledger_count} giao dịch, "
            f"{result.ledger_total} đ; báo cáo {result.counterpart_count} giao dịch, "
            f"{result.counterpart_total} đ."
        )
        for item in result.mismatches:
            self.stdout.write(
                f"  {item['kind']}: {item['reference']} ta={item['ours']} cổng={item['theirs']}"
            )
        if result.mismatches:
            self.stdout.write(
                self.style.WARNING(f"{len(result.mismatches)} chênh lệch (đối soát #{result.pk}).")
            )
            if not no_fail:
                sys.exit(1)
        else:
            self.stdout.write(self.style.SUCCESS(f"Khớp (đối soát #{result.pk})."))
