"""The scorecard filters: a month (mm/yyyy) or a date range (dd/mm/yyyy), an agency the user may see, a
procedure and a field."""

from __future__ import annotations

import calendar
import datetime

from django import forms
from django.utils import timezone

from dichvucong.catalogue.models import Field, Procedure
from dichvucong.reports.scorecard import Scope, agencies_under

DATE_FORMATS = ["%d/%m/%Y"]
MAX_DAYS = 3 * 366
FIRST_DAY = datetime.date(2015, 1, 1)  # the earliest month the reports (and the public statistics) offer


def default_period_data() -> dict[str, str]:
    """What an empty filter form shows and uses: last month, written in its box (mm/yyyy)."""
    start, _end = last_month()
    return {"thang": f"{start:%m/%Y}"}


def last_month(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1), end


class ScopeForm(forms.Form):
    thang = forms.CharField(
        label="Tháng",
        required=False,
        max_length=7,
        help_text="Tháng/năm, ví dụ 11/2026. Để trống nếu nhập từ ngày – đến ngày.",
    )
    tu_ngay = forms.DateField(
        label="Từ ngày",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="Ngày/tháng/năm, ví dụ 01/11/2026.",
    )
    den_ngay = forms.DateField(
        label="Đến ngày",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="Ngày/tháng/năm, ví dụ 30/11/2026.",
    )
    co_quan = forms.TypedChoiceField(label="Cơ quan", required=False, coerce=int, empty_value=None)
    thu_tuc = forms.IntegerField(required=False, widget=forms.HiddenInput)
    linh_vuc = forms.TypedChoiceField(label="Lĩnh vực", required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, agencies, all_visible: bool, **kwargs):
        super().__init__(data, **kwargs)
        self.agencies = agencies
        self.all_visible = all_visible
        choices = [("", "Toàn tỉnh")] if all_visible else []
        self.fields["co_quan"].choices = choices + [(a.pk, a.name) for a in agencies]
        self.fields["co_quan"].error_messages["invalid_choice"] = (
            "Bạn không được xem số liệu của cơ quan này."
        )
        self.fields["linh_vuc"].choices = [("", "Mọi lĩnh vực")] + list(
            Field.objects.order_by("name").values_list("pk", "name")
        )
        self.fields["linh_vuc"].error_messages["invalid_choice"] = "Lĩnh vực không hợp lệ."
        for name in ("tu_ngay", "den_ngay"):
            self.fields[name].error_messages["invalid"] = (
                f"{self.fields[name].label}: nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/11/2026."
            )

    def clean_thang(self) -> tuple[datetime.date, datetime.date] | None:
        raw = (self.cleaned_data.get("thang") or "").strip()
        if not raw:
            return None
        try:
            month, year = (int(part) for part in raw.split("/"))
            first = datetime.date(year, month, 1)
        except (ValueError, TypeError):
            raise forms.ValidationError("Tháng: nhập theo dạng tháng/năm, ví dụ 11/2026.") from None
        if first < FIRST_DAY:
            raise forms.ValidationError(f"Tháng: chọn từ tháng {FIRST_DAY:%m/%Y} trở về sau.")
        return first, first.replace(day=calendar.monthrange(year, month)[1])

    def clean_thu_tuc(self):
        value = self.cleaned_data.get("thu_tuc")
        if value and not Procedure.objects.filter(pk=value).exists():
            raise forms.ValidationError("Thủ tục không hợp lệ.")
        return value

    def clean(self):
        data = super().clean()
        month = data.get("thang")
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if self.errors:
            return data
        if month and (start or end):
            raise forms.ValidationError(
                "Chỉ chọn một cách: nhập Tháng, hoặc nhập Từ ngày và Đến ngày (để trống Tháng)."
            )
        if month:
            start, end = month
        elif start or end:
            if not (start and end):
                raise forms.ValidationError("Hãy nhập cả từ ngày và đến ngày.")
        else:
            start, end = last_month()
        if end < start:
            raise forms.ValidationError("Đến ngày phải bằng hoặc sau từ ngày.")
        if start < FIRST_DAY:
            raise forms.ValidationError(f"Từ ngày: chọn từ ngày {FIRST_DAY:%d/%m/%Y} trở về sau.")
        if (end - start).days > MAX_DAYS:
            raise forms.ValidationError("Kỳ báo cáo dài nhất là 3 năm.")
        data["start"], data["end"] = start, end
        return data

    def scope(self) -> Scope:
        data = self.cleaned_data
        agency = data.get("co_quan")
        if agency:
            agency_ids = agencies_under(agency)
        elif self.all_visible:
            agency_ids = None
        else:
            agency_ids = tuple(sorted({pk for a in self.agencies for pk in agencies_under(a.pk)}))
        return Scope(
            data["start"], data["end"], agency_ids, data.get("thu_tuc") or None, data.get("linh_vuc")
        )


class MonthlyReportForm(ScopeForm):
    """The monthly report's choices: the period and the agency (the report covers every field)."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        del self.fields["linh_vuc"]
        del self.fields["thu_tuc"]
