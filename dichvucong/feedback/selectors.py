"""Reads for feedback, given who asks: the public sees published answers only (their masked copy), staff see
their own agencies' feedback only (another agency's is a 404), a sender sees their own."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from dichvucong.accounts.models import User
from dichvucong.accounts.selectors import agencies_for_user, is_system_admin
from dichvucong.agencies.models import Agency
from dichvucong.core.text import search_terms
from dichvucong.feedback.models import Feedback, FeedbackEvent, FeedbackStatus, FeedbackVote
from dichvucong.feedback.services import HANDLERS
from dichvucong.feedback.votes import voter_key

QUEUE_TABS = (
    ("new", (FeedbackStatus.NEW, FeedbackStatus.RECEIVED)),
    ("processing", (FeedbackStatus.PROCESSING,)),
    ("awaiting_info", (FeedbackStatus.AWAITING_INFO,)),
    ("awaiting_publish", (FeedbackStatus.AWAITING_PUBLISH,)),
    ("closed", (FeedbackStatus.PUBLISHED, FeedbackStatus.REFUSED, FeedbackStatus.RETURNED)),
)
# "Chờ phân loại": sent to the province's centre because no single agency is competent, not yet routed.
ROUTING_TAB = "routing"
AWAITING_ROUTING = Q(needs_routing=True, status__in=(FeedbackStatus.NEW, FeedbackStatus.RECEIVED))
TABS = (ROUTING_TAB, *(key for key, _statuses in QUEUE_TABS))


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


def votes_of(*, user: User, feedback_ids) -> dict[int, str]:
    """The reader's own votes among ``feedback_ids``: {feedback id: "like" | "dislike"} (feedback.votes)."""
    if not user.is_authenticated:
        return {}
    votes = FeedbackVote.objects.filter(feedback_id__in=list(feedback_ids), voter=voter_key(user))
    return dict(votes.values_list("feedback_id", "value"))


def staff_agencies(*, user: User):
    return agencies_for_user(user=user, roles=list(HANDLERS))


def system_admin(user: User) -> bool:
    """accounts' ``is_system_admin``, asked once per request (kept on the user object)."""
    if not hasattr(user, "_feedback_system_admin"):
        user._feedback_system_admin = is_system_admin(user=user)
    return user._feedback_system_admin


def queue_agencies(*, user: User):
    """What opens the staff queue: a handler's role at some agency, or being a system administrator (who
    sees and routes the feedback awaiting routing at any agency)."""
    if system_admin(user):
        return Agency.objects.all()
    return staff_agencies(user=user)


def _visible(user: User) -> Q:
    """Staff see their own agencies' feedback; a system administrator also what awaits routing anywhere."""
    visible = Q(agency__in=staff_agencies(user=user))
    if system_admin(user):
        visible |= AWAITING_ROUTING
    return visible


# The agency a feedback "about an agency" is about: where it was sent at submission (it may be routed on).
_SUBJECT_AGENCY_NAME = Subquery(
    FeedbackEvent.objects.filter(feedback=OuterRef("pk"), action="submit").values("agency__name")[:1]
)


def staff_queue(*, user: User, tab: str = "new", q: str = "") -> QuerySet[Feedback]:
    if tab == ROUTING_TAB:
        selected = AWAITING_ROUTING
    else:
        selected = Q(status__in=dict(QUEUE_TABS).get(tab, QUEUE_TABS[0][1]))
    queryset = (
        Feedback.objects.filter(_visible(user), selected)
        .select_related("agency", "procedure", "dossier")
        .annotate(subject_agency_name=_SUBJECT_AGENCY_NAME)
        .order_by("due_at", "created_at")
    )
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(code__iexact=q) | Q(title__icontains=q[:100]))
    return queryset


def staff_counts(*, user: User) -> dict[str, int]:
    """The number of feedbacks per open tab (and awaiting routing), in one query."""
    tabs = {ROUTING_TAB: AWAITING_ROUTING}
    tabs.update({tab: Q(status__in=statuses) for tab, statuses in QUEUE_TABS[:-1]})
    counts = Feedback.objects.filter(_visible(user)).aggregate(
        **{tab: Count("pk", filter=condition) for tab, condition in tabs.items()}
    )
    return {tab: counts[tab] for tab in tabs}


def staff_get(*, user: User, public_id) -> Feedback:
    """The feedback if it is held by one of the user's agencies (or awaits routing and the user is a system
    administrator); 404 otherwise (another agency's too)."""
    feedback = (
        Feedback.objects.filter(_visible(user), public_id=public_id)
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
