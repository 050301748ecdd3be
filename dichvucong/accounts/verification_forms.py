"""Forms of the counter identity check (verification_views.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency


class IdentitySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Số giấy tờ hoặc số điện thoại của công dân"),
        max_length=40,
        help_text=_(
            "Số căn cước 12 số, số chứng minh nhân dân 9 số, mã số thuế, hoặc số điện thoại di động."
        ),
    )


class CounterCheckForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Tại cơ quan"), queryset=Agency.objects.none(), empty_label=None)
    id_number = forms.CharField(
        label=_("Số in trên giấy tờ gốc"),
        max_length=20,
        help_text=_(
            "Gõ lại số in trên thẻ căn cước / chứng minh nhân dân người dân đưa ra, không chép từ màn hình."
        ),
    )
    card_checked = forms.BooleanField(
        label=_(
            "Tôi đã đối chiếu giấy tờ gốc với người đang có mặt: ảnh, họ tên và ngày sinh khớp với "
            "tài khoản này, và người đó cho xem tài khoản trên điện thoại của mình."
        ),
        required=True,
        error_messages={"required": _("Hãy xác nhận đã đối chiếu giấy tờ gốc.")},
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        first = agencies.first()
        if first is not None:
            self.fields["agency"].initial = first.pk
