"""Biên lai điện tử thu phí, lệ phí: the e-receipt of a paid fee, as PDF.

Pure function over plain dataclasses (no Django), like the other paperwork modules. The layout follows
the usual content of a fee receipt (issuing unit, receipt series and number, payer, dossier, lines, total
in figures and in words, how it was paid, when); it is not a tax-authority e-invoice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from .data import Agency, Person
from .layout import FORM_WIDTH, QRFlowable, build_pdf, grid_table, line, national_header, styles
from .text import clean, local, markup

RECEIPT_TITLE = "BIÊN LAI THU PHÍ, LỆ PHÍ"
SUBTITLE = "(Biên lai điện tử)"

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    name: str
    quantity: int
    unit_amount: int
    amount: int
    kind: str = ""  # "Phí" or "Lệ phí"


@dataclass(frozen=True, slots=True)
class PaymentReceiptData:
    agency: Agency
    receipt_number: str
    dossier_code: str
    procedure_name: str
    payer: Person
    lines: list[ReceiptLine]
    gross_amount: int
    reduction: int
    amount: int
    paid_at: dt.datetime
    method: str  # "Thanh toán trực tuyến qua VNPAY", "Tiền mặt thu qua bưu điện", …
    series: str = "BLDT"
    reduction_reason: str = ""
    transaction_reference: str = ""
    gateway_transaction_no: str = ""
    collector: str = ""
    verify_url: str = ""
    notes: list[str] = field(default_factory=list)


def money(amount: int) -> str:
    grouped = f"{abs(int(amount)):,}".replace(",", ".")
    return f"{'-' if amount < 0 else ''}{grouped} đ"


def _three(number: int, full: bool) -> list[str]:
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def amount_in_words(amount: int) -> str:
    """7500 -> "Bảy nghìn năm trăm đồng" (Vietnamese reading, "linh" for an empty tens digit)."""
    amount = int(amount)
    if amount == 0:
        return "Không đồng"
    groups: list[int] = []
    rest = abs(amount)
    while rest:
        rest, group = divmod(rest, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            continue
        words += _three(group, full=index < len(groups) - 1)
        if _SCALES[index]:
            words.append(_SCALES[index])
    text = " ".join(words) + " đồng"
    if amount < 0:
        text = "âm " + text
    return text[0].upper() + text[1:]


def render_payment_receipt_pdf(data: PaymentReceiptData) -> bytes:
    s = styles()
    story: list[Flowable] = [
        *national_header(
            data.agency, data.paid_at, f"Ký hiệu: {clean(data.series)} - Số: {clean(data.receipt_number)}"
        )
    ]
    story += [Paragraph(RECEIPT_TITLE, s.title), Paragraph(SUBTITLE, s.body_center), Spacer(0, 4)]
    story.append(line("Số biên lai", data.receipt_number, bold=True))
    story.append(line("Họ tên người nộp tiền", data.payer.name, bold=True))
    if clean(data.payer.id_number):
        story.append(line("Số định danh cá nhân", data.payer.id_number))
    if clean(data.payer.address):
        story.append(line("Địa chỉ", data.payer.address))
    story.append(line("Mã hồ sơ", data.dossier_code, bold=True))
    story.append(line("Nội dung", f"Nộp phí, lệ phí: {clean(data.procedure_name)}"))
    story.append(Spacer(0, 4))

    widths = [12 * mm, FORM_WIDTH - 12 * mm - 18 * mm - 30 * mm - 32 * mm, 18 * mm, 30 * mm, 32 * mm]
    rows = [
        [
            Paragraph(str(number), s.cell_center),
            Paragraph(markup(f"{item.kind}: {item.name}" if item.kind else item.name), s.cell),
            Paragraph(str(item.quantity), s.cell_center),
            Paragraph(money(item.unit_amount), s.cell_center),
            Paragraph(money(item.amount), s.cell_center),
        ]
        for number, item in enumerate(data.lines, start=1)
    ]
    if data.reduction:
        reason = f" ({clean(data.reduction_reason)})" if clean(data.reduction_reason) else ""
        rows.append(
            [
                "",
                Paragraph(markup(f"Miễn, giảm{reason}"), s.cell),
                "",
                "",
                Paragraph(money(-data.reduction), s.cell_center),
            ]
        )
    rows.append(
        [
            "",
            Paragraph("<b>Tổng cộng</b>", s.cell),
            "",
            "",
            Paragraph(f"<b>{money(data.amount)}</b>", s.cell_center),
        ]
    )
    story.append(grid_table(["STT", "Khoản thu", "Số lượng", "Đơn giá", "Thành tiền"], rows, widths))
    story.append(Spacer(0, 4))
    story.append(line("Số tiền bằng chữ", amount_in_words(data.amount), bold=True))
    story.append(line("Hình thức thanh toán", data.method))
    story.append(line("Thời điểm thanh toán", f"{local(data.paid_at):%H:%M ngày %d/%m/%Y}"))
    if clean(data.transaction_reference):
        story.append(line("Mã giao dịch", data.transaction_reference))
    if clean(data.gateway_transaction_no):
        story.append(line("Mã giao dịch tại cổng thanh toán", data.gateway_transaction_no))
    if clean(data.collector):
        story.append(line("Người thu tiền", data.collector))
    for note in data.notes:
        story.append(Paragraph(markup(note), s.note))
    if clean(data.verify_url):
        story += [
            Spacer(0, 6),
            QRFlowable(clean(data.verify_url), 26 * mm),
            Paragraph("Quét mã để xem giao dịch", s.small),
        ]
    story.append(
        Paragraph(
            "Biên lai điện tử do hệ thống Dịch vụ công lập tự động khi nhận được tiền; "
            "không cần chữ ký, đóng dấu.",
            s.note,
        )
    )
    return build_pdf(story, title=f"{RECEIPT_TITLE} {data.receipt_number}", footer_text=data.receipt_number)
