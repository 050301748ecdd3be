"""Close the task rows a killed worker left RUNNING (django-tasks-db never does).

The work itself is not lost: every task here is an idempotent step of an outbox that its own sweeper
re-queues (notifications, postal orders). What a dead worker leaves is a row that says RUNNING for ever and
misleads whoever watches the queue; after ``--older-than`` seconds (default one hour, far longer than any
task of the portal runs) it is marked FAILED with the reason. Idempotent; run it every 15 minutes.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

REASON = "dichvucong.core.WorkerLost"


class Command(BaseCommand):
    help = "Đánh dấu thất bại các tác vụ bị bỏ dở ở trạng thái RUNNING do tiến trình xử lý đã dừng."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=3600, help="seconds since the task started")

    def handle(self, *args, older_than: int, **options):
        now = timezone.now()
        stale = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=now - datetime.timedelta(seconds=older_than)
        )
        closed = stale.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=REASON,
            traceback=f"The worker stopped while running this task (closed after {older_than} s).",
        )
        if options["verbosity"]:
            self.stdout.write(f"{closed} tác vụ bị bỏ dở đã được đóng.")
