"""Readers' likes and dislikes of published answers.

The counts drive an official indicator (KPI 5.3 counts an answer as unsatisfying when dislikes outnumber
likes: reports.indicators), so a vote needs a signed-in account and counts once per account: the row's
``voter`` is "user:<pk>" and the unique constraint (feedback, voter) holds when two clicks race. Staff
accounts do not vote (an agency must not score its own answers); anonymous readers only see the counts."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from dichvucong.accounts.models import User
from dichvucong.feedback import limits
from dichvucong.feedback.models import Feedback, FeedbackStatus, FeedbackVote
from dichvucong.feedback.services import FeedbackError

SIGN_IN_TO_VOTE = "Vui lòng đăng nhập để bày tỏ ý kiến về câu trả lời."
STAFF_MAY_NOT_VOTE = "Tài khoản cán bộ không đánh giá câu trả lời phản ánh, kiến nghị."


def voter_key(user: User) -> str:
    return f"user:{user.pk}"


def may_vote(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.kind != User.Kind.STAFF)


def feedback_vote(*, feedback_id: int, user: User | None, value: str, client_ip: str = "") -> Feedback:
    """One like or dislike per account of a published answer; the counter moves with an atomic F()
    increment. FeedbackError, nothing counted, when not signed in ("sign_in"), a staff account ("staff"),
    already voted ("once"), over the address's limit ("flood") or not published ("illegal")."""
    if user is None or not user.is_authenticated:
        raise FeedbackError(SIGN_IN_TO_VOTE, code="sign_in")
    if not may_vote(user):
        raise FeedbackError(STAFF_MAY_NOT_VOTE, code="staff")
    if value not in FeedbackVote.Value.values:
        raise FeedbackError("Lựa chọn không hợp lệ.", code="invalid")
    if not Feedback.objects.filter(pk=feedback_id, status=FeedbackStatus.PUBLISHED).exists():
        raise FeedbackError("Chỉ đánh giá được câu trả lời đã công khai.", code="illegal")
    if FeedbackVote.objects.filter(feedback_id=feedback_id, voter=voter_key(user)).exists():
        raise FeedbackError("Bạn đã đánh giá câu trả lời này.", code="once")
    if not limits.vote_allowed(ip=client_ip):
        raise FeedbackError(limits.VOTE_FLOOD, code="flood")
    counter = "likes" if value == FeedbackVote.Value.LIKE else "dislikes"
    try:
        with transaction.atomic():
            FeedbackVote.objects.create(feedback_id=feedback_id, voter=voter_key(user), value=value)
            Feedback.objects.filter(pk=feedback_id).update(**{counter: F(counter) + 1})
    except IntegrityError:
        raise FeedbackError("Bạn đã đánh giá câu trả lời này.", code="once") from None
    return Feedback.objects.get(pk=feedback_id)
