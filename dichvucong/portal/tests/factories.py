"""Builders for portal tests (factory-boy)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from dichvucong.portal.models import Article, Poll, PollOption


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Tin thử số {n}")
    slug = factory.Sequence(lambda n: f"tin-thu-so-{n}")
    kind = Article.Kind.NEWS
    summary = "Tóm tắt tin."
    body = "<p>Nội dung tin.</p>"
    is_published = True
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))


class PollFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Poll
        skip_postgeneration_save = True

    question = "Bạn thấy cổng dịch vụ công thế nào?"
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))

    @factory.post_generation
    def options(self, create, labels, **kwargs):
        for position, label in enumerate(labels or ["Hài lòng", "Bình thường", "Chưa hài lòng"]):
            PollOption.objects.create(poll=self, label=label, position=position)
