import datetime
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from dichvucong.notifications.models import Message
from dichvucong.notifications.providers.base import ProviderResult
from dichvucong.notifications.services import message_deliver
from dichvucong.notifications.tests.factories import make_message


class SlowProvider:
    def __init__(self) -> None:
        self.calls = 0

    def send(self, message):
        self.calls += 1
        time.sleep(0.3)
        return ProviderResult.ok(f"slow-{message.pk}")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite: one writer)"
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_message_at_once_send_it_once(monkeypatch):
    from dichvucong.notifications import registry

    slow = SlowProvider()
    monkeypatch.setattr(registry, "provider_get", lambda channel, name: slow)
    message = make_message()
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            message_deliver(message_id=message.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    message.refresh_from_db()
    assert slow.calls == 1
    assert message.status == Message.Status.SENT and message.attempts == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite: one writer)"
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_combining_news_for_one_phone_send_each_piece_once(monkeypatch):
    """Two due service messages for one phone, delivered by two workers at once: whichever way the race
    goes (one combined SMS, or two), every piece of news goes out exactly once and none is lost."""
    from dichvucong.notifications import registry

    slow = RecordingSlowProvider()
    monkeypatch.setattr(registry, "provider_get", lambda channel, name: slow)
    earlier = timezone.now() - datetime.timedelta(minutes=2)
    messages = [
        make_message(
            event="dossier.accepted",
            kind="service",
            recipient="+84912345678",
            body=f"Dich vu cong: ho so H56-{n} duoc tiep nhan.",
            created_at=earlier,
            next_attempt_at=earlier,
        )
        for n in range(2)
    ]
    start = threading.Barrier(2)

    def worker(message_id):
        try:
            start.wait()
            message_deliver(message_id=message_id)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(message.pk,)) for message in messages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    for n in range(2):
        assert sum(f"H56-{n} " in body for body in slow.bodies) == 1, slow.bodies
    statuses = sorted(
        Message.objects.filter(pk__in=[m.pk for m in messages]).values_list("status", flat=True)
    )
    assert statuses in (["combined", "sent"], ["sent", "sent"])
    assert len(slow.bodies) == statuses.count("sent")


class RecordingSlowProvider:
    def __init__(self) -> None:
        self.bodies: list[str] = []

    def send(self, message):
        self.bodies.append(message.body)
        time.sleep(0.3)
        return ProviderResult.ok(f"slow-{message.pk}")
