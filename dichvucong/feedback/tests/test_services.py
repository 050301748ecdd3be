"""Every transition of a feedback, and every refusal leaving the row as it was."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from dichvucong.catalogue.services import offering_upsert
from dichvucong.feedback import services
from dichvucong.feedback.models import Feedback, FeedbackEvent, FeedbackStatus, Subject
from dichvucong.feedback.tests.conftest import anonymous, at, draft, submitted
from dichvucong.notifications.models import Message

S = FeedbackStatus


def snapshot(feedback: Feedback) -> dict:
    fresh = Feedback.objects.get(pk=feedback.pk)
    return {**model_to_dict(fresh), "events": FeedbackEvent.objects.filter(feedback=fresh).count()}


def refused(call, feedback: Feedback, code: str):
    before = snapshot(feedback)
    with pytest.raises(services.FeedbackError) as error:
        call()
    assert error.value.code == code
    assert snapshot(feedback) == before
    return error.value


def test_submit_routes_to_the_only_offering_agency_and_starts_the_refuse_clock(fdata, clock):
    clock.set(2026, 1, 9, 16, 0)  # Friday 16:00
    feedback = submitted(fdata)
    assert feedback.status == S.NEW and feedback.agency == fdata["commune"] and not feedback.needs_routing
    assert feedback.code.startswith("PAKN-260109-")
    # 2 working days over the weekend: Mon 12/01 16:00 is one, Tue 13/01 16:00 two.
    assert (feedback.clock, feedback.due_at) == ("refuse", at(2026, 1, 13, 16, 0))
    assert feedback.sender_phone == "+84912345678" and feedback.sender_email == "an@example.vn"
    assert list(feedback.events.values_list("action", flat=True)) == ["submit"]
    assert Message.objects.filter(event="feedback.submitted", recipient="+84912345678").exists()
    staff_mail = set(Message.objects.filter(event="feedback.new").values_list("recipient", flat=True))
    assert {"chuyenvien.pa@example.vn", "lanhdao.pa@example.vn"} <= staff_mail
    assert "tiepnhan.b" not in str(staff_mail)


def test_submit_without_a_verified_contact_creates_nothing(fdata):
    with pytest.raises(services.FeedbackError) as error:
        services.feedback_submit(draft=draft(fdata), sender=fdata["stranger"])  # phone never verified
    assert error.value.code == "unverified"
    with pytest.raises(services.FeedbackError):
        services.feedback_submit(draft=draft(fdata))
    assert not Feedback.objects.exists() and not Message.objects.exists()


def test_procedure_offered_by_several_agencies_goes_to_the_centre_to_route_by_hand(fdata):
    offering_upsert(agency=fdata["other"], procedure=fdata["procedure"])
    feedback = anonymous(fdata)
    assert feedback.agency == fdata["centre"] and feedback.needs_routing
    assert feedback.sender is None and feedback.sender_phone == "+84901234567"


def test_feedback_about_an_agency_goes_to_it(fdata):
    feedback = submitted(fdata, subject=Subject.AGENCY, procedure=None, agency=fdata["other"])
    assert feedback.agency == fdata["other"]


def test_centre_routes_then_the_agency_receives(fdata, clock):
    offering_upsert(agency=fdata["other"], procedure=fdata["procedure"])
    feedback = anonymous(fdata)
    refused(
        lambda: services.feedback_route(
            feedback_id=feedback.pk, officer=fdata["chuyenvien.pa"], to_agency_id=fdata["commune"].pk
        ),
        feedback,
        "forbidden",
    )
    routed = services.feedback_route(
        feedback_id=feedback.pk,
        officer=fdata["tiepnhan.tt"],
        to_agency_id=fdata["commune"].pk,
        note="Đúng thẩm quyền",
    )
    assert (routed.status, routed.agency, routed.needs_routing) == (S.RECEIVED, fdata["commune"], False)
    assert routed.clock == "refuse" and routed.due_at == feedback.due_at  # the clock runs from submission
    received = services.feedback_receive(feedback_id=feedback.pk, officer=fdata["chuyenvien.pa"])
    assert received.status == S.PROCESSING and received.sla == {"refuse": True}


def test_receive_stops_the_refuse_clock_and_starts_the_resolve_clock_across_a_holiday(fdata, clock):
    clock.set(2026, 4, 29, 10, 0)  # Wednesday before 30/4 and 1/5 (Thu, Fri: holidays)
    feedback = submitted(fdata)
    # Thu 30/4, Fri 1/5 holidays, Sat, Sun off: Mon 04/05 10:00 is one working day, Tue 05/05 10:00 two.
    assert feedback.due_at == at(2026, 5, 5, 10, 0)
    clock.set(2026, 5, 4, 9, 0)
    received = services.feedback_receive(feedback_id=feedback.pk, officer=fdata["receptionist"])
    assert received.sla == {"refuse": True} and received.received_at == at(2026, 5, 4, 9, 0)
    # 15 working days from Mon 04/05 09:00: 5–8/5 (4), 11–15/5 (9), 18–22/5 (14), Mon 25/05 (15).
    assert (received.clock, received.due_at) == ("resolve", at(2026, 5, 25, 9, 0))
    assert not received.late
    assert Message.objects.filter(event="feedback.received").exists()


def test_a_late_decision_is_recorded_and_flags_the_feedback(fdata, clock):
    clock.set(2026, 1, 5, 9, 0)
    feedback = submitted(fdata)
    assert feedback.due_at == at(2026, 1, 7, 9, 0)
    clock.set(2026, 1, 7, 9, 1)
    refused_one = services.feedback_refuse(
        feedback_id=feedback.pk, officer=fdata["receptionist"], reason="Trùng"
    )
    assert refused_one.status == S.REFUSED and refused_one.sla == {"refuse": False} and refused_one.late
    assert (
        refused_one.closed_at == at(2026, 1, 7, 9, 1)
        and refused_one.clock == ""
        and refused_one.due_at is None
    )
    assert Message.objects.filter(event="feedback.refused").exists()
    assert refused_one.events.last().note == "Trùng"


def test_refusals_change_nothing(fdata):
    feedback = submitted(fdata)
    refused(
        lambda: services.feedback_receive(feedback_id=feedback.pk, officer=fdata["outsider"]),
        feedback,
        "forbidden",
    )
    refused(
        lambda: services.feedback_receive(feedback_id=feedback.pk, officer=fdata["citizen"]),
        feedback,
        "forbidden",
    )
    error = refused(
        lambda: services.feedback_refuse(feedback_id=feedback.pk, officer=fdata["receptionist"], reason="  "),
        feedback,
        "required",
    )
    assert error.field == "reason"
    refused(
        lambda: services.feedback_answer(
            feedback_id=feedback.pk, officer=fdata["chuyenvien.pa"], answer="Trả lời"
        ),
        feedback,
        "illegal",
    )
    refused(
        lambda: services.feedback_publish(feedback_id=feedback.pk, officer=fdata["lanhdao.pa"]),
        feedback,
        "illegal",
    )
    refused(
        lambda: services.feedback_route(
            feedback_id=feedback.pk, officer=fdata["receptionist"], to_agency_id=fdata["commune"].pk
        ),
        feedback,
        "same_agency",
    )
    services.feedback_receive(feedback_id=feedback.pk, officer=fdata["receptionist"])
    refused(
        lambda: services.feedback_receive(feedback_id=feedback.pk, officer=fdata["receptionist"]),
        feedback,
        "illegal",
    )
    # A receptionist receives but does not write the answer; a specialist does not publish.
    refused(
        lambda: services.feedback_answer(
            feedback_id=feedback.pk, officer=fdata["receptionist"], answer="Trả lời"
        ),
        feedback,
        "forbidden",
    )
    refused(
        lambda: services.feedback_answer(
            feedback_id=feedback.pk, officer=fdata["chuyenvien.pa"], answer="<p> </p>"
        ),
        feedback,
        "required",
    )
    services.feedback_answer(feedback_id=feedback.pk, officer=fdata["chuyenvien.pa"], answer="Đã xử lý.")
    refused(
        lambda: services.feedback_publish(feedback_id=feedback.pk, officer=fdata["chuyenvien.pa"]),
        feedback,
        "forbidden",
    )


def test_request_info_pauses_the_resolve_clock_until_the_sender_answers(fdata, clock):
    clock.set(2026, 5, 4, 9, 0)
    feedback = submitted(fdata)
    services.feedback_receive(feedback_id=feedback.pk, officer=fdata["receptionist"])
    clock.set(2026, 5, 6, 9, 0)  # the request clock ran to Mon 11/05 09:00 (5 working days)
    asked = services.feedback_request_info(
        feedback_id=feedback.pk, officer=fdata["chuyenvien.pa"], question="Cho biết ngày nộp hồ sơ"
    )
    assert asked.status == S.AWAITING_INFO and asked.sla == {"refuse": True, "request": True}
    assert Message.objects.filter(event="feedback.info_requested").exists()
    clock.set(2026, 5, 8, 9, 0)
    refused(
        lambda: services.feedback_add_info(feedback_id=feedback.pk, text="Ngày 02/5", user=fdata["stranger"]),
        feedback,
        "forbidden",
    )
    refused(
        lambda: services.feedback_add_info(
            feedback_id=feedback.pk, text="Ngày 02/5", contact_value="+84900000000"
        ),
        feedback,
        "forbidden",
    )
    resumed = services.feedback_add_info(feedback_id=feedback.pk, text="Ngày 02/5", user=fdata["citizen"])
    # Waited Wed 06/05 09:00 → Fri 08/05 09:00: two working days, so Mon 25/05 09:00 → Wed 27/05 09:00.
    assert (resumed.status, resumed.clock, resumed.due_at) == (S.PROCESSING, "resolve", at(2026, 5, 27, 9, 0))
    assert resumed.events.last().note == "Ngày 02/5"


def test_answer_then_publish_masks_personal_data(fdata, clock):
    clock.set(2026, 1, 5, 9, 0)
    feedback = submitted(
        fdata,
        title="Nguyễn Văn An phản ánh",
        content="Tôi là nguyễn văn an, CCCD 038090012345, gọi 0912 345 678 hoặc an@example.vn.",
    )
    services.feedback_receive(feedback_id=feedback.pk, officer=fdata["receptionist"])
    clock.set(2026, 1, 6, 9, 0)
    answered = services.feedback_answer(
        feedback_id=feedback.pk,
        officer=fdata["chuyenvien.pa"],
        answer='<p>Kính gửi ông Nguyễn Văn An,</p><script>alert(1)</script><p onclick="x()">Xin lỗi, '
        'gọi <strong>0237 3850 000</strong>. <a href="javascript:alert(1)">x</a></p>',
    )
    assert answered.status == S.AWAITING_PUBLISH and answered.sla == {"refuse": True, "resolve": True}
    assert (answered.clock, answered.due_at) == ("publish", at(2026, 1, 8, 9, 0))
    assert (
        "script" not in answered.answer
        and "onclick" not in answered.answer
        and "javascript" not in answered.answer
    )
    assert (
        "<strong>0237 3850 000</strong>" in answered.answer
    )  # the agency's raw answer is kept for the sender
    clock.set(2026, 1, 7, 15, 0)
    published = services.feedback_publish(feedback_id=feedback.pk, officer=fdata["lanhdao.pa"])
    assert published.status == S.PUBLISHED and published.published_at == at(2026, 1, 7, 15, 0)
    assert published.sla == {"refuse": True, "resolve": True, "publish": True} and not published.late
    assert published.public_title == "*** phản ánh"
    assert published.public_content == "Tôi là ***, CCCD ***, gọi *** hoặc ***."
    assert (
        published.public_answer == "<p>Kính gửi ông ***,</p><p>Xin lỗi, gọi <strong>***</strong>. "
        '<a rel="nofollow noopener noreferrer">x</a></p>'
    )
    assert published.content.startswith("Tôi là nguyễn văn an, CCCD 038090012345")  # the original stays
    assert Message.objects.filter(event="feedback.published").exists()


def test_return_stops_the_running_clock(fdata, clock):
    feedback = submitted(fdata)
    services.feedback_receive(feedback_id=feedback.pk, officer=fdata["receptionist"])
    returned = services.feedback_return(
        feedback_id=feedback.pk, officer=fdata["lanhdao.pa"], reason="Không thuộc thẩm quyền của tỉnh"
    )
    assert returned.status == S.RETURNED and returned.sla == {"refuse": True, "resolve": True}
    assert returned.closed_at is not None and returned.clock == ""
    assert Message.objects.filter(event="feedback.returned").exists()


def publish(fdata, feedback):
    services.feedback_receive(feedback_id=feedback.pk, officer=fdata["receptionist"])
    services.feedback_answer(feedback_id=feedback.pk, officer=fdata["chuyenvien.pa"], answer="Đã xử lý.")
    return services.feedback_publish(feedback_id=feedback.pk, officer=fdata["lanhdao.pa"])


def test_a_submission_flood_creates_nothing(fdata, settings):
    settings.DVC_FEEDBACK_PER_CONTACT_DAY = 2
    submitted(fdata)
    submitted(fdata)
    messages = Message.objects.count()
    with pytest.raises(services.FeedbackError) as error:
        submitted(fdata)
    assert error.value.code == "flood" and "quá nhiều" in error.value.message
    assert Feedback.objects.count() == 2 and Message.objects.count() == messages


def test_only_the_sender_reraises_a_published_feedback(fdata):
    earlier = publish(fdata, submitted(fdata))
    with pytest.raises(services.FeedbackError) as error:
        anonymous(fdata, reraises=earlier)
    assert error.value.code == "reraise" and Feedback.objects.count() == 1
    again = submitted(fdata, title="Vẫn chưa được giải quyết", reraises=earlier)
    assert again.reraises == earlier and again.agency == earlier.agency
    assert list(earlier.reraised_by.all()) == [again]


def test_feedback_about_a_dossier_only_from_its_applicant(fdata):
    from dichvucong.processing.tests.conftest import accepted_dossier

    dossier = accepted_dossier(fdata)
    with pytest.raises(services.FeedbackError) as error:
        anonymous(fdata, subject=Subject.DOSSIER, procedure=None, dossier=dossier)
    assert error.value.field == "dossier_code" and not Feedback.objects.exists()
    feedback = submitted(fdata, subject=Subject.DOSSIER, procedure=None, dossier=dossier)
    assert feedback.dossier == dossier and feedback.agency == dossier.agency
    assert feedback.procedure == dossier.procedure
