"""Reads for feedback, given who asks: the public sees published answers only (their masked copy), staff see
their own agencies' feedback only (another agency's is a 404), a sender sees their own."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from dichvucong.accounts.models import User
from dichvucong.accounts.selectors import agencies_for_user
from dichvucong.core.text import search_terms
from dichvucong.feedback.models import Feedback, FeedbackStatus
from dichvucong.feedback.services import HANDLERS

QUEUE_TABS = (
    ("new", (FeedbackStatus.NEW, FeedbackStatus.RECEIVED)),
    ("processing", (FeedbackStatus.PROCESSING,)),
    ("awaiting_info", (FeedbackStatus.AWAITING_INFO,)),
    ("awaiting_publish", (FeedbackStatus.AWAITING_PUBLISH,)),
    ("closed", (FeedbackStatus.PUBLISHED, FeedbackStatus.REFUSED, FeedbackStatus.RETURNED)),
)


def published_list(*, q: str = "") -> QuerySet[Feedback]:
    queryset = (
        Feedback.objects.filter(status=FeedbackStatus.PUBLISHED)
        .select_related("agency", "procedure")
        .order_by("-published_at", "-pk")
    )
    # Folded words against the folded masked text (feedback.text.public_search_text): "thu tuc" and
    # "Thủ tục" find the same answers; a word of the code or the procedure's code finds it too.
    for term in search_terms(q, max_terms=6):
        queryset = queryset.filter(public_folded__contains=term)
    return queryset


def published_get(*, code: str) -> Feedback:
    feedback = (
        Feedback.objects.filter(status=FeedbackStatus.PUBLISHED, code=code)
        .select_related("agency", "procedure")
        .first()
    )
    if feedback is None:
        raise Http404
    return feedback


def staff_agencies(*, user: User):
    return agencies_for_user(user=user, roles=list(HANDLERS))


def staff_queue(*, user: User, tab: str = "new", q: str = "") -> QuerySet[Feedback]:
    statuses = dict(QUEUE_TABS).get(tab, QUEUE_TABS[0][1])
    queryset = (
        Feedback.objects.filter(agency__in=staff_agencies(user=user), status__in=statuses)
        .select_related("agency", "procedure", "dossier")
        .order_by("due_at", "created_at")
    )
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(code__iexact=q) | Q(title__icontains=q[:100]))
    return queryset


def staff_counts(*, user: User) -> dict[str, int]:
    """The number of feedbacks per open tab, in one query."""
    counts = Feedback.objects.filter(agency__in=staff_agencies(user=user)).aggregate(
        **{tab: Count("pk", filter=Q(status__in=statuses)) for tab, statuses in QUEUE_TABS[:-1]}
    )
    return {tab: counts[tab] for tab, _statuses in QUEUE_TABS[:-1]}


def staff_get(*, user: User, public_id) -> Feedback:
    """The feedback if it is held by one of the user's agencies; 404 otherwise (another agency's too)."""
    feedback = (
        Feedback.objects.filter(public_id=public_id, agency__in=staff_agencies(user=user))
        .select_related("agency", "procedure", "dossier", "sender", "reraises")
        .first()
    )
    if feedback is None:
        raise Http404
    return feedback


def mine(*, user: User) -> QuerySet[Feedback]:
    if not user.is_authenticated:
        return Feedback.objects.none()
    return Feedback.objects.filter(sender=user).select_related("agency").order_by("-created_at")


def sender_get(*, code: str, user: User | None = None, contact_value: str = "") -> Feedback:
    """A feedback its sender asks for: by account, or by the contact a code proved. 404 otherwise."""
    filters = Q()
    if user is not None and user.is_authenticated:
        filters |= Q(sender=user)
    if contact_value:
        filters |= Q(sender_phone=contact_value) | Q(sender_email=contact_value)
    if not filters:
        raise Http404
    feedback = Feedback.objects.filter(filters, code=code).select_related("agency", "procedure").first()
    if feedback is None:
        raise Http404
    return feedback
