"""Vào số: the number (số, ký hiệu) and signing date (ngày ký) the clerk gives a result before it leaves.

Rules: both are required; the signing date is neither in the future nor before the dossier was received; a
number is used once per agency and year (documents are numbered from 01 each year in the agency's register,
NĐ 30/2020 Điều 15 as we read it; domain.md states no rule). Numbers are compared case-insensitively and with
spaces collapsed, and stored that way (upper case, as ký hiệu are written: "12/GCN-UBND").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from dichvucong.accounts.dates import parse_typed_date
from dichvucong.dossiers.models import Dossier
from dichvucong.processing.models import DossierResult

MAX_LENGTH = 60


class NumberRefused(Exception):
    def __init__(self, message: str, *, field: str, code: str):
        super().__init__(message)
        self.message, self.field, self.code = message, field, code


@dataclass(frozen=True)
class Registration:
    number: str
    signed_on: datetime.date
    agency_id: int
    year: int

    @property
    def label(self) -> str:
        return f"Vào số kết quả: số {self.number}, ngày ký {self.signed_on:%d/%m/%Y}"


def parse_signed_on(text: str) -> datetime.date | None:
    """A signing date typed day first as people type it ("05/12/2026", "05.12.2026", "05122026"; the same
    parser as every typed date, ``accounts.dates.parse_typed_date``) or ISO from the API; None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_typed_date(text)
    except ValidationError as error:
        raise NumberRefused(
            f"Ngày ký không hợp lệ. {error.messages[0]}", field="signed_on", code="signed_on_format"
        ) from error


def normalise(number: str) -> str:
    return " ".join((number or "").split()).upper()


def result_number_check(
    *, dossier: Dossier, number: str, signed_on: datetime.date | None, taken: set[str] = frozenset()
) -> Registration:
    """The registration to write, or ``NumberRefused`` with a message for the field at fault."""
    number = normalise(number)
    if not number:
        raise NumberRefused(
            "Hãy nhập số, ký hiệu của văn bản kết quả (ví dụ 12/GCN-UBND).", field="number", code="number"
        )
    if len(number) > MAX_LENGTH:
        raise NumberRefused(
            f"Số, ký hiệu dài tối đa {MAX_LENGTH} ký tự.", field="number", code="number_length"
        )
    if signed_on is None:
        raise NumberRefused(
            "Hãy nhập ngày ký của văn bản kết quả (ngày/tháng/năm).", field="signed_on", code="signed_on"
        )
    if signed_on > timezone.localdate():
        raise NumberRefused("Ngày ký không được sau ngày hôm nay.", field="signed_on", code="future")
    received = timezone.localtime(dossier.received_at).date() if dossier.received_at else None
    if received is not None and signed_on < received:
        raise NumberRefused(
            f"Ngày ký không được trước ngày tiếp nhận hồ sơ ({received:%d/%m/%Y}).",
            field="signed_on",
            code="before_reception",
        )
    year = signed_on.year
    if (
        number in taken
        or DossierResult.objects.filter(
            register_agency_id=dossier.agency_id, register_year=year, number=number
        ).exists()
    ):
        raise NumberRefused(
            f"Số {number} đã được vào sổ cho một kết quả khác của cơ quan trong năm {year}.",
            field="number",
            code="number_taken",
        )
    return Registration(number=number, signed_on=signed_on, agency_id=dossier.agency_id, year=year)
