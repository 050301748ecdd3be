"""The outbound sync through the HTTP adapter against the fake national portal on loopback: create then
update in order, "đã tồn tại", 500s and timeouts retried with back-off, dead after N failures, an outage that
catches up in order, and changes a crash kept from the outbox."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dichvucong.delivery.tests.conftest import submitted_dossier
from dichvucong.dossiers import reception
from dichvucong.dossiers.workflow import transition
from dichvucong.national import sync
from dichvucong.national.models import NationalSync, SyncAttempt

State = NationalSync.State


def _due_now(dossier_ids=None) -> None:
    rows = (
        NationalSync.objects.all()
        if dossier_ids is None
        else NationalSync.objects.filter(dossier_id__in=dossier_ids)
    )
    rows.filter(state=State.PENDING).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def _accept(world, dossier):
    return reception.dossier_accept(dossier_id=dossier.pk, officer=world["receptionist"])


def test_a_dossier_is_created_then_updated_at_every_change_in_order(world, portal, committed):
    with committed():
        dossier = submitted_dossier(world)
    with committed():
        _accept(world, dossier)
    with committed():
        transition(dossier_id=dossier.pk, action="start_processing", actor=world["specialist"])
    with committed():
        transition(dossier_id=dossier.pk, action="resolve", actor=world["leader"])

    assert portal.history(dossier.code) == [("create", 1), ("update", 2), ("update", 4), ("update", 9)]
    assert portal.invalid == [] and portal.regressions == []
    row = NationalSync.objects.get(dossier=dossier)
    assert row.state == State.SYNCED and row.on_portal and row.pushed_status == 9 and not row.behind
    stored = portal.store[dossier.code]
    assert [entry["TrangThai"] for entry in stored["QuaTrinhXuLy"]] == [1, 2, 4, 9]
    assert stored["KenhThucHien"] == 2 and stored["NgayTiepNhan"] and len(stored["NgayTiepNhan"]) == 14


def test_a_create_the_portal_answers_exists_is_sent_as_an_update(world, portal, committed):
    dossier = submitted_dossier(world)
    portal.store[dossier.code] = {"QuaTrinhXuLy": []}  # e.g. filed on the national portal itself

    with committed():
        _accept(world, dossier)

    assert [(r.operation, r.answered) for r in portal.received] == [("create", 409), ("update", 200)]
    row = NationalSync.objects.get(dossier=dossier)
    assert row.state == State.SYNCED and row.on_portal
    assert list(SyncAttempt.objects.filter(sync=row).order_by("pk").values_list("operation", "ok")) == [
        ("create", False),
        ("update", True),
    ]


def test_a_500_is_retried_with_back_off(world, portal, committed):
    portal.fail(500)
    with committed():
        dossier = submitted_dossier(world)

    row = NationalSync.objects.get(dossier=dossier)
    assert row.state == State.PENDING and row.attempts == 1 and "HTTP 500" in row.last_error
    wait = (row.next_attempt_at - timezone.now()).total_seconds()
    assert 25 < wait <= 30
    assert sync.sync_sweep()["enqueued"] == 0 and portal.history(dossier.code) == []  # not due yet

    _due_now()
    sync.sync_sweep()

    row.refresh_from_db()
    assert row.state == State.SYNCED and row.attempts == 0 and row.last_error == ""
    assert portal.history(dossier.code) == [("create", 1)]


def test_a_timeout_is_retried_and_the_second_delay_is_longer(world, portal, committed):
    portal.hang(1.5, times=2)
    with committed():
        dossier = submitted_dossier(world)
    row = NationalSync.objects.get(dossier=dossier)
    assert row.state == State.PENDING and "Không kết nối được" in row.last_error

    _due_now()
    sync.sync_sweep()
    row.refresh_from_db()
    assert row.attempts == 2 and 55 < (row.next_attempt_at - timezone.now()).total_seconds() <= 60

    _due_now()
    sync.sync_sweep()
    row.refresh_from_db()
    assert row.state == State.SYNCED and portal.history(dossier.code) == [("create", 1)]


def test_after_n_failures_the_sync_is_dead_until_resent(world, portal, committed):
    portal.fail(503, times=10)
    with committed():
        dossier = submitted_dossier(world)
    for _ in range(5):
        _due_now()
        sync.sync_sweep()
    row = NationalSync.objects.get(dossier=dossier)
    assert row.state == State.DEAD and row.attempts == 4 and "HTTP 503" in row.last_error
    calls = portal.count
    _due_now()
    assert sync.sync_sweep()["enqueued"] == 0 and portal.count == calls  # nothing more is tried

    portal.failures.clear()
    with committed():
        sync.sync_resend(sync_id=row.pk, staff=world["leader"])

    row.refresh_from_db()
    assert row.state == State.SYNCED and portal.history(dossier.code) == [("create", 1)]


def test_a_payload_the_portal_refuses_is_dead_at_once(world, portal, committed, settings):
    dossier = submitted_dossier(world)
    settings.DVC_PUBLIC_URL = "ftp://sai-dia-chi"  # file links the schema refuses

    with committed():
        _accept(world, dossier)

    row = NationalSync.objects.get(dossier=dossier)
    assert row.state == State.DEAD and row.attempts == 1
    assert "Dữ liệu không hợp lệ" in row.last_error and "DuongDanTaiTepTin" in row.last_error
    assert portal.history(dossier.code) == []


def test_a_new_change_restarts_a_dead_sync(world, portal, committed):
    portal.fail(400)
    with committed():
        dossier = submitted_dossier(world)
    assert NationalSync.objects.get(dossier=dossier).state == State.DEAD

    with committed():
        _accept(world, dossier)

    row = NationalSync.objects.get(dossier=dossier)
    assert row.state == State.SYNCED and portal.history(dossier.code) == [("create", 2)]


def test_an_outage_of_hours_loses_nothing_and_catches_up_oldest_first(world, portal, committed):
    portal.fail(502, times=1000)
    dossiers = []
    for index in range(3):
        with committed():
            dossiers.append(submitted_dossier(world, tag=str(index)))
    with committed():
        _accept(world, dossiers[0])
    with committed():
        transition(dossier_id=dossiers[0].pk, action="start_processing", actor=world["specialist"])
    for _ in range(2):  # hours pass, tries keep failing
        _due_now()
        sync.sync_sweep()
    with committed():
        _accept(world, dossiers[2])
    assert NationalSync.objects.filter(state=State.PENDING).count() == 3
    assert all(code not in portal.store for code in (d.code for d in dossiers))

    portal.failures.clear()
    _due_now()
    counts = sync.sync_sweep()

    assert counts["enqueued"] == 3
    assert NationalSync.objects.filter(state=State.SYNCED).count() == 3
    accepted = [r for r in portal.received if r.answered == 200]
    assert [r.code for r in accepted] == [d.code for d in dossiers]  # the oldest pending change first
    assert [portal.store[d.code]["TrangThaiHoSo"] for d in dossiers] == [4, 1, 2]
    assert [e["TrangThai"] for e in portal.store[dossiers[0].code]["QuaTrinhXuLy"]] == [1, 2, 4]
    assert portal.regressions == [] and portal.invalid == []


def test_an_older_push_never_overwrites_a_newer_one(world, portal, committed):
    with committed():
        dossier = submitted_dossier(world)
    row = NationalSync.objects.get(dossier=dossier)
    with committed():
        _accept(world, dossier)
    row.refresh_from_db()
    newest = row.pushed_event_id

    # A worker whose lease ran out reports, late, the success of an older state.
    from dichvucong.national.portal.base import PushResult

    late = sync._record(
        sync_id=row.pk, attempt=99, event_id=newest - 1, status=1, result=PushResult.ok(), calls=[]
    )

    assert late.pushed_event_id == newest and late.state == State.SYNCED
    row.refresh_from_db()
    assert row.pushed_event_id == newest


def test_a_change_the_subscriber_missed_is_found_by_the_sweeper(world, portal, committed):
    with committed():
        dossier = submitted_dossier(world)
    _accept(world, dossier)  # committed without running the subscribers (the process died)
    row = NationalSync.objects.get(dossier=dossier)
    assert row.behind is False and portal.store[dossier.code]["TrangThaiHoSo"] == 1

    counts = sync.sync_sweep()

    assert counts["reconciled"] == 1
    row.refresh_from_db()
    assert row.state == State.SYNCED and portal.store[dossier.code]["TrangThaiHoSo"] == 2
    assert sync.sync_sweep() == {"reconciled": 0, "enqueued": 0}


def test_nothing_is_recorded_when_the_sync_is_off(world, settings, committed):
    settings.DVC_NATIONAL_PORTAL = "none"
    with committed():
        submitted_dossier(world)
    assert NationalSync.objects.count() == 0
    assert sync.sync_sweep() == {"reconciled": 0, "enqueued": 0}
