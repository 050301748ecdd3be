"""Votes on published answers drive KPI 5.3, so they need a citizen's account and count once per account:
anonymous readers see the counts and a link to sign in; staff accounts are refused; every refusal leaves the
counts and the vote rows as they were (web, API, service)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.feedback import votes
from dichvucong.feedback.models import FeedbackVote
from dichvucong.feedback.services import FeedbackError
from dichvucong.feedback.tests.conftest import submitted
from dichvucong.feedback.tests.test_services import publish, refused

API = "/api/v1/phan-anh-kien-nghi"


def counts(feedback):
    feedback.refresh_from_db()
    return feedback.likes, feedback.dislikes, FeedbackVote.objects.filter(feedback=feedback).count()


def test_one_vote_per_account(fdata):
    feedback = publish(fdata, submitted(fdata))
    votes.feedback_vote(feedback_id=feedback.pk, user=fdata["citizen"], value="like")
    votes.feedback_vote(feedback_id=feedback.pk, user=fdata["stranger"], value="dislike")
    for value in ("like", "dislike"):
        refused(
            lambda value=value: votes.feedback_vote(
                feedback_id=feedback.pk, user=fdata["citizen"], value=value
            ),
            feedback,
            "once",
        )
    assert counts(feedback) == (1, 1, 2)
    assert set(FeedbackVote.objects.values_list("voter", flat=True)) == {
        f"user:{fdata['citizen'].pk}",
        f"user:{fdata['stranger'].pk}",
    }


@pytest.mark.parametrize(
    ("who", "code"), [(None, "sign_in"), ("anonymous", "sign_in"), ("receptionist", "staff")]
)
def test_no_account_or_a_staff_account_cannot_vote(fdata, who, code):
    from django.contrib.auth.models import AnonymousUser

    feedback = publish(fdata, submitted(fdata))
    user = {None: None, "anonymous": AnonymousUser()}.get(who, fdata.get(who))
    refused(lambda: votes.feedback_vote(feedback_id=feedback.pk, user=user, value="like"), feedback, code)
    assert counts(feedback) == (0, 0, 0)


def test_only_published_answers_and_known_values(fdata):
    waiting = submitted(fdata)
    refused(
        lambda: votes.feedback_vote(feedback_id=waiting.pk, user=fdata["citizen"], value="like"),
        waiting,
        "illegal",
    )
    feedback = publish(fdata, submitted(fdata))
    with pytest.raises(FeedbackError) as error:
        votes.feedback_vote(feedback_id=feedback.pk, user=fdata["citizen"], value="love")
    assert error.value.code == "invalid" and counts(feedback) == (0, 0, 0)


def test_votes_per_address_are_limited(fdata, settings):
    settings.DVC_FEEDBACK_VOTES_PER_IP_HOUR = 1
    feedback = publish(fdata, submitted(fdata))
    votes.feedback_vote(feedback_id=feedback.pk, user=fdata["citizen"], value="like", client_ip="10.0.0.9")
    refused(
        lambda: votes.feedback_vote(
            feedback_id=feedback.pk, user=fdata["stranger"], value="like", client_ip="10.0.0.9"
        ),
        feedback,
        "flood",
    )
    assert counts(feedback) == (1, 0, 1)


def test_anonymous_readers_see_counts_and_a_sign_in_link_and_cannot_vote(client, fdata):
    feedback = publish(fdata, submitted(fdata))
    detail = reverse("feedback:detail", args=[feedback.code])
    for url in (reverse("feedback:list"), detail):
        html = client.get(url).content.decode()
        assert "Hữu ích: 0 · Chưa hài lòng: 0" in html and "Đăng nhập để bày tỏ ý kiến" in html
        assert 'name="value"' not in html
    assert f"/dang-nhap/?next={detail.replace('/', '%2F')}" in client.get(detail).content.decode()
    # Clearing cookies changes nothing: a POST without an account is sent to sign in and counts nothing.
    for _attempt in range(4):
        client.cookies.clear()
        response = client.post(reverse("feedback:vote", args=[feedback.code]), {"value": "like"})
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
        assert "next=" in response.url
    assert counts(feedback) == (0, 0, 0)


def test_a_citizen_votes_once_from_the_page(client, fdata):
    feedback = publish(fdata, submitted(fdata))
    client.force_login(fdata["citizen"])
    url = reverse("feedback:vote", args=[feedback.code])
    first = client.post(url, {"value": "like", "next": "list"})
    assert first.status_code == 302 and first.url == reverse("feedback:list") + f"#pakn-{feedback.code}"
    page = client.post(url, {"value": "dislike"}, follow=True).content.decode()
    assert "Bạn đã đánh giá câu trả lời này." in page and "Hữu ích: 1" in page
    assert 'value="like"' not in page  # voted: no buttons any more
    assert "Bạn đã đánh giá: Hữu ích." in page
    assert counts(feedback) == (1, 0, 1)


def test_staff_see_counts_only_and_get_403(client, fdata):
    feedback = publish(fdata, submitted(fdata))
    login_with_second_factor(client, fdata["lanhdao.pa"])
    html = client.get(reverse("feedback:detail", args=[feedback.code])).content.decode()
    assert "Hữu ích: 0" in html and 'name="value"' not in html and "Đăng nhập để bày tỏ" not in html
    response = client.post(reverse("feedback:vote", args=[feedback.code]), {"value": "like"})
    assert response.status_code == 403 and counts(feedback) == (0, 0, 0)


def test_api_vote(client, fdata):
    feedback = publish(fdata, submitted(fdata))
    url = f"{API}/{feedback.code}/danh-gia"
    assert client.post(url, {"value": "like"}, content_type="application/json").status_code == 401
    client.force_login(fdata["citizen"])
    response = client.post(url, {"value": "like"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["likes"] == 1
    again = client.post(url, {"value": "dislike"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "once"
    assert client.post(url, {"value": "x"}, content_type="application/json").status_code == 422
    assert counts(feedback) == (1, 0, 1)
    client.logout()
    login_with_second_factor(client, fdata["receptionist"])
    assert client.post(url, {"value": "like"}, content_type="application/json").status_code == 403
    assert counts(feedback) == (1, 0, 1)
    missing = client.post(
        f"{API}/PAKN-000000-ZZZZZZ/danh-gia", {"value": "like"}, content_type="application/json"
    )
    assert missing.status_code == 404
