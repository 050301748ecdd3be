"""Forms of the booking flow (one question per page), the kiosk and the counter page."""

from __future__ import annotations

from django import forms


class ChoiceForm(forms.Form):
    """One radio question; ``choices`` are (value, label) pairs built by the view."""

    chon = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args, label: str, choices: list[tuple[str, str]], required_message: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["chon"]
        field.label = label
        field.choices = choices
        field.error_messages = {
            "required": required_message,
            "invalid_choice": f"{required_message} (lựa chọn vừa gửi không còn trong danh sách)",
        }


class CheckInForm(forms.Form):
    code = forms.CharField(
        label="Mã lịch hẹn",
        max_length=16,
        help_text="Mã bắt đầu bằng LH, trong tin nhắn hoặc thư xác nhận, ví dụ LH7K3Q9P.",
        error_messages={"required": "Nhập mã lịch hẹn."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    id_number = forms.CharField(
        label="Số giấy tờ (căn cước) của người đặt lịch",
        max_length=20,
        error_messages={"required": "Nhập số giấy tờ của người đặt lịch."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class StaffCheckInForm(forms.Form):
    code = forms.CharField(
        label="Mã lịch hẹn",
        max_length=16,
        error_messages={"required": "Nhập mã lịch hẹn."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
