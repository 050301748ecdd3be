from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts import identity
from dichvucong.dossiers.models import ResultDelivery


class DraftForm(forms.Form):
    applicant_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=300)
    applicant_phone = forms.CharField(label=_("Số điện thoại di động"), max_length=20)
    applicant_email = forms.EmailField(label=_("Thư điện tử (không bắt buộc)"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ người nộp"), max_length=500, required=False)
    owner_name = forms.CharField(
        label=_("Chủ hồ sơ"), max_length=300, help_text=_("Người được cấp kết quả; có thể khác người nộp.")
    )
    owner_id_number = forms.CharField(label=_("Số giấy tờ của chủ hồ sơ"), max_length=20, required=False)
    owner_address = forms.CharField(label=_("Địa chỉ chủ hồ sơ"), max_length=500, required=False)
    request = forms.CharField(
        label=_("Nội dung yêu cầu giải quyết"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
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

    def clean_applicant_phone(self):
        return identity.normalise_phone(self.cleaned_data["applicant_phone"])

    def clean(self):
        data = super().clean()
        if (
            data.get("result_delivery") == ResultDelivery.POST
            and not (data.get("delivery_address") or "").strip()
        ):
            self.add_error("delivery_address", _("Hãy nhập địa chỉ nhận kết quả qua bưu điện."))
        return data


class SupplementRequestForm(forms.Form):
    items = forms.CharField(
        label=_("Giấy tờ, nội dung cần bổ sung"),
        widget=forms.Textarea(attrs={"rows": 5}),
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
        label=_("Lý do từ chối"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("Mỗi dòng một lý do.")
    )

    def reason_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["reasons"].splitlines() if line.strip()]


class SupplementSendForm(forms.Form):
    note = forms.CharField(
        label=_("Nội dung bổ sung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"), max_length=40, help_text=_("Ví dụ: 000.00.31.H56-261122-0001")
    )
    proof = forms.CharField(
        label=_("Số giấy tờ của chủ hồ sơ hoặc mã tra cứu trên giấy biên nhận"), max_length=20
    )
