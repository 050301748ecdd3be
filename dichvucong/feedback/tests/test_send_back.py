"""Sending a draft answer back for revision: the approver returns it to the specialist with a reason; the
feedback is processing again, the draft kept, the resolve clock running from its own deadline. Every refusal
leaves the row, its events and the outbox as they were."""

from __future__ import annotations

from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.feedback import services
from dichvucong.feedback.models import FeedbackStatus
from dichvucong.feedback.tests.conftest import at, submitted
from dichvucong.feedback.tests.test_services import refused, snapshot
from dichvucong.feedback.text import answer_for_editing, sanitise_answer
from dichvucong.notifications.models import Message

S = FeedbackStatus
DRAFT = "Kính gửi ông An,\n\nỦy ban đã nhắc nhở cán bộ tiếp nhận."


def drafted(fdata, clock):
    clock.set(2026, 1, 5, 9, 0)  # Monday
    feedback = submitted(fdata)
    services.feedback_receive(feedback_id=feedback.pk, officer=fdata["receptionist"])
    clock.set(2026, 1, 6, 9, 0)
    return services.feedback_answer(feedback_id=feedback.pk, officer=fdata["chuyenvien.pa"], answer=DRAFT)


def test_send_back_resumes_the_resolve_clock_and_keeps_the_draft(fdata, clock):
    feedback = drafted(fdata, clock)
    # Received Mon 05/01 09:00 + 15 working days (three full weeks, no holiday) = Mon 26/01 09:00.
    assert feedback.resolve_due_at == at(2026, 1, 26, 9, 0)
    assert (feedback.clock, feedback.due_at) == ("publish", at(2026, 1, 8, 9, 0))

    clock.set(2026, 1, 9, 10, 0)  # Friday: the publish deadline (Thu 08/01 09:00) has passed
    back = services.feedback_send_back(
        feedback_id=feedback.pk, officer=fdata["lanhdao.pa"], reason="Bổ sung căn cứ pháp lý."
    )
    assert (
        back.status == S.PROCESSING
        and back.answer == "<p>Kính gửi ông An,</p><p>Ủy ban đã nhắc nhở cán bộ tiếp nhận.</p>"
    )
    assert back.answered_by == fdata["chuyenvien.pa"] and back.answered_at is None
    # The resolve clock runs again to its own deadline; the publish clock is dropped, not marked late.
    assert (back.clock, back.due_at) == ("resolve", at(2026, 1, 26, 9, 0))
    assert back.sla == {"refuse": True} and not back.late
    event = back.events.last()
    assert (event.action, event.from_status, event.to_status) == (
        "send_back",
        S.AWAITING_PUBLISH,
        S.PROCESSING,
    )
    assert event.actor == fdata["lanhdao.pa"] and event.note == "Bổ sung căn cứ pháp lý."
    # Only the specialist who drafted it is told (by e-mail); the sender is not.
    told = Message.objects.filter(event="feedback.sent_back")
    assert list(told.values_list("recipient", flat=True)) == ["chuyenvien.pa@example.vn"]
    assert "Bổ sung căn cứ pháp lý." in told.get().body

    clock.set(2026, 1, 12, 9, 0)
    again = services.feedback_answer(
        feedback_id=feedback.pk, officer=fdata["chuyenvien.pa"], answer=DRAFT + "\n\nCăn cứ Nghị định 20."
    )
    assert again.status == S.AWAITING_PUBLISH and again.sla == {"refuse": True, "resolve": True}
    assert (again.clock, again.due_at) == ("publish", at(2026, 1, 14, 9, 0))
    published = services.feedback_publish(feedback_id=feedback.pk, officer=fdata["lanhdao.pa"])
    assert published.status == S.PUBLISHED and "Nghị định 20" in published.public_answer


def test_a_late_resolve_clock_stays_late_after_the_send_back(fdata, clock):
    feedback = drafted(fdata, clock)
    clock.set(2026, 1, 27, 9, 0)  # past the resolve deadline of Mon 26/01 09:00
    back = services.feedback_send_back(feedback_id=feedback.pk, officer=fdata["lanhdao.pa"], reason="Sửa lại")
    assert (back.clock, back.due_at) == ("resolve", at(2026, 1, 26, 9, 0))
    again = services.feedback_answer(
        feedback_id=feedback.pk, officer=fdata["chuyenvien.pa"], answer="Đã sửa."
    )
    assert again.sla == {"refuse": True, "resolve": False} and again.late


def test_refused_send_backs_change_nothing(fdata, clock):
    feedback = drafted(fdata, clock)
    outbox = Message.objects.count()

    def send_back(officer, reason="Sửa lại"):
        return lambda: services.feedback_send_back(feedback_id=feedback.pk, officer=officer, reason=reason)

    refused(send_back(fdata["chuyenvien.pa"]), feedback, "forbidden")  # a specialist does not approve
    refused(send_back(fdata["receptionist"]), feedback, "forbidden")
    refused(send_back(fdata["outsider"]), feedback, "forbidden")  # another commune's staff
    error = refused(send_back(fdata["lanhdao.pa"], reason="  \r\n "), feedback, "required")
    assert error.field == "reason"
    services.feedback_publish(feedback_id=feedback.pk, officer=fdata["lanhdao.pa"])
    outbox = Message.objects.count()
    refused(send_back(fdata["lanhdao.pa"]), feedback, "illegal")  # already published
    assert Message.objects.count() == outbox
    feedback.refresh_from_db()
    assert "send_back" not in services.actions_for(feedback=feedback, user=fdata["lanhdao.pa"])


def test_send_back_from_the_staff_page(client, fdata, clock):
    feedback = drafted(fdata, clock)
    url = reverse("feedback:staff_detail", args=[feedback.public_id])

    login_with_second_factor(client, fdata["chuyenvien.pa"])
    assert "Trả lại dự thảo để chỉnh sửa" not in client.get(url).content.decode()
    before = snapshot(feedback)
    forbidden = client.post(url, {"action": "send_back", "send_back-reason": "Tự trả lại"})
    assert forbidden.status_code == 409 and snapshot(feedback) == before
    client.logout()

    login_with_second_factor(client, fdata["lanhdao.pa"])
    page = client.get(url).content.decode()
    assert "Trả lại dự thảo để chỉnh sửa" in page and "Duyệt và công khai" in page
    empty = client.post(url, {"action": "send_back", "send_back-reason": ""})
    assert empty.status_code == 200 and snapshot(feedback) == before  # the form says what is missing
    sent = client.post(url, {"action": "send_back", "send_back-reason": "Ghi rõ <b>thời hạn</b> khắc phục."})
    assert sent.status_code == 302
    client.logout()

    login_with_second_factor(client, fdata["chuyenvien.pa"])
    page = client.get(url).content.decode()
    assert "Dự thảo trả lời bị trả lại để chỉnh sửa" in page
    assert "Ghi rõ &lt;b&gt;thời hạn&lt;/b&gt; khắc phục." in page  # the reason is escaped
    # The answer box starts from the draft, as the plain text it was typed as.
    assert "Kính gửi ông An,\n\nỦy ban đã nhắc nhở cán bộ tiếp nhận.</textarea>" in page

    client.logout()
    client.force_login(fdata["citizen"])  # the sender does not see the internal review
    mine = client.get(reverse("feedback:sender_detail", args=[feedback.code])).content.decode()
    assert "thời hạn" not in mine and "Trả lại dự thảo" not in mine
    assert "Dự thảo trả lời" not in mine  # nor the drafts themselves (the walk-through saw them twice)


def test_answer_for_editing_round_trips_plain_text_and_keeps_formatting():
    assert answer_for_editing("<p>a &lt; b</p><p>dòng 1<br>dòng 2</p>") == "a < b\n\ndòng 1\ndòng 2"
    # Bold and links stay tags; paragraphs and breaks come back as blank lines and newlines, so a second
    # save keeps them (the walk-through saw <p>…<br> in the box after a send-back; edits lost their breaks).
    typed = "Kính gửi ông An,\nDòng hai <strong>đậm</strong>\n\nĐoạn 2 &lt; 3"
    saved = sanitise_answer(typed)
    assert answer_for_editing(saved) == typed
    assert sanitise_answer(answer_for_editing(saved)) == saved
    assert answer_for_editing("<ul><li>một</li></ul>") == "<ul><li>một</li></ul>"
    assert answer_for_editing("") == ""
