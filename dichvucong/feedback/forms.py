from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.models import Dossier
from dichvucong.feedback.contact import contact_parse
from dichvucong.feedback.models import Subject

TEXTAREA = {"rows": 6, "cols": 30}


class SubmitForm(forms.Form):
    subject = forms.ChoiceField(
        label=_("Phản ánh, kiến nghị về"), choices=Subject.choices, widget=forms.RadioSelect
    )
    procedure_code = forms.CharField(
        label=_("Mã hoặc tên thủ tục"),
        required=False,
        max_length=200,
        help_text=_("Nhập mã thủ tục (ví dụ 1.001193) hoặc tên thủ tục. Chỉ điền khi phản ánh về thủ tục."),
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("— Chọn cơ quan —"),
        help_text=_("Chỉ chọn khi phản ánh về một cơ quan."),
    )
    dossier_code = forms.CharField(
        label=_("Mã hồ sơ"),
        required=False,
        max_length=40,
        help_text=_("Mã trên giấy tiếp nhận. Chỉ điền khi phản ánh về hồ sơ của bạn."),
    )
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    content = forms.CharField(
        label=_("Nội dung phản ánh, kiến nghị"),
        max_length=10_000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_(
            "Ghi rõ sự việc, thời gian, địa điểm. Nội dung được công khai sau khi che thông tin cá nhân."
        ),
    )
    sender_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    contact = forms.CharField(
        label=_("Số điện thoại di động hoặc thư điện tử"),
        max_length=254,
        help_text=_("Chúng tôi gửi mã xác thực tới số điện thoại hoặc thư điện tử này."),
    )

    def __init__(self, *args, signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(valid_to__isnull=True).order_by("name")
        self.signed_in = signed_in
        if signed_in:  # the account's verified contacts are used; nothing to type
            del self.fields["sender_name"]
            del self.fields["contact"]

    def clean_contact(self):
        return contact_parse(self.cleaned_data["contact"])

    def clean(self):
        data = super().clean()
        subject = data.get("subject")
        if subject == Subject.PROCEDURE:
            data["procedure"] = self._procedure(data.get("procedure_code", ""))
        elif subject == Subject.AGENCY and not data.get("agency"):
            self.add_error("agency", _("Vui lòng chọn cơ quan."))
        elif subject == Subject.DOSSIER:
            code = (data.get("dossier_code") or "").strip()
            dossier = (
                Dossier.objects.filter(code=code).select_related("agency", "procedure").first()
                if code
                else None
            )
            if dossier is None:
                self.add_error("dossier_code", _("Vui lòng nhập đúng mã hồ sơ trên giấy tiếp nhận."))
            data["dossier"] = dossier
        return data

    def _procedure(self, text: str) -> Procedure | None:
        text = (text or "").strip()
        if not text:
            self.add_error("procedure_code", _("Vui lòng nhập mã hoặc tên thủ tục hành chính."))
            return None
        exact = Procedure.objects.filter(code=text).first()
        if exact is not None:
            return exact
        matches = list(Procedure.objects.filter(Q(code__startswith=text) | Q(name__icontains=text))[:6])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            self.add_error("procedure_code", _("Không tìm thấy thủ tục có mã hoặc tên này."))
        else:
            names = "; ".join(f"{p.code} – {p.name}" for p in matches[:5])
            self.add_error(
                "procedure_code",
                ValidationError(
                    _("Có nhiều thủ tục phù hợp, hãy nhập mã thủ tục: %(names)s"), params={"names": names}
                ),
            )
        return None


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=6,
        help_text=_("Mã gồm 6 chữ số."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã phản ánh"), max_length=30, help_text=_("Ví dụ: PAKN-260105-ABC234"))
    contact = forms.CharField(
        label=_("Số điện thoại hoặc thư điện tử đã dùng khi gửi"),
        max_length=254,
        help_text=_("Chúng tôi gửi mã xác thực tới đây để bạn xem và bổ sung phản ánh."),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_contact(self):
        return contact_parse(self.cleaned_data["contact"])


class AddInfoForm(forms.Form):
    text = forms.CharField(
        label=_("Thông tin bổ sung"), max_length=10_000, widget=forms.Textarea(attrs=TEXTAREA)
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "cols": 30})
    )


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label=_("Nội dung cần chỉnh sửa"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        help_text=_("Chuyên viên nhận được nội dung này; dự thảo trả lời được giữ lại để sửa."),
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Thông tin cần bổ sung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
    )


class RouteForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Chuyển tới cơ quan"), queryset=Agency.objects.none(), empty_label=_("— Chọn cơ quan —")
    )
    note = forms.CharField(label=_("Ghi chú (không bắt buộc)"), max_length=2000, required=False)

    def __init__(self, *args, exclude_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = (
            Agency.objects.filter(valid_to__isnull=True).exclude(pk=exclude_id).order_by("name")
        )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Nội dung trả lời"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 30}),
        help_text=_(
            "Có thể dùng đoạn văn, xuống dòng, chữ đậm, chữ nghiêng, danh sách và liên kết http/https; "
            "các định dạng khác bị loại bỏ."
        ),
    )
