"""Service news is never lost to a limit: combined within a minute, delayed when limited; OTP floods stay
limited; the person's channel choices are respected (issue 10, defect 3).

Time is a clock the test moves (`clock`); `run_due()` is the sweeper running at that moment, as
`manage.py sweep_notifications --every 60` does beside the worker. Tasks run at once (conftest)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dichvucong.notifications import registry
from dichvucong.notifications.combining import sms_segments
from dichvucong.notifications.events import EVENTS, SERVICE
from dichvucong.notifications.models import Message
from dichvucong.notifications.providers.demo import DemoZaloProvider
from dichvucong.notifications.services import _message_claim, message_deliver, notify, outbox_sweep
from dichvucong.notifications.tests.factories import make_user

pytestmark = pytest.mark.django_db

PHONE = "0912345678"
START = datetime.datetime(2026, 3, 9, 8, 0, tzinfo=datetime.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def at(self, seconds: float) -> None:
        self.now = START + datetime.timedelta(seconds=seconds)

    def __call__(self) -> datetime.datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    for name in ("created_at", "next_attempt_at"):  # model defaults hold the real timezone.now
        monkeypatch.setattr(Message._meta.get_field(name), "default", clock)
    return clock


def context(code: str) -> dict:
    return {
        "full_name": "Nguyễn Văn An",
        "code": code,
        "procedure": "Đăng ký khai sinh",
        "tracking_url": f"https://dvc.example.vn/tra-cuu/?ma={code}",
        "due_at": datetime.datetime(2026, 3, 12, 9, 0, tzinfo=datetime.UTC),
        "items": "Bản sao giấy chứng sinh",
        "deadline": datetime.date(2026, 3, 20),
        "reasons": "Thiếu giấy tờ",
        "amount": "8.000 đ",
        "receipt_number": "0000123",
    }


def run_due() -> None:
    outbox_sweep()


def calls_with(calls, code: str) -> int:
    return sum(1 for _pk, _recipient, body, _key in calls if f"ma={code}" in body)


# Eight pieces of news about the person's own dossiers within fifteen minutes, at these seconds.
EIGHT = [
    (0, "dossier.submitted"),
    (20, "dossier.accepted"),  # within a minute of the first: one SMS
    (120, "payment.requested"),
    (150, "dossier.supplement_requested"),  # within a minute of the third: one SMS
    (300, "dossier.resolved"),
    (420, "booking.confirmed"),
    (600, "delivery.out_for_delivery"),
    (840, "dossier.returned"),
]


def test_eight_dossier_events_to_one_phone_in_fifteen_minutes_are_all_delivered(
    clock, sms_provider, committed
):
    assert all(EVENTS[event].kind == SERVICE for _at, event in EIGHT)
    messages = []
    for index, (at, event) in enumerate(EIGHT):
        clock.at(at)
        run_due()
        with committed():
            messages += notify(event=event, phone=PHONE, context=context(f"H56-{index}"))
    clock.at(16 * 60)
    run_due()

    # Five SMS per 15 minutes was the limit: all eight went out, in six SMS (two pairs combined).
    assert len(sms_provider.calls) == 6
    for index, message in enumerate(messages):
        message.refresh_from_db()
        assert message.sent_at is not None, message
        assert message.status in (Message.Status.SENT, Message.Status.COMBINED)
        assert calls_with(sms_provider.calls, f"H56-{index}") == 1  # never lost, never twice
    first, second, third, fourth = messages[:4]
    assert second.status == Message.Status.COMBINED and second.combined_into_id == first.pk
    assert fourth.status == Message.Status.COMBINED and fourth.combined_into_id == third.pk
    assert first.body.startswith("Dich vu cong: ") and first.body.count("Dich vu cong") == 1
    assert "H56-0" in first.body and "H56-1" in first.body
    assert first.body.index("H56-0") < first.body.index("H56-1")  # in the order it happened
    assert all(sms_segments(body) <= 3 for _pk, _to, body, _key in sms_provider.calls)
    assert not Message.objects.filter(status=Message.Status.RATE_LIMITED).exists()


def test_a_service_message_waits_one_minute_and_goes_out_even_without_company(clock, sms_provider, committed):
    with committed():
        (message,) = notify(event="dossier.accepted", phone=PHONE, context=context("H56-9"))

    assert message.next_attempt_at == START + datetime.timedelta(seconds=60)
    clock.at(59)
    run_due()
    assert sms_provider.calls == []
    clock.at(60)
    run_due()

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert [call[0] for call in sms_provider.calls] == [message.pk]
    assert message.body.startswith("Dich vu cong: ho so H56-9 duoc tiep nhan")  # alone: the template's text


def test_a_long_burst_is_split_into_sms_of_at_most_three_parts(clock, settings, sms_provider, committed):
    with committed():
        for index in range(7):
            notify(event="dossier.accepted", phone=PHONE, context=context(f"H56-{index}"))
    clock.at(61)
    run_due()

    assert Message.objects.filter(status=Message.Status.SENT).count() == len(sms_provider.calls)
    assert 2 <= len(sms_provider.calls) < 7
    assert all(sms_segments(body) <= 3 for _pk, _to, body, _key in sms_provider.calls)
    for index in range(7):
        assert calls_with(sms_provider.calls, f"H56-{index}") == 1
    assert not Message.objects.filter(status__in=Message.WAITING_STATUSES).exists()


def test_service_e_mails_within_a_minute_go_as_one_e_mail(clock, smtp_server, committed):
    with committed():
        notify(event="dossier.submitted", email="an@example.vn", context=context("H56-1"))
        clock.at(30)
        notify(event="payment.requested", email="an@example.vn", context=context("H56-1"))
    clock.at(91)
    run_due()

    assert len(smtp_server.envelopes) == 1
    sent = Message.objects.get(status=Message.Status.SENT)
    assert sent.subject.startswith("2 thông báo: ")
    assert "đã được nộp" in sent.body and "8.000 đ" in sent.body
    assert Message.objects.get(status=Message.Status.COMBINED).combined_into == sent


# --- limits: security refused, general delayed ---------------------------------------------------------


def test_an_otp_flood_is_still_limited_and_the_extra_codes_are_never_sent(clock, sms_provider, committed):
    with committed():
        codes = [
            notify(event="otp.login", phone=PHONE, context={"otp": f"{n:06d}", "minutes": 5})[0]
            for n in range(8)
        ]
        (news,) = notify(event="dossier.resolved", phone=PHONE, context=context("H56-7"))
    clock.at(20 * 60)
    run_due()

    statuses = [Message.objects.get(pk=code.pk).status for code in codes]
    assert statuses == [Message.Status.SENT] * 5 + [Message.Status.RATE_LIMITED] * 3
    news.refresh_from_db()
    assert news.status == Message.Status.SENT  # the flood did not cost the person their dossier news
    assert len(sms_provider.calls) == 6


def test_a_limited_general_message_is_delayed_then_delivered(clock, settings, sms_provider, committed):
    settings.DVC_NOTIFY_RATE_LIMITS = {"sms": [(900, 2)]}
    user = make_user(email="", notify_email=False)
    welcome = {"full_name": "An", "site_url": "https://dvc.example.vn/"}
    with committed():
        first = notify(event="account.welcome", user=user, context=welcome)[0]
        clock.at(60)
        second = notify(event="account.welcome", user=user, context=welcome)[0]
        clock.at(120)
        (third,) = notify(event="account.welcome", user=user, context=welcome)

    assert third.status == Message.Status.DELAYED
    assert third.next_attempt_at == START + datetime.timedelta(seconds=900)  # when the first leaves
    assert "Vượt giới hạn 2 tin trong 15 phút" in third.last_error and "hoãn đến" in third.last_error
    assert [call[0] for call in sms_provider.calls] == [first.pk, second.pk]

    clock.at(899)
    run_due()
    assert len(sms_provider.calls) == 2  # not before the window allows
    clock.at(900)
    run_due()

    third.refresh_from_db()
    assert third.status == Message.Status.SENT
    assert [call[0] for call in sms_provider.calls] == [first.pk, second.pk, third.pk]


# --- preferences ---------------------------------------------------------------------------------------


@pytest.fixture
def zalo_calls(monkeypatch) -> list:
    calls: list = []
    original = DemoZaloProvider.send

    def send(self, message):
        calls.append(message.pk)
        return original(self, message)

    monkeypatch.setattr(DemoZaloProvider, "send", send)
    return calls


def test_zalo_is_not_used_when_the_person_chose_sms_and_e_mail_only(
    clock, sms_provider, zalo_calls, committed
):
    assert registry.provider_for_channel("zalo").is_demo
    person = make_user(notify_sms=True, notify_email=True, notify_zalo=False)
    with committed():
        notify(event="dossier.accepted", user=person, context=context("H56-1"))
        notify(event="dossier.refused", user=person, context=context("H56-2"))  # mandatory
        notify(event="payment.requested", phone=PHONE, context=context("H56-3"))  # no account: no Zalo
    clock.at(61)
    run_due()

    assert not Message.objects.filter(channel="zalo").exists()
    assert zalo_calls == []
    assert set(Message.objects.values_list("channel", flat=True)) == {"sms", "email"}


def test_zalo_is_used_when_chosen_and_switched_off_channels_are_skipped(
    clock, sms_provider, zalo_calls, committed
):
    person = make_user(notify_sms=False, notify_email=False, notify_zalo=True)
    with committed():
        (message,) = notify(event="dossier.accepted", user=person, context=context("H56-1"))

    assert message.channel == "zalo" and message.recipient == person.phone
    assert zalo_calls == [message.pk]  # Zalo is not combined: it goes at once
    assert sms_provider.calls == []


def test_a_mandatory_notice_reaches_someone_who_switched_everything_off_by_sms_not_zalo(clock, sms_provider):
    person = make_user(notify_sms=False, notify_email=False, notify_zalo=False)

    messages = notify(event="dossier.refused", user=person, context=context("H56-1"))
    optional = notify(event="dossier.resolved", user=person, context=context("H56-1"))

    assert [message.channel for message in messages] == ["sms"]
    assert optional == []


def test_security_codes_go_where_they_must_whatever_the_preferences(clock, sms_provider, committed):
    person = make_user(notify_sms=False, notify_email=False)
    with committed():
        (code,) = notify(
            event="otp.login", user=person, channels=["sms"], context={"otp": "123456", "minutes": 5}
        )

    code.refresh_from_db()
    assert code.status == Message.Status.SENT and [call[0] for call in sms_provider.calls] == [code.pk]


# --- idempotency ---------------------------------------------------------------------------------------


def test_a_combined_message_is_never_sent_on_its_own(clock, sms_provider, committed):
    with committed():
        (first,) = notify(event="dossier.submitted", phone=PHONE, context=context("H56-1"))
        (second,) = notify(event="dossier.accepted", phone=PHONE, context=context("H56-1"))
    clock.at(61)

    message_deliver(message_id=first.pk)
    message_deliver(message_id=second.pk)  # its own task, arriving late
    message_deliver(message_id=first.pk)  # and a duplicate task
    run_due()

    assert [call[0] for call in sms_provider.calls] == [first.pk]
    second.refresh_from_db()
    assert second.status == Message.Status.COMBINED and second.sent_at is not None


def test_a_worker_dying_after_combining_loses_nothing_and_sends_once(clock, sms_provider, committed):
    with committed():
        (first,) = notify(event="dossier.submitted", phone=PHONE, context=context("H56-1"))
        (second,) = notify(event="dossier.accepted", phone=PHONE, context=context("H56-1"))
    clock.at(61)
    claimed, _attempt = _message_claim(message_id=first.pk)  # the worker dies before calling the provider
    combined_body = claimed.body

    clock.at(61 + 119)
    run_due()  # the lease (DVC_NOTIFY_LEASE_SECONDS, 120 s) is still held: nothing yet
    assert sms_provider.calls == []
    clock.at(61 + 121)
    run_due()

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Message.Status.SENT and first.attempts == 2
    assert [call[2] for call in sms_provider.calls] == [combined_body]  # the same text, the same RequestId
    assert second.status == Message.Status.COMBINED and second.combined_into == first


def test_a_message_on_retry_takes_no_newcomers(clock, sms_provider, committed):
    from dichvucong.notifications.providers.base import ProviderResult

    sms_provider.results.append(ProviderResult.retry("HTTP 503"))
    with committed():
        (first,) = notify(event="dossier.submitted", phone=PHONE, context=context("H56-1"))
    clock.at(61)
    run_due()
    body = Message.objects.get(pk=first.pk).body
    with committed():
        (later,) = notify(event="dossier.accepted", phone=PHONE, context=context("H56-2"))
    clock.at(61 + 61)
    run_due()

    first.refresh_from_db()
    later.refresh_from_db()
    assert first.status == Message.Status.SENT and first.body == body  # a retry resends the same text
    assert later.status == Message.Status.SENT and calls_with(sms_provider.calls, "H56-2") == 1


def test_on_the_database_task_backend_a_service_message_is_deferred_to_the_end_of_its_hold(
    settings, sms_provider, committed
):
    from django_tasks_db.models import DBTaskResult, get_date_max

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["notifications"]}}
    with committed():
        (news,) = notify(event="dossier.accepted", phone=PHONE, context=context("H56-1"))
        (code,) = notify(event="otp.login", phone=PHONE, context={"otp": "123456", "minutes": 5})

    tasks = {task.args_kwargs["args"][0]: task for task in DBTaskResult.objects.all()}
    assert tasks[news.pk].run_after == news.created_at + datetime.timedelta(seconds=60)
    assert tasks[code.pk].run_after == get_date_max()  # "no time set": runs at once
