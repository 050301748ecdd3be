"""Mẫu số 01, 02 and 03 of the one-stop procedure (structure of TT 01/2018/TT-VPCP, phụ lục; own wording)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from .data import (
    DeliveryMethod,
    FeeCharge,
    Person,
    ReceiptData,
    RefusalData,
    ResultDelivery,
    SupplementRequestData,
)
from .layout import (
    FORM_WIDTH,
    QRFlowable,
    build_pdf,
    grid_table,
    line,
    national_header,
    signatures,
    styles,
    title_block,
)
from .text import clean, date_words, due_time_text, intake_time_text, local, markup

RECEIPT_TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
SUPPLEMENT_TITLE = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
REFUSAL_TITLE = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"
APPLICANT_SIGN = "NGƯỜI NỘP HỒ SƠ"
OFFICER_SIGN = "NGƯỜI TIẾP NHẬN HỒ SƠ"

_DELIVERY_LABELS = {
    DeliveryMethod.COUNTER: "Nhận trực tiếp tại Bộ phận Một cửa",
    DeliveryMethod.POST: "Nhận qua dịch vụ bưu chính công ích",
    DeliveryMethod.ONLINE: "Nhận trực tuyến trên Cổng Dịch vụ công",
}


def _money(amount: int) -> str:
    return f"{int(amount):,}".replace(",", ".") + " đ"


def fee_text(fee: FeeCharge) -> str:
    """One billed fee as Mẫu 01 prints it: "7.500 đ (Lệ phí …) – đã nộp ngày 10/03/2026, biên lai số …"."""
    text = f"<b>{_money(fee.amount)}</b>"
    if clean(fee.description):
        text += f" ({markup(fee.description)})"
    if fee.refunded:
        return text + " – đã hoàn trả"
    if not fee.paid:
        return text + " – chưa nộp"
    text += " – đã nộp" + (" tiền mặt" if fee.paid_in_cash else "")
    if fee.paid_at is not None:
        text += f" ngày {local(fee.paid_at):%d/%m/%Y}"
    if clean(fee.receipt_number):
        text += f", biên lai số {markup(fee.receipt_number)}"
    return text


def fees_text(fees) -> str:
    return "; ".join(fee_text(fee) for fee in fees)


def delivery_text(delivery: ResultDelivery) -> str:
    label = _DELIVERY_LABELS[DeliveryMethod(delivery.method)]
    detail = clean(delivery.detail)
    return f"{label}: {detail}" if detail else label


def _applicant_lines(person: Person, intro: str) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [Paragraph(markup(intro), s.body), line("Ông/Bà", person.name, bold=True)]
    out.append(line("Địa chỉ", person.address))
    contact = f"Số điện thoại: {markup(person.phone) or '…'}"
    if clean(person.email):
        contact += f"&nbsp;&nbsp;&nbsp;&nbsp;Email: {markup(person.email)}"
    out.append(Paragraph(contact, s.body))
    if clean(person.id_number):
        out.append(line("Số CMND/CCCD/Hộ chiếu", person.id_number))
    return out


def _numbered(number: int, label: str, value_markup: str) -> Paragraph:
    return Paragraph(f"{number}. {markup(label)}: {value_markup}", styles().body)


def render_receipt_pdf(data: ReceiptData) -> bytes:
    """Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    s = styles()
    story: list[Flowable] = [*national_header(data.agency, data.received_at, "Mẫu số 01")]
    story += title_block(RECEIPT_TITLE, data.code)

    who = _applicant_lines(data.applicant, f"{clean(data.agency.name)} đã tiếp nhận hồ sơ của:")
    owner = data.owner
    if owner is not None and clean(owner.name):
        who.append(line("Chủ hồ sơ", owner.name, bold=True))
        if clean(owner.address):
            who.append(line("Địa chỉ chủ hồ sơ", owner.address))
    qr_size = 28 * mm
    qr_column = [
        QRFlowable(clean(data.tracking_url), qr_size),
        Spacer(0, 2),
        Paragraph("Quét mã để tra cứu hồ sơ", s.small_center),
    ]
    info = Table([[who, qr_column]], colWidths=[FORM_WIDTH - qr_size - 10 * mm, qr_size + 10 * mm])
    info.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 4 * mm),
            ]
        )
    )
    story.append(info)
    story.append(line("Nội dung yêu cầu giải quyết", data.procedure_name, bold=True))

    story.append(_numbered(1, "Thành phần hồ sơ đã nộp", ""))
    with_certified = any(c.certified_copies for c in data.components)
    header = ["STT", "Tên giấy tờ", "Bản chính", "Bản sao"]
    count_width = 20 * mm
    if with_certified:
        header.append("Bản sao chứng thực")
    widths = [12 * mm]
    widths.append(FORM_WIDTH - widths[0] - count_width * (len(header) - 2))
    widths += [count_width] * (len(header) - 2)
    rows = []
    for number, component in enumerate(data.components, start=1):
        counts = [component.originals, component.copies]
        if with_certified:
            counts.append(component.certified_copies)
        rows.append(
            [
                Paragraph(str(number), s.cell_center),
                Paragraph(markup(component.name), s.cell),
                *[Paragraph(str(count or "-"), s.cell_center) for count in counts],
            ]
        )
    if not rows:
        rows.append(
            [Paragraph("", s.cell), Paragraph("(Không có giấy tờ kèm theo)", s.cell)]
            + [""] * (len(header) - 2)
        )
    story.append(Spacer(0, 2))
    story.append(grid_table(header, rows, widths))
    story.append(Spacer(0, 3))
    story.append(_numbered(2, "Số bộ hồ sơ", f"{int(data.sets)} bộ"))
    story.append(_numbered(3, "Thời hạn giải quyết theo quy định", markup(data.legal_processing_time) or "…"))
    story.append(_numbered(4, "Thời gian nhận hồ sơ", f"<b>{intake_time_text(data.received_at)}</b>"))
    story.append(
        _numbered(5, "Thời gian trả kết quả giải quyết hồ sơ", f"<b>{due_time_text(data.due_at)}</b>")
    )
    story.append(_numbered(6, "Nơi trả kết quả", markup(delivery_text(data.delivery))))
    story.append(_numbered(7, "Phí, lệ phí", fees_text(data.fees) or markup(data.fee_note) or "Không"))

    notes = [
        "Kết quả có thể được trả trước ngày hẹn; khi đó Ông/Bà sẽ được báo qua tin nhắn hoặc thư điện tử.",
        f"Tra cứu tình trạng hồ sơ tại {markup(data.tracking_url)} (hoặc quét mã QR ở trên) "
        "bằng mã hồ sơ ghi trên giấy này.",
    ]
    if clean(data.hotline):
        notes.append(f"Mọi thắc mắc xin liên hệ đường dây nóng: {markup(data.hotline)}.")
    notes.append("Khi đến nhận kết quả, xin mang theo giấy này.")
    story.append(Paragraph("<b>Lưu ý:</b> " + " ".join(notes), s.note))
    story.append(signatures(APPLICANT_SIGN, data.applicant.name, OFFICER_SIGN, data.receiving_officer))
    return build_pdf(story, title=f"{RECEIPT_TITLE} {data.code}", footer_text=f"Mã hồ sơ: {data.code}")


def render_supplement_request_pdf(data: SupplementRequestData) -> bytes:
    """Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""
    if not data.items:
        raise ValueError("a supplement request must list at least one item to add or complete")
    s = styles()
    story: list[Flowable] = [*national_header(data.agency, data.requested_at, "Mẫu số 02")]
    story += title_block(SUPPLEMENT_TITLE, data.code)
    story += _applicant_lines(data.applicant, f"{clean(data.agency.name)} đã nhận hồ sơ của:")
    story.append(line("Nội dung yêu cầu giải quyết", data.procedure_name, bold=True))
    story.append(line("Thời gian lập phiếu", intake_time_text(data.requested_at)))
    story.append(
        Paragraph(
            "Sau khi xem xét, đối chiếu thành phần hồ sơ với quy định của thủ tục, hồ sơ chưa đầy đủ, "
            "chưa hợp lệ. Đề nghị Ông/Bà bổ sung, hoàn thiện những nội dung sau:",
            s.body,
        )
    )
    widths = [12 * mm, FORM_WIDTH * 0.45, FORM_WIDTH * 0.55 - 12 * mm]
    rows = [
        [
            Paragraph(str(number), s.cell_center),
            Paragraph(markup(item.name), s.cell),
            Paragraph(markup(item.reason), s.cell),
        ]
        for number, item in enumerate(data.items, start=1)
    ]
    story.append(Spacer(0, 2))
    story.append(grid_table(["STT", "Giấy tờ, nội dung cần bổ sung, hoàn thiện", "Lý do"], rows, widths))
    story.append(Spacer(0, 3))
    story.append(
        Paragraph(
            f"Thời hạn bổ sung, hoàn thiện hồ sơ: chậm nhất <b>{date_words(data.deadline)}</b>.",
            s.body,
        )
    )
    story.append(
        Paragraph(
            "Phiếu này nêu đầy đủ, một lần các nội dung cần bổ sung, hoàn thiện. "
            "Khi nộp lại, xin ghi mã hồ sơ ở trên.",
            s.body,
        )
    )
    if clean(data.hotline):
        story.append(Paragraph(f"Nếu cần hướng dẫn thêm, xin liên hệ: {markup(data.hotline)}.", s.body))
    story.append(signatures(APPLICANT_SIGN, data.applicant.name, OFFICER_SIGN, data.officer))
    return build_pdf(story, title=f"{SUPPLEMENT_TITLE} {data.code}", footer_text=f"Mã hồ sơ: {data.code}")


def render_refusal_pdf(data: RefusalData) -> bytes:
    """Mẫu số 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ (a written reason is required)."""
    reasons = [clean(reason) for reason in data.reasons if clean(reason)]
    if not reasons:
        raise ValueError("a refusal must give at least one reason")
    s = styles()
    story: list[Flowable] = [*national_header(data.agency, data.refused_at, "Mẫu số 03")]
    story += title_block(REFUSAL_TITLE, data.code)
    story += _applicant_lines(data.applicant, f"{clean(data.agency.name)} đã nhận hồ sơ của:")
    story.append(line("Nội dung yêu cầu giải quyết", data.procedure_name, bold=True))
    story.append(line("Thời gian lập phiếu", intake_time_text(data.refused_at)))
    story.append(
        Paragraph(
            "Sau khi xem xét, đối chiếu với quy định, cơ quan không tiếp nhận, giải quyết hồ sơ này "
            "vì các lý do sau:",
            s.body,
        )
    )
    for number, reason in enumerate(reasons, start=1):
        story.append(Paragraph(f"{number}. {markup(reason)}", s.body_indented))
    story.append(
        Paragraph(
            "Xin thông báo để Ông/Bà biết. Nếu chưa đồng ý với việc từ chối này, Ông/Bà có quyền "
            "phản ánh, kiến nghị theo quy định.",
            s.body,
        )
    )
    if clean(data.hotline):
        story.append(Paragraph(f"Đường dây nóng: {markup(data.hotline)}.", s.body))
    story.append(signatures(APPLICANT_SIGN, data.applicant.name, OFFICER_SIGN, data.officer))
    return build_pdf(story, title=f"{REFUSAL_TITLE} {data.code}", footer_text=f"Mã hồ sơ: {data.code}")
