"""What the downloads contain, written once and rendered three ways (CSV here, exports_xlsx, exports_pdf).

A ``Sheet`` is a heading, a few lines saying what it covers, typed columns and rows of plain values (text,
int, Decimal, date, percent as a number 0–100). The builders below turn the engine's results into sheets:

- ``monthly_sheet``: per month (public page) — received, on time, late, online, paid online, average days,
  satisfaction;
- ``province_report_sheets``: the monthly report a province sends — received, resolved on time/late,
  pending, by field and by agency, each with a totals row;
- ``scorecard_sheet``: each QĐ 766 indicator with its numerator, denominator, percent and points;
- ``drilldown_sheet``: the dossiers (or, for 5.1–5.3, the feedbacks) behind one number.

Text that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) is
neutralised with a leading apostrophe in CSV and Excel (OWASP "CSV injection"); PDFs show text as given.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from dichvucong.paperwork.text import clean

from .charts import format_decimal, format_int

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROW_LIMIT = 20_000  # a drill-down longer than this is cut (the sheet says so); narrow the period instead


def neutralise(value: object) -> str:
    """Text safe in a spreadsheet cell: "=1+1" → "'=1+1" (shown as text, never evaluated)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text | int | decimal | percent (a number 0–100) | date
    width: int = 14  # characters, for Excel; the PDF shares the page in the same proportions


@dataclass
class Sheet:
    name: str  # the worksheet's tab (Excel allows 31 characters)
    heading: str
    notes: list[str]
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    totals: list | None = None
    cut: bool = False  # more rows existed than ROW_LIMIT


def csv_bytes(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark (so Excel opens Vietnamese text correctly), one header line, then the rows
    and the totals. Numbers are plain (decimal point), dates dd/mm/yyyy, text neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(clean(c.label)) for c in sheet.columns])
    for row in [*sheet.rows, *([sheet.totals] if sheet.totals else [])]:
        writer.writerow([_csv_value(value, column) for value, column in zip(row, sheet.columns, strict=True)])
    return out.getvalue().encode("utf-8")


def _csv_value(value: object, column: Column) -> str:
    if value is None:
        return ""
    if column.kind in ("int", "decimal", "percent") and isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return neutralise(clean(value))


def display(value: object, kind: str) -> str:
    """How a value reads in the PDF (and on the page): 1.234 · 12,5% · 3,25 · 05/01/2026 · – for none."""
    if value is None:
        return "–" if kind in ("int", "decimal", "percent") else ""
    if kind == "percent" and isinstance(value, int | Decimal):
        return f"{format_decimal(value)}%"
    if kind == "decimal" and isinstance(value, int | Decimal):
        return format_decimal(value, 2)
    if kind == "int" and isinstance(value, int | Decimal):
        return format_int(value)
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


# --- builders --------------------------------------------------------------------------------------------


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a percentage with one decimal; None when there is nothing to divide."""
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def month_label(key: str) -> str:
    """ "2026-03" → "03/2026" (anything else is shown as it is)."""
    year, _, month = key.partition("-")
    if year.isdigit() and month.isdigit():
        return f"{int(month):02d}/{year}"
    return key


MONTHLY_COLUMNS = [
    Column("Tháng", width=10),
    Column("Tiếp nhận", "int", 11),
    Column("Đã giải quyết", "int", 12),
    Column("Đúng hạn", "int", 10),
    Column("Trễ hạn", "int", 10),
    Column("Tỷ lệ đúng hạn (%)", "percent", 12),
    Column("Trực tuyến theo QĐ 766", "int", 12),  # nộp trực tuyến và, nếu kết quả giấy, có bản điện tử
    Column("Tỷ lệ trực tuyến theo QĐ 766 (%)", "percent", 12),
    Column("Thanh toán trực tuyến", "int", 13),
    Column("Thời gian giải quyết trung bình (ngày)", "decimal", 16),
    Column("Mức độ hài lòng (%)", "percent", 12),
]


def monthly_values(row) -> list:
    return [
        month_label(row.key),
        row.received,
        row.resolved,
        row.on_time,
        row.late,
        percent(row.on_time, row.on_time + row.late),
        row.online,
        percent(row.online, row.received),
        row.paid_online,
        row.avg_days,
        row.satisfaction,
    ]


def monthly_totals(rows: Sequence) -> list:
    received = sum(r.received for r in rows)
    on_time, late = sum(r.on_time for r in rows), sum(r.late for r in rows)
    online = sum(r.online for r in rows)
    return [
        "Tổng cộng",
        received,
        sum(r.resolved for r in rows),
        on_time,
        late,
        percent(on_time, on_time + late),
        online,
        percent(online, received),
        sum(r.paid_online for r in rows),
        None,  # an average of averages would mislead; the per-month values stand
        None,
    ]


def monthly_sheet(rows: Sequence, *, agency_name: str, start: dt.date, end: dt.date) -> Sheet:
    return Sheet(
        name="Theo tháng",
        heading="Thống kê giải quyết thủ tục hành chính theo tháng",
        notes=[agency_name, period_text(start, end)],
        columns=MONTHLY_COLUMNS,
        rows=[monthly_values(r) for r in rows],
        totals=monthly_totals(rows),
    )


def period_text(start: dt.date, end: dt.date) -> str:
    return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def _report_columns(first: str) -> list[Column]:
    return [
        Column("STT", "int", 5),
        Column(first, width=40),
        Column("Tổng số tiếp nhận", "int", 11),
        Column("Trong đó trực tuyến", "int", 11),
        Column("Đã giải quyết", "int", 11),
        Column("Đúng hạn", "int", 10),
        Column("Trễ hạn", "int", 10),
        Column("Đang giải quyết", "int", 11),
        Column("Trong đó quá hạn", "int", 11),
        Column("Tỷ lệ đúng hạn (%)", "percent", 11),
    ]


_REPORT_FIELDS = ("received", "received_online", "resolved", "on_time", "late", "pending", "pending_overdue")


def _report_sheet(rows: Sequence, *, name: str, heading: str, notes: list[str], first: str) -> Sheet:
    body = []
    for number, row in enumerate(rows, start=1):
        counts = [getattr(row, f) for f in _REPORT_FIELDS]
        body.append([number, row.label, *counts, percent(row.on_time, row.on_time + row.late)])
    sums = [sum(getattr(r, f) for r in rows) for f in _REPORT_FIELDS]
    on_time, late = sums[3], sums[4]
    totals = [None, "Tổng cộng", *sums, percent(on_time, on_time + late)]
    return Sheet(
        name=name, heading=heading, notes=notes, columns=_report_columns(first), rows=body, totals=totals
    )


def province_report_sheets(
    *, by_field: Sequence, by_agency: Sequence, agency_name: str, start: dt.date, end: dt.date
) -> list[Sheet]:
    notes = [agency_name, period_text(start, end), f"Ngày lập: {timezone.localdate():%d/%m/%Y}"]
    return [
        _report_sheet(
            by_field,
            name="Theo lĩnh vực",
            heading="Tình hình giải quyết thủ tục hành chính theo lĩnh vực",
            notes=notes,
            first="Lĩnh vực",
        ),
        _report_sheet(
            by_agency,
            name="Theo cơ quan",
            heading="Tình hình giải quyết thủ tục hành chính theo cơ quan",
            notes=notes,
            first="Cơ quan",
        ),
    ]


SCORECARD_COLUMNS = [
    Column("Mã", width=7),
    Column("Nhóm", "int", 7),
    Column("Chỉ số", width=48),
    Column("Tử số", "int", 10),
    Column("Mẫu số", "int", 10),
    Column("Tỷ lệ (%)", "percent", 10),
    Column("Điểm", "decimal", 9),
    Column("Điểm tối đa", "decimal", 9),
    Column("Ghi chú", width=30),
]


def _scorecard_row(i) -> list:
    if i.max_points:
        return [i.code, i.group, i.label, i.numerator, i.denominator, i.percent, i.points, i.max_points, None]
    # A monitoring indicator (2.2: the average time, in working days) is no percentage and carries no points.
    average = "—" if i.percent is None else format_decimal(i.percent, 2)
    note = f"Trung bình {average} ngày làm việc; không tính điểm"
    return [i.code, i.group, i.label, i.numerator, i.denominator, None, None, None, note]


def scorecard_sheet(card, *, agency_name: str) -> Sheet:
    rows = [_scorecard_row(i) for i in card.indicators]
    totals = [None, None, "Tổng điểm", None, None, None, card.total_points, card.max_points, None]
    scope = card.scope
    return Sheet(
        name="Chỉ số 766",
        heading="Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ (Quyết định 766/QĐ-TTg)",
        notes=[
            agency_name,
            period_text(scope.start, scope.end),
            f"Ngày lập: {timezone.localdate():%d/%m/%Y}",
        ],
        columns=SCORECARD_COLUMNS,
        rows=rows,
        totals=totals,
    )


DOSSIER_COLUMNS = [
    Column("STT", "int", 6),
    Column("Mã hồ sơ", width=22),
    Column("Thủ tục", width=40),
    Column("Cơ quan giải quyết", width=28),
    Column("Người nộp", width=24),
    Column("Kênh nộp", width=12),
    Column("Trạng thái", width=18),
    Column("Ngày tiếp nhận", "date", 12),
    Column("Ngày hẹn trả", "date", 12),
    Column("Ngày kết thúc", "date", 12),
    Column("Ý kiến đánh giá", width=30),
]
FEEDBACK_COLUMNS = [
    Column("STT", "int", 6),
    Column("Mã phản ánh", width=18),
    Column("Tiêu đề", width=36),
    Column("Nội dung", width=40),
    Column("Cơ quan", width=28),
    Column("Người gửi", width=22),
    Column("Trạng thái", width=18),
    Column("Ngày gửi", "date", 12),
    Column("Hạn xử lý", "date", 12),
    Column("Ngày trả lời", "date", 12),
]


PROCEDURE_COLUMNS = [
    Column("STT", "int", 6),
    Column("Mã thủ tục", width=14),
    Column("Tên thủ tục", width=60),
    Column("Cơ quan", width=30),
    Column("Mức độ trực tuyến", width=18),
]


def local_date(moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _dossier_rows(queryset) -> Iterable[list]:
    queryset = queryset.select_related("procedure", "agency", "rating")
    for number, d in enumerate(queryset[:ROW_LIMIT].iterator(chunk_size=1000), start=1):
        rating = _rating_of(d)
        yield [
            number,
            d.code or "",
            d.procedure.name,
            d.agency.display_name,
            d.applicant_name,
            d.get_channel_display(),
            d.get_status_display(),
            local_date(d.received_at or d.submitted_at),
            local_date(d.due_at),
            local_date(d.finished_at),
            rating.comment if rating else "",
        ]


def _rating_of(dossier):
    try:
        return dossier.rating
    except ObjectDoesNotExist:
        return None


def _feedback_rows(queryset) -> Iterable[list]:
    queryset = queryset.select_related("agency")
    for number, f in enumerate(queryset[:ROW_LIMIT].iterator(chunk_size=1000), start=1):
        yield [
            number,
            f.code,
            f.title,
            f.content,
            f.agency.display_name if f.agency_id else "",
            f.sender_name,
            f.get_status_display(),
            local_date(f.created_at),
            local_date(f.due_at),
            local_date(f.answered_at),
        ]


def _procedure_rows(queryset) -> Iterable[list]:
    """Procedures (3.1, 3.5) or the agencies' online services (3.2)."""
    offerings = queryset.model._meta.label == "catalogue.AgencyProcedure"
    if offerings:
        queryset = queryset.select_related("procedure", "agency")
    for number, item in enumerate(queryset[:ROW_LIMIT].iterator(chunk_size=1000), start=1):
        procedure = item.procedure if offerings else item
        yield [
            number,
            procedure.code,
            procedure.name,
            item.agency.display_name if offerings else "",
            item.get_service_level_display() if offerings else "",
        ]


_KINDS = {
    "feedback.Feedback": ("Danh sách phản ánh, kiến nghị", FEEDBACK_COLUMNS, _feedback_rows),
    "catalogue.Procedure": ("Danh sách thủ tục hành chính", PROCEDURE_COLUMNS, _procedure_rows),
    "catalogue.AgencyProcedure": ("Danh sách dịch vụ công trực tuyến", PROCEDURE_COLUMNS, _procedure_rows),
}


def drilldown_sheet(queryset, *, indicator, part_label: str, agency_name: str, start, end) -> Sheet:
    """The records behind one number of the scorecard: dossiers; feedbacks for 5.1–5.3; procedures or
    online services for 3.1, 3.2 and 3.5."""
    heading, columns, rows_of = _KINDS.get(
        queryset.model._meta.label, ("Danh sách hồ sơ", DOSSIER_COLUMNS, _dossier_rows)
    )
    rows = list(rows_of(queryset))
    cut = len(rows) >= ROW_LIMIT and queryset[ROW_LIMIT : ROW_LIMIT + 1].exists()
    notes = [agency_name, period_text(start, end), f"{indicator.code}. {indicator.label} – {part_label}"]
    if cut:
        notes.append(f"Chỉ ghi {ROW_LIMIT:,} dòng đầu; hãy chọn khoảng thời gian ngắn hơn.".replace(",", "."))
    return Sheet(
        name=f"Chỉ số {indicator.code}"[:31],
        heading=heading,
        notes=notes,
        columns=columns,
        rows=rows,
        cut=cut,
    )
