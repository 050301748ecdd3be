"""Notification events of the processing workflow (registered from ``ProcessingConfig.ready``)."""

from __future__ import annotations

from dichvucong.notifications.events import EMAIL, SERVICE, SMS, ZALO, Event

CITIZEN = (SMS, EMAIL, ZALO)
BASE = ("full_name", "code", "procedure", "tracking_url")
STAFF = ("full_name", "code", "procedure", "items")

EVENTS = (
    # To the citizen.
    Event("dossier.resolved", "Hồ sơ đã có kết quả", CITIZEN, BASE, kind=SERVICE),
    Event("dossier.returned", "Đã trả kết quả", CITIZEN, BASE, kind=SERVICE),
    Event(
        "dossier.deadline_extended",
        "Xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)",
        CITIZEN,
        (*BASE, "due_at", "reasons"),
        mandatory=True,
        kind=SERVICE,
    ),
    Event(
        "dossier.stopped",
        "Dừng giải quyết hồ sơ (Mẫu 05)",
        CITIZEN,
        (*BASE, "reasons"),
        mandatory=True,
        kind=SERVICE,
    ),
    Event("dossier.withdrawal_approved", "Đồng ý cho rút hồ sơ", CITIZEN, BASE, mandatory=True, kind=SERVICE),
    Event(
        "dossier.withdrawal_declined",
        "Không đồng ý cho rút hồ sơ",
        CITIZEN,
        (*BASE, "reasons"),
        mandatory=True,
        kind=SERVICE,
    ),
    # To staff (items: the step or the matter; deadline: its due time).
    Event("dossier.handed_over", "Hồ sơ được chuyển đến bạn", (EMAIL,), (*STAFF, "deadline"), kind=SERVICE),
    Event(
        "dossier.due_soon", "Hồ sơ sắp đến hạn", (EMAIL,), (*STAFF, "deadline"), mandatory=True, kind=SERVICE
    ),
    Event("dossier.approval_needed", "Hồ sơ cần lãnh đạo duyệt", (EMAIL,), STAFF, kind=SERVICE),
    Event("dossier.approval_decided", "Kết quả duyệt của lãnh đạo", (EMAIL,), STAFF, kind=SERVICE),
)
