"""A citizen's free text (a name) never reads as the agency's words in a message: quoted, at most 40
characters, one line, no links (rendering.citizen_text, applied by notify to CITIZEN_TEXT_KEYS)."""

import pytest

from dichvucong.notifications.rendering import citizen_text
from dichvucong.notifications.services import notify

PHISHING = "Nguyen Van A\nBấm http://evil.vn/x để nhận tiền"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Nguyễn Văn An", "“Nguyễn Văn An”"),
        (PHISHING, "“Nguyen Van A Bấm để nhận tiền”"),
        ("Lê B www.evil.com/nhan-tien?x=1 gọi ngay", "“Lê B gọi ngay”"),
        ("Trần C vào evil.vn/x", "“Trần C vào”"),
        ("Trần D HTTPS://EVIL.VN/X", "“Trần D”"),
        ("Đỗ E hotro@evil.vn", "“Đỗ E”"),
        ("Phạm F bit.ly/abc", "“Phạm F”"),
        ("Hà\r\nG\tH\u2028I\u202eJ\u200bK", "“Hà G H I J K”"),
        ("”. Cơ quan thông báo: “nộp phạt", "“'. Cơ quan thông báo: 'nộp phạt”"),
        ("Tôn Nữ Thị Phương Thảo Nguyễn Hoàng Bảo Khánh Linh", "“Tôn Nữ Thị Phương Thảo Nguyễn Hoàng Bảo…”"),
        ("Nguyễn V. An", "“Nguyễn V. An”"),
        ("http://evil.vn", ""),
    ],
)
def test_citizen_text_is_quoted_short_one_line_and_without_links(typed, shown):
    assert citizen_text(typed) == shown


def test_citizen_text_is_at_most_40_characters_inside_the_quotes():
    assert len(citizen_text("A" * 300)) == 40 + 2


@pytest.mark.django_db
def test_every_channel_gets_the_name_quoted_without_the_link_or_line_break(settings):
    settings.DVC_DEMO_SMS_UNICODE = True

    messages = notify(
        event="account.welcome",
        phone="0912345678",
        email="an@example.vn",
        context={"full_name": PHISHING, "site_url": "https://dichvucong.example.vn/"},
    )

    assert {m.channel for m in messages} == {"sms", "email"}
    for message in messages:
        assert "“Nguyen Van A Bấm để nhận tiền”" in message.body
        assert "evil" not in message.body and "http://evil" not in message.body
    sms = next(m for m in messages if m.channel == "sms")
    assert "\n" not in sms.body


@pytest.mark.django_db
def test_a_carriers_delivered_to_text_is_treated_the_same(settings):
    context = {
        "full_name": "An",
        "code": "X-1",
        "procedure": "Khai sinh",
        "tracking_url": "https://dichvucong.example.vn/tra-cuu/?ma=X-1",
        "waybill": "EL1VN",
        "carrier": "VNPost",
        "delivered_to": "Bảo vệ\nxem evil.vn/x",
    }

    (message,) = notify(event="delivery.delivered", email="an@example.vn", context=context)

    assert "cho “Bảo vệ xem”." in message.body and "evil" not in message.body
