"""Fault injection on PostgreSQL (issue 11): processes killed with SIGKILL while they work lose nothing and do
nothing twice.

The portal runs as in production on loopback: gunicorn with two worker processes, the task worker
(``db_worker``) and, once the faults are over, the outbox sweeper (``sweep_notifications``). SMS go to a fake
eSMS server that counts requests by RequestId (the message's idempotency key). During each of three rounds a
web worker and the task worker are killed (``kill -9``) while requests and deliveries are in flight (the task
worker is restarted at once, as its supervisor would); clients resend what was cut off, as a phone app or the
payment gateway would. Then the whole server is killed and started again, and everything is sent once more.
Afterwards:

- submissions: every submission exists exactly once (the Idempotency-Key) and every answer names it, codes
  are unique and without gaps per agency and day (the counter commits with the dossier);
- payment IPNs: each payment is applied fully (transaction, fee, receipt, dossier resumed, one "applied" log,
  one notice of each kind) or not at all; replaying every IPN after the restart applies nothing twice;
- notifications: every message ends sent (or combined into one sent) and reached the provider under its own
  RequestId; a resend after a killed delivery carries the same RequestId (eSMS answers 124), never a new
  one. A task a killed worker held stays RUNNING in django-tasks-db; the outbox sweeper takes the message
  over once its lease has expired.

PostgreSQL only: SQLite cannot serve several processes writing at once in this way.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.utils import timezone

from dichvucong.core.tests.faults import (
    Clock,
    FakeEsms,
    Outcomes,
    Stack,
    esms_settings,
    multipart,
    with_retries,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="fault injection needs PostgreSQL (several processes writing at once; set DATABASE_URL)",
    ),
]

ROUNDS = 3
PAYMENTS_PER_ROUND = 4
SECRET_KEY = "fault-injection-" + "k" * 40
REPORT: dict[str, dict] = {}


@pytest.fixture(scope="module")
def esms():
    fake = FakeEsms(delay=0.15)
    yield fake
    fake.close()


def _notify_env(esms: FakeEsms) -> dict[str, str]:
    """SMS through the fake eSMS, service messages due at once, a short lease and short retry delays."""
    return {
        **esms_settings(esms.url),
        "DVC_NOTIFY_COMBINE_SECONDS": "0",
        "DVC_NOTIFY_LEASE_SECONDS": "3",
        "DVC_NOTIFY_RETRY_DELAYS": "1,1,1,1",
    }


@pytest.fixture(scope="module")
def portal(django_db_setup, tmp_path_factory, esms):
    """The portal's processes, started once for the module (each test's rows are flushed after it)."""
    tmp = tmp_path_factory.mktemp("faults")
    env = {**_notify_env(esms), "SECRET_KEY": SECRET_KEY, "DVC_PAYMENT_IPN_PER_IP_MINUTE": "100000"}
    processes = Stack(tmp, env)
    processes.esms = esms
    processes.start()
    yield processes
    processes.stop()


@pytest.fixture
def stack(portal, settings, esms, transactional_db):
    """The running portal, with the test process configured as its children are."""
    settings.MEDIA_ROOT = str(portal.tmp / "media")
    settings.SECRET_KEY = SECRET_KEY  # the demo gateway's secret derives from it, here and in the children
    for name, value in _notify_env(esms).items():
        setattr(settings, name, value)
    portal.reset()
    return portal


def _verified(user):
    now = timezone.now()
    user.phone_verified_at = now
    user.email_verified_at = now
    user.save(update_fields=["phone_verified_at", "email_verified_at"])
    return user


def _citizens(setup: dict, count: int) -> list:
    from dichvucong.dossiers.tests.conftest import User

    people = [setup["citizen"]]
    for n in range(1, count):
        people.append(
            User.objects.create_user(
                username=f"03809077{n:04d}",
                password="Hoa-Sen#2026xanh",
                kind="citizen",
                id_type="cccd",
                id_number=f"03809077{n:04d}",
                full_name=f"Trần Văn Thử {n}",
                phone=f"+8491377{n:04d}",
                email=f"thu{n}@example.vn",
            )
        )
    return [_verified(person) for person in people]


def _token(user) -> str:
    from dichvucong.accounts.services import api_token_create

    return api_token_create(user=user, name="fault injection")[1]


def _inject(stack: Stack, plan: list[tuple[float, str]], running: threading.Event, web_round: int) -> None:
    """Kill per the plan while the load runs: ("web", delay) kills one web worker, ("worker", …) the task
    worker (restarted at once, as its supervisor would)."""
    started = time.monotonic()
    for delay, target in plan:
        time.sleep(max(0.0, started + delay - time.monotonic()))
        if not running.is_set():
            return
        if target == "web":
            pids = stack.web_pids()
            if pids:
                stack.kill_web_worker(pids[web_round % len(pids)])
        else:
            stack.kill_worker()


def _run_round(stack: Stack, calls: list, plan: list[tuple[float, str]], round_number: int) -> None:
    running = threading.Event()
    running.set()
    killer = threading.Thread(target=_inject, args=(stack, plan, running, round_number))
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(call) for call in calls]
        killer.start()
        for future in futures:
            future.result(timeout=120)
    running.clear()
    killer.join(timeout=30)
    stack.wait_web_workers()


# --- (a) dossier submission ---------------------------------------------------------------------------------


def _submission_call(stack: Stack, outcomes: Outcomes, *, key: str, token: str, setup: dict, files: dict):
    fields = {"offering_id": str(setup["offering"].pk), "request": "Đăng ký khai sinh cho con"}
    body, content_type = multipart(fields, files)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key, "Content-Type": content_type}

    def call():
        answer = with_retries(
            outcomes, lambda: stack.request("POST", "/api/v1/submissions", body=body, headers=headers)
        )
        if answer is not None:
            outcomes.add(key, *answer)

    return call


def _files(setup: dict, owner_number: int) -> dict:
    from dichvucong.dossiers.tests.conftest import PDF

    form, birth, _proxy = setup["procedure"].current_version.components.order_by("position", "id")
    # The same papers for every dossier of one person: the store reuses them (and races on them).
    return {
        f"file_{form.pk}": ("to-khai.pdf", PDF + f"to khai {owner_number}".encode()),
        f"file_{birth.pk}": ("chung-sinh.pdf", PDF + f"chung sinh {owner_number}".encode()),
    }


def test_submissions_survive_killed_workers(stack):
    from dichvucong.dossiers.models import Dossier, DossierEvent, DossierFile, Status
    from dichvucong.dossiers.tests.conftest import build_setup

    clock = Clock()
    setup = build_setup()
    people = _citizens(setup, 3)
    tokens = [_token(person) for person in people]
    clock.mark("setup")
    outcomes = Outcomes()
    keys: dict[str, int] = {}  # Idempotency-Key -> index of the person
    per_round = 8
    for round_number in range(ROUNDS):
        calls = []
        for i in range(per_round):
            key = f"nop-{round_number}-{i}"
            who = i % len(people)
            keys[key] = who
            call = _submission_call(
                stack, outcomes, key=key, token=tokens[who], setup=setup, files=_files(setup, who)
            )
            calls += [call, call]  # a double click: the same submission twice at once
        plan = [(0.3, "web"), (0.6, "worker")]
        _run_round(stack, calls, plan, round_number)
    clock.mark("faults")

    # After the faults, the whole server crashes and restarts: a resend answers the same dossier.
    stack.crash_and_restart_site()
    clock.mark("restart")
    for key, who in keys.items():
        _submission_call(stack, outcomes, key=key, token=tokens[who], setup=setup, files=_files(setup, who))()
    clock.mark("resend")
    stack.drain_outbox()
    clock.mark("drain")

    answers = outcomes.answers
    assert set(answers) == set(keys), "every submission was answered in the end"
    server_errors = [
        (key, status, body[:3000]) for key, seen in answers.items() for status, body in seen if status >= 300
    ]
    assert server_errors == [], stack.logs()
    dossiers = {d.client_ref: d for d in Dossier.objects.select_related("applicant")}
    assert set(dossiers) == set(keys), "exactly one dossier per key, none without one"
    assert Dossier.objects.count() == len(keys)
    created = Counter()
    for key, seen in answers.items():
        dossier = dossiers[key]
        assert dossier.applicant_id == people[keys[key]].pk
        for status, body in seen:
            answer = json.loads(body)
            assert (answer["id"], answer["code"]) == (str(dossier.public_id), dossier.code)
            created[key] += status == 201
    assert all(count <= 1 for count in created.values()), "201 at most once per key"
    for dossier in dossiers.values():
        assert dossier.status == Status.SUBMITTED and dossier.submitted_at is not None
        assert DossierFile.objects.filter(dossier=dossier).count() == 2
        assert list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True)) == [
            "submit"
        ]
    codes = [d.code for d in dossiers.values()]
    assert len(set(codes)) == len(codes) and all(codes)
    numbers = defaultdict(list)
    for code in codes:
        prefix, number = code.rsplit("-", 1)
        numbers[prefix].append(int(number))
    for prefix, issued in numbers.items():
        assert sorted(issued) == list(range(1, len(issued) + 1)), f"{prefix}: no gap, no repeat"

    messages = _assert_outbox_delivered(stack)
    submitted = Counter(m.user_id for m in messages if m.event == "dossier.submitted")
    assert submitted == Counter({p.pk: 2 * sum(1 for w in keys.values() if p == people[w]) for p in people})

    REPORT["submission"] = {
        "kills": dict(stack.kills),
        "requests": outcomes.requests,
        "cut off": outcomes.interrupted,
        "dossiers": len(dossiers),
        "201 answers": sum(created.values()),
        "messages": len(messages),
        "provider repeats (same RequestId)": stack.esms.repeats(),
        "task rows left RUNNING by killed workers": _tasks_left_running(),
        "seconds": clock.total(),
        "phases": clock.phases,
    }
    print("fault injection, submission:", REPORT["submission"])  # noqa: T201


# --- shared: the outbox after the faults --------------------------------------------------------------------


def _tasks_left_running() -> int:
    """Task rows a killed worker held: django-tasks-db leaves them RUNNING for ever; their work is not lost
    because the outbox sweeper enqueues the message again (the row in the outbox is the truth)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="RUNNING").count()


def _assert_outbox_delivered(stack: Stack) -> list:
    """Every message sent (or combined into a sent one); each SMS reached eSMS under its own RequestId, and
    nothing reached it that is not in the outbox."""
    from dichvucong.notifications.models import Message

    esms = stack.esms
    messages = list(Message.objects.select_related("combined_into"))
    statuses = Counter(m.status for m in messages)
    assert set(statuses) <= {Message.Status.SENT, Message.Status.COMBINED}, statuses
    for message in messages:
        if message.status == Message.Status.COMBINED:
            assert message.combined_into.status == Message.Status.SENT
            assert message.combined_into.channel == message.channel
        else:
            assert message.provider_message_id and message.sent_at
    sms = [m for m in messages if m.channel == Message.Channel.SMS and m.status == Message.Status.SENT]
    assert {m.provider for m in sms} <= {"esms"}
    assert {m.idempotency_key for m in sms} == set(esms.received), (
        "each SMS reached eSMS; nothing unknown did"
    )
    for message in sms:
        assert esms.contents[message.idempotency_key] == message.body
    return messages


# --- (b) payment IPN ----------------------------------------------------------------------------------------


def _ipn_query(txn, *, succeeded: bool) -> str:
    from dichvucong.payments.tests.helpers import signed_callback

    overrides = {} if succeeded else {"vnp_ResponseCode": "24", "vnp_TransactionStatus": "02"}
    return "/thanh-toan/ipn/demo/?" + urlencode(
        signed_callback(txn, vnp_TransactionNo=str(txn.pk + 70000000), **overrides)
    )


def test_payment_ipns_apply_once_or_not_at_all_when_workers_die(stack, settings):
    from dichvucong.dossiers.models import Dossier, DossierEvent, Status
    from dichvucong.notifications.models import Message
    from dichvucong.payments import services
    from dichvucong.payments.fees import fee_quote
    from dichvucong.payments.models import CallbackLog, PaymentRequest, Transaction
    from dichvucong.payments.tests.conftest import accepted_dossier, build_payment_setup

    clock = Clock()
    settings.DVC_BILL_AT_ACCEPTANCE = False  # the receptionist asks for the fee: the dossier waits (status 6)
    data = build_payment_setup()
    _verified(data["citizen"])
    count = PAYMENTS_PER_ROUND * ROUNDS
    txns, paying = [], {}
    for i in range(count):
        dossier = accepted_dossier(data)
        request = services.payment_request_create(
            dossier_id=dossier.pk,
            officer=data["receptionist"],
            quote=fee_quote(dossier=dossier),
            deadline=None,
        )
        txn, _url = services.payment_start(
            request=request,
            payer=data["citizen"],
            gateway_name="demo",
            client_ip="127.0.0.1",
            site_url=f"http://127.0.0.1:{stack.site.port}",
        )
        txns.append(txn)
        paying[txn.pk] = i % 3 != 2  # every third payer cancels at the bank
    clock.mark("setup")

    outcomes = Outcomes()
    for round_number in range(ROUNDS):
        calls = []
        for txn in txns[round_number * PAYMENTS_PER_ROUND : (round_number + 1) * PAYMENTS_PER_ROUND]:
            query = _ipn_query(txn, succeeded=paying[txn.pk])

            def call(query=query, ref=txn.reference):
                answer = with_retries(outcomes, lambda: stack.request("GET", query))
                if answer is not None:
                    outcomes.add(ref, *answer)

            calls += [call, call, call]  # the gateway sends again when it hears nothing in time
        plan = [(0.02, "web"), (0.1, "worker")]
        _run_round(stack, calls, plan, round_number)
    clock.mark("faults")

    stack.crash_and_restart_site()
    clock.mark("restart")
    replies = {}
    for txn in txns:  # every IPN once more, after the crash and restart
        status, body = stack.request("GET", _ipn_query(txn, succeeded=paying[txn.pk]))
        assert status == 200
        replies[txn.reference] = json.loads(body)["RspCode"]
        outcomes.add(txn.reference, status, body)
    clock.mark("replay")
    stack.drain_outbox()
    clock.mark("drain")

    assert set(replies.values()) <= {"00", "02"}
    for txn in txns:
        txn.refresh_from_db()
        request = PaymentRequest.objects.get(pk=txn.payment_request_id)
        dossier = Dossier.objects.get(pk=request.dossier_id)
        seen = [
            json.loads(body)["RspCode"] for status, body in outcomes.answers[txn.reference] if status == 200
        ]
        assert set(seen) <= {"00", "02"} and seen.count("00") <= 1, (txn.reference, seen)
        applied = CallbackLog.objects.filter(transaction=txn, outcome="applied").count()
        assert applied == 1, (txn.reference, applied)
        resumed = DossierEvent.objects.filter(dossier=dossier, action="payment_received").count()
        if paying[txn.pk]:
            assert txn.state == Transaction.State.SUCCEEDED and txn.paid_at
            assert request.state == PaymentRequest.State.PAID and request.receipt_number and request.paid_at
            assert dossier.status != Status.PAYMENT_REQUESTED and dossier.paused_at is None
            assert resumed == 1
        else:
            assert txn.state == Transaction.State.FAILED and not txn.paid_at
            assert request.state == PaymentRequest.State.UNPAID and not request.receipt_number
            assert dossier.status == Status.PAYMENT_REQUESTED and resumed == 0
    paid = sum(paying.values())
    assert Transaction.objects.filter(needs_refund=True).count() == 0
    for event in ("payment.paid", "payment.receipt"):
        per_channel = Counter(Message.objects.filter(event=event).values_list("channel", flat=True))
        assert per_channel and all(n == paid for n in per_channel.values()), (event, per_channel)
    messages = _assert_outbox_delivered(stack)

    REPORT["ipn"] = {
        "kills": dict(stack.kills),
        "requests": outcomes.requests + len(txns),
        "cut off": outcomes.interrupted,
        "payments": len(txns),
        "paid": paid,
        "replayed after restart": len(txns),
        "messages": len(messages),
        "task rows left RUNNING by killed workers": _tasks_left_running(),
        "seconds": clock.total(),
        "phases": clock.phases,
    }
    print("fault injection, IPN:", REPORT["ipn"])  # noqa: T201


# --- (c) notification sending -------------------------------------------------------------------------------


def test_every_message_is_sent_once_or_retried_when_workers_die(stack, esms):
    from dichvucong.dossiers.tests.conftest import build_setup
    from dichvucong.notifications.models import Message
    from dichvucong.notifications.services import notify

    clock = Clock()
    setup = build_setup()
    people = _citizens(setup, 8)
    tokens = [_token(person) for person in people[:2]]
    outcomes = Outcomes()
    numbering = itertools.count()
    clock.mark("setup")
    for round_number in range(ROUNDS):
        for person in people:  # written here, delivered by the task worker
            notify(
                event="account.welcome",
                user=person,
                channels=["sms"],
                context={"full_name": person.full_name, "site_url": "https://dichvucong.example.vn/"},
            )
        calls = []
        for i in range(2):  # written by the web workers (dossier.submitted, SMS and e-mail)
            who = i % 2
            key = f"tb-{round_number}-{next(numbering)}"
            calls.append(
                _submission_call(
                    stack, outcomes, key=key, token=tokens[who], setup=setup, files=_files(setup, who)
                )
            )
        killer = threading.Thread(target=_kill_while_sending, args=(stack, esms, 1))
        killer.start()
        _run_round(stack, calls, [(0.2, "web")], round_number)
        killer.join(timeout=60)
    clock.mark("faults")
    cut_sending = Message.objects.filter(status=Message.Status.SENDING).count()
    left_open = Message.objects.exclude(status__in=Message.FINAL_STATUSES).count()

    stack.drain_outbox(timeout=90)
    clock.mark("drain")

    messages = _assert_outbox_delivered(stack)
    welcome = Counter(m.user_id for m in messages if m.event == "account.welcome")
    assert welcome == Counter({person.pk: ROUNDS for person in people})
    assert all(status in (200, 201) for seen in outcomes.answers.values() for status, _ in seen)
    submitted = Counter(m.channel for m in messages if m.event == "dossier.submitted")
    assert submitted == Counter({"sms": len(outcomes.answers), "email": len(outcomes.answers)})

    REPORT["notifications"] = {
        "kills": dict(stack.kills),
        "requests": outcomes.requests,
        "cut off": outcomes.interrupted,
        "messages": len(messages),
        "sent rows": sum(m.status == Message.Status.SENT for m in messages),
        "left sending by a killed worker": cut_sending,
        "open before the sweeper": left_open,
        "provider repeats (same RequestId, answered 124)": esms.repeats(),
        "task rows left RUNNING by killed workers": _tasks_left_running(),
        "seconds": clock.total(),
        "phases": clock.phases,
    }
    print("fault injection, notifications:", REPORT["notifications"])  # noqa: T201


def _kill_while_sending(stack: Stack, esms: FakeEsms, times: int) -> None:
    """Kill the task worker while eSMS holds one of its requests (the SMS reached the provider, the worker
    has not recorded it): the case where a resend must not become a second SMS."""
    deadline = time.monotonic() + 30
    for _ in range(times):
        esms.arrived.clear()
        if not esms.arrived.wait(timeout=max(0.1, deadline - time.monotonic())):
            return
        time.sleep(0.05)
        stack.kill_worker()
        time.sleep(2.5)  # the new worker starts and sends again before the next kill
