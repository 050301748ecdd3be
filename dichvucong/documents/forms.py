"""Forms parse and redisplay input; the rules themselves live in services and validation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dichvucong.documents.models import StoredDocument
from dichvucong.documents.services import TITLE_MAX


class _DocumentDetailsForm(forms.Form):
    title = forms.CharField(
        label=_("Tên giấy tờ"),
        max_length=TITLE_MAX,
        error_messages={
            "required": _("Nhập tên giấy tờ, ví dụ: Căn cước công dân mặt trước"),
            "max_length": _("Tên giấy tờ không quá %(limit_value)d ký tự"),
        },
    )
    kind = forms.ChoiceField(
        label=_("Loại giấy tờ (không bắt buộc)"),
        required=False,
        choices=[("", _("Chưa phân loại")), *StoredDocument.Kind.choices],
        error_messages={"invalid_choice": _("Chọn loại giấy tờ trong danh sách")},
    )


class DocumentUploadForm(_DocumentDetailsForm):
    file = forms.FileField(
        label=_("Tệp giấy tờ"),
        error_messages={
            "required": _("Chọn tệp giấy tờ cần tải lên"),
            "empty": _("Tệp đã chọn không có nội dung."),
            "invalid": _("Chọn tệp giấy tờ cần tải lên"),
        },
    )


class DocumentRenameForm(_DocumentDetailsForm):
    pass
