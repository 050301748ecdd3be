"""The national survey of how an administrative procedure was handled (đánh giá việc giải quyết TTHC,
domain.md §1.5): nine criteria, each answered on the same five-level scale as the overall satisfaction
(Rất hài lòng … Rất không hài lòng, ``models.Satisfaction``). Keys are stored in ``Rating.criteria``;
never rename one (the scorecard and old ratings read them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str


CRITERIA: tuple[Criterion, ...] = (
    Criterion("total_time", _("Tổng thời gian giải quyết so với quy định của pháp luật")),
    Criterion("agency_time", _("Thời gian giải quyết tại từng cơ quan, đơn vị")),
    Criterion("contacts", _("Số lần phải liên hệ với cơ quan để hoàn thiện hồ sơ")),
    Criterion("agencies_contacted", _("Số cơ quan, đơn vị phải liên hệ")),
    Criterion("one_stop", _("Việc tiếp nhận, trả kết quả tại Bộ phận Một cửa")),
    Criterion("publicity", _("Việc công khai thủ tục hành chính")),
    Criterion("staff_attitude", _("Thái độ của cán bộ, công chức, viên chức")),
    Criterion("feedback_handling", _("Việc tiếp nhận, xử lý ý kiến phản ánh, kiến nghị")),
    Criterion("online_quality", _("Tiến độ và chất lượng cung cấp dịch vụ công trực tuyến")),
)
KEYS: frozenset[str] = frozenset(c.key for c in CRITERIA)
LABELS: dict[str, str] = {c.key: c.label for c in CRITERIA}

# The scale of the overall level and of every criterion: 5 best, 1 worst (models.Satisfaction).
SCALE_MIN = 1
SCALE_MAX = 5
