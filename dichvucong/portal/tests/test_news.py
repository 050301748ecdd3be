"""News and notices: what the public sees, and who may write them."""

import datetime

import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import Client, RequestFactory
from django.utils import timezone

from conftest import login_with_second_factor
from dichvucong.accounts.models import AuditEvent, StaffRole
from dichvucong.accounts.tests.factories import CitizenFactory, MembershipFactory, StaffFactory
from dichvucong.portal import services
from dichvucong.portal.models import Article
from dichvucong.portal.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NEW_ITEM = {
    "title": "Thông báo nghỉ Tết Nguyên đán",
    "kind": "notice",
    "summary": "Lịch nghỉ",
    "body": '<p>Nghỉ <strong>từ 28 Tết</strong>.</p><script>alert("x")</script><p onclick="x()">Hết</p>',
    "is_published": "on",
    "action": "save",
}


@pytest.fixture
def site_admin():
    """A system administrator (the role that writes the portal's content), second factor passed."""
    membership = MembershipFactory(role=StaffRole.SYSTEM_ADMIN)
    return login_with_second_factor(Client(), membership.user), membership.user


def test_the_public_sees_published_items_only_pinned_first_then_newest(client):
    now = timezone.now()
    old = ArticleFactory(title="Tin cũ", published_at=now - datetime.timedelta(days=3))
    new = ArticleFactory(title="Tin mới", published_at=now - datetime.timedelta(hours=1))
    pinned = ArticleFactory(title="Tin ghim", pinned=True, published_at=now - datetime.timedelta(days=9))
    draft = ArticleFactory(title="Bản nháp", is_published=False)
    future = ArticleFactory(title="Hẹn giờ", published_at=now + datetime.timedelta(hours=2))

    response = client.get("/tin-tuc/")

    assert [a.pk for a in response.context["page"].object_list] == [pinned.pk, new.pk, old.pk]
    for hidden in (draft, future):
        assert hidden.title not in response.content.decode()
        assert client.get(f"/tin-tuc/{hidden.slug}/").status_code == 404
    assert client.get(f"/tin-tuc/{new.slug}/").status_code == 200


def test_the_list_is_paginated_and_filtered_by_kind(client):
    for _ in range(12):
        ArticleFactory()
    notice = ArticleFactory(kind=Article.Kind.NOTICE, title="Một thông báo")

    first, second = client.get("/tin-tuc/"), client.get("/tin-tuc/?page=2")
    notices = client.get("/tin-tuc/?loai=notice")

    assert len(first.context["page"].object_list) == 10 and len(second.context["page"].object_list) == 3
    assert [a.pk for a in notices.context["page"].object_list] == [notice.pk]


def test_the_body_is_cleaned_again_when_shown(client):
    # A row written around the services (a raw import): still shown without its script.
    article = ArticleFactory(body='<p>Nội dung</p><script>alert(1)</script><img src=x onerror="alert(2)">')

    html = client.get(f"/tin-tuc/{article.slug}/").content.decode()

    assert "<p>Nội dung</p>" in html and "alert(" not in html and "onerror" not in html


def test_a_site_admin_writes_previews_and_publishes_with_the_body_sanitised(site_admin):
    client, admin = site_admin

    preview = client.post("/quan-ly/tin-tuc/them/", {**NEW_ITEM, "action": "preview"})
    assert preview.status_code == 200 and not Article.objects.exists()
    assert "<strong>từ 28 Tết</strong>" in preview.content.decode()
    assert 'alert("x")' not in str(preview.context["preview"])

    saved = client.post("/quan-ly/tin-tuc/them/", NEW_ITEM)

    assert saved.status_code == 302
    article = Article.objects.get()
    assert article.slug == "thong-bao-nghi-tet-nguyen-dan" and article.author == admin
    assert article.body == "<p>Nghỉ <strong>từ 28 Tết</strong>.</p><p>Hết</p>"
    assert article.is_visible and article.kind == "notice"
    assert AuditEvent.objects.filter(actor=admin, action="portal.article_create").exists()
    page = Client().get(f"/tin-tuc/{article.slug}/").content.decode()
    assert "từ 28 Tết" in page and "alert" not in page


def test_editing_keeps_the_slug_and_the_same_title_gets_a_new_slug(site_admin):
    client, _admin = site_admin
    client.post("/quan-ly/tin-tuc/them/", NEW_ITEM)
    client.post("/quan-ly/tin-tuc/them/", NEW_ITEM)
    first, second = Article.objects.order_by("pk")

    client.post(f"/quan-ly/tin-tuc/{first.pk}/", {**NEW_ITEM, "title": "Tiêu đề đã sửa", "is_published": ""})

    first.refresh_from_db()
    assert (first.slug, second.slug) == ("thong-bao-nghi-tet-nguyen-dan", "thong-bao-nghi-tet-nguyen-dan-2")
    assert first.title == "Tiêu đề đã sửa" and not first.is_published


def test_bad_input_is_refused_with_the_typed_text_kept(site_admin):
    client, _admin = site_admin

    response = client.post(
        "/quan-ly/tin-tuc/them/",
        {**NEW_ITEM, "body": "<script>alert(1)</script>", "published_at": "31/02/2027 08:00"},
    )

    assert response.status_code == 200 and not Article.objects.exists()
    html = response.content.decode()
    assert "Thời điểm đăng không đúng dạng" in html and "Thông báo nghỉ Tết Nguyên đán" in html
    response = client.post("/quan-ly/tin-tuc/them/", {**NEW_ITEM, "body": "<script>alert(1)</script>"})
    assert "Nội dung trống" in response.content.decode() and not Article.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "agency_admin", "receptionist", "staff_without_second_factor"])
def test_others_are_refused_and_nothing_changes(who):
    article = ArticleFactory(title="Không đổi")
    client = Client()
    if who == "citizen":
        login_with_second_factor(client, CitizenFactory())
    elif who == "staff_without_second_factor":
        client.force_login(MembershipFactory(role=StaffRole.SYSTEM_ADMIN).user)
    else:
        login_with_second_factor(client, MembershipFactory(role=who).user)

    pages = [client.get("/quan-ly/tin-tuc/"), client.post("/quan-ly/tin-tuc/them/", NEW_ITEM)]
    pages.append(client.post(f"/quan-ly/tin-tuc/{article.pk}/", {**NEW_ITEM, "title": "Đã đổi"}))

    expected = 302 if who == "staff_without_second_factor" else 403
    assert [page.status_code for page in pages] == [expected] * 3
    assert list(Article.objects.values_list("title", flat=True)) == ["Không đổi"]
    assert not AuditEvent.objects.filter(action__startswith="portal.").exists()


def test_the_service_refuses_a_non_admin():
    with pytest.raises(services.PortalError) as refused:
        services.article_save(
            actor=MembershipFactory(role=StaffRole.AGENCY_ADMIN).user,
            title="X",
            kind="news",
            summary="",
            body="<p>x</p>",
            is_published=True,
            published_at=None,
            pinned=False,
        )
    assert refused.value.code == "forbidden" and not Article.objects.exists()


def test_the_django_admin_sanitises_on_save():
    admin = StaffFactory(is_superuser=True, is_staff=True)
    request = RequestFactory().post("/quan-tri/")
    request.user = admin
    model_admin = admin_site._registry[Article]
    article = Article(
        title="Từ trang quản trị", slug="tu-trang-quan-tri", body='<p>Ok</p><iframe src="x"></iframe>'
    )

    model_admin.save_model(request, article, form=None, change=False)

    article.refresh_from_db()
    assert article.body == "<p>Ok</p>" and article.author == admin
