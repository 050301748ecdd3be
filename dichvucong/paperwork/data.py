"""Plain data the forms are drawn from: no Django, so any caller can fill them in.

All datetimes must be timezone-aware; they are shown in Vietnam time (Asia/Ho_Chi_Minh).
Text may arrive in any Unicode normal form; it is normalised to NFC when drawn.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Agency:
    """The issuing unit (e.g. the one-stop section) and its superior, for the header's left column."""

    name: str
    parent_name: str = ""
    # Locality written before the date line: "Thanh Hóa, ngày 27 tháng 10 năm 2023".
    place_name: str = ""
    address: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Person:
    """The applicant (người nộp hồ sơ) or the dossier owner (chủ hồ sơ)."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    # CMND/CCCD/hộ chiếu/mã định danh cá nhân.
    id_number: str = ""


@dataclass(frozen=True, slots=True)
class Component:
    """One paper of the dossier (thành phần hồ sơ) and how many of each kind were handed in."""

    name: str
    originals: int = 0
    copies: int = 0
    # Bản sao chứng thực; its column is shown only when some component has one.
    certified_copies: int = 0


class DeliveryMethod(enum.StrEnum):
    COUNTER = "counter"
    POST = "post"
    ONLINE = "online"


@dataclass(frozen=True, slots=True)
class ResultDelivery:
    """Where the citizen collects the result: the counter's address, the postal address, or the portal."""

    method: DeliveryMethod
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FeeCharge:
    """A fee billed for the dossier (phí, lệ phí), as the payments ledger and the e-receipt record it."""

    amount: int  # whole đồng
    description: str = ""  # e.g. "Lệ phí đăng ký khai sinh"
    paid: bool = False
    paid_at: dt.datetime | None = None
    receipt_number: str = ""
    paid_in_cash: bool = False
    refunded: bool = False


@dataclass(frozen=True, slots=True)
class ReceiptData:
    """Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

    agency: Agency
    code: str
    tracking_url: str
    applicant: Person
    procedure_name: str
    components: list[Component]
    sets: int
    legal_processing_time: str
    received_at: dt.datetime
    # None: the procedure has no return date ("Không có ngày hẹn trả").
    due_at: dt.datetime | None
    receiving_officer: str
    delivery: ResultDelivery
    # None: the owner is the applicant.
    owner: Person | None = None
    # Fees billed (from the payments ledger); when empty, ``fee_note`` or "Không" is printed.
    fees: tuple[FeeCharge, ...] = ()
    fee_note: str = ""
    hotline: str = ""


@dataclass(frozen=True, slots=True)
class MissingItem:
    """A paper to add or complete, and why."""

    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class SupplementRequestData:
    """Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""

    agency: Agency
    code: str
    applicant: Person
    procedure_name: str
    items: list[MissingItem]
    deadline: dt.date
    officer: str
    requested_at: dt.datetime
    hotline: str = ""


@dataclass(frozen=True, slots=True)
class RefusalData:
    """Mẫu số 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ. At least one reason is required."""

    agency: Agency
    code: str
    applicant: Person
    procedure_name: str
    reasons: list[str]
    officer: str
    refused_at: dt.datetime
    hotline: str = ""


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One line of the Sổ theo dõi hồ sơ."""

    code: str
    procedure_name: str
    sets: int
    owner_name: str
    address: str
    phone: str
    received_at: dt.datetime
    due_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    receiving_officer: str = ""
    area: str = ""
