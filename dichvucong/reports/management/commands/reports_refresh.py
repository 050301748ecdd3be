import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dichvucong.reports.refresh import facts_refresh


class Command(BaseCommand):
    help = (
        "Tính lại dữ liệu tổng hợp chỉ số QĐ 766 (tất cả hồ sơ, hoặc hồ sơ thay đổi từ --since dd/mm/yyyy)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="ngày/tháng/năm")

    def handle(self, *args, since=None, **options):
        moment = None
        if since:
            try:
                day = datetime.datetime.strptime(since, "%d/%m/%Y").date()
            except ValueError:
                raise CommandError("--since phải có dạng ngày/tháng/năm, ví dụ 01/11/2026.") from None
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        started = time.monotonic()
        count = facts_refresh(since=moment)
        self.stdout.write(f"{count} hồ sơ, {time.monotonic() - started:.1f} s")
