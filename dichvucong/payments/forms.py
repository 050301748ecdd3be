"""Forms of the payment pages; they only clean input, the services decide."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.catalogue.models import FeeItem
from dichvucong.payments.fees import MAX_QUANTITY
from dichvucong.payments.gateways.demo import DEMO_BANKS
from dichvucong.payments.gateways.registry import enabled_gateways
from dichvucong.payments.models import MAX_AMOUNT

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_field(label) -> forms.DateField:
    return forms.DateField(label=label, input_formats=DATE_FORMATS, widget=forms.DateInput(format="%d/%m/%Y"))


class PayForm(forms.Form):
    gateway = forms.ChoiceField(label=_("Chọn cổng thanh toán"), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(g.name, g.label) for g in enabled_gateways()]
        self.fields["gateway"].choices = choices
        if choices:
            self.fields["gateway"].initial = choices[0][0]


class PaymentRequestForm(forms.Form):
    """Staff: the lines to charge (from the catalogue), quantities, exemption or reduction, deadline."""

    deadline = _date_field(_("Hạn nộp"))
    exempt = forms.BooleanField(label=_("Miễn toàn bộ"), required=False)
    reduction = forms.IntegerField(
        label=_("Số tiền giảm (đồng)"), min_value=0, max_value=MAX_AMOUNT, required=False
    )
    reduction_reason = forms.CharField(label=_("Lý do miễn, giảm"), max_length=500, required=False)
    note = forms.CharField(
        label=_("Ghi chú cho công dân"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, items: list[FeeItem], **kwargs):
        kwargs.setdefault("initial", {"deadline": timezone.localdate() + datetime.timedelta(days=7)})
        super().__init__(*args, **kwargs)
        self.fee_items = items
        for item in items:
            chargeable = bool(item.amount) and not item.is_free
            self.fields[f"item_{item.pk}"] = forms.BooleanField(
                label=item.name, required=False, initial=chargeable, disabled=not chargeable
            )
            if item.per in (FeeItem.Per.COPY, FeeItem.Per.PAGE):
                self.fields[f"qty_{item.pk}"] = forms.IntegerField(
                    label=_("Số lượng: %(name)s") % {"name": item.name},
                    min_value=1,
                    max_value=MAX_QUANTITY,
                    initial=1,
                    required=False,
                )

    def item_ids(self) -> list[int]:
        return [item.pk for item in self.fee_items if self.cleaned_data.get(f"item_{item.pk}")]

    def quantities(self) -> dict[int, int]:
        return {
            item.pk: self.cleaned_data.get(f"qty_{item.pk}") or 1
            for item in self.fee_items
            if f"qty_{item.pk}" in self.fields
        }


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), max_length=500)


class CashLookupForm(forms.Form):
    ma = forms.CharField(label=_("Mã hồ sơ"), max_length=40)


class CashForm(forms.Form):
    amount = forms.IntegerField(label=_("Số tiền đã thu (đồng)"), min_value=1, max_value=MAX_AMOUNT)
    receipt_number = forms.CharField(label=_("Số biên lai"), max_length=40)
    payer_name = forms.CharField(label=_("Người nộp tiền"), max_length=300)


class ReconcileForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=None, empty_label=None)
    start = _date_field(_("Từ ngày"))
    end = _date_field(_("Đến ngày"))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


class RemitForm(forms.Form):
    remitted_total = forms.IntegerField(label=_("Số tiền bưu điện đã nộp về (đồng)"), min_value=0)
    note = forms.CharField(
        label=_("Ghi chú"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DemoBankForm(forms.Form):
    bank_code = forms.ChoiceField(
        label=_("Ngân hàng"), choices=DEMO_BANKS, widget=forms.RadioSelect, initial="NCB"
    )


class RefundDoneForm(forms.Form):
    """The cashier handed the money back: how (cash at the counter, bank transfer number…)."""

    refund = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("Cách hoàn trả"),
        max_length=500,
        help_text=_(
            "Ví dụ: trả tiền mặt tại quầy, người nhận Nguyễn Văn A; hoặc chuyển khoản, mã giao dịch …"
        ),
        error_messages={"required": _("Hãy ghi cách hoàn trả.")},
    )
