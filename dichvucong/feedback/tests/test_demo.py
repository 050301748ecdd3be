"""The demo feedback: loaded through the services, idempotent, none about a dossier, and visible to the demo
receptionist of phường Hạc Thành in the staff queue."""

from __future__ import annotations

from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.accounts.models import User
from dichvucong.feedback import demo
from dichvucong.feedback.models import Feedback, FeedbackEvent, FeedbackStatus

S = FeedbackStatus


def test_demo_feedback_is_loaded_once_through_the_services(client, demo_data, settings):
    assert demo.load_demo() == {} and not Feedback.objects.exists()  # off in the test suite by default
    settings.DVC_DEMO_FEEDBACK = True

    assert demo.load_demo() == {"demo_feedback": 5}
    assert demo.load_demo() == {"demo_feedback": 0}
    assert Feedback.objects.count() == 5 and FeedbackEvent.objects.filter(action="submit").count() == 5

    statuses = sorted(Feedback.objects.values_list("status", flat=True))
    assert statuses == sorted([S.PUBLISHED, S.PUBLISHED, S.NEW, S.AWAITING_INFO, S.REFUSED])
    assert not Feedback.objects.filter(dossier__isnull=False).exists()
    assert set(Feedback.objects.values_list("agency__code", flat=True)) == {"000.00.31.H56"}

    masked = Feedback.objects.get(status=S.PUBLISHED, sender__isnull=True)
    assert "Lê Thị Hoa" in masked.content and "0987 650 001" in masked.content
    assert masked.public_content.startswith("Tôi là ***, số điện thoại ***, CCCD ***.")
    assert "Kính gửi bà ***" in masked.public_answer and "3850" not in masked.public_answer
    waiting = Feedback.objects.get(status=S.NEW)
    assert waiting.clock == "refuse" and waiting.due_at is not None

    public = client.get(reverse("feedback:list") + "?q=le+phi+chung+thuc").content.decode()
    assert "Đề nghị niêm yết rõ lệ phí chứng thực bản sao" in public and "Lê Thị Hoa" not in public

    login_with_second_factor(client, User.objects.get(username="tiepnhan.hacthanh"))
    queue = client.get(reverse("feedback:staff_queue")).content.decode()
    assert waiting.code in queue and "Tiếp nhận hoặc từ chối: hạn" in queue
    assert "Chờ tiếp nhận (1)" in queue and "Chờ bổ sung thông tin (1)" in queue
