from django import forms

from dichvucong.delivery.states import Kind


class DeliveredForm(forms.Form):
    recipient_name = forms.CharField(label="Họ tên người ký nhận", max_length=300)
    id_checked = forms.BooleanField(
        label="Đã kiểm tra giấy tờ tùy thân (CCCD, hộ chiếu) hoặc giấy ủy quyền của người nhận",
        required=False,
    )
    proof = forms.FileField(
        label="Ảnh chữ ký hoặc ảnh bàn giao (không bắt buộc)",
        required=False,
        help_text="Ảnh JPEG, PNG hoặc tệp PDF.",
    )
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)

    def __init__(self, *args, kind: str = Kind.DELIVERY, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == Kind.PICKUP:
            self.fields["recipient_name"].label = "Họ tên cán bộ một cửa nhận hồ sơ giấy"
            del self.fields["id_checked"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
