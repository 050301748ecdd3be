"""Reads for the staff inbox and the processing page, always given the asking user.

The inbox is a handful of indexed queries whatever the number of dossiers: the user's memberships (1), the
tab counts (1 aggregate over the tracks in scope, plus 1 each for "to start" and "approvals" when the user
has those roles), the page (1) and its count (1). Tests pin the number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dichvucong.accounts.models import AgencyMembership, StaffRole, User
from dichvucong.dossiers.models import Dossier, DossierEvent, DossierFile, Status
from dichvucong.processing.models import (
    ControlSheetEntry,
    DraftResult,
    LateNotice,
    NoticeState,
    StopNotice,
    Track,
    TrackState,
    WithdrawalRequest,
)

R = StaffRole
PROCESSING_ROLES = {R.RECEPTIONIST, R.SPECIALIST, R.HEAD_OF_UNIT, R.LEADER, R.CLERK}
APPROVERS = {R.LEADER, R.HEAD_OF_UNIT}
TABS = {
    "mine": "Hồ sơ của tôi",
    "unit": "Hồ sơ của đơn vị",
    "due_today": "Đến hạn hôm nay",
    "late": "Quá hạn",
    "to_start": "Chờ chuyển xử lý",
    "to_return": "Chờ trả kết quả",
    "approvals": "Chờ duyệt",
}
PAGE_SIZE = 50


@dataclass
class Scope:
    """The user's processing roles, per agency."""

    roles: dict[int, set[str]] = field(default_factory=dict)

    def agencies_with(self, *roles: str) -> list[int]:
        return [agency for agency, held in self.roles.items() if held & set(roles)]

    @property
    def all_roles(self) -> set[str]:
        return set().union(*self.roles.values()) if self.roles else set()

    def tabs(self) -> list[str]:
        held = self.all_roles
        tabs = ["mine", "unit", "due_today", "late"]
        if R.RECEPTIONIST in held:
            tabs += ["to_start", "to_return"]
        if held & APPROVERS:
            tabs.append("approvals")
        return tabs


def inbox_scope(*, user: User) -> Scope:
    scope = Scope()
    if not user.is_authenticated:
        return scope
    rows = AgencyMembership.objects.filter(user=user, is_active=True, role__in=PROCESSING_ROLES).values_list(
        "agency_id", "role"
    )
    for agency_id, role in rows:
        scope.roles.setdefault(agency_id, set()).add(role)
    return scope


def _unit_q(scope: Scope, prefix: str = "") -> Q:
    """Tracks at the user's agencies whose current step is worked by a role the user holds there."""
    q = Q(pk__in=[])
    for agency_id, roles in scope.roles.items():
        q |= Q(**{f"{prefix}agency_id": agency_id, f"{prefix}role__in": sorted(roles)})
    return q


def _today_end(now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=23, minute=59, second=59, microsecond=0)


TRACK_TABS = ("mine", "unit", "due_today", "late", "to_return")


def _track_q(tab: str, *, user: User, scope: Scope, now: datetime.datetime, prefix: str = "") -> Q:
    """The tab as a condition on the Track table alone (``prefix`` "track__" when read from Dossier)."""

    def f(**kwargs) -> Q:
        return Q(**{prefix + key: value for key, value in kwargs.items()})

    in_progress = f(state=TrackState.IN_PROGRESS)
    mine = f(assignee=user) & in_progress
    unit = _unit_q(scope, prefix)
    if tab == "mine":
        return mine
    if tab == "unit":
        return unit & f(state__in=[TrackState.IN_PROGRESS, TrackState.AT_COUNTER])
    if tab == "due_today":  # the current step or the dossier is due later today (earlier: "Quá hạn")
        end = _today_end(now)
        due_today = f(step_due_at__gte=now, step_due_at__lte=end) | f(
            dossier_due_at__gte=now, dossier_due_at__lte=end
        )
        return (mine | (unit & in_progress)) & due_today
    if tab == "late":
        return (mine | (unit & in_progress)) & (f(dossier_due_at__lt=now) | f(step_due_at__lt=now))
    if tab == "to_return":
        return f(agency_id__in=scope.agencies_with(R.RECEPTIONIST), state=TrackState.AT_COUNTER)
    raise Http404


def _dossier_q(tab: str, *, scope: Scope) -> Q:
    if tab == "to_start":
        return Q(
            agency_id__in=scope.agencies_with(R.RECEPTIONIST), status=Status.ACCEPTED, track__isnull=True
        )
    if tab == "approvals":
        return Q(pk__in=_awaiting_approval(scope.agencies_with(*APPROVERS)))
    raise Http404


def _awaiting_approval(agencies: list[int]) -> list[int]:
    """Dossiers a leader must decide on: a withdrawal request, a draft Mẫu 04 or Mẫu 05. One UNION of three
    index reads, so the tab never checks every dossier of the agency (issue 15: 1 s at 185,000 dossiers)."""
    if not agencies:
        return []
    drafts = {"state": NoticeState.DRAFT, "dossier__agency_id__in": agencies}
    ids = (
        Dossier.objects.filter(agency_id__in=agencies, status=Status.WITHDRAWAL_REQUESTED)
        .order_by()
        .values_list("pk", flat=True)
        .union(
            LateNotice.objects.filter(**drafts).order_by().values_list("dossier_id", flat=True),
            StopNotice.objects.filter(**drafts).order_by().values_list("dossier_id", flat=True),
        )
    )
    return list(ids)


def _search(queryset: QuerySet[Dossier], *, q: str, procedure: str) -> QuerySet[Dossier]:
    q = (q or "").strip()[:100]
    if q:
        queryset = queryset.filter(
            Q(code__iexact=q) | Q(owner_name__icontains=q) | Q(applicant_name__icontains=q)
        )
    if procedure:
        queryset = queryset.filter(procedure__code=procedure.strip()[:12])
    return queryset


def inbox_dossiers(
    *, user: User, scope: Scope, tab: str, q: str = "", procedure: str = "", now=None
) -> QuerySet[Dossier]:
    """The tab's dossiers, most urgent first (ordered by an index of the track table)."""
    if tab not in scope.tabs():
        raise Http404
    now = now or timezone.now()
    if tab in TRACK_TABS:
        condition = _track_q(tab, user=user, scope=scope, now=now, prefix="track__")
    else:
        condition = _dossier_q(tab, scope=scope)
    queryset = Dossier.objects.filter(condition).select_related("procedure", "track", "track__assignee")
    queryset = _search(queryset, q=q, procedure=procedure)
    if tab == "to_start":
        return queryset.order_by("received_at", "pk")
    if tab == "approvals":
        return queryset.order_by("due_at", "pk")
    return queryset.order_by("track__step_due_at", "pk")


def inbox_count(
    *, user: User, scope: Scope, tab: str, q: str = "", procedure: str = "", now=None, counts=None
) -> int:
    """The number of dossiers on the tab; without a search it is the tab's figure in ``counts`` (from
    ``inbox_counts``, when the caller has them: no second count), else counted on the track table alone."""
    if counts is not None and tab in counts and not q and not procedure:
        return counts[tab]
    now = now or timezone.now()
    if tab in TRACK_TABS and not q and not procedure and tab in scope.tabs():
        return Track.objects.filter(_track_q(tab, user=user, scope=scope, now=now)).count()
    return inbox_dossiers(user=user, scope=scope, tab=tab, q=q, procedure=procedure, now=now).count()


def inbox_counts(*, user: User, scope: Scope, now=None) -> dict[str, int]:
    """The count on each tab the user sees: one aggregate over the track table, plus one per extra tab."""
    now = now or timezone.now()
    tabs = scope.tabs()
    track_tabs = [t for t in tabs if t in TRACK_TABS]
    in_scope = Q(assignee=user) | _unit_q(scope)
    if "to_return" in tabs:
        in_scope |= _track_q("to_return", user=user, scope=scope, now=now)
    aggregates = {
        tab: Count("pk", filter=_track_q(tab, user=user, scope=scope, now=now)) for tab in track_tabs
    }
    counts = Track.objects.filter(
        in_scope, state__in=[TrackState.IN_PROGRESS, TrackState.AT_COUNTER]
    ).aggregate(**aggregates)
    if "to_start" in tabs:
        counts["to_start"] = Dossier.objects.filter(_dossier_q("to_start", scope=scope)).count()
    if "approvals" in tabs:
        counts["approvals"] = len(_awaiting_approval(scope.agencies_with(*APPROVERS)))
    return {tab: counts.get(tab) or 0 for tab in tabs}


def processing_dossier(*, user: User, public_id) -> Dossier:
    """A dossier of an agency where the user holds a processing role, with what its page shows; else 404."""
    scope = inbox_scope(user=user)
    dossier = (
        Dossier.objects.select_related(
            "procedure", "agency", "version", "offering", "applicant", "track__step", "track__workflow"
        )
        .filter(public_id=public_id, agency_id__in=list(scope.roles))
        .exclude(status=Status.DRAFT)
        .prefetch_related(
            Prefetch("files", queryset=DossierFile.objects.select_related("document", "component")),
            Prefetch("events", queryset=DossierEvent.objects.select_related("actor")),
            Prefetch(
                "control_sheet",
                queryset=ControlSheetEntry.objects.select_related("from_user", "to_user"),
            ),
            "results__document",
            Prefetch(
                "draft_results",
                queryset=DraftResult.objects.select_related("document", "drafted_by", "decided_by"),
            ),
            Prefetch("late_notices", queryset=LateNotice.objects.select_related("drafted_by", "decided_by")),
            Prefetch("stop_notices", queryset=StopNotice.objects.select_related("drafted_by", "decided_by")),
            Prefetch("withdrawal_requests", queryset=WithdrawalRequest.objects.all()),
            "version__results",
        )
        .first()
    )
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ")
    return dossier
