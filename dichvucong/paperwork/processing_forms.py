"""Forms of the processing stage, as PDF (structure of TT 01/2018/TT-VPCP and TT 03/2025, own wording):

- Mẫu 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả (TT 03/2025: Văn bản xin lỗi và đề nghị gia hạn).
- Mẫu 05 (TT 03/2025): Thông báo dừng giải quyết hồ sơ.
- Phiếu kiểm soát quá trình giải quyết hồ sơ (TT 01/2018 Mẫu 05, TT 03/2025 Mẫu 06).

Pure functions over the dataclasses below: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from .data import Agency, Person
from .layout import FORM_WIDTH, build_pdf, grid_table, line, national_header, signatures, styles, title_block
from .text import clean, due_time_text, intake_time_text, local, markup

APOLOGY_TITLE = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
STOP_TITLE = "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"
CONTROL_TITLE = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"
HEAD_SIGN = "THỦ TRƯỞNG CƠ QUAN"


@dataclass(frozen=True, slots=True)
class ApologyData:
    agency: Agency
    code: str
    applicant: Person
    procedure_name: str
    received_at: dt.datetime
    old_due_at: dt.datetime | None
    new_due_at: dt.datetime
    reason: str
    issued_at: dt.datetime
    signer: str = ""
    approved: bool = True


@dataclass(frozen=True, slots=True)
class StopData:
    agency: Agency
    code: str
    applicant: Person
    procedure_name: str
    received_at: dt.datetime | None
    reasons: tuple[str, ...]
    issued_at: dt.datetime
    signer: str = ""
    approved: bool = True


@dataclass(frozen=True, slots=True)
class ControlRow:
    from_name: str  # the step (unit) and the person who handed it over
    to_name: str
    handed_at: dt.datetime
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    outcome: str  # Trước hạn / Đúng hạn / Quá hạn, or "" while the step is open
    note: str = ""


@dataclass(frozen=True, slots=True)
class ControlSheetData:
    agency: Agency
    code: str
    applicant: Person
    procedure_name: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    rows: tuple[ControlRow, ...] = field(default_factory=tuple)
    printed_at: dt.datetime | None = None


def _draft_mark(approved: bool) -> list[Flowable]:
    if approved:
        return []
    return [Paragraph("<b>DỰ THẢO – CHƯA ĐƯỢC LÃNH ĐẠO DUYỆT</b>", styles().body_center), Spacer(0, 4)]


def render_apology_pdf(data: ApologyData) -> bytes:
    """Mẫu số 04: the apology and the new appointment date, signed by the head of the agency."""
    s = styles()
    story: list[Flowable] = [*national_header(data.agency, data.issued_at, "Mẫu số 04")]
    story += title_block(APOLOGY_TITLE, data.code)
    story += _draft_mark(data.approved)
    story.append(line("Kính gửi Ông/Bà", data.applicant.name, bold=True))
    story.append(
        Paragraph(
            f"Ngày {markup(intake_time_text(data.received_at))}, {markup(data.agency.name)} tiếp nhận giải "
            f"quyết hồ sơ của Ông/Bà. Nội dung yêu cầu giải quyết: {markup(data.procedure_name)}.",
            s.body,
        )
    )
    story.append(
        line("Thời hạn trả kết quả giải quyết hồ sơ theo giấy tiếp nhận", due_time_text(data.old_due_at))
    )
    story.append(
        Paragraph(
            "Tuy nhiên đến nay, cơ quan chưa trả kết quả giải quyết hồ sơ của Ông/Bà. "
            f"Lý do: {markup(data.reason)}",
            s.body,
        )
    )
    story.append(
        Paragraph(
            "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. "
            f"{markup(data.agency.name)} xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà "
            f"<b>{markup(due_time_text(data.new_due_at).replace('Vào lúc', 'vào lúc'))}</b>.",
            s.body,
        )
    )
    story.append(Paragraph("Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.", s.body))
    story.append(signatures("", "", HEAD_SIGN, data.signer))
    return build_pdf(story, title=f"{APOLOGY_TITLE} {data.code}", footer_text=f"Mã hồ sơ: {data.code}")


def render_stop_notice_pdf(data: StopData) -> bytes:
    """Mẫu số 05 (TT 03/2025): notice that the dossier's processing stops, with the reasons."""
    s = styles()
    story: list[Flowable] = [*national_header(data.agency, data.issued_at, "Mẫu số 05")]
    story += title_block(STOP_TITLE, data.code)
    story += _draft_mark(data.approved)
    story.append(line("Kính gửi Ông/Bà", data.applicant.name, bold=True))
    received = f"Ngày {markup(intake_time_text(data.received_at))}, " if data.received_at else ""
    story.append(
        Paragraph(
            f"{received}{markup(data.agency.name)} tiếp nhận hồ sơ của Ông/Bà. "
            f"Nội dung yêu cầu giải quyết: {markup(data.procedure_name)}.",
            s.body,
        )
    )
    story.append(Paragraph("Cơ quan thông báo dừng giải quyết hồ sơ của Ông/Bà với lý do sau:", s.body))
    for number, reason in enumerate(data.reasons, start=1):
        story.append(Paragraph(f"{number}. {markup(reason)}", s.body_indented))
    story.append(Paragraph("Xin thông báo để Ông/Bà được biết./.", s.body))
    story.append(signatures("", "", HEAD_SIGN, data.signer))
    return build_pdf(story, title=f"{STOP_TITLE} {data.code}", footer_text=f"Mã hồ sơ: {data.code}")


def _moment(value: dt.datetime | None) -> str:
    """ "10:03<br/>22/11/2026": the time over the date, so a narrow column never splits the date."""
    return local(value).strftime("%H:%M<br/>%d/%m/%Y") if value else ""


def render_control_sheet_pdf(data: ControlSheetData) -> bytes:
    """Phiếu kiểm soát: one row per hand-over (who gave, who received, when, the step's due time and
    its outcome)."""
    s = styles()
    moment = data.printed_at or data.received_at or dt.datetime.now(dt.UTC)
    story: list[Flowable] = [*national_header(data.agency, moment, "Mẫu số 06")]
    story += title_block(CONTROL_TITLE, data.code)
    story.append(line("Cơ quan (bộ phận) giải quyết hồ sơ", data.agency.name))
    story.append(line("Người nộp hồ sơ", data.applicant.name))
    story.append(line("Nội dung yêu cầu giải quyết", data.procedure_name))
    if data.received_at:
        story.append(line("Thời gian tiếp nhận", intake_time_text(data.received_at)))
    story.append(line("Thời hạn trả kết quả", due_time_text(data.due_at)))
    story.append(Spacer(0, 3 * mm))
    cell = s.cell
    # Times in a narrow column: a smaller size so "17/11/2026" never breaks.
    time_cell = ParagraphStyle("time_cell", parent=s.cell_center, fontSize=9, leading=11)
    rows = []
    for number, row in enumerate(data.rows, start=1):
        rows.append(
            [
                Paragraph(str(number), s.cell_center),
                Paragraph(
                    f"<b>Giao:</b> {markup(row.from_name)}<br/><b>Nhận:</b> {markup(row.to_name)}", cell
                ),
                Paragraph(_moment(row.handed_at), time_cell),
                Paragraph(_moment(row.due_at), time_cell),
                Paragraph(_moment(row.finished_at), time_cell),
                Paragraph(markup(row.outcome), s.cell_center),
                Paragraph(markup(row.note), cell),
            ]
        )
    widths = [8 * mm, 50 * mm, 22 * mm, 22 * mm, 22 * mm, 20 * mm]
    widths.append(FORM_WIDTH - sum(widths))
    header = [
        "STT",
        "Bộ phận, người giao / nhận hồ sơ",
        "Thời gian giao, nhận",
        "Hạn xử lý",
        "Hoàn thành",
        "Kết quả (trước hạn/ đúng hạn/ quá hạn)",
        "Ghi chú",
    ]
    story.append(grid_table(header, rows, widths))
    if not data.rows:
        story.append(Paragraph(clean("Hồ sơ chưa được chuyển xử lý."), s.note))
    return build_pdf(story, title=f"{CONTROL_TITLE} {data.code}", footer_text=f"Mã hồ sơ: {data.code}")


__all__ = [
    "ApologyData",
    "ControlRow",
    "ControlSheetData",
    "StopData",
    "render_apology_pdf",
    "render_control_sheet_pdf",
    "render_stop_notice_pdf",
]
