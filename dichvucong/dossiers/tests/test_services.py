import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dichvucong.documents.testing import minimal_pdf_bytes, minimal_png_bytes
from dichvucong.dossiers import reception, services
from dichvucong.dossiers.models import Dossier, DossierEvent, DossierFile, Status
from dichvucong.dossiers.tests.conftest import pdf
from dichvucong.dossiers.workflow import TransitionRefused
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db


def test_draft_is_prefilled_from_the_profile(setup):
    dossier = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])

    assert dossier.status == Status.DRAFT and dossier.code is None
    assert dossier.applicant_name == "Nguyễn Văn An" and dossier.applicant_phone == "+84912345678"
    assert dossier.owner_id_number == "038090012345" and dossier.agency == setup["commune"]


def test_submit_assigns_a_code_once_and_notifies(ready_draft, setup):
    first = services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])
    again = services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])

    today = timezone.localdate().strftime("%y%m%d")
    assert first.code == again.code == f"000.00.31.H56-{today}-0001"
    assert first.status == Status.SUBMITTED
    assert DossierEvent.objects.filter(dossier=first, action="submit").count() == 1
    assert Message.objects.filter(event="dossier.submitted", recipient="+84912345678").exists()


def test_codes_follow_a_daily_sequence_per_agency(setup):
    codes = []
    for _ in range(3):
        dossier = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
        for component in services.components_for(dossier)[:2]:
            services.dossier_attach(
                dossier=dossier, applicant=setup["citizen"], component=component, upload=pdf()
            )
        codes.append(services.dossier_submit(dossier_id=dossier.pk, applicant=setup["citizen"]).code)

    assert [code[-4:] for code in codes] == ["0001", "0002", "0003"]
    assert all(re.fullmatch(r"000\.00\.31\.H56-\d{6}-\d{4}", code) for code in codes)


def test_missing_required_component_refuses_submission_and_changes_nothing(setup):
    dossier = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])

    with pytest.raises(services.DossierError) as refused:
        services.dossier_submit(dossier_id=dossier.pk, applicant=setup["citizen"])

    dossier.refresh_from_db()
    assert "Còn thiếu giấy tờ" in refused.value.message
    assert dossier.status == Status.DRAFT and dossier.code is None
    assert not DossierEvent.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("to-khai.pdf", b"MZ\x90\x00" + b"\x00" * 100),  # an EXE renamed .pdf
        ("rong.pdf", b""),  # 0 bytes
        ("trang.pdf", b"<html><script>alert(1)</script></html>"),  # a web page renamed .pdf
    ],
)
def test_bad_uploads_are_refused_and_leave_nothing(setup, name, content, tmp_path):
    dossier = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
    component = services.components_for(dossier)[0]

    with pytest.raises(services.DossierError):
        services.dossier_attach(
            dossier=dossier,
            applicant=setup["citizen"],
            component=component,
            upload=pdf(name=name, content=content),
        )

    assert not DossierFile.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_png_named_pdf_is_kept_as_what_it_really_is(setup):
    dossier = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
    component = services.components_for(dossier)[0]
    png = minimal_png_bytes()

    attached = services.dossier_attach(
        dossier=dossier,
        applicant=setup["citizen"],
        component=component,
        upload=pdf(name="anh.pdf", content=png),
    )

    assert attached.document.content_type == "image/png"


def test_another_citizen_cannot_change_or_submit_a_dossier(ready_draft, setup):
    with pytest.raises(PermissionDenied):
        services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["stranger"])
    with pytest.raises(PermissionDenied):
        services.dossier_update_draft(dossier=ready_draft, applicant=setup["stranger"], owner_name="X")

    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.DRAFT and ready_draft.owner_name == "Nguyễn Văn An"


def submitted(ready_draft, setup) -> Dossier:
    return services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])


def test_accept_sets_received_time_and_due_date(ready_draft, setup):
    dossier = submitted(ready_draft, setup)

    accepted = reception.dossier_accept(dossier_id=dossier.pk, officer=setup["receptionist"])

    assert accepted.status == Status.ACCEPTED
    assert accepted.received_at and accepted.due_at and accepted.due_at > accepted.received_at
    assert accepted.received_by == setup["receptionist"]
    assert Message.objects.filter(event="dossier.accepted").exists()


def test_accepting_twice_from_two_tabs_lets_one_win(ready_draft, setup):
    dossier = submitted(ready_draft, setup)
    reception.dossier_accept(
        dossier_id=dossier.pk, officer=setup["receptionist"], expected_status=Status.SUBMITTED
    )

    with pytest.raises(TransitionRefused) as second:
        reception.dossier_accept(
            dossier_id=dossier.pk, officer=setup["receptionist"], expected_status=Status.SUBMITTED
        )

    assert second.value.code == "stale"
    assert DossierEvent.objects.filter(dossier=dossier, action="accept").count() == 1


def test_staff_of_another_agency_cannot_accept_and_nothing_changes(ready_draft, setup):
    dossier = submitted(ready_draft, setup)

    with pytest.raises(TransitionRefused) as refused:
        reception.dossier_accept(dossier_id=dossier.pk, officer=setup["outsider"])

    dossier.refresh_from_db()
    assert refused.value.code == "forbidden"
    assert dossier.status == Status.SUBMITTED and dossier.received_at is None


def test_illegal_transition_is_refused(ready_draft, setup):
    dossier = submitted(ready_draft, setup)
    reception.dossier_refuse(
        dossier_id=dossier.pk, officer=setup["receptionist"], reasons=["Không thuộc thẩm quyền"]
    )

    with pytest.raises(TransitionRefused) as refused:
        reception.dossier_accept(dossier_id=dossier.pk, officer=setup["receptionist"])

    dossier.refresh_from_db()
    assert refused.value.code == "illegal" and dossier.status == Status.REFUSED


def test_refusal_needs_a_reason(ready_draft, setup):
    dossier = submitted(ready_draft, setup)

    with pytest.raises(services.DossierError):
        reception.dossier_refuse(dossier_id=dossier.pk, officer=setup["receptionist"], reasons=["  ", ""])

    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_supplement_pauses_the_clock_and_the_due_date_moves_by_the_pause(ready_draft, setup, monkeypatch):
    dossier = submitted(ready_draft, setup)
    accepted = reception.dossier_accept(dossier_id=dossier.pk, officer=setup["receptionist"])
    old_due = accepted.due_at
    reception.dossier_request_supplement(
        dossier_id=dossier.pk,
        officer=setup["receptionist"],
        items=[{"name": "Giấy chứng sinh bản chính", "reason": "Bản chụp mờ"}],
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    later = timezone.now() + datetime.timedelta(days=7)
    monkeypatch.setattr(timezone, "now", lambda: later)
    services.dossier_send_supplement(
        dossier_id=dossier.pk,
        applicant=setup["citizen"],
        note="Đã gửi bản rõ",
        uploads=[(services.components_for(dossier)[1], pdf(content=PDF_2))],
    )

    completed = reception.dossier_complete_supplement(dossier_id=dossier.pk, officer=setup["receptionist"])

    assert completed.status == Status.ACCEPTED and completed.paused_at is None
    assert completed.due_at > old_due
    assert completed.supplements.get().due_before == old_due


PDF_2 = minimal_pdf_bytes("ban ro hon")


def test_supplement_after_the_deadline_is_refused(ready_draft, setup, monkeypatch):
    dossier = submitted(ready_draft, setup)
    reception.dossier_request_supplement(
        dossier_id=dossier.pk,
        officer=setup["receptionist"],
        items=[{"name": "Tờ khai có chữ ký"}],
        deadline=timezone.localdate() + datetime.timedelta(days=2),
    )
    later = timezone.now() + datetime.timedelta(days=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: later.date())

    with pytest.raises(services.DossierError) as refused:
        services.dossier_send_supplement(dossier_id=dossier.pk, applicant=setup["citizen"], note="Muộn")

    dossier.refresh_from_db()
    assert "quá hạn" in refused.value.message
    assert dossier.supplement_state == "awaiting_citizen"


def test_a_second_supplement_request_is_flagged(ready_draft, setup):
    dossier = submitted(ready_draft, setup)
    deadline = timezone.localdate() + datetime.timedelta(days=3)
    ask = {
        "dossier_id": dossier.pk,
        "officer": setup["receptionist"],
        "items": [{"name": "Tờ khai"}],
        "deadline": deadline,
    }
    reception.dossier_request_supplement(**ask)
    reception.dossier_complete_supplement(dossier_id=dossier.pk, officer=setup["receptionist"])
    reception.dossier_request_supplement(**ask)

    flags = list(
        DossierEvent.objects.filter(dossier=dossier, action="request_supplement").values_list(
            "data", flat=True
        )
    )
    assert [flag["repeat"] for flag in flags] == [False, True]
