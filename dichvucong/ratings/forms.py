"""Forms of the rating pages: the rating itself (one radio group per question, each a fieldset with its
legend), the kiosk's code step and the staff list's filters. Rules live in services; these read input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dichvucong.ratings.criteria import CRITERIA
from dichvucong.ratings.models import Satisfaction
from dichvucong.ratings.services import COMMENT_MAX

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# Best first, as the national survey lists them.
LEVEL_CHOICES = sorted(Satisfaction.choices, key=lambda choice: -choice[0])


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Nhìn chung, bạn hài lòng thế nào với việc giải quyết hồ sơ này?"),
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn mức độ hài lòng."),
            "invalid_choice": _("Hãy chọn mức độ hài lòng."),
        },
    )
    comment = forms.CharField(
        label=_("Ý kiến khác (không bắt buộc)"),
        help_text=_("Tối đa 2.000 ký tự. Không ghi số giấy tờ, mật khẩu hay thông tin riêng tư."),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Ý kiến tối đa 2.000 ký tự.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        comment = self.fields.pop("comment")
        for criterion in CRITERIA:
            self.fields[f"c_{criterion.key}"] = forms.TypedChoiceField(
                label=criterion.label,
                choices=LEVEL_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Hãy chọn một trong năm mức đánh giá.")},
            )
        self.fields["comment"] = comment

    def criteria(self) -> dict[str, int]:
        data = self.cleaned_data
        return {c.key: data[f"c_{c.key}"] for c in CRITERIA if data.get(f"c_{c.key}") is not None}

    def criteria_fields(self):
        return [self[f"c_{c.key}"] for c in CRITERIA]


class KioskCodeForm(forms.Form):
    dossier_code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=40,
        help_text=_("In trên giấy tiếp nhận và phiếu mời đánh giá, ví dụ: 000.00.31.H56-261122-0001"),
        error_messages={"required": _("Hãy nhập mã hồ sơ."), "max_length": _("Mã hồ sơ tối đa 40 ký tự.")},
    )
    code = forms.CharField(
        label=_("Mã đánh giá"),
        max_length=20,
        help_text=_("8 ký tự in trên phiếu mời đánh giá, ví dụ: ABCD-EFGH"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("Hãy nhập mã đánh giá."), "max_length": _("Mã đánh giá không đúng.")},
    )


class StaffFilterForm(forms.Form):
    since = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y"),
        help_text=_("Ngày/tháng/năm, ví dụ 01/11/2026."),
        error_messages={"invalid": _("Từ ngày: nhập ngày/tháng/năm, ví dụ 01/11/2026.")},
    )
    until = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y"),
        help_text=_("Ngày/tháng/năm, ví dụ 30/11/2026."),
        error_messages={"invalid": _("Đến ngày: nhập ngày/tháng/năm, ví dụ 30/11/2026.")},
    )
    level = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"),
        required=False,
        choices=[("", _("Tất cả"))] + LEVEL_CHOICES,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Mức độ không hợp lệ.")},
    )
    agency = forms.ChoiceField(label=_("Cơ quan"), required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        agencies = list(agencies)
        self.fields["agency"].choices = [("", _("Tất cả cơ quan của tôi"))] + [
            (a.code, a.name) for a in agencies
        ]
        if len(agencies) <= 1:
            del self.fields["agency"]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data
