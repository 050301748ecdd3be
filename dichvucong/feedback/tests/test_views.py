"""The pages: the public list and votes, the submission with its one-time code, the sender's page, the staff
queue with its clock, and agency B staff getting 404 on agency A's feedback."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.accounts.tests.conftest import latest_code
from dichvucong.feedback import services
from dichvucong.feedback.models import Feedback, FeedbackStatus
from dichvucong.feedback.tests.conftest import submitted
from dichvucong.feedback.tests.test_services import publish, snapshot

SUBMIT = reverse("feedback:submit")


def form_data(**overrides):
    data = {
        "subject": "procedure",
        "procedure_code": "1.001193",
        "title": "Thái độ <b>cán bộ</b>",
        "content": "Cán bộ không hướng dẫn. <script>alert(1)</script>",
        "sender_name": "Trần Văn Bảy",
        "contact": "0901 234 567",
    }
    data.update(overrides)
    return data


def test_anonymous_submission_with_the_one_time_code(client, fdata):
    response = client.post(SUBMIT, form_data())
    assert response.status_code == 302 and "/xac-thuc/" in response.url
    assert not Feedback.objects.exists()
    page = client.get(response.url)
    assert "090****567" in page.content.decode()
    wrong = client.post(
        response.url, {"code": "000000" if latest_code("feedback.otp") != "000000" else "111111"}
    )
    assert "Mã xác thực không đúng" in wrong.content.decode() and not Feedback.objects.exists()
    done = client.post(response.url, {"code": latest_code("feedback.otp", "+84901234567")})
    feedback = Feedback.objects.get()
    assert done.url == reverse("feedback:sender_detail", args=[feedback.code])
    assert (feedback.sender_phone, feedback.sender_name, feedback.agency) == (
        "+84901234567", "Trần Văn Bảy", fdata["commune"],
    )  # fmt: skip
    page = client.get(done.url).content.decode()
    assert (
        "Thái độ &lt;b&gt;cán bộ&lt;/b&gt;" in page
        and "&lt;script&gt;" in page
        and "<script>alert" not in page
    )
    # The code works once.
    again = client.post(response.url, {"code": latest_code("feedback.otp", "+84901234567")})
    assert again.status_code == 302 and Feedback.objects.count() == 1


def test_bad_input_keeps_what_was_typed(client, fdata):
    response = client.post(SUBMIT, form_data(procedure_code="9.999999", contact="12345", title=""))
    html = response.content.decode()
    assert response.status_code == 200 and "Có lỗi cần sửa" in html
    assert "Không tìm thấy thủ tục" in html and "Vui lòng nhập số điện thoại bắt đầu bằng 0" in html
    assert "Cán bộ không hướng dẫn." in html and 'value="Trần Văn Bảy"' in html
    assert not Feedback.objects.exists()


def test_a_code_flood_gets_a_clear_message_and_sends_nothing_more(client, fdata, settings):
    from dichvucong.notifications.models import Message

    settings.DVC_FEEDBACK_OTP_PER_CONTACT_HOUR = 2
    for _ in range(2):
        assert client.post(SUBMIT, form_data()).status_code == 302
    sent = Message.objects.filter(event="feedback.otp").count()
    response = client.post(SUBMIT, form_data())
    assert response.status_code == 200 and "quá nhiều mã xác thực" in response.content.decode()
    assert Message.objects.filter(event="feedback.otp").count() == sent


def test_signed_in_verified_citizen_submits_without_a_code(client, fdata):
    client.force_login(fdata["citizen"])
    response = client.post(
        SUBMIT, {k: v for k, v in form_data().items() if k not in ("sender_name", "contact")}
    )
    feedback = Feedback.objects.get()
    assert response.url == reverse("feedback:sender_detail", args=[feedback.code])
    assert feedback.sender == fdata["citizen"] and feedback.sender_name == "Nguyễn Văn An"
    assert feedback.code in client.get(reverse("feedback:mine")).content.decode()


def test_the_sender_page_is_not_for_others(client, fdata):
    feedback = submitted(fdata)
    url = reverse("feedback:sender_detail", args=[feedback.code])
    assert client.get(url).status_code == 404
    client.force_login(fdata["stranger"])
    assert client.get(url).status_code == 404


def test_sender_adds_information_when_asked(client, fdata):
    feedback = submitted(fdata)
    services.feedback_receive(feedback_id=feedback.pk, officer=fdata["receptionist"])
    services.feedback_request_info(
        feedback_id=feedback.pk, officer=fdata["receptionist"], question="Ngày nộp?"
    )
    client.force_login(fdata["citizen"])
    url = reverse("feedback:sender_detail", args=[feedback.code])
    assert "Ngày nộp?" in client.get(url).content.decode()
    response = client.post(url, {"text": "Ngày 02/01/2026"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.PROCESSING


def test_public_list_shows_masked_answers_and_counts_a_citizens_vote_once(client, fdata):
    feedback = publish(fdata, submitted(fdata, content="Gọi tôi: 0912 345 678"))
    hidden = submitted(fdata, title="Chưa công khai")
    html = client.get(reverse("feedback:list")).content.decode()
    assert feedback.code in html and "Gọi tôi: ***" in html and "0912 345 678" not in html
    assert hidden.code not in html
    assert "Chưa công khai" not in client.get(reverse("feedback:list"), {"q": "công khai"}).content.decode()
    assert client.get(reverse("feedback:detail", args=[hidden.code])).status_code == 404
    vote = reverse("feedback:vote", args=[feedback.code])
    client.force_login(fdata["citizen"])
    client.post(vote, {"value": "like"})
    page = client.post(vote, {"value": "like"}, follow=True).content.decode()
    assert "Bạn đã đánh giá câu trả lời này." in page and "Hữu ích: 1" in page
    assert 'value="like"' not in page  # voted: no buttons any more
    feedback.refresh_from_db()
    assert feedback.likes == 1


def test_staff_queue_shows_the_clock_and_agency_b_gets_404(client, fdata, clock):
    clock.set(2026, 1, 9, 16, 0)
    feedback = submitted(fdata)
    clock.set(2026, 1, 12, 10, 0)
    login_with_second_factor(client, fdata["receptionist"])
    html = client.get(reverse("feedback:staff_queue")).content.decode()
    assert feedback.code in html and "13/01/2026 16:00" in html and "còn 2 ngày làm việc" in html
    clock.set(2026, 1, 14, 16, 0)
    login_with_second_factor(client, fdata["receptionist"])  # a staff session times out after idling
    html = client.get(reverse("feedback:staff_queue")).content.decode()
    assert "quá hạn 1 ngày" in html

    client.logout()
    login_with_second_factor(client, fdata["outsider"])
    url = reverse("feedback:staff_detail", args=[feedback.public_id])
    before = snapshot(feedback)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "receive"}).status_code == 404
    assert snapshot(feedback) == before
    assert feedback.code not in client.get(reverse("feedback:staff_queue")).content.decode()


def test_staff_actions_from_the_page(client, fdata):
    feedback = submitted(fdata)
    url = reverse("feedback:staff_detail", args=[feedback.public_id])
    login_with_second_factor(client, fdata["receptionist"])
    empty = client.post(url, {"action": "refuse", "refuse-reason": ""})
    assert "Vui lòng" in empty.content.decode() or "bắt buộc" in empty.content.decode()
    assert client.post(url, {"action": "receive"}).status_code == 302
    client.logout()
    login_with_second_factor(client, fdata["chuyenvien.pa"])
    assert client.post(url, {"action": "answer", "answer-answer": "Đã chấn chỉnh."}).status_code == 302
    stale = client.post(url, {"action": "receive"})
    assert stale.status_code == 409 and "không thực hiện được" in stale.content.decode()
    client.logout()
    login_with_second_factor(client, fdata["lanhdao.pa"])
    assert client.post(url, {"action": "publish"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.PUBLISHED and feedback.public_answer == "<p>Đã chấn chỉnh.</p>"


@pytest.mark.parametrize("path", ["feedback:list", "feedback:submit", "feedback:follow"])
def test_public_pages_render(client, fdata, path):
    assert client.get(reverse(path)).status_code == 200


def test_a_signed_in_account_without_a_verified_contact_is_told_why(client, fdata):
    client.force_login(fdata["stranger"])
    assert "chưa có số điện thoại hoặc thư điện tử đã xác thực" in client.get(SUBMIT).content.decode()
    response = client.post(SUBMIT, form_data())
    assert response.status_code == 200 and not Feedback.objects.exists()
