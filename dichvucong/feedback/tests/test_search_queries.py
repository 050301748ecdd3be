"""The public list's search with or without accents (on the masked text only), and the query counts of the
public list and the staff queue, pinned with twenty items."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login_with_second_factor
from dichvucong.feedback import selectors
from dichvucong.feedback.models import Feedback, FeedbackStatus, Subject
from dichvucong.feedback.tests.conftest import submitted
from dichvucong.feedback.tests.test_services import publish
from dichvucong.feedback.text import public_search_text

S = FeedbackStatus


def found(q: str) -> list[str]:
    return list(selectors.published_list(q=q).values_list("code", flat=True))


def test_search_matches_with_or_without_accents_on_the_masked_text_only(fdata):
    one = publish(
        fdata,
        submitted(
            fdata,
            title="Thủ tục đăng ký khai sinh bị chậm",
            content="Gọi tôi số 0912 345 678. Cán bộ Phường hướng dẫn chưa rõ.",
        ),
    )
    other = publish(fdata, submitted(fdata, title="Đường điện chiếu sáng", content="Hỏng đèn đường."))

    for query in ("thu tuc", "Thủ tục", "THỦ TỤC KHAI SINH", "dang ky", "huong dan", "phuong"):
        assert found(query) == [one.code], query
    assert found("duong") == [other.code] and found("đường đèn") == [other.code]
    assert found(one.code) == [one.code] and found(one.code.lower()) == [one.code]
    assert set(found("1.001193")) == {one.code, other.code}  # the procedure's code
    assert found("0912345678") == [] and found("345 678") == []  # the phone was masked
    assert found("thu tuc xyz") == [] and set(found("<>!")) == {one.code, other.code}  # no words: all
    assert one.public_folded == public_search_text(
        code=one.code, procedure_code="1.001193", title=one.public_title, content=one.public_content
    )

    html = reverse("feedback:list") + "?q=thu+tuc+khai+sinh"
    assert one.public_title in _get(html)


def _get(url: str) -> str:
    from django.test import Client

    return Client().get(url).content.decode()


def _bulk(fdata, count: int, *, status: str, published: bool) -> None:
    now = timezone.now()
    Feedback.objects.bulk_create(
        Feedback(
            code=f"PAKN-260105-Q{n:05d}",
            subject=Subject.PROCEDURE,
            procedure=fdata["procedure"],
            agency=fdata["commune"],
            status=status,
            title=f"Phản ánh số {n}",
            content="Nội dung",
            sender_name="Người gửi",
            public_title=f"Phản ánh số {n}" if published else "",
            public_content="Nội dung" if published else "",
            public_answer="<p>Trả lời</p>" if published else "",
            public_folded=f"pakn 260105 q{n:05d} phan anh so {n}" if published else "",
            published_at=now - datetime.timedelta(minutes=n) if published else None,
            clock="" if published else "refuse",
            due_at=None if published else now + datetime.timedelta(days=2, minutes=n),
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [2, 20])
def test_public_list_queries_do_not_grow_with_the_items(client, fdata, django_assert_max_num_queries, count):
    _bulk(fdata, count, status=S.PUBLISHED, published=True)
    client.get(reverse("feedback:list"))  # warm the per-process caches (site settings, menus)
    with django_assert_max_num_queries(2):  # the count and the page (nothing per item)
        page = client.get(reverse("feedback:list"))
    assert page.status_code == 200 and page.content.decode().count('class="result"') == min(count, 10)
    with django_assert_max_num_queries(2):
        assert client.get(reverse("feedback:list") + "?q=phan+anh&page=2").status_code == 200


@pytest.mark.parametrize("count", [2, 20])
def test_staff_queue_queries_do_not_grow_with_the_items(client, fdata, django_assert_max_num_queries, count):
    _bulk(fdata, count, status=S.NEW, published=False)
    login_with_second_factor(client, fdata["receptionist"])
    client.get(reverse("feedback:staff_queue"))
    # Session, user, second factor, the system administrator check, role check, the tab counts (one
    # query), the page's count and rows, the roles for the menu, and the session's save (savepoint, update,
    # release): nothing per item.
    with django_assert_max_num_queries(12):
        page = client.get(reverse("feedback:staff_queue"))
    html = page.content.decode()
    assert page.status_code == 200 and html.count('class="result"') == count and "còn" in html
