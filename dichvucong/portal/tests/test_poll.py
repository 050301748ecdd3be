"""The poll: one vote per visitor, a second submission of the same form changes nothing, closed polls
refuse, results after voting or closing; no address or account is stored with a vote."""

import datetime
import re

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from dichvucong.accounts.tests.factories import CitizenFactory
from dichvucong.core.models import RateLimitCounter
from dichvucong.portal import selectors, services, views
from dichvucong.portal.models import PollOption, PollVote
from dichvucong.portal.tests.factories import PollFactory

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.45"


def ballot_from(client, poll) -> str:
    html = client.get(f"/tham-do-y-kien/{poll.pk}/").content.decode()
    return re.search(r'name="ballot" value="([^"]+)"', html).group(1)


def total_votes(poll) -> int:
    return PollOption.objects.filter(poll=poll).aggregate(total=Sum("votes"))["total"]


@pytest.fixture
def poll():
    return PollFactory()


def test_an_anonymous_visitor_votes_once_and_then_sees_the_results(poll):
    client = Client(REMOTE_ADDR=ADDRESS)
    option = poll.options.all()[1]
    ballot = ballot_from(client, poll)

    response = client.post(
        f"/tham-do-y-kien/{poll.pk}/", {"option": option.pk, "ballot": ballot}, follow=True
    )

    option.refresh_from_db()
    assert option.votes == 1 and total_votes(poll) == 1
    assert response.context["results"] is not None and response.context["chosen"] == option.pk
    assert "100%" in response.content.decode() and "Bạn chọn" in response.content.decode()
    # The same browser again, with a new form: refused, nothing counted.
    fresh = services.ballot_issue(poll=poll)
    again = client.post(f"/tham-do-y-kien/{poll.pk}/", {"option": option.pk, "ballot": fresh})
    assert again.status_code == 302 and total_votes(poll) == 1


def test_the_same_form_sent_twice_counts_once(poll):
    """A double click: both submissions carry the same ballot and neither has the cookie yet."""
    option = poll.options.first()
    ballot = ballot_from(Client(), poll)
    first, second = Client(REMOTE_ADDR=ADDRESS), Client(REMOTE_ADDR=ADDRESS)

    responses = [
        c.post(f"/tham-do-y-kien/{poll.pk}/", {"option": option.pk, "ballot": ballot})
        for c in (first, second)
    ]

    assert [r.status_code for r in responses] == [302, 302]
    assert total_votes(poll) == 1 and PollVote.objects.count() == 1
    # The second browser is told it has voted and sees the results.
    assert second.get(f"/tham-do-y-kien/{poll.pk}/").context["results"] is not None


def test_a_signed_in_person_votes_once_whatever_the_browser(poll):
    citizen = CitizenFactory()
    option = poll.options.first()
    phone, laptop = Client(), Client()
    phone.force_login(citizen)
    laptop.force_login(citizen)

    phone.post(f"/tham-do-y-kien/{poll.pk}/", {"option": option.pk, "ballot": ballot_from(phone, poll)})
    refused = laptop.post(f"/tham-do-y-kien/{poll.pk}/", {"option": option.pk, "ballot": "x"})

    assert refused.status_code == 302 and total_votes(poll) == 1
    assert laptop.get(f"/tham-do-y-kien/{poll.pk}/").context["results"] is not None


def test_a_closed_poll_refuses_votes_and_shows_its_results():
    poll = PollFactory(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    option = poll.options.first()
    ballot = services.ballot_issue(poll=poll)

    response = Client().post(
        f"/tham-do-y-kien/{poll.pk}/", {"option": option.pk, "ballot": ballot}, follow=True
    )

    assert total_votes(poll) == 0 and not PollVote.objects.exists()
    assert "Cuộc thăm dò này đã kết thúc" in response.content.decode()
    assert response.context["results"] is not None and response.context["closed"]


def test_a_poll_not_yet_open_is_not_found():
    poll = PollFactory(opens_at=timezone.now() + datetime.timedelta(days=1))
    assert Client().get(f"/tham-do-y-kien/{poll.pk}/").status_code == 404
    with pytest.raises(services.PortalError):
        services.poll_vote(poll=poll, option_id=poll.options.first().pk, voter_key="k")
    assert total_votes(poll) == 0


def test_no_option_or_a_forged_ballot_is_a_clear_error_and_counts_nothing(poll):
    client = Client()
    ballot = ballot_from(client, poll)

    empty = client.post(f"/tham-do-y-kien/{poll.pk}/", {"ballot": ballot})
    other_poll_option = PollFactory().options.first()
    foreign = client.post(f"/tham-do-y-kien/{poll.pk}/", {"option": other_poll_option.pk, "ballot": ballot})
    forged = client.post(
        f"/tham-do-y-kien/{poll.pk}/", {"option": poll.options.first().pk, "ballot": "abc:def"}
    )

    assert empty.status_code == foreign.status_code == forged.status_code == 400
    assert "Hãy chọn một phương án." in empty.content.decode()
    assert "Phiếu thăm dò không hợp lệ" in forged.content.decode()
    assert 'name="ballot" value="abc:def"' not in forged.content.decode()  # a fresh ballot to send again
    assert total_votes(poll) == 0 and not PollVote.objects.exists()


def test_votes_from_one_address_are_limited_and_the_address_is_not_stored(poll, monkeypatch):
    monkeypatch.setattr(views, "POLL_VOTES_PER_ADDRESS_HOUR", 2)
    option = poll.options.first()

    statuses = []
    for _ in range(3):
        client = Client(REMOTE_ADDR=ADDRESS)  # cookies cleared each time
        statuses.append(
            client.post(
                f"/tham-do-y-kien/{poll.pk}/", {"option": option.pk, "ballot": ballot_from(client, poll)}
            ).status_code
        )

    assert statuses == [302, 302, 429] and total_votes(poll) == 2
    keys = list(RateLimitCounter.objects.values_list("key", flat=True)) + list(
        PollVote.objects.values_list("voter_key", flat=True)
    )
    assert keys and not any(ADDRESS in key for key in keys)


def test_percentages_add_up_to_100():
    poll = PollFactory(options=["A", "B", "C"])
    for option, votes in zip(poll.options.all(), [1, 1, 1], strict=True):
        PollOption.objects.filter(pk=option.pk).update(votes=votes)

    results, total = selectors.poll_results(poll=poll)

    assert total == 3 and [r.percent for r in results] == [34, 33, 33]
    empty, none = selectors.poll_results(poll=PollFactory())
    assert none == 0 and [r.percent for r in empty] == [0, 0, 0]


def test_the_home_page_shows_the_poll_form_then_the_results(poll):
    client = Client()
    home = client.get("/").content.decode()
    assert poll.question in home and 'name="ballot"' in home and "Bình chọn" in home

    client.post(
        f"/tham-do-y-kien/{poll.pk}/",
        {"option": poll.options.first().pk, "ballot": ballot_from(client, poll)},
    )

    home = client.get("/").content.decode()
    assert 'name="ballot"' not in home and "100%" in home
