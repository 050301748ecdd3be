"""The HoSoDongBoDVC payload: every part of domain.md §3.3, valid against the JSON Schema the fake portal
uses, dates as yyyyMMddHHmmss in Vietnam time."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dichvucong.delivery.tests.conftest import submitted_dossier
from dichvucong.documents.services import document_store
from dichvucong.dossiers import reception
from dichvucong.dossiers.models import Channel, Dossier, DossierFile
from dichvucong.dossiers.tests.conftest import PDF, pdf
from dichvucong.dossiers.workflow import transition
from dichvucong.national.payload import dossier_payload, national_time
from dichvucong.national.testing import schema_errors
from dichvucong.payments.models import PaymentRequest
from dichvucong.processing.models import DossierResult


def test_national_time_is_vietnam_time_in_fourteen_digits():
    moment = datetime.datetime(2026, 3, 9, 2, 5, 7, tzinfo=datetime.UTC)
    assert national_time(moment) == "20260309090507"
    assert national_time(datetime.date(2026, 3, 9)) == "20260309000000"
    assert national_time(None) is None


def _full_dossier(world) -> Dossier:
    citizen = world["citizen"]
    dossier = submitted_dossier(world)
    reception.dossier_accept(dossier_id=dossier.pk, officer=world["receptionist"])
    reception.dossier_request_supplement(
        dossier_id=dossier.pk,
        officer=world["receptionist"],
        items=[{"name": "Bản sao giấy chứng sinh", "reason": "Bản chụp mờ"}],
        deadline=timezone.localdate() + datetime.timedelta(days=5),
    )
    reception.dossier_complete_supplement(dossier_id=dossier.pk, officer=world["receptionist"])
    transition(dossier_id=dossier.pk, action="start_processing", actor=world["specialist"])
    PaymentRequest.objects.create(
        dossier=dossier,
        agency=dossier.agency,
        items=[
            {"name": "Lệ phí đăng ký khai sinh", "kind": "charge", "amount": 8000, "fee_item_id": 17},
            {"name": "Phí sao lục", "kind": "fee", "amount": 3000},
        ],
        gross_amount=11000,
        amount=11000,
        state=PaymentRequest.State.PAID,
        paid_at=timezone.now(),
        online_payment=2,
    )
    result_document, _ = document_store(
        owner=citizen, upload=pdf("ket-qua.pdf", PDF + b"ket-qua"), title="Giấy khai sinh", source="result"
    )
    DossierResult.objects.create(
        dossier=dossier,
        result_code="KQ.G15.000031",
        name="Giấy khai sinh (bản chính)",
        document=result_document,
        issued_at=timezone.now(),
    )
    DossierFile.objects.filter(dossier=dossier).order_by("pk").filter(
        pk=DossierFile.objects.filter(dossier=dossier).order_by("pk").first().pk
    ).update(reused=True)
    return transition(dossier_id=dossier.pk, action="resolve", actor=world["leader"])


def test_the_payload_of_a_dossier_with_everything_is_schema_valid(world, settings):
    dossier = _full_dossier(world)

    payload, event_id = dossier_payload(dossier_id=dossier.pk)

    assert schema_errors(payload) == []
    assert event_id == dossier.events.order_by("-pk").first().pk
    assert payload["MaHoSo"] == dossier.code and payload["MaTTHC"] == "1.001193"
    assert (payload["KenhThucHien"], payload["TrangThaiHoSo"], payload["LoaiDoiTuong"]) == (2, 9, 1)
    assert payload["ChuHoSo"] == "Nguyễn Văn An" and payload["DinhDanhCHS"] == [
        {"LoaiDinhDanh": 1, "SoDinhDanh": "038090012345"}
    ]
    for key in ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy"):
        assert len(payload[key]) == 14 and payload[key].isdigit(), key
    assert payload["DuocThanhToanTrucTuyen"] == 2
    assert [
        (f["TenPhiLePhi"], f["Gia"], f["LoaiPhiLePhi"], f["HinhThucThu"]) for f in payload["DanhSachLePhi"]
    ] == [
        ("Lệ phí đăng ký khai sinh", 8000, 2, 2),
        ("Phí sao lục", 3000, 1, 2),
    ]
    documents = payload["TaiLieuNop"]
    assert len(documents) == 2 and payload["HoSoCoThanhPhanSoHoa"] == 1
    assert [(d["DuocSoHoa"], d["DuocTaiSuDung"], d["DuocLayTuKhoDMQG"]) for d in documents] == [
        (1, 1, 0),
        (1, 0, 0),
    ]
    assert documents[0]["DuongDanTaiTepTin"].startswith("https://dichvucong.thanhhoa.gov.vn/ca-nhan/giay-to/")
    (supplement,) = payload["DanhSachHoSoBoSung"]
    assert supplement["NoiDungBoSung"] == "Bản sao giấy chứng sinh"
    assert supplement["NgayHenTraTruoc"] and supplement["NgayHenTraMoi"]
    assert supplement["NgayHenTraMoi"] >= supplement["NgayHenTraTruoc"]
    (result,) = payload["DanhSachGiayToKetQua"]
    assert result["MaGiayToKetQua"] == "KQ.G15.000031" and result["DuongDanTepTinKetQua"].startswith(
        "https://"
    )
    assert [entry["TrangThai"] for entry in payload["QuaTrinhXuLy"]] == [1, 2, 5, 2, 4, 9]
    assert payload["QuaTrinhXuLy"][1]["NguoiXuLy"] == "Trần Thị Bình"
    assert payload["QuaTrinhXuLy"][1]["ChucDanh"] == "Tiếp nhận và trả kết quả"


def test_a_counter_dossier_is_channel_one_and_a_postal_one_three(world):
    dossier = submitted_dossier(world)
    Dossier.objects.filter(pk=dossier.pk).update(channel=Channel.IN_PERSON)
    assert dossier_payload(dossier_id=dossier.pk)[0]["KenhThucHien"] == 1
    Dossier.objects.filter(pk=dossier.pk).update(channel=Channel.POSTAL)
    payload, _ = dossier_payload(dossier_id=dossier.pk)
    assert payload["KenhThucHien"] == 3 and payload["DuocThanhToanTrucTuyen"] == 3
    assert schema_errors(payload) == []


def test_a_refused_dossier_carries_its_refusal_date(world):
    dossier = submitted_dossier(world)
    reception.dossier_refuse(dossier_id=dossier.pk, officer=world["receptionist"], reasons=["Sai thủ tục"])

    payload, _ = dossier_payload(dossier_id=dossier.pk)

    assert payload["TrangThaiHoSo"] == 3 and payload["NgayTuChoi"] == payload["NgayKetThucXuLy"]
    assert payload["NgayTuChoi"] is not None and schema_errors(payload) == []


def test_the_schema_refuses_what_the_portal_would():
    bad = {"MaHoSo": "", "KenhThucHien": 4, "NgayTiepNhan": "2026-03-09"}
    errors = "\n".join(schema_errors(bad))
    assert "KenhThucHien" in errors and "NgayTiepNhan" in errors and "MaHoSo" in errors


def test_the_vneid_flag_is_what_was_true_when_the_dossier_was_submitted(world):
    from dichvucong.accounts.models import User

    dossier = submitted_dossier(world)
    assert dossier_payload(dossier_id=dossier.pk)[0]["TaiKhoanDuocXacThucVoiVNeID"] == 0

    # Proving the account through VNeID afterwards does not rewrite a past submission
    User.objects.filter(pk=world["citizen"].pk).update(
        identity_verified_by=User.IdentityProof.VNEID, identity_verified_at=timezone.now()
    )
    assert dossier_payload(dossier_id=dossier.pk)[0]["TaiKhoanDuocXacThucVoiVNeID"] == 0

    Dossier.objects.filter(pk=dossier.pk).update(owner_vneid_authenticated=True)
    assert dossier_payload(dossier_id=dossier.pk)[0]["TaiKhoanDuocXacThucVoiVNeID"] == 1
