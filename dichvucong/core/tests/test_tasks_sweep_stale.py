"""Task rows a killed worker left RUNNING are closed by tasks_sweep_stale (found by fault injection)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


def _row(status: str, started_minutes_ago: int | None) -> DBTaskResult:
    started = None
    if started_minutes_ago:
        started = timezone.now() - datetime.timedelta(minutes=started_minutes_ago)
    return DBTaskResult.objects.create(
        status=status,
        started_at=started,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="dichvucong.notifications.tasks.deliver_message",
        queue_name="notifications",
        backend_name="default",
        run_after=timezone.now(),
    )


def test_rows_left_running_by_a_dead_worker_are_failed_with_the_reason():
    abandoned = _row(TaskResultStatus.RUNNING, started_minutes_ago=120)
    working = _row(TaskResultStatus.RUNNING, started_minutes_ago=5)
    waiting = _row(TaskResultStatus.READY, started_minutes_ago=None)
    out = StringIO()

    call_command("tasks_sweep_stale", stdout=out)
    call_command("tasks_sweep_stale", stdout=StringIO())  # again: nothing more to do

    abandoned.refresh_from_db()
    working.refresh_from_db()
    waiting.refresh_from_db()
    assert abandoned.status == TaskResultStatus.FAILED
    assert abandoned.exception_class_path == "dichvucong.core.WorkerLost" and abandoned.finished_at
    assert working.status == TaskResultStatus.RUNNING and waiting.status == TaskResultStatus.READY
    assert out.getvalue().startswith("1 ")
