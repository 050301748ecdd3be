from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.models import Dossier
from dichvucong.feedback import routing
from dichvucong.feedback.contact import contact_parse
from dichvucong.feedback.models import Subject

TEXTAREA = {"rows": 6, "cols": 30}


class SubmitForm(forms.Form):
    subject = forms.ChoiceField(
        label=_("Phản ánh, kiến nghị về"),
        choices=Subject.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn phản ánh về thủ tục, cơ quan hay hồ sơ.")},
    )
    procedure_code = forms.CharField(
        label=_("Mã hoặc tên thủ tục"),
        required=False,
        max_length=200,
        help_text=_("Nhập mã thủ tục (ví dụ 1.001193) hoặc tên thủ tục. Chỉ điền khi phản ánh về thủ tục."),
    )
    place = forms.ModelChoiceField(
        label=_("Nơi thực hiện (không bắt buộc)"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("— Không rõ, để cơ quan tiếp nhận phân loại —"),
        help_text=_(
            "Cơ quan nơi bạn làm thủ tục, nếu thủ tục được thực hiện ở nhiều nơi. Chọn đúng nơi giúp phản "
            "ánh tới thẳng cơ quan đó. Chỉ chọn khi phản ánh về thủ tục."
        ),
        error_messages={"invalid_choice": _("Cơ quan đã chọn không thực hiện thủ tục này.")},
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
    title = forms.CharField(
        label=_("Tiêu đề"),
        max_length=300,
        error_messages={
            "required": _("Nhập tiêu đề phản ánh."),
            "max_length": _("Tiêu đề tối đa 300 ký tự."),
        },
    )
    content = forms.CharField(
        label=_("Nội dung phản ánh, kiến nghị"),
        max_length=10_000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_(
            "Ghi rõ sự việc, thời gian, địa điểm. Nội dung được công khai sau khi che thông tin cá nhân."
        ),
        error_messages={
            "required": _("Nhập nội dung phản ánh, kiến nghị."),
            "max_length": _("Nội dung tối đa 10.000 ký tự."),
        },
    )
    sender_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=200,
        error_messages={"required": _("Nhập họ và tên."), "max_length": _("Họ và tên tối đa 200 ký tự.")},
    )
    contact = forms.CharField(
        label=_("Số điện thoại di động hoặc thư điện tử"),
        max_length=254,
        help_text=_("Chúng tôi gửi mã xác thực tới số điện thoại hoặc thư điện tử này."),
        error_messages={
            "required": _("Nhập số điện thoại di động hoặc thư điện tử."),
            "max_length": _("Thư điện tử tối đa 254 ký tự."),
        },
    )

    def __init__(self, *args, signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(valid_to__isnull=True).order_by("name")
        self.fields["place"].queryset = self._place_choices()
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
            data["procedure"] = procedure = self._procedure(data.get("procedure_code", ""))
            place = data.get("place")
            if procedure is not None and place is not None and not routing.offers(place, procedure):
                self.add_error("place", self._not_offered(procedure))
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

    def _place_choices(self):
        """The agencies offering the procedure typed (or given in the link), when it is known exactly;
        otherwise every agency in operation (the choice is checked against the procedure in ``clean``)."""
        code = self.data.get("procedure_code") if self.is_bound else self.initial.get("procedure_code")
        code = (code or "").strip()[:200]
        procedure = Procedure.objects.filter(code=code).first() if code else None
        if procedure is not None:
            offering = routing.offering_agencies(procedure)
            if offering.exists():
                return offering
        return Agency.objects.filter(valid_to__isnull=True).order_by("name")

    @staticmethod
    def _not_offered(procedure: Procedure) -> ValidationError:
        names = [agency.name for agency in routing.offering_agencies(procedure)[:6]]
        if not names:
            return ValidationError(
                _("Chưa có cơ quan nào thực hiện thủ tục này; hãy để trống nơi thực hiện.")
            )
        return ValidationError(
            _("Cơ quan đã chọn không thực hiện thủ tục này. Thủ tục được thực hiện tại: %(names)s"),
            params={"names": "; ".join(names[:5]) + ("; …" if len(names) > 5 else "")},
        )

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
        error_messages={"required": _("Nhập mã xác thực."), "max_length": _("Mã xác thực gồm 6 chữ số.")},
        help_text=_("Mã gồm 6 chữ số."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Mã phản ánh"),
        max_length=30,
        help_text=_("Ví dụ: PAKN-260105-ABC234"),
        error_messages={"required": _("Nhập mã phản ánh."), "max_length": _("Mã phản ánh tối đa 30 ký tự.")},
    )
    contact = forms.CharField(
        label=_("Số điện thoại hoặc thư điện tử đã dùng khi gửi"),
        max_length=254,
        error_messages={"required": _("Nhập số điện thoại hoặc thư điện tử đã dùng khi gửi.")},
        help_text=_("Chúng tôi gửi mã xác thực tới đây để bạn xem và bổ sung phản ánh."),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_contact(self):
        return contact_parse(self.cleaned_data["contact"])


class AddInfoForm(forms.Form):
    text = forms.CharField(
        label=_("Thông tin bổ sung"),
        max_length=10_000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Nhập thông tin bổ sung.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        error_messages={"required": _("Ghi lý do."), "max_length": _("Lý do tối đa 2.000 ký tự.")},
    )


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label=_("Nội dung cần chỉnh sửa"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        help_text=_("Chuyên viên nhận được nội dung này; dự thảo trả lời được giữ lại để sửa."),
        error_messages={"required": _("Ghi nội dung cần chỉnh sửa.")},
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Thông tin cần bổ sung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        error_messages={"required": _("Ghi thông tin cần người gửi bổ sung.")},
    )


class RouteForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Chuyển tới cơ quan"),
        queryset=Agency.objects.none(),
        empty_label=_("— Chọn cơ quan —"),
        error_messages={"required": _("Chọn cơ quan để chuyển tới.")},
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
        error_messages={"required": _("Nhập nội dung trả lời.")},
        help_text=_(
            "Gõ như văn bản thường: một dòng trống bắt đầu đoạn mới, xuống dòng được giữ nguyên. Có thể "
            "dùng thêm các thẻ <b> hoặc <strong> (chữ đậm), <i> hoặc <em> (chữ nghiêng), <ul>, <ol> với "
            '<li> (danh sách), <p> (đoạn văn), <br> (xuống dòng) và <a href="https://…"> (liên kết '
            "http, https). Thẻ khác bị bỏ, chỉ giữ lại chữ; khi đã dùng <p>, <br> hoặc danh sách thì dòng "
            "trống và xuống dòng không còn tự chuyển thành đoạn văn."
        ),
    )
