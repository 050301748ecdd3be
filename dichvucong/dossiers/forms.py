from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts import identity
from dichvucong.accounts.dates import TypedDateField
from dichvucong.dossiers.models import ResultDelivery


class DraftForm(forms.Form):
    applicant_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=300)
    # Messages about the dossier go to the account's verified contacts only (dossiers.notices): a number
    # or address typed here is for staff to call, so that nobody can have the agency message a stranger.
    applicant_phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=20,
        help_text=_(
            "Để cán bộ liên hệ. Tin nhắn về hồ sơ chỉ gửi tới số điện thoại đã xác thực của tài khoản."
        ),
    )
    applicant_email = forms.EmailField(
        label=_("Thư điện tử (không bắt buộc)"),
        required=False,
        help_text=_("Thông báo qua thư chỉ gửi tới thư điện tử đã xác thực của tài khoản."),
    )
    applicant_address = forms.CharField(label=_("Địa chỉ người nộp"), max_length=500, required=False)
    owner_name = forms.CharField(
        label=_("Chủ hồ sơ"), max_length=300, help_text=_("Người được cấp kết quả; có thể khác người nộp.")
    )
    owner_id_number = forms.CharField(label=_("Số giấy tờ của chủ hồ sơ"), max_length=20, required=False)
    owner_address = forms.CharField(label=_("Địa chỉ chủ hồ sơ"), max_length=500, required=False)
    request = forms.CharField(
        label=_("Nội dung yêu cầu giải quyết"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        help_text=_("Ghi ngắn gọn điều bạn đề nghị cơ quan giải quyết."),
    )
    result_delivery = forms.ChoiceField(
        label=_("Bạn muốn nhận kết quả"), choices=ResultDelivery.choices, widget=forms.RadioSelect
    )
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu điện"),
        max_length=500,
        required=False,
        help_text=_("Chỉ điền khi chọn nhận qua bưu chính công ích."),
    )
    home_pickup = forms.BooleanField(label=_("Đề nghị bưu điện đến nhận bản giấy tại nhà"), required=False)
    pickup_address = forms.CharField(
        label=_("Địa chỉ bưu điện đến nhận hồ sơ giấy"),
        max_length=500,
        required=False,
        help_text=_("Chỉ điền khi đề nghị bưu điện đến nhận tại nhà. Ghi số nhà, đường, xã/phường, tỉnh."),
    )

    def __init__(self, *args, schema: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema = schema or []
        for spec in self.schema:
            self.fields[f"f_{spec['name']}"] = schema_field(spec)
        for field in self.fields.values():
            if field.required and not str(field.label).endswith("*"):
                field.label = f"{field.label} *"

    @property
    def schema_fields(self):
        return [self[f"f_{spec['name']}"] for spec in self.schema]

    def schema_values(self) -> dict[str, str]:
        """The e-form answers as text (dates as dd/mm/yyyy), only those that validated."""
        values = {}
        for spec in self.schema:
            value = self.cleaned_data.get(f"f_{spec['name']}")
            if value in (None, ""):
                continue
            values[spec["name"]] = (
                value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else str(value)
            )
        return values

    def clean_applicant_phone(self):
        return identity.normalise_phone(self.cleaned_data["applicant_phone"])

    def clean(self):
        data = super().clean()
        if (
            data.get("result_delivery") == ResultDelivery.POST
            and not (data.get("delivery_address") or "").strip()
        ):
            self.add_error("delivery_address", _("Hãy nhập địa chỉ nhận kết quả qua bưu điện."))
        if data.get("home_pickup") and not (data.get("pickup_address") or "").strip():
            self.add_error("pickup_address", _("Hãy nhập địa chỉ để bưu điện đến nhận hồ sơ giấy tại nhà."))
        return data


YES_NO = [("yes", _("Có")), ("no", _("Không"))]


class CaseQuestionForm(forms.Form):
    """One special case as a yes/no question (one question per page)."""

    answer = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn “Có” hoặc “Không”.")},
    )

    def __init__(self, *args, case: str, papers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["answer"]
        field.label = _("Trường hợp của bạn có phải là: %(case)s?") % {"case": case}
        if papers:
            field.help_text = _("Nếu có, bạn nộp thêm: %(papers)s.") % {"papers": "; ".join(papers)}


class CaseChoiceForm(forms.Form):
    """The alternatives of a procedure without a general case: exactly one applies."""

    case = forms.ChoiceField(
        label=_("Trường hợp của bạn"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn một trường hợp của bạn.")},
    )

    def __init__(self, *args, alternatives: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [(case, case) for case in alternatives]


def schema_field(spec: dict) -> forms.Field:
    """One form field from a procedure's e-form schema entry."""
    common = {
        "label": spec.get("label") or spec["name"],
        "required": bool(spec.get("required")),
        "help_text": spec.get("help", ""),
    }
    kind = spec.get("type", "text")
    if kind == "date":  # typed as people type them: 12/03/1995, 12.03.1995, 12031995 (numeric keypad)
        common["help_text"] = common["help_text"] or _(
            "Ngày/tháng/năm, ví dụ 27/10/1990 (gõ 27101990 cũng được)."
        )
        return TypedDateField(**common)
    if kind == "choice":
        choices = [(choice, choice) for choice in spec.get("choices", [])]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "textarea":
        return forms.CharField(
            max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "cols": 30}), **common
        )
    return forms.CharField(max_length=300, **common)


class SupplementRequestForm(forms.Form):
    items = forms.CharField(
        label=_("Giấy tờ, nội dung cần bổ sung"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 30}),
        help_text=_("Mỗi dòng một mục, ghi lý do sau dấu “:”. Liệt kê đầy đủ một lần."),
    )
    days = forms.IntegerField(label=_("Số ngày để công dân bổ sung"), min_value=1, max_value=60, initial=10)

    def parsed_items(self) -> list[dict]:
        items = []
        for line in self.cleaned_data["items"].splitlines():
            name, _sep, reason = line.partition(":")
            if name.strip():
                items.append({"name": name.strip()[:500], "reason": reason.strip()[:500]})
        return items

    def deadline(self) -> datetime.date:
        return timezone.localdate() + datetime.timedelta(days=self.cleaned_data["days"])


class RefuseForm(forms.Form):
    reasons = forms.CharField(
        label=_("Lý do từ chối"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 30}),
        help_text=_("Mỗi dòng một lý do."),
    )

    def reason_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["reasons"].splitlines() if line.strip()]


class SupplementSendForm(forms.Form):
    note = forms.CharField(
        label=_("Nội dung bổ sung"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 30})
    )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"), max_length=40, help_text=_("Ví dụ: 000.00.31.H56-261122-0001")
    )
    proof = forms.CharField(
        label=_("Số giấy tờ của chủ hồ sơ hoặc mã tra cứu trên giấy biên nhận"), max_length=20
    )


class OfferingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.procedure.name[:90]} – {obj.agency.display_name}"


class CounterIntakeForm(forms.Form):
    offering = OfferingChoiceField(label=_("Thủ tục và cơ quan giải quyết"), queryset=None)
    channel = forms.ChoiceField(
        label=_("Hồ sơ nhận qua"),
        choices=[("in_person", _("Trực tiếp tại Bộ phận một cửa")), ("postal", _("Bưu chính công ích"))],
        widget=forms.RadioSelect,
        initial="in_person",
    )
    applicant_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=300)
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân người nộp"), max_length=20, required=False
    )
    applicant_phone = forms.CharField(label=_("Số điện thoại di động"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ người nộp"), max_length=500, required=False)
    owner_name = forms.CharField(label=_("Chủ hồ sơ (nếu khác người nộp)"), max_length=300, required=False)
    owner_id_number = forms.CharField(label=_("Số giấy tờ của chủ hồ sơ"), max_length=20, required=False)
    owner_address = forms.CharField(label=_("Địa chỉ chủ hồ sơ"), max_length=500, required=False)
    result_delivery = forms.ChoiceField(
        label=_("Nhận kết quả"), choices=ResultDelivery.choices, widget=forms.RadioSelect, initial="counter"
    )
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu điện"), max_length=500, required=False
    )
    note = forms.CharField(
        label=_("Nội dung yêu cầu, ghi chú"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
    )

    def __init__(self, *args, offerings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = offerings

    def clean_applicant_phone(self):
        phone = self.cleaned_data["applicant_phone"]
        return identity.normalise_phone(phone) if phone else ""

    def clean_applicant_id_number(self):
        number = (self.cleaned_data["applicant_id_number"] or "").replace(" ", "")
        if number and len(number) == 12:
            return identity.validate_cccd(number)
        if number and len(number) == 9:
            return identity.validate_cmnd(number)
        if number:
            raise forms.ValidationError(_("Số giấy tờ phải có 12 số (căn cước) hoặc 9 số (CMND)."))
        return ""

    def clean(self):
        data = super().clean()
        if (
            data.get("result_delivery") == ResultDelivery.POST
            and not (data.get("delivery_address") or "").strip()
        ):
            self.add_error("delivery_address", _("Hãy nhập địa chỉ nhận kết quả qua bưu điện."))
        return data


class LedgerForm(forms.Form):
    start = forms.DateField(
        label=_("Từ ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"], widget=forms.DateInput(format="%d/%m/%Y")
    )
    end = forms.DateField(
        label=_("Đến ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"], widget=forms.DateInput(format="%d/%m/%Y")
    )
    format = forms.ChoiceField(
        label=_("Định dạng"),
        choices=[("xlsx", "Excel"), ("pdf", "PDF")],
        widget=forms.RadioSelect,
        initial="xlsx",
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                self.add_error("end", _("Ngày kết thúc phải sau ngày bắt đầu."))
            elif (data["end"] - data["start"]).days > 366:
                self.add_error("end", _("Mỗi lần xuất tối đa một năm."))
        return data
