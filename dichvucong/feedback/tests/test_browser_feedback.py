"""Done-when of the feedback part of issue 14 in a real browser: a citizen without an account sends feedback
about a procedure and proves the e-mail address with the code the real (local) SMTP server received; it is
routed to the commune offering the procedure; a receptionist receives it and sees the SLA clock, a specialist
answers, a leader publishes; the public list shows the answer with the personal data masked, and a reader
signs in to like it (once)."""

from __future__ import annotations

import email
import re

import pytest

from dichvucong.accounts.tests.conftest import latest_code
from dichvucong.dossiers.tests.test_browser_dossiers import PASSWORD, sign_out
from dichvucong.feedback.models import Feedback, FeedbackStatus
from dichvucong.notifications.tests.conftest import IMMEDIATE_TASKS
from dichvucong.processing.tests.test_browser_processing import IDENTIFIER, as_staff, staff_codes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def mailed_code(catcher, address: str) -> str:
    envelope = next(e for e in reversed(catcher.envelopes) if address in e.rcpt_tos)
    message = email.message_from_bytes(envelope.content)
    parts = [message] if not message.is_multipart() else [p for p in message.walk() if not p.is_multipart()]
    text = " ".join(p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8") for p in parts)
    return re.search(r"\b(\d{6})\b", text).group(1)


def click(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def test_submit_route_receive_answer_publish_and_like(
    live_server, browser_page, fdata_live, smtp_server, settings
):
    settings.TASKS = IMMEDIATE_TASKS
    page, url, data = browser_page, live_server.url, fdata_live
    codes = staff_codes([data["receptionist"], data["chuyenvien.pa"], data["lanhdao.pa"]])

    # A citizen without an account: the form, then the code sent to the e-mail address.
    page.goto(url + "/phan-anh-kien-nghi/gui/")
    page.get_by_role("radio", name="Thủ tục hành chính").check()
    page.get_by_label("Mã hoặc tên thủ tục").fill("1.001193")
    page.get_by_label("Tiêu đề").fill("Cán bộ hẹn lại nhiều lần")
    page.get_by_label("Nội dung phản ánh, kiến nghị").fill(
        "Tôi là Trần Văn Bảy, số 0901 234 567, CCCD 001099012345. Hồ sơ khai sinh bị hẹn lại ba lần."
    )
    page.get_by_label("Họ và tên").fill("Trần Văn Bảy")
    page.get_by_label("Số điện thoại di động hoặc thư điện tử").fill("bay@example.vn")
    click(page, "Tiếp tục")
    assert "ba***@example.vn" in page.content(), page.locator("main").inner_text()[:800]
    page.get_by_label("Mã xác thực").fill(mailed_code(smtp_server, "bay@example.vn"))
    click(page, "Xác nhận")
    feedback = Feedback.objects.get()
    assert feedback.code in page.content() and "Mới" in page.locator(".pakn-status").inner_text()
    assert feedback.agency == data["commune"] and feedback.sender_email == "bay@example.vn"

    # The commune's receptionist sees it in the queue with its clock, and receives it.
    as_staff(page, url, data["receptionist"], codes)
    page.goto(url + "/can-bo/phan-anh-kien-nghi/")
    queue = page.locator("main").inner_text()
    assert feedback.code in queue and "Tiếp nhận hoặc từ chối: hạn" in queue
    assert re.search(r"hạn \d\d/\d\d/\d{4} \d\d:\d\d", queue) and re.search(r"còn \d+ ngày làm việc", queue)
    page.get_by_role("link", name=feedback.code).click()
    click(page, "Tiếp nhận")
    assert "Đã tiếp nhận phản ánh." in page.content()
    assert "Giải quyết, trả lời: hạn" in page.locator("main").inner_text()
    sign_out(page, url)

    as_staff(page, url, data["chuyenvien.pa"], codes)
    page.goto(f"{url}/can-bo/phan-anh-kien-nghi/{feedback.public_id}/")
    page.get_by_label("Nội dung trả lời").fill(
        "Kính gửi ông Trần Văn Bảy,\n\nỦy ban đã nhắc nhở cán bộ. Liên hệ 0237 3850 000 nếu cần."
    )
    click(page, "Gửi trả lời để duyệt")
    assert "chờ lãnh đạo duyệt" in page.content()
    sign_out(page, url)

    as_staff(page, url, data["lanhdao.pa"], codes)
    page.goto(f"{url}/can-bo/phan-anh-kien-nghi/{feedback.public_id}/")
    click(page, "Duyệt và công khai")
    assert "Đã duyệt và công khai câu trả lời." in page.content()
    sign_out(page, url)
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.PUBLISHED and feedback.sla == {
        "refuse": True,
        "resolve": True,
        "publish": True,
    }

    # The public list: masked; an anonymous reader sees the counts and a link to sign in, signs in as a
    # citizen, comes back to the list and likes the answer once (a second like changes nothing).
    page.goto(url + "/phan-anh-kien-nghi/")
    item = page.locator(f"#pakn-{feedback.code}")
    text = item.inner_text()
    assert "Tôi là ***, số ***, CCCD ***." in text
    assert "0901 234 567" not in page.content() and "Trần Văn Bảy" not in page.content()
    assert "Hữu ích: 0 · Chưa hài lòng: 0" in text and item.get_by_role("button").count() == 0
    item.get_by_role("link", name="Đăng nhập để bày tỏ ý kiến").click()
    citizen = data["citizen"]
    page.get_by_label(IDENTIFIER).fill(citizen.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mã xác thực").fill(latest_code("otp.login", citizen.phone))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/phan-anh-kien-nghi"), page.url
    page.locator(f"#pakn-{feedback.code}").get_by_role("button", name="Hữu ích (0)").click()
    page.wait_for_load_state()
    assert "Cảm ơn bạn đã đánh giá câu trả lời." in page.content()
    # Voted: the counts and the reader's choice are shown, the buttons are gone (a second vote is refused by
    # the server too: test_votes).
    item = page.locator(f"#pakn-{feedback.code}")
    assert "Hữu ích: 1" in item.inner_text() and "Bạn đã đánh giá: Hữu ích." in item.inner_text()
    assert item.get_by_role("button").count() == 0
    page.goto(f"{url}/phan-anh-kien-nghi/{feedback.code}/")
    answer = page.locator(".pakn-answer").inner_text()
    assert "Kính gửi ông ***" in answer and "***" in answer and "3850" not in answer
    assert "Bạn đã đánh giá: Hữu ích." in page.content()
    assert page.locator(".pakn-vote").get_by_role("button").count() == 0
    feedback.refresh_from_db()
    assert (feedback.likes, feedback.dislikes, feedback.votes.count()) == (1, 0, 1)


PHONE = {"width": 360, "height": 740}
LONG_WORD = "https://dichvucong.example.gov.vn/thu-tuc/" + "khong-xuong-dong-" * 6


def test_at_360_px_the_list_the_form_and_the_staff_pages_do_not_scroll_sideways(
    live_server, browser_page, fdata_live
):
    from dichvucong.feedback.tests.conftest import submitted
    from dichvucong.feedback.tests.test_services import publish

    page, url, data = browser_page, live_server.url, fdata_live
    page.set_viewport_size(PHONE)
    published = publish(
        data, submitted(data, title="Đường dẫn dài " + LONG_WORD, content="Xem " + LONG_WORD + " " * 3)
    )
    waiting = submitted(data, title="Chờ tiếp nhận " + LONG_WORD, content=LONG_WORD)
    codes = staff_codes([data["receptionist"]])

    def width() -> int:
        return page.evaluate("document.documentElement.scrollWidth")

    for path in ("/phan-anh-kien-nghi/", "/phan-anh-kien-nghi/?q=duong+dan", "/phan-anh-kien-nghi/gui/",
                 f"/phan-anh-kien-nghi/{published.code}/"):  # fmt: skip
        page.goto(url + path)
        assert width() <= PHONE["width"], path
    page.goto(url + "/phan-anh-kien-nghi/")
    assert page.locator(f"#pakn-{published.code}").is_visible()
    page.goto(url + "/phan-anh-kien-nghi/gui/")
    click(page, "Tiếp tục")  # the error summary and the kept fields fit too
    assert width() <= PHONE["width"]

    as_staff(page, url, data["receptionist"], codes)
    for path in ("/can-bo/phan-anh-kien-nghi/", f"/can-bo/phan-anh-kien-nghi/{waiting.public_id}/"):
        page.goto(url + path)
        assert waiting.code in page.content()
        assert width() <= PHONE["width"], path
