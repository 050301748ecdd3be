import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.notifications.models import Message
from dichvucong.notifications.services import notify
from dichvucong.notifications.tests.factories import make_message, make_user

pytestmark = pytest.mark.django_db

URL = "/he-thong/thong-bao/"
OTP = {"otp": "482913", "minutes": 5}


@pytest.fixture
def admin_client(client):
    login_with_second_factor(
        client, make_user(username="quantri", is_superuser=True, is_staff=True, kind="staff")
    )
    return client


def _rows(response) -> list[str]:
    return re.findall(r'<tr class="outbox-row" id="tb-([0-9a-f-]+)">', response.content.decode())


def test_the_outbox_url_is_under_he_thong():
    assert reverse("notifications:outbox") == URL


def test_anonymous_visitor_is_sent_to_the_admin_sign_in(client):
    make_message()

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/quan-tri/login/?next=/he-thong/thong-bao/"


def test_a_citizen_is_refused_and_sees_nothing(client):
    notify(event="otp.login", phone="0912345678", context=OTP)
    client.force_login(make_user())

    response = client.get(URL)

    assert response.status_code == 403
    assert b"482913" not in response.content
    assert Message.objects.count() == 1  # the refused visit changed nothing


def test_staff_with_the_view_permission_may_read_the_outbox(client):
    officer = make_user(kind="staff", is_staff=True)
    officer.user_permissions.add(
        Permission.objects.get(codename="view_message", content_type__app_label="notifications")
    )
    make_message()
    client.force_login(officer)

    response = client.get(URL)

    assert response.status_code == 200
    assert len(_rows(response)) == 1


def test_superuser_sees_rows_newest_first_with_vietnamese_labels_and_dates(admin_client):
    older = make_message(status=Message.Status.SENT, body="Tin cũ")
    newer = make_message(status=Message.Status.FAILED, last_error="eSMS 108: số điện thoại sai định dạng")

    response = admin_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert _rows(response) == [str(newer.public_id), str(older.public_id)]
    assert "Gửi lỗi" in html and "Đã gửi" in html and "Chào mừng tài khoản mới" in html
    assert "eSMS 108: số điện thoại sai định dạng" in html
    assert re.search(r'<td data-label="Tạo lúc">\d{2}/\d{2}/\d{4} \d{2}:\d{2}</td>', html)


def test_demo_mode_shows_the_otp_so_a_developer_can_sign_in(admin_client):
    (message,) = notify(event="otp.login", phone="0912345678", context=OTP)

    response = admin_client.get(URL)

    assert message.provider == "demo"
    assert "482913 la ma OTP dang nhap" in response.content.decode()


def test_otp_body_is_masked_outside_demo_mode(settings, admin_client, sms_provider):
    settings.DEBUG = False
    settings.DVC_DEV = False
    (otp,) = notify(event="otp.login", phone="0912345678", context=OTP)
    welcome = make_message(provider="recording", body="Chao mung ban den voi Dich vu cong")

    response = admin_client.get(URL)

    html = response.content.decode()
    assert otp.provider == "recording"
    assert "482913" not in html
    assert "Nội dung nhạy cảm (mã OTP)" in html
    assert welcome.body in html  # only sensitive bodies are masked


def test_filters_by_status_channel_and_recipient(admin_client):
    wanted = make_message(recipient="+84912345678", status=Message.Status.FAILED)
    make_message(recipient="+84912345678", status=Message.Status.SENT)
    make_message(recipient="+84987654321", status=Message.Status.FAILED)
    make_message(channel=Message.Channel.EMAIL, recipient="an@example.vn", status=Message.Status.FAILED)

    response = admin_client.get(URL, {"status": "failed", "channel": "sms", "q": "0912 345 678"})

    assert _rows(response) == [str(wanted.public_id)]
    assert '<option value="failed" selected>' in response.content.decode()


def test_hostile_filter_input_is_ignored_and_escaped(admin_client):
    make_message()

    response = admin_client.get(
        URL, {"status": "<script>", "channel": "x' OR 1=1", "q": "<script>alert(1)</script>", "page": "-3"}
    )

    assert response.status_code == 200
    assert b"<script>alert" not in response.content


def _queries(client) -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    return [q["sql"] for q in captured.captured_queries], response


def test_outbox_page_query_count_is_pinned_and_does_not_grow_with_rows(admin_client):
    user = make_user()
    for _ in range(3):
        make_message(user=user)
    few, _ = _queries(admin_client)

    for _ in range(30):
        make_message(user=make_user())
    many, response = _queries(admin_client)

    outbox_queries = [sql for sql in many if "notifications_message" in sql]
    assert len(outbox_queries) == 2  # one count, one page with the users joined
    assert 'JOIN "accounts_user"' in outbox_queries[1]
    # The rest is the session and the signed-in user (and whatever session middleware saves).
    # session, user, OTP device, savepoints, the work links of the header (roles) and the two outbox queries
    assert len(many) == len(few) <= 9
    assert len(_rows(response)) == 33


def test_outbox_paginates_by_fifty(admin_client):
    for _ in range(51):
        make_message()

    first = admin_client.get(URL)
    second = admin_client.get(URL, {"page": 2})

    assert len(_rows(first)) == 50 and len(_rows(second)) == 1
    assert "Trang 1/2" in first.content.decode()


def test_message_is_read_only_in_the_django_admin(admin_client):
    message = make_message()

    listing = admin_client.get("/quan-tri/notifications/message/")
    detail = admin_client.get(f"/quan-tri/notifications/message/{message.pk}/change/")
    add = admin_client.get("/quan-tri/notifications/message/add/")

    assert listing.status_code == 200 and detail.status_code == 200
    assert add.status_code == 403
    assert b'name="_save"' not in detail.content


def test_django_admin_needs_the_second_factor(client):
    client.force_login(make_user(username="quantri", is_superuser=True, is_staff=True, kind="staff"))

    response = client.get("/quan-tri/notifications/message/")

    assert response.status_code == 302 and "/quan-tri/login/" in response["Location"]


def test_the_outbox_says_when_a_held_or_delayed_message_goes_and_where_a_combined_one_went(
    admin_client, settings, sms_provider
):
    from django.utils import timezone

    from dichvucong.notifications.services import message_deliver

    settings.DVC_NOTIFY_RATE_LIMITS = {"sms": [(900, 1)]}
    news = {
        "full_name": "An",
        "code": "H56-1",
        "procedure": "Khai sinh",
        "tracking_url": "https://x/?ma=H56-1",
    }
    (held,) = notify(event="dossier.submitted", phone="0912345678", context=news)
    (joined,) = notify(event="dossier.accepted", phone="0912345678", context={**news, "due_at": "12/03/2026"})
    welcome = {"full_name": "An", "site_url": "https://x/"}
    notify(event="account.welcome", phone="0987654321", context=welcome)
    (delayed,) = notify(event="account.welcome", phone="0987654321", context=welcome)

    page = admin_client.get(URL).content.decode()
    assert "chờ gộp với tin khác, gửi lúc" in page
    assert "Tạm hoãn do giới hạn gửi" in page and "sẽ gửi lúc" in page
    local_due = timezone.localtime(delayed.next_attempt_at).strftime("%d/%m/%Y %H:%M")
    assert f"sẽ gửi lúc {local_due}" in page

    Message.objects.filter(pk__in=[held.pk, joined.pk]).update(next_attempt_at=timezone.now())
    message_deliver(message_id=held.pk)
    page = admin_client.get(URL).content.decode()

    assert "Đã gộp vào tin khác" in page
    assert f'href="#tb-{held.public_id}"' in page
    assert "gồm thêm 1 thông báo" in page
    assert len(sms_provider.calls) == 1
