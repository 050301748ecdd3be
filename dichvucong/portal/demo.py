"""Demo portal content: two news items, one notice and an open poll; safe to run again (called by
core.demo.load_demo_data). Items are found again by their slug, the poll by its question."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from dichvucong.portal import html
from dichvucong.portal.models import Article, Poll, PollOption

ARTICLES = [
    {
        "slug": "thong-bao-lich-tiep-nhan-ho-so-dip-tet",
        "kind": Article.Kind.NOTICE,
        "pinned": True,
        "days_ago": 1,
        "title": "Thông báo lịch tiếp nhận hồ sơ dịp Tết Nguyên đán",
        "summary": "Bộ phận Một cửa nghỉ Tết theo lịch của Nhà nước; hồ sơ trực tuyến vẫn được nhận.",
        "body": (
            "<p>Bộ phận Tiếp nhận và trả kết quả nghỉ Tết theo lịch nghỉ của cơ quan nhà nước.</p>"
            "<ul><li>Hồ sơ nộp trực tuyến trong những ngày nghỉ được tiếp nhận vào ngày làm việc "
            "đầu tiên.</li>"
            "<li>Thời hạn giải quyết không tính ngày nghỉ, ngày lễ.</li></ul>"
        ),
    },
    {
        "slug": "nop-ho-so-truc-tuyen-toan-trinh-tren-dien-thoai",
        "kind": Article.Kind.NEWS,
        "pinned": False,
        "days_ago": 3,
        "title": "Nộp hồ sơ trực tuyến toàn trình ngay trên điện thoại",
        "summary": (
            "Người dân có thể nộp hồ sơ, thanh toán phí và nhận kết quả điện tử mà không cần đến cơ quan."
        ),
        "body": (
            "<h2>Ba bước đơn giản</h2><ol><li>Tìm thủ tục cần làm.</li><li>Điền tờ khai và đính kèm giấy tờ."
            "</li><li>Thanh toán phí, lệ phí trực tuyến.</li></ol>"
            '<p>Xem <a href="/thu-tuc/">danh sách thủ tục hành chính</a>.</p>'
        ),
    },
    {
        "slug": "danh-gia-muc-do-hai-long-sau-khi-nhan-ket-qua",
        "kind": Article.Kind.NEWS,
        "pinned": False,
        "days_ago": 7,
        "title": "Đánh giá mức độ hài lòng sau khi nhận kết quả",
        "summary": "Ý kiến của người dân giúp cơ quan cải thiện chất lượng phục vụ.",
        "body": (
            "<p>Sau khi nhận kết quả, bạn có thể <strong>đánh giá</strong> việc giải quyết hồ sơ. "
            "Mỗi hồ sơ được đánh giá <em>một lần</em>.</p>"
        ),
    },
]

POLL_QUESTION = "Bạn đánh giá thế nào về việc nộp hồ sơ trực tuyến trên cổng?"
POLL_OPTIONS = ["Rất thuận tiện", "Thuận tiện", "Bình thường", "Chưa thuận tiện"]


@transaction.atomic
def load_demo() -> dict[str, int]:
    now = timezone.now()
    for item in ARTICLES:
        Article.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "kind": item["kind"],
                "title": item["title"],
                "summary": item["summary"],
                "body": html.clean(item["body"]),
                "pinned": item["pinned"],
                "is_published": True,
                "published_at": now - datetime.timedelta(days=item["days_ago"]),
            },
        )
    poll, created = Poll.objects.get_or_create(
        question=POLL_QUESTION, defaults={"opens_at": now - datetime.timedelta(days=1)}
    )
    if created:
        PollOption.objects.bulk_create(
            PollOption(poll=poll, label=label, position=position)
            for position, label in enumerate(POLL_OPTIONS)
        )
    return {"portal_articles": len(ARTICLES), "portal_polls": 1}
