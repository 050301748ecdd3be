"""Re-enqueue outbox messages whose retry is due or whose worker died (run from cron, or with --every)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from dichvucong.notifications.services import outbox_sweep


class Command(BaseCommand):
    help = "Đưa lại vào hàng đợi các thông báo đến hạn gửi lại hoặc bị treo ở trạng thái đang gửi."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, sweeping every SECONDS (for a process beside db_worker instead of cron).",
        )

    def handle(self, *args, every: int = 0, **options):
        while True:
            count = outbox_sweep()
            if options["verbosity"] >= 1:
                self.stdout.write(f"Đã đưa {count} thông báo vào hàng đợi.")
            if every <= 0:
                return
            time.sleep(every)
