"""Correct the working calendar without a release: a day off, a make-up working day, a moved holiday.

    manage.py worktime_day show 23/11/2026 30/11/2026
    manage.py worktime_day set 24/11/2026 --holiday --note "NQ 28/2026/QH16, Điều 2"
    manage.py worktime_day set 28/11/2026 --workday --note "TB …/TB-BNV: làm bù"
    manage.py worktime_day move 28/11/2026 23/11/2026 --note "TB …/TB-BNV: hoán đổi"
    manage.py worktime_day remove 24/11/2026
    manage.py worktime_day due "23/11/2026 09:00" 3

Every write goes through `worktime.services`, which drops the cached calendars in every process.
"""

from __future__ import annotations

import datetime
import shlex

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dichvucong.agencies.models import Agency
from dichvucong.worktime.calendars import calendar_for
from dichvucong.worktime.deadlines import due_at
from dichvucong.worktime.models import DayOverride
from dichvucong.worktime.selectors import calendar_day_list
from dichvucong.worktime.services import day_override_move, day_override_remove, day_override_set

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
MOMENT_FORMATS = ("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _label(day: datetime.date | datetime.datetime) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}"


def _date(text: str) -> datetime.date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày không hợp lệ: {text!r} (viết 24/11/2026 hoặc 2026-11-24).")


def _moment(text: str) -> datetime.datetime:
    for fmt in MOMENT_FORMATS:
        try:
            naive = datetime.datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        return timezone.make_aware(naive, timezone.get_default_timezone())
    raise CommandError(f'Thời điểm không hợp lệ: {text!r} (viết "23/11/2026 09:00").')


class Command(BaseCommand):
    help = (
        "Lịch làm việc: xem ngày làm việc, ngày nghỉ và lý do; đặt ngày nghỉ, ngày làm bù, chuyển ngày nghỉ; "
        "tính thử ngày hẹn trả. Không ghi --agency: áp dụng toàn quốc."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)

        show = actions.add_parser("show", help="liệt kê từng ngày và lý do")
        show.add_argument("start")
        show.add_argument("end", nargs="?")

        set_ = actions.add_parser("set", help="đặt một ngày là ngày nghỉ hoặc ngày làm việc")
        set_.add_argument("day")
        kind = set_.add_mutually_exclusive_group(required=True)
        kind.add_argument("--holiday", action="store_const", dest="kind", const=DayOverride.Kind.HOLIDAY)
        kind.add_argument("--workday", action="store_const", dest="kind", const=DayOverride.Kind.WORKDAY)
        set_.add_argument("--note", required=True, help="căn cứ: số văn bản, ngày ban hành")

        move = actions.add_parser(
            "move", help="chuyển ngày nghỉ: from_day thành ngày làm việc, to_day thành ngày nghỉ"
        )
        move.add_argument("from_day")
        move.add_argument("to_day")
        move.add_argument("--note", required=True, help="căn cứ: số văn bản, ngày ban hành")

        remove = actions.add_parser("remove", help="xóa dòng ghi đè, trả ngày về lịch mặc định")
        remove.add_argument("day")

        due = actions.add_parser("due", help="tính thử ngày hẹn trả theo số ngày làm việc")
        due.add_argument("received_at", help='thời điểm nhận, ví dụ "23/11/2026 09:00"')
        due.add_argument("days", type=int)

        for sub in (show, set_, move, remove, due):
            sub.add_argument("--agency", help="mã định danh cơ quan; bỏ trống: toàn quốc")
        for sub in (set_, move, remove):
            sub.add_argument(
                "--replace",
                action="store_true",
                help="cho phép thay hoặc xóa dòng ghi đè đã có (dòng cũ được in ra để khôi phục khi cần)",
            )

    def handle(self, *args, action: str, agency: str | None = None, **options):
        target = self._agency(agency)
        try:
            if action == "show":
                start = _date(options["start"])
                end = _date(options["end"]) if options.get("end") else start
                self._show(start, end, target)
            elif action == "set":
                day = _date(options["day"])
                self._guard([day], target, options, kind=options["kind"], note=options["note"].strip())
                day_override_set(day=day, kind=options["kind"], agency=target, note=options["note"].strip())
                self._show(day, day, target)
            elif action == "move":
                from_day, to_day = _date(options["from_day"]), _date(options["to_day"])
                note = options["note"].strip()
                self._guard([from_day], target, options, kind=DayOverride.Kind.WORKDAY, note=note)
                self._guard([to_day], target, options, kind=DayOverride.Kind.HOLIDAY, note=note)
                day_override_move(from_day=from_day, to_day=to_day, agency=target, note=note)
                self._show(from_day, from_day, target)
                self._show(to_day, to_day, target)
            elif action == "remove":
                day = _date(options["day"])
                self._guard([day], target, options)
                if not day_override_remove(day=day, agency=target):
                    raise CommandError(f"Không có dòng ghi đè nào cho ngày {day:%d/%m/%Y}.")
                self._show(day, day, target)
            elif action == "due":
                self._due(_moment(options["received_at"]), options["days"], target)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        except ValueError as error:
            raise CommandError(str(error)) from error

    def _guard(self, days, agency, options, *, kind: str | None = None, note: str | None = None) -> None:
        """An existing row names a legal basis: replacing or deleting it takes --replace, and what it said is
        printed first, so that the operator can write it back."""
        for row in DayOverride.objects.filter(agency=agency, date__in=days):
            if row.kind == kind and row.note == note:
                continue
            words = ["set", f"{row.date:%d/%m/%Y}", f"--{row.kind}", "--note", row.note, "--replace"]
            words += ["--agency", agency.code] if agency else []
            restore = "manage.py worktime_day " + " ".join(shlex.quote(word) for word in words)
            if not options.get("replace"):
                raise CommandError(
                    f"Ngày {row.date:%d/%m/%Y} đã có dòng ghi đè ({row.get_kind_display()}: "
                    f"{row.note or 'không ghi căn cứ'}). Thêm --replace để thay hoặc xóa dòng này."
                )
            self.stdout.write(f"Dòng cũ (khôi phục bằng: {restore})")

    def _agency(self, code: str | None) -> Agency | None:
        if not code:
            return None
        agency = Agency.objects.filter(code=code.strip()).first()
        if agency is None:
            raise CommandError(f"Không có cơ quan mã {code!r}.")
        return agency

    def _show(self, start: datetime.date, end: datetime.date, agency: Agency | None) -> None:
        for entry in calendar_day_list(start=start, end=end, agency=agency):
            state = "làm việc" if entry.working else "NGHỈ"
            self.stdout.write(f"{_label(entry.day):19}  {state:9}  {entry.reason}")

    def _due(self, received_at: datetime.datetime, days: int, agency: Agency | None) -> None:
        if days < 0:
            raise CommandError("Số ngày làm việc phải từ 0 trở lên.")
        result = due_at(
            received_at=received_at, duration_value=days, duration_unit="working_days", agency=agency
        )
        tz = calendar_for(agency).tz
        received, due = timezone.localtime(received_at, tz), timezone.localtime(result, tz)
        self.stdout.write(
            f"Nhận {_label(received)} {received:%H:%M}, {days} ngày làm việc"
            f" → hẹn trả {_label(due)} {due:%H:%M}"
        )
