import threading
import time

import pytest
from django.db import connection, connections

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
