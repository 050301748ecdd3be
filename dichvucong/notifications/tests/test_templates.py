import datetime
import unicodedata

import pytest
from django.template.loader import get_template

from dichvucong.notifications.events import EMAIL, EVENTS, SMS
from dichvucong.notifications.rendering import (
    CITIZEN_TEXT_KEYS,
    SMS_MAX_CHARS,
    citizen_text,
    render,
    strip_diacritics,
    template_name,
)

LONG_CONTEXT = {
    "site_name": "Dịch vụ công",
    "waybill": "EL123456789VN",
    "amount": "1.000.000 đ",
    "centre": "Trung tâm Phục vụ hành chính công phường Hạc Thành",
    "address": "Số 1 đường Hạc Thành, phường Hạc Thành, tỉnh Thanh Hóa",
    "receipt_number": "BLDT26-0000001",
    "carrier": "Bưu điện Việt Nam (VNPost)",
    "delivered_to": "Nguyễn Hoàng Bảo Khánh Linh",
    "otp": "123456",
    "minutes": 10,
    "hours": 24,
    "full_name": "Tôn Nữ Thị Phương Thảo Nguyễn Hoàng Bảo Khánh Linh",
    "site_url": "https://dichvucong.example.gov.vn/",
    "confirm_url": "https://dichvucong.example.gov.vn/tai-khoan/xac-nhan/abcdef0123456789abcdef/",
    "changed_at": "14:05 09/03/2026",
    "reset_url": "https://dichvucong.example.gov.vn/quen-mat-khau/",
    "code": "000.00.31.H56-261122-0001",
    "procedure": "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con và cấp trích lục hộ tịch",
    "tracking_url": "https://dichvucong.example.gov.vn/tra-cuu/?ma=000.00.31.H56-261122-0001",
    "due_at": "09:00 03/11/2023",
    "items": "Bản sao giấy chứng sinh có chứng thực; tờ khai đăng ký khai sinh có chữ ký của người đi khai",
    "deadline": "05/12/2026",
    "reasons": "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan; người nộp không phải là người yêu cầu",
    "reason": "hồ sơ bị từ chối tiếp nhận vì không thuộc thẩm quyền giải quyết của cơ quan",
    # feedback (phản ánh, kiến nghị)
    "title": "Cán bộ tiếp nhận hẹn lại nhiều lần mà không ghi rõ lý do, đề nghị xem xét",
    "question": "Đề nghị cho biết ngày nộp hồ sơ, tên cán bộ tiếp nhận và số giấy tiếp nhận",
    "agency": "Ủy ban nhân dân phường Hạc Thành, tỉnh Thanh Hóa",
    "clock": "Giải quyết, trả lời",
    "follow_url": "https://dichvucong.example.gov.vn/phan-anh-kien-nghi/theo-doi/?ma=PAKN-261122-ABC234",
    "public_url": "https://dichvucong.example.gov.vn/phan-anh-kien-nghi/PAKN-261122-ABC234/",
    "staff_url": "https://dichvucong.example.gov.vn/can-bo/phan-anh-kien-nghi/3f2b8c1e-9a4d-4c2b-8f1e-2a9d4c3b1e0f/",
}
# Long free text that short channels (SMS, Zalo) may cut; e-mail must carry it whole.
LONG_TEXT_KEYS = {
    "full_name",
    "procedure",
    "items",
    "reasons",
    "reason",
    "title",
    "question",
    "agency",
    "clock",
}
PAIRS = [(event, channel) for event in EVENTS.values() for channel in event.channels]


@pytest.mark.parametrize(("event", "channel"), PAIRS, ids=[f"{e.code}-{c}" for e, c in PAIRS])
def test_every_event_channel_pair_has_a_template_in_nfc_vietnamese(event, channel):
    get_template(template_name(event, channel))
    if channel == EMAIL:
        get_template(template_name(event, channel, "subject"))

    rendered = render(event=event, channel=channel, context=LONG_CONTEXT)

    assert rendered.body and "{{" not in rendered.body and "{%" not in rendered.body
    assert unicodedata.is_normalized("NFC", rendered.body + rendered.subject)
    assert "Dịch vụ công" in rendered.body + rendered.subject
    for key in event.context_keys:
        if channel != EMAIL and key in LONG_TEXT_KEYS - {"full_name"}:
            continue
        assert str(LONG_CONTEXT[key]) in rendered.body or (key == "full_name" and channel != EMAIL)


@pytest.mark.parametrize("event", [e for e in EVENTS.values() if SMS in e.channels], ids=lambda e: e.code)
def test_sms_fits_one_gsm7_part_once_diacritics_are_stripped(event):
    # Names reach templates as notify() passes them: quoted and cut to 40 characters.
    context = {k: citizen_text(v) if k in CITIZEN_TEXT_KEYS else v for k, v in LONG_CONTEXT.items()}

    rendered = render(event=event, channel=SMS, context=context, unicode=False)

    assert rendered.body.isascii()
    assert len(rendered.body) <= SMS_MAX_CHARS, rendered.body
    assert "\\n" not in rendered.body


def test_notify_prints_a_datetime_in_local_time_and_vietnamese_order(db):
    from dichvucong.notifications.services import notify

    changed_at = datetime.datetime(2026, 3, 9, 7, 5, tzinfo=datetime.UTC)  # 14:05 in Hà Nội

    (message,) = notify(
        event="account.password_changed",
        email="an@example.vn",
        context={"full_name": "An", "changed_at": changed_at},
    )

    assert "lúc 14:05 09/03/2026." in message.body


def test_strip_diacritics_keeps_case_digits_and_punctuation():
    assert (
        strip_diacritics("Đăng ký: Mã OTP 123, HIỆU LỰC 5 PHÚT!") == "Dang ky: Ma OTP 123, HIEU LUC 5 PHUT!"
    )
    assert strip_diacritics("Quản trị hệ thống ưu tiên") == "Quan tri he thong uu tien"


def test_context_values_are_not_html_escaped():
    rendered = render(
        event=EVENTS["account.email_confirm"],
        channel=EMAIL,
        context={**LONG_CONTEXT, "confirm_url": "https://x.vn/a?b=1&c=2", "full_name": "Lê & Cộng sự"},
    )

    assert "https://x.vn/a?b=1&c=2" in rendered.body
    assert "Kính gửi Lê & Cộng sự," in rendered.body
