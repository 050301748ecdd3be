import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from dichvucong.notifications.models import Message
from dichvucong.notifications.providers.base import ProviderResult
from dichvucong.notifications.services import message_deliver, outbox_sweep
from dichvucong.notifications.tasks import deliver_message, sweep_outbox
from dichvucong.notifications.tests.factories import make_message

pytestmark = pytest.mark.django_db


def _due(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_retryable_failure_is_retried_with_back_off_then_succeeds(sms_provider):
    message = make_message(provider="recording")
    sms_provider.results.extend([ProviderResult.retry("eSMS HTTP 503"), ProviderResult.retry("timeout")])

    before = timezone.now()
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.attempts == 1 and message.last_error == "eSMS HTTP 503"
    assert (
        before + datetime.timedelta(seconds=59)
        < message.next_attempt_at
        <= timezone.now() + datetime.timedelta(seconds=60)
    )
    assert message.locked_until is None

    message_deliver(message_id=message.pk)  # not due yet: nothing happens
    assert len(sms_provider.calls) == 1

    _due(message)
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING and message.attempts == 2
    assert message.next_attempt_at > timezone.now() + datetime.timedelta(seconds=290)  # second delay: 5 min

    _due(message)
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 3 and message.last_error == ""
    assert len(sms_provider.calls) == 3
    assert {call[3] for call in sms_provider.calls} == {message.idempotency_key}  # the same key every time


def test_permanent_failure_is_not_retried(sms_provider):
    message = make_message(provider="recording")
    sms_provider.results.append(ProviderResult.permanent("eSMS 108: số điện thoại sai định dạng"))

    message_deliver(message_id=message.pk)
    _due(message)
    message_deliver(message_id=message.pk)
    outbox_sweep()

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == 1
    assert message.last_error == "eSMS 108: số điện thoại sai định dạng"
    assert len(sms_provider.calls) == 1


def test_retries_stop_after_the_last_attempt(settings, sms_provider):
    settings.DVC_NOTIFY_RETRY_DELAYS = [60, 300]
    message = make_message(provider="recording")
    sms_provider.results.extend([ProviderResult.retry("503")] * 5)

    for _ in range(5):
        _due(message)
        message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == 3
    assert len(sms_provider.calls) == 3


def test_a_provider_that_raises_is_treated_as_retryable(sms_provider):
    message = make_message(provider="recording")
    sms_provider.results.append(RuntimeError("bug in adapter"))

    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.last_error == "RuntimeError: bug in adapter"
    assert message.locked_until is None


def test_running_the_task_twice_sends_once(sms_provider):
    message = make_message(provider="recording")

    first = deliver_message.enqueue(message.pk)
    second = deliver_message.enqueue(message.pk)

    assert first.return_value == "sent" and second.return_value == "sent"
    assert len(sms_provider.calls) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_an_accepted_message_cannot_be_put_back_to_pending_and_is_not_resent(sms_provider):
    message = make_message(provider="recording")
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    accepted_id = message.provider_message_id

    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.filter(pk=message.pk).update(status=Message.Status.PENDING)
    message_deliver(message_id=message.pk)
    outbox_sweep()

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_message_id == accepted_id
    assert len(sms_provider.calls) == 1


def test_a_message_held_by_a_live_worker_is_not_taken(sms_provider):
    message = make_message(
        provider="recording",
        status=Message.Status.SENDING,
        attempts=1,
        locked_until=timezone.now() + datetime.timedelta(seconds=60),
    )

    assert outbox_sweep() == 0
    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.SENDING and message.attempts == 1
    assert sms_provider.calls == []


def test_sweeper_picks_up_a_sending_message_whose_worker_died(sms_provider):
    stuck = make_message(
        provider="recording",
        status=Message.Status.SENDING,
        attempts=1,
        locked_until=timezone.now() - datetime.timedelta(seconds=1),
    )
    not_due = make_message(
        provider="recording", next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    done = make_message(provider="recording", status=Message.Status.FAILED)

    result = sweep_outbox.enqueue()

    assert result.return_value == 1
    stuck.refresh_from_db()
    assert stuck.status == Message.Status.SENT and stuck.attempts == 2
    assert [call[0] for call in sms_provider.calls] == [stuck.pk]
    not_due.refresh_from_db()
    done.refresh_from_db()
    assert not_due.status == Message.Status.PENDING and done.status == Message.Status.FAILED


def test_sweeper_sends_a_pending_retry_once_it_is_due(sms_provider):
    message = make_message(provider="recording", attempts=1, last_error="503")
    _due(message)

    out = StringIO()
    call_command("sweep_notifications", stdout=out)

    assert "Đã đưa 1 thông báo vào hàng đợi." in out.getvalue()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 2


def test_a_stuck_message_that_used_every_attempt_is_marked_failed_not_resent(sms_provider):
    message = make_message(
        provider="recording",
        status=Message.Status.SENDING,
        attempts=5,
        last_error="timeout",
        locked_until=timezone.now() - datetime.timedelta(seconds=1),
    )

    outbox_sweep()

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.last_error == "timeout | Hết số lần gửi lại"
    assert sms_provider.calls == []


def test_an_acceptance_that_arrives_after_the_lease_was_lost_is_still_recorded(sms_provider):
    from dichvucong.notifications import services

    message = make_message(provider="recording")
    claimed, attempt = services._message_claim(message_id=message.pk)
    Message.objects.filter(pk=message.pk).update(attempts=2)  # a second worker took over meanwhile

    services._message_record_result(message_id=message.pk, attempt=attempt, result=ProviderResult.ok("SMS-1"))

    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.provider_message_id == "SMS-1"


def test_cancelled_and_rate_limited_messages_are_never_sent(sms_provider):
    cancelled = make_message(provider="recording", status=Message.Status.CANCELLED)
    limited = make_message(provider="recording", status=Message.Status.RATE_LIMITED)

    message_deliver(message_id=cancelled.pk)
    message_deliver(message_id=limited.pk)
    outbox_sweep()

    assert sms_provider.calls == []
    assert set(Message.objects.values_list("attempts", flat=True)) == {0}


def test_on_the_database_task_backend_a_retry_is_enqueued_for_its_due_time(
    settings, sms_provider, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["notifications"]}}
    message = make_message(provider="recording")
    sms_provider.results.append(ProviderResult.retry("eSMS HTTP 503"))

    with django_capture_on_commit_callbacks(execute=True):
        message_deliver(message_id=message.pk)

    message.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [message.pk]
    assert task.run_after == message.next_attempt_at


def test_cancelling_stops_a_pending_message_but_not_a_sent_one(sms_provider):
    from dichvucong.notifications.services import message_cancel

    pending = make_message(
        provider="recording", next_attempt_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    sent = make_message(provider="recording")
    message_deliver(message_id=sent.pk)

    message_cancel(message_id=pending.pk)
    message_cancel(message_id=sent.pk)
    _due(pending)
    outbox_sweep()

    pending.refresh_from_db()
    sent.refresh_from_db()
    assert pending.status == Message.Status.CANCELLED and pending.attempts == 0
    assert sent.status == Message.Status.SENT
    assert [call[0] for call in sms_provider.calls] == [sent.pk]
