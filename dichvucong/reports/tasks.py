"""Background tasks (Django Tasks API). Idempotent and safe to retry."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from dichvucong.reports.refresh import facts_refresh, stale_facts_drain


@task()
def refresh_recent(days: int = 2) -> int:
    """Nightly: facts of dossiers changed in the last ``days`` days (ratings, PAKN, sync, payments)."""
    return facts_refresh(since=timezone.now() - datetime.timedelta(days=days))


@task()
def refresh_stale_facts() -> int:
    """Recompute the facts of every dossier noted in ``StaleFact`` (``reports.triggers``); idempotent."""
    return stale_facts_drain()
