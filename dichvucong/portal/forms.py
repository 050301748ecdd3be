from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dichvucong.portal.models import Article

BODY_HINT = _(
    "Viết bằng HTML đơn giản: <p> đoạn văn, <strong> chữ đậm, <em> chữ nghiêng, <ul>/<ol>/<li> danh sách, "
    '<a href="https://…"> liên kết, <h2>/<h3> tiêu đề mục. Các thẻ khác (script, iframe, style…) bị loại bỏ.'
)


class ArticleForm(forms.Form):
    title = forms.CharField(
        label=_("Tiêu đề"),
        max_length=200,
        error_messages={"required": _("Hãy nhập tiêu đề."), "max_length": _("Tiêu đề dài tối đa 200 ký tự.")},
    )
    kind = forms.ChoiceField(
        label=_("Loại"), choices=Article.Kind.choices, initial=Article.Kind.NEWS, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label=_("Tóm tắt (không bắt buộc)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Một hai câu hiện trong danh sách tin."),
    )
    body = forms.CharField(
        label=_("Nội dung"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 14, "class": "portal-editor", "spellcheck": "true"}),
        help_text=BODY_HINT,
        error_messages={"required": _("Hãy nhập nội dung.")},
    )
    pinned = forms.BooleanField(label=_("Ghim lên đầu danh sách"), required=False)
    is_published = forms.BooleanField(label=_("Đăng công khai"), required=False)
    published_at = forms.DateTimeField(
        label=_("Thời điểm đăng (không bắt buộc)"),
        required=False,
        help_text=_("Dạng giờ:phút ngày/tháng/năm, ví dụ 08:00 15/01/2027. Để trống: đăng ngay khi lưu."),
        input_formats=["%H:%M %d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y"],
        widget=forms.DateTimeInput(format="%H:%M %d/%m/%Y"),
        error_messages={"invalid": _("Thời điểm đăng không đúng dạng giờ:phút ngày/tháng/năm.")},
    )

    @classmethod
    def initial_for(cls, article: Article) -> dict:
        return {
            "title": article.title,
            "kind": article.kind,
            "summary": article.summary,
            "body": article.body,
            "pinned": article.pinned,
            "is_published": article.is_published,
            "published_at": article.published_at,
        }


class VoteForm(forms.Form):
    option = forms.TypedChoiceField(
        label=_("Phương án"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn một phương án."),
            "invalid_choice": _("Hãy chọn một phương án."),
        },
    )
    ballot = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, poll, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["option"].label = poll.question
        self.fields["option"].choices = [(option.pk, option.label) for option in poll.options.all()]
