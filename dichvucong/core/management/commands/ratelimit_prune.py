"""Delete the rate-limit counters of windows that have ended (run every few minutes; idempotent)."""

from django.core.management.base import BaseCommand

from dichvucong.core.ratelimit import prune


class Command(BaseCommand):
    help = "Xóa bộ đếm giới hạn truy cập của các khung thời gian đã kết thúc."

    def handle(self, *args, **options):
        deleted = prune()
        if options["verbosity"] > 0:
            self.stdout.write(f"{deleted} bộ đếm đã hết hạn được xóa.")
