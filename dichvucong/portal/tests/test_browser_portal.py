"""Issue 14 part 6 in a real browser: a site administrator writes a news item with a script in it and
publishes it; a visitor on a 360 px phone reads it (the script is gone and never ran), votes in the poll
without JavaScript-only controls and sees the result."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from conftest import login_with_second_factor
from dichvucong.accounts.models import StaffRole
from dichvucong.accounts.tests.factories import MembershipFactory
from dichvucong.portal.models import Article, PollOption
from dichvucong.portal.tests.factories import PollFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "<p>Từ ngày 01/02/2027, Bộ phận Một cửa làm việc cả <strong>sáng thứ Bảy</strong>.</p>"
    "<script>window.__pwned = 1; document.title = 'bị tấn công'</script>"
    '<p><img src="x" onerror="window.__pwned = 2">Chi tiết xem tại '
    '<a href="javascript:window.__pwned=3">đây</a>.</p>'
)


def test_admin_publishes_news_and_a_phone_visitor_reads_it_and_votes(live_server, browser_page):
    page = browser_page
    admin = MembershipFactory(role=StaffRole.SYSTEM_ADMIN).user
    poll = PollFactory(
        question="Bạn có hài lòng với giờ làm việc mới?", options=["Hài lòng", "Chưa hài lòng"]
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # The administrator writes, previews, then publishes.
    client = login_with_second_factor(Client(), admin)
    name = django_settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_server.url}])
    page.goto(f"{live_server.url}/quan-ly/tin-tuc/them/")
    page.get_by_label("Tiêu đề").fill("Làm việc sáng thứ Bảy")
    page.get_by_label("Thông báo").check()
    page.get_by_label("Nội dung", exact=True).fill(BODY)
    page.get_by_role("button", name="Xem trước").click()
    preview = page.locator(".portal-preview")
    assert "sáng thứ Bảy" in preview.inner_text() and "__pwned" not in preview.inner_html()
    page.get_by_label("Đăng công khai").check()
    page.get_by_role("button", name="Lưu", exact=True).click()
    assert "Đã lưu và đăng" in page.locator(".messages").inner_text()
    article = Article.objects.get()
    assert article.is_visible and "script" not in article.body

    # A visitor on a phone: signed out, 360 px wide.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Làm việc sáng thứ Bảy").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Làm việc sáng thứ Bảy"
    body = page.locator(".news-body")
    assert "sáng thứ Bảy" in body.inner_text()
    assert body.locator("script, img, [onerror]").count() == 0
    assert page.evaluate("window.__pwned") is None and dialogs == []
    assert page.evaluate("document.title") != "bị tấn công"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(f"{live_server.url}/")
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_role("button", name="Bình chọn").click()
    results = page.locator("#ket-qua")
    assert "Hài lòng" in results.inner_text() and "100%" in results.inner_text()
    assert "Cảm ơn bạn đã cho ý kiến" in page.locator(".messages").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert PollOption.objects.get(poll=poll, label="Hài lòng").votes == 1

    page.goto(f"{live_server.url}/")  # the home page now shows the results, not the form
    assert page.get_by_role("button", name="Bình chọn").count() == 0
    assert "100%" in page.locator(".poll").inner_text()
