"""Worked examples shared by the tests (Thanh Hóa's real code format; invented people)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dichvucong.paperwork import (
    Agency,
    Component,
    DeliveryMethod,
    LedgerRow,
    MissingItem,
    Person,
    ReceiptData,
    RefusalData,
    ResultDelivery,
    SupplementRequestData,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "000.00.06.H56-231027-0361"
RECEIVED = dt.datetime(2023, 10, 27, 9, 32, tzinfo=VN)
DUE = dt.datetime(2023, 11, 3, 9, 0, tzinfo=VN)

AGENCY = Agency(
    name="Bộ phận Tiếp nhận và Trả kết quả huyện Quảng Xương",
    parent_name="Ủy ban nhân dân huyện Quảng Xương",
    place_name="Quảng Xương",
)
APPLICANT = Person(
    name="Nguyễn Thị Hồng Nhung",
    address="Thôn Đông Phú, xã Quảng Định, huyện Quảng Xương, tỉnh Thanh Hóa",
    phone="0912 345 678",
    email="nhung.nguyen@example.vn",
    id_number="038190001234",
)
OWNER = Person(name="Lê Văn Dũng", address="Số 12 đường Lê Lợi, phường Điện Biên, TP Thanh Hóa")
PROCEDURE = "Đăng ký thành lập hộ kinh doanh"


def receipt(**changes) -> ReceiptData:
    values = dict(
        agency=AGENCY,
        code=CODE,
        tracking_url="https://dichvucong.thanhhoa.gov.vn/tra-cuu?ma=" + CODE,
        applicant=APPLICANT,
        owner=OWNER,
        procedure_name=PROCEDURE,
        components=[
            Component("Giấy đề nghị đăng ký hộ kinh doanh", originals=1),
            Component("Bản sao giấy tờ pháp lý của chủ hộ kinh doanh", copies=1),
            Component("Hợp đồng thuê địa điểm kinh doanh", originals=1, copies=1),
        ],
        sets=1,
        legal_processing_time="5 ngày làm việc",
        received_at=RECEIVED,
        due_at=DUE,
        receiving_officer="Trần Quốc Tuấn",
        delivery=ResultDelivery(
            DeliveryMethod.COUNTER, "Trung tâm Phục vụ hành chính công huyện Quảng Xương"
        ),
        fee_note="Thu trước: 100.000 đồng (lệ phí đăng ký hộ kinh doanh)",
        hotline="0237 3 852 888",
    )
    values.update(changes)
    return ReceiptData(**values)


def supplement(**changes) -> SupplementRequestData:
    values = dict(
        agency=AGENCY,
        code=CODE,
        applicant=APPLICANT,
        procedure_name=PROCEDURE,
        items=[
            MissingItem("Hợp đồng thuê địa điểm kinh doanh", "Chưa có chữ ký của bên cho thuê"),
            MissingItem("Bản sao căn cước của chủ hộ", "Bản chụp mờ, không đọc được số định danh"),
        ],
        deadline=dt.date(2023, 11, 10),
        officer="Trần Quốc Tuấn",
        requested_at=RECEIVED,
        hotline="0237 3 852 888",
    )
    values.update(changes)
    return SupplementRequestData(**values)


def refusal(**changes) -> RefusalData:
    values = dict(
        agency=AGENCY,
        code=CODE,
        applicant=APPLICANT,
        procedure_name=PROCEDURE,
        reasons=[
            "Ngành, nghề đăng ký thuộc danh mục ngành, nghề cấm đầu tư kinh doanh.",
            "Tên hộ kinh doanh trùng với tên đã đăng ký trên địa bàn huyện.",
        ],
        officer="Trần Quốc Tuấn",
        refused_at=RECEIVED,
        hotline="0237 3 852 888",
    )
    values.update(changes)
    return RefusalData(**values)


def ledger_rows(count: int = 3) -> list[LedgerRow]:
    rows = []
    for n in range(count):
        rows.append(
            LedgerRow(
                code=f"000.00.06.H56-231027-{n + 1:04d}",
                procedure_name=PROCEDURE if n % 2 else "Cấp bản sao trích lục hộ tịch",
                sets=1 + n % 2,
                owner_name="Phạm Thị Ánh Tuyết" if n % 2 else "Đỗ Đức Hưng",
                address="Xã Quảng Định, huyện Quảng Xương, tỉnh Thanh Hóa",
                phone="0912345678",
                received_at=RECEIVED + dt.timedelta(minutes=7 * n),
                due_at=DUE,
                returned_at=DUE - dt.timedelta(days=1) if n % 3 == 0 else None,
                receiving_officer="Trần Quốc Tuấn",
                area="Xã Quảng Định",
            )
        )
    return rows
