"""Notification events of the feedback app (PAKN), registered from FeedbackConfig.ready().

To the sender (their verified phone or e-mail only): the code to prove a contact, received, more information
asked, answer published, refused or returned. To the agency's staff: a new feedback, a clock due within one
working day, a clock overdue, a draft answer sent back for revision (by e-mail: the link to the staff page
is too long for one SMS)."""

from dichvucong.notifications.events import EMAIL, SECURITY, SERVICE, SMS, Event

EVENTS = (
    Event(
        "feedback.otp",
        "Mã xác thực gửi phản ánh, kiến nghị",
        (SMS, EMAIL),
        ("otp", "minutes"),
        mandatory=True,
        sensitive=True,
        kind=SECURITY,
    ),
    Event(
        "feedback.submitted",
        "Đã gửi phản ánh, kiến nghị",
        (SMS, EMAIL),
        ("code", "title", "follow_url"),
        kind=SERVICE,
    ),
    Event(
        "feedback.received",
        "Phản ánh, kiến nghị được tiếp nhận",
        (SMS, EMAIL),
        ("code", "title", "follow_url", "agency"),
        kind=SERVICE,
    ),
    Event(
        "feedback.info_requested",
        "Đề nghị bổ sung thông tin phản ánh, kiến nghị",
        (SMS, EMAIL),
        ("code", "title", "follow_url", "question"),
        mandatory=True,
        kind=SERVICE,
    ),
    Event(
        "feedback.published",
        "Phản ánh, kiến nghị đã được trả lời",
        (SMS, EMAIL),
        ("code", "title", "public_url"),
        kind=SERVICE,
    ),
    Event(
        "feedback.refused",
        "Phản ánh, kiến nghị không được tiếp nhận",
        (SMS, EMAIL),
        ("code", "title", "follow_url", "reason"),
        mandatory=True,
        kind=SERVICE,
    ),
    Event(
        "feedback.returned",
        "Phản ánh, kiến nghị được trả lại",
        (SMS, EMAIL),
        ("code", "title", "follow_url", "reason"),
        mandatory=True,
        kind=SERVICE,
    ),
    Event(
        "feedback.new",
        "Có phản ánh, kiến nghị mới",
        (EMAIL,),
        ("full_name", "code", "title", "staff_url", "deadline"),
        kind=SERVICE,
    ),
    Event(
        "feedback.sent_back",
        "Dự thảo trả lời phản ánh, kiến nghị bị trả lại để chỉnh sửa",
        (EMAIL,),
        ("full_name", "code", "title", "staff_url", "reason"),
        kind=SERVICE,
    ),
    Event(
        "feedback.due_soon",
        "Phản ánh, kiến nghị sắp đến hạn",
        (EMAIL,),
        ("full_name", "code", "title", "staff_url", "clock", "deadline"),
        kind=SERVICE,
    ),
    Event(
        "feedback.overdue",
        "Phản ánh, kiến nghị quá hạn",
        (EMAIL,),
        ("full_name", "code", "title", "staff_url", "clock", "deadline"),
        kind=SERVICE,
    ),
)
