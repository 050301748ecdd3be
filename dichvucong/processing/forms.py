from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.dates import TypedDateField
from dichvucong.processing.models import STEP_ROLES


def _people_choices(people) -> list[tuple[str, str]]:
    return [("", _("Tự động (cán bộ ít hồ sơ nhất)"))] + [
        (str(p.pk), p.full_name or p.username) for p in people
    ]


class HandoverForm(forms.Form):
    to_user = forms.TypedChoiceField(label=_("Chuyển cho"), required=False, coerce=int, empty_value=None)
    note = forms.CharField(label=_("Ý kiến xử lý"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = _people_choices(people)


class SendBackForm(forms.Form):
    note = forms.CharField(
        label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


def _result_choices(results) -> list[tuple[str, str]]:
    choices = [(f"{r.code}|{r.name}", f"{r.name} ({r.code})" if r.code else r.name) for r in results]
    return choices or [("|Kết quả giải quyết", _("Kết quả giải quyết"))]


class ResultChoiceMixin:
    def result_parts(self) -> tuple[str, str]:
        code, _sep, name = self.cleaned_data["result"].partition("|")
        return code, name


class DraftForm(ResultChoiceMixin, forms.Form):
    result = forms.ChoiceField(label=_("Kết quả giải quyết"))
    file = forms.FileField(
        label=_("Tệp dự thảo kết quả"),
        help_text=_("PDF, DOCX, JPEG hoặc PNG; lãnh đạo xem và ký duyệt bản này."),
    )
    note = forms.CharField(label=_("Ghi chú cho người ký duyệt"), required=False, max_length=2000)

    def __init__(self, *args, results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = _result_choices(results)


class IssueForm(ResultChoiceMixin, forms.Form):
    result = forms.ChoiceField(label=_("Kết quả giải quyết"))
    number = forms.CharField(
        label=_("Số, ký hiệu"),
        max_length=60,
        help_text=_("Số vào sổ của văn bản kết quả, ví dụ 12/GCN-UBND."),
    )
    signed_on = TypedDateField(
        label=_("Ngày ký"),
        help_text=_(
            "Ngày/tháng/năm, ví dụ 05/12/2026 (gõ 05122026 cũng được); "
            "không sau hôm nay, không trước ngày tiếp nhận."
        ),
    )
    file = forms.FileField(label=_("Văn bản kết quả (bản quét hoặc bản điện tử PDF)"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)

    def __init__(self, *args, results=(), signed_draft=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = _result_choices(results)
        if signed_draft is not None:
            self.fields["file"].required = False
            self.fields["file"].help_text = _(
                "Để trống để ban hành bản dự thảo đã được lãnh đạo ký duyệt; "
                "hoặc đính kèm bản quét đã ký, đóng dấu."
            )


class ReturnForm(forms.Form):
    recipient_name = forms.CharField(label=_("Họ và tên người nhận kết quả"), max_length=300)
    recipient_id_number = forms.CharField(label=_("Số giấy tờ người nhận"), max_length=20, required=False)
    originals_checked = forms.BooleanField(
        label=_("Đã kiểm tra, thu lại bản chính theo quy định"), required=False
    )
    signature_note = forms.CharField(
        label=_("Ký nhận"), max_length=300, required=False, help_text=_("Ví dụ: đã ký vào sổ theo dõi.")
    )


class LateNoticeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do chậm trả kết quả"), widget=forms.Textarea(attrs={"rows": 3}))
    new_due_date = TypedDateField(
        label=_("Ngày hẹn trả mới"),
        help_text=_("Ngày làm việc, dạng ngày/tháng/năm, ví dụ 15/12/2026."),
    )

    def clean_new_due_date(self):
        day = self.cleaned_data["new_due_date"]
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Ngày hẹn trả mới phải sau hôm nay."))
        return day


class StopForm(forms.Form):
    reasons = forms.CharField(
        label=_("Lý do dừng giải quyết"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi lý do một dòng."),
    )

    def reason_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["reasons"].splitlines() if line.strip()]


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Ý kiến"), required=False, max_length=2000)


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class StartForm(forms.Form):
    to_user = forms.TypedChoiceField(label=_("Chuyển cho"), required=False, coerce=int, empty_value=None)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = _people_choices(people)


class BulkReassignForm(forms.Form):
    to_user = forms.TypedChoiceField(label=_("Bàn giao cho"), coerce=int)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [(p.pk, p.full_name or p.username) for p in people]


class WorkflowForm(forms.Form):
    name = forms.CharField(label=_("Tên quy trình"), max_length=300)
    allow_recall = forms.BooleanField(
        label=_("Cho phép thu hồi khi người nhận chưa mở hồ sơ"), required=False
    )


class StepForm(forms.Form):
    name = forms.CharField(label=_("Tên bước"), max_length=200)
    role = forms.ChoiceField(label=_("Vai trò"), choices=STEP_ROLES)
    unit_name = forms.CharField(label=_("Đơn vị, bộ phận"), max_length=200, required=False)
    budget_hours = forms.DecimalField(label=_("Thời gian (giờ làm việc)"), min_value=0.25, max_digits=6,
                                      decimal_places=2)  # fmt: skip
    produces_draft = forms.BooleanField(label=_("Dự thảo kết quả"), required=False)
    signs = forms.BooleanField(label=_("Ký duyệt"), required=False)
    issues_result = forms.BooleanField(label=_("Ban hành, chuyển kết quả về một cửa"), required=False)
    allow_send_back = forms.BooleanField(label=_("Được trả lại bước trước"), required=False)
    allow_self_approval = forms.BooleanField(label=_("Được tự duyệt dự thảo của mình"), required=False)


StepFormSet = formset_factory(StepForm, extra=1, can_delete=True, max_num=12, validate_max=True)
