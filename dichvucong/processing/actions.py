"""What the asking user may do on a dossier's processing page now (buttons on the page, ``actions`` in the
API). The services check the same rules again under the dossier's lock; this is only for showing."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from dichvucong.accounts.models import StaffRole, User
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.dossiers.workflow import is_own_dossier
from dichvucong.processing.late import DRAFTERS, MAX_RESCHEDULES, one_working_day_left
from dichvucong.processing.models import HandoverKind, NoticeState, Track, TrackState
from dichvucong.processing.services import START_ROLES

R = StaffRole
LABELS = {
    "start": "Chuyển xử lý",
    "forward": "Chuyển bước tiếp theo",
    "send_back": "Trả lại bước trước",
    "recall": "Thu hồi hồ sơ vừa chuyển",
    "reassign": "Bàn giao cho cán bộ khác",
    "draft": "Đính kèm dự thảo kết quả để lãnh đạo ký duyệt",
    "issue": "Vào số, đính kèm kết quả, chuyển về một cửa",
    "return": "Trả kết quả cho công dân",
    "late_draft": "Dự thảo văn bản xin lỗi, hẹn lại ngày trả (Mẫu 04)",
    "late_decide": "Duyệt văn bản xin lỗi (Mẫu 04)",
    "stop_propose": "Đề xuất dừng giải quyết (Mẫu 05)",
    "stop_decide": "Duyệt thông báo dừng giải quyết (Mẫu 05)",
    "withdrawal_decide": "Xem xét yêu cầu rút hồ sơ",
}
OPEN = (Status.ACCEPTED, Status.PROCESSING)


def track_of(dossier: Dossier) -> Track | None:
    try:
        return dossier.track
    except ObjectDoesNotExist:
        return None


def pending(items):
    return next((item for item in items if item.state == NoticeState.DRAFT), None)


def actions_for(*, dossier: Dossier, user: User, roles: set[str]) -> list[str]:
    """Action codes in page order; ``roles`` are the user's roles at the dossier's agency. None on a
    dossier of the user's own (segregation of duties)."""
    if is_own_dossier(dossier=dossier, user=user):
        return []
    track = track_of(dossier)
    found: list[str] = []
    status = dossier.status
    if status == Status.ACCEPTED and track is None and roles & START_ROLES:
        found.append("start")
    holding = (
        track is not None
        and track.state == TrackState.IN_PROGRESS
        and track.step is not None
        and status == Status.PROCESSING
    )
    if holding and track.assignee_id == user.pk:
        if track.step.produces_draft:
            found.append("draft")
        if track.step.issues_result:
            found.append("issue")
        else:
            found.append("forward")
        if track.step.allow_send_back and track.position > 1:
            found.append("send_back")
    if holding and track.workflow.allow_recall:
        entries = list(dossier.control_sheet.all())
        last = entries[-1] if entries else None
        if (
            last
            and last.kind == HandoverKind.FORWARD
            and last.from_user_id == user.pk
            and last.received_at is None
        ):
            found.append("recall")
    if holding and (track.assignee_id == user.pk or roles & {R.HEAD_OF_UNIT, R.LEADER}):
        found.append("reassign")
    if status == Status.RESOLVED and R.RECEPTIONIST in roles:
        found.append("return")
    if status in OPEN and roles & DRAFTERS:
        notices = list(dossier.late_notices.all())
        approved = sum(n.state == NoticeState.APPROVED for n in notices)
        if pending(notices) is None and approved < MAX_RESCHEDULES and one_working_day_left(dossier):
            found.append("late_draft")
        if pending(dossier.stop_notices.all()) is None:
            found.append("stop_propose")
    if R.LEADER in roles and status in OPEN:
        if pending(dossier.late_notices.all()) is not None:
            found.append("late_decide")
        if pending(dossier.stop_notices.all()) is not None:
            found.append("stop_decide")
    deciders = {R.LEADER, R.HEAD_OF_UNIT}
    waiting = status == Status.WITHDRAWAL_REQUESTED and pending(dossier.withdrawal_requests.all()) is not None
    if waiting and roles & deciders:
        found.append("withdrawal_decide")
    return found
