"""Demo feedback (PAKN) for Ủy ban nhân dân phường Hạc Thành, whose staff are the demo logins: two answers
published (one showing the masking of personal data), one waiting for the agency to receive it (its
"refuse" clock running), one waiting for the sender's information, one refused. Called by
core.demo.load_demo_data; every step goes through feedback.services, so events, clocks and notifications
are the real ones. Idempotent: an item is found again by its title at the agency. No item is about a dossier
(the scorecard's dossier indicators stay as they were); all are dated when loaded.

The test suite loads the demo catalogue in many tests; these items are left out there unless a test sets
``settings.DVC_DEMO_FEEDBACK = True``."""

from __future__ import annotations

from dichvucong.accounts.models import User
from dichvucong.agencies.models import Agency
from dichvucong.core.demo import demo_logins, demo_part_enabled
from dichvucong.core.management.commands.ensure_demo_logins import COMMITTEE
from dichvucong.feedback import services
from dichvucong.feedback.contact import PHONE, Contact, VerifiedContact
from dichvucong.feedback.models import Feedback, Subject

ANONYMOUS_NAME, ANONYMOUS_PHONE = "Lê Thị Hoa", "+84987650001"

ITEMS = [
    {
        "key": "published",
        "title": "Đề nghị niêm yết rõ lệ phí chứng thực bản sao",
        "content": (
            "Tại Bộ phận Một cửa phường không thấy bảng niêm yết lệ phí chứng thực bản sao từ bản chính, "
            "người dân phải hỏi lại cán bộ nhiều lần. Đề nghị niêm yết công khai."
        ),
        "answer": (
            "Ủy ban nhân dân phường Hạc Thành tiếp thu ý kiến. Bảng niêm yết thủ tục và lệ phí chứng thực "
            "đã được đặt tại quầy số 2 của Bộ phận Một cửa và đăng trên Cổng dịch vụ công.\n\n"
            "Trân trọng cảm ơn ông đã đóng góp ý kiến."
        ),
    },
    {
        "key": "published_masked",
        "anonymous": True,
        "title": "Cán bộ hẹn trả kết quả khai sinh chậm hai ngày",
        "content": (
            "Tôi là Lê Thị Hoa, số điện thoại 0987 650 001, CCCD 038190001234. Ngày 02/12 tôi nộp hồ sơ đăng "
            "ký khai sinh cho con nhưng được hẹn trả kết quả chậm hai ngày mà không được giải thích lý do."
        ),
        "answer": (
            "Kính gửi bà Lê Thị Hoa,\n\nỦy ban nhân dân phường đã kiểm tra: hồ sơ phải xác minh thêm "
            "thông tin nơi cư trú nên được hẹn lại. Cán bộ tiếp nhận đã được nhắc nhở giải thích rõ lý do "
            "khi hẹn lại. Mọi thắc mắc xin liên hệ Bộ phận Một cửa, điện thoại 0237 3850 000."
        ),
    },
    {
        "key": "new",
        "title": "Đề nghị bố trí thêm ghế chờ tại Bộ phận Một cửa",
        "content": (
            "Buổi sáng thứ Hai rất đông người chờ, nhiều người cao tuổi phải đứng. Đề nghị bố trí thêm ghế."
        ),
    },
    {
        "key": "awaiting_info",
        "title": "Phản ánh việc thu tiền photo giấy tờ không có biên lai",
        "content": "Khi làm thủ tục chứng thực, tôi bị thu thêm tiền photo giấy tờ mà không có biên lai.",
        "question": "Đề nghị ông cho biết ngày, buổi làm thủ tục và số tiền đã nộp để phường xác minh.",
    },
    {
        "key": "refused",
        "title": "Đề nghị sửa đường điện chiếu sáng ngõ 12",
        "content": "Đèn chiếu sáng ngõ 12 hỏng đã lâu, buổi tối đi lại rất nguy hiểm.",
        "reason": (
            "Nội dung không thuộc phạm vi phản ánh về thủ tục hành chính; đề nghị ông liên hệ Tổ dân phố "
            "hoặc gửi qua đường dây nóng của phường để được xử lý."
        ),
    },
]


def enabled() -> bool:
    return demo_part_enabled("DVC_DEMO_FEEDBACK")


def _cast() -> tuple[Agency, User, dict[str, User]] | None:
    agency = Agency.objects.filter(code=COMMITTEE).first()
    if agency is None:
        return None
    citizen, staff = demo_logins()
    return agency, citizen, staff


def _submit(item: dict, agency: Agency, citizen: User) -> Feedback:
    draft = services.FeedbackDraft(
        subject=Subject.AGENCY, title=item["title"], content=item["content"], agency=agency
    )
    if item.get("anonymous"):
        draft.sender_name = ANONYMOUS_NAME
        verified = VerifiedContact(Contact(PHONE, ANONYMOUS_PHONE), {})
        return services.feedback_submit(draft=draft, verified=verified)
    return services.feedback_submit(draft=draft, sender=citizen)


def load_demo() -> dict[str, int]:
    if not enabled():
        return {}
    cast = _cast()
    if cast is None:
        return {}
    agency, citizen, staff = cast
    receptionist, specialist, leader = staff["receptionist"], staff["specialist"], staff["leader"]
    created = 0
    for item in ITEMS:
        if Feedback.objects.filter(agency=agency, title=item["title"]).exists():
            continue
        feedback = _submit(item, agency, citizen)
        created += 1
        ids = {"feedback_id": feedback.pk}
        if item["key"] == "refused":
            services.feedback_refuse(**ids, officer=receptionist, reason=item["reason"])
            continue
        if item["key"] == "new":
            continue
        services.feedback_receive(**ids, officer=receptionist)
        if item["key"] == "awaiting_info":
            services.feedback_request_info(**ids, officer=specialist, question=item["question"])
            continue
        services.feedback_answer(**ids, officer=specialist, answer=item["answer"])
        services.feedback_publish(**ids, officer=leader)
    return {"demo_feedback": created}
