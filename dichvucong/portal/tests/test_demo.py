import pytest

from dichvucong.portal import demo, selectors
from dichvucong.portal.models import Article, Poll, PollOption

pytestmark = pytest.mark.django_db


def test_demo_content_loads_twice_without_duplicates():
    demo.load_demo()
    demo.load_demo()

    assert Article.objects.filter(kind="news").count() == 2
    assert Article.objects.filter(kind="notice").count() == 1
    assert Poll.objects.count() == 1 and PollOption.objects.count() == 4
    assert selectors.poll_current() is not None
    assert selectors.article_list_public()[0].pinned  # the notice, pinned, comes first
