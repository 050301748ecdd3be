"""Late handling (Mẫu 04), stop (Mẫu 05), withdrawal, and the periodic alerts."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from dichvucong.dossiers.models import Dossier, DossierEvent, Status
from dichvucong.dossiers.workflow import TransitionRefused
from dichvucong.notifications.models import Message
from dichvucong.processing import late, paperwork, services
from dichvucong.processing.models import LateNotice, NoticeState, StopNotice, Track, TrackState
from dichvucong.processing.tests.test_services import snapshot, walk_to
from dichvucong.worktime import schedule


def next_working_day_after(dossier, days=3) -> datetime.date:
    calendar = schedule.calendar_for(dossier.agency_id)
    day = timezone.localtime(dossier.due_at).date()
    for _ in range(days):
        day = calendar.next_working_day(day)
    return day


def pdf_text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_mau_04_drafted_by_the_specialist_approved_by_the_leader_moves_the_due_date(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    new_day = next_working_day_after(dossier)
    old_due = Dossier.objects.get(pk=dossier.pk).due_at

    notice = late.late_notice_draft(
        dossier_id=dossier.pk,
        officer=data["chuyenvien.a"],
        reason="Chờ xác minh của cơ quan khác",
        new_due_date=new_day,
    )
    assert notice.state == NoticeState.DRAFT
    assert Message.objects.filter(event="dossier.approval_needed", recipient="lanhdao.a@hacthanh.vn").exists()
    assert Dossier.objects.get(pk=dossier.pk).due_at == old_due  # nothing changes before the leader signs
    assert "DỰ THẢO" in pdf_text(paperwork.apology_pdf(dossier, notice))

    late.late_notice_decide(notice_id=notice.pk, leader=data["lanhdao.a"], approve=True)

    dossier.refresh_from_db()
    assert timezone.localtime(dossier.due_at).date() == new_day
    assert timezone.localtime(dossier.due_at).time() == timezone.localtime(old_due).time()
    assert Track.objects.get(dossier=dossier).dossier_due_at == dossier.due_at  # the inbox's copy follows
    event = DossierEvent.objects.filter(dossier=dossier, action="extend_deadline").get()
    assert event.data["reason"] == "Chờ xác minh của cơ quan khác" and event.actor == data["lanhdao.a"]
    sms = Message.objects.get(event="dossier.deadline_extended", channel="sms")
    assert dossier.code in sms.body
    notice.refresh_from_db()
    text = pdf_text(paperwork.apology_pdf(dossier, notice))
    assert "PHIẾU XIN LỖI" in text and dossier.code in text and "DỰ THẢO" not in text
    assert f"{new_day:%d}" in text

    # Only once; and the citizen can see the new date in public tracking (the due date itself moved).
    with pytest.raises(TransitionRefused) as refused:
        late.late_notice_draft(dossier_id=dossier.pk, officer=data["chuyenvien.a"], reason="Lần hai",
                               new_due_date=next_working_day_after(dossier))  # fmt: skip
    assert refused.value.code == "once"


def test_mau_04_is_refused_less_than_one_working_day_before_the_due_date(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    soon = schedule.add_working_hours(timezone.now(), 4, agency=dossier.agency_id)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=soon)
    before = snapshot(dossier)

    with pytest.raises(TransitionRefused) as refused:
        late.late_notice_draft(
            dossier_id=dossier.pk,
            officer=data["chuyenvien.a"],
            reason="Chậm",
            new_due_date=next_working_day_after(Dossier.objects.get(pk=dossier.pk)),
        )

    assert refused.value.code == "too_late"
    assert snapshot(dossier) == before and not LateNotice.objects.exists()


def test_only_a_leader_approves_mau_04_and_a_new_date_must_be_later(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    with pytest.raises(services.ProcessingError):
        late.late_notice_draft(
            dossier_id=dossier.pk,
            officer=data["chuyenvien.a"],
            reason="Chậm",
            new_due_date=timezone.localtime(Dossier.objects.get(pk=dossier.pk).due_at).date()
            - datetime.timedelta(days=1),
        )
    notice = late.late_notice_draft(
        dossier_id=dossier.pk, officer=data["chuyenvien.a"], reason="Chậm",
        new_due_date=next_working_day_after(Dossier.objects.get(pk=dossier.pk)),
    )  # fmt: skip
    before = snapshot(dossier)
    with pytest.raises(TransitionRefused):
        late.late_notice_decide(notice_id=notice.pk, leader=data["truongphong.a"], approve=True)
    assert snapshot(dossier) == before
    assert LateNotice.objects.get(pk=notice.pk).state == NoticeState.DRAFT

    late.late_notice_decide(
        notice_id=notice.pk, leader=data["lanhdao.a"], approve=False, note="Chưa đủ lý do"
    )
    assert LateNotice.objects.get(pk=notice.pk).state == NoticeState.REJECTED
    assert snapshot(dossier)[:3] == before[:3]


def test_stop_proposed_with_reasons_and_approved_by_the_leader(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 2)
    with pytest.raises(services.ProcessingError):
        late.stop_propose(dossier_id=dossier.pk, officer=data["chuyenvien.a"], reasons=["  "])

    notice = late.stop_propose(
        dossier_id=dossier.pk, officer=data["chuyenvien.a"], reasons=["Người yêu cầu đã chết", "Giấy tờ giả"]
    )
    late.stop_decide(notice_id=notice.pk, leader=data["lanhdao.a"], approve=True)

    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED
    assert Track.objects.get(dossier=dossier).state == TrackState.CLOSED
    assert Message.objects.filter(event="dossier.stopped").exists()
    text = pdf_text(paperwork.stop_pdf(dossier, StopNotice.objects.get(pk=notice.pk)))
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT" in text and "Giấy tờ giả" in text


def test_withdrawal_requested_by_the_citizen_then_declined_then_approved(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 2)
    with pytest.raises(TransitionRefused):
        late.withdrawal_request(dossier_id=dossier.pk, applicant=data["stranger"], reason="x")

    request = late.withdrawal_request(
        dossier_id=dossier.pk, applicant=data["citizen"], reason="Nộp nhầm thủ tục"
    )
    assert Dossier.objects.get(pk=dossier.pk).status == Status.WITHDRAWAL_REQUESTED
    with pytest.raises(TransitionRefused):  # nobody processes a paused dossier
        services.processing_forward(dossier_id=dossier.pk, officer=data["truongphong.a"])
    with pytest.raises(services.ProcessingError):
        late.withdrawal_decide(request_id=request.pk, officer=data["lanhdao.a"], approve=False)

    late.withdrawal_decide(
        request_id=request.pk, officer=data["lanhdao.a"], approve=False, note="Đã ký duyệt"
    )
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    assert Track.objects.get(dossier=dossier).state == TrackState.IN_PROGRESS

    again = late.withdrawal_request(dossier_id=dossier.pk, applicant=data["citizen"], reason="Vẫn muốn rút")
    with pytest.raises(TransitionRefused):
        late.withdrawal_decide(request_id=again.pk, officer=data["chuyenvien.a"], approve=True)
    late.withdrawal_decide(request_id=again.pk, officer=data["truongphong.a"], approve=True)
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED
    assert Message.objects.filter(event="dossier.withdrawal_approved").exists()


def test_alerts_go_to_the_holder_and_the_head_once_per_step(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    Track.objects.filter(dossier=dossier).update(step_due_at=timezone.now() + datetime.timedelta(minutes=30))
    Dossier.objects.filter(pk=dossier.pk).update(due_at=timezone.now() + datetime.timedelta(minutes=40))

    sent = late.alerts_send()
    assert sent == 2  # the step, and the dossier's due date
    recipients = set(Message.objects.filter(event="dossier.due_soon").values_list("recipient", flat=True))
    assert {"chuyenvien.a@hacthanh.vn", "truongphong.a@hacthanh.vn", "lanhdao.a@hacthanh.vn"} <= recipients
    count = Message.objects.filter(event="dossier.due_soon").count()

    call_command("processing_alerts", stdout=io.StringIO())
    assert Message.objects.filter(event="dossier.due_soon").count() == count  # idempotent

    services.processing_forward(dossier_id=dossier.pk, officer=data["chuyenvien.a"])
    Track.objects.filter(dossier=dossier).update(step_due_at=timezone.now() + datetime.timedelta(minutes=30))
    assert late.alerts_send() == 1  # the new step; the due date was already alerted
