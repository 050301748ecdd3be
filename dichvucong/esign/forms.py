"""The public verification form: the QR code's content (pasted or scanned), a PDF, or both."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dichvucong.esign.qr import MAX_PAYLOAD_CHARS


class VerifyForm(forms.Form):
    payload = forms.CharField(
        label=_("Nội dung mã QR"),
        required=False,
        max_length=MAX_PAYLOAD_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dán đường dẫn đọc được khi quét mã QR trên kết quả (bắt đầu bằng …/xac-minh/?v=1)."),
        error_messages={"max_length": _("Nội dung mã QR quá dài.")},
    )
    file = forms.FileField(
        label=_("Tệp PDF kết quả (không bắt buộc)"),
        required=False,
        help_text=_("Chọn tệp PDF kết quả điện tử để kiểm tra chữ ký số và nội dung tệp."),
        error_messages={"empty": _("Tệp đã chọn không có nội dung."), "invalid": _("Chọn tệp PDF kết quả.")},
    )

    def clean(self):
        data = super().clean()
        if not (data.get("payload") or "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Hãy nhập nội dung mã QR hoặc chọn tệp PDF kết quả để xác minh."))
        return data
