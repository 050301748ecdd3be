"""What the QĐ 766 formulas need to know about one dossier (its "fact"), computed straight from the source
tables: the dossier, its supplement requests, files, results, fees, national sync row, feedback and rating.

This is the *direct formula*. ``reports.aggregates`` stores the same facts (``DossierFact``) and daily sums of
them (``DailyStat``) so that the province's scorecard is fast; a test compares both on random data.

Rules (docs/scorecard.md has the long version):
* the KPI end (``end_at``) is the first end state in this order of preference: resolved (Đã xử lý xong) >
  returned (Đã trả kết quả) > stopped/refused; a citizen's withdrawal request ends the dossier at the time
  it was asked (approved or still waiting), only for dossiers that were accepted (received_at set);
  a supplement request still waiting for the citizen ends it at the time it was asked;
* supplement time is subtracted: pause = Σ (completed − requested) over the completed supplement requests made
  after reception (a request made at intake, before the dossier was received, is not processing time);
* more than one supplement request after reception ⇒ late, whatever the dates;
* a dossier without a due date (procedure without appointment date) is on time.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from dichvucong.catalogue.models import FeeItem, ResultDocument
from dichvucong.dossiers.models import Channel, Dossier, DossierFile, Status, SupplementRequest
from dichvucong.feedback.models import Feedback
from dichvucong.national.models import NationalSync
from dichvucong.payments.models import OnlinePayment, PaymentRequest
from dichvucong.processing.models import DossierResult, NoticeState, WithdrawalRequest
from dichvucong.ratings.models import DISLIKE_AT_MOST, Rating
from dichvucong.worktime.calendars import calendar_for

CHUNK = 2000
COMPLETED = frozenset({Status.RESOLVED, Status.RETURNED})
ZERO = datetime.timedelta()


@dataclass
class Fact:
    dossier_id: int
    agency_id: int
    procedure_id: int
    field_id: int | None
    channel: str
    received_at: datetime.datetime | None
    due_at: datetime.datetime | None
    end_at: datetime.datetime | None = None  # KPI end (before subtracting supplement time); None: open
    completed_at: datetime.datetime | None = None  # resolved (for 2.2)
    pause: datetime.timedelta = ZERO  # completed supplement time after reception
    supplements: int = 0  # supplement requests after reception
    resolve_days: float | None = None  # working days received → resolved, minus supplement time (2.2)
    paper_result: bool = False  # the procedure's result is a document (4.1, 3.3)
    e_result: bool = False  # an electronic result file exists
    fee_bearing: bool = False  # the procedure charges a fee (3.6)
    paid_online: bool = False  # DuocThanhToanTrucTuyen 1 or 2
    has_fee_request: bool = False  # a payment request with an amount (3.5)
    has_files: bool = False
    reused: bool = False
    vneid: bool = False
    synced: bool = False
    feedback: bool = False  # a PAKN about this dossier
    disliked: bool = False  # rated at or below DISLIKE_AT_MOST
    extra: dict = field(default_factory=dict)

    # --- derived flags ---------------------------------------------------------------------------

    @property
    def online(self) -> bool:
        """KPI 3.3: filed online, and for a procedure whose result is a document, an e-result exists."""
        return self.channel == Channel.ONLINE and (not self.paper_result or self.e_result)

    @property
    def digitized(self) -> bool:
        """KPI 4.2: files in the dossier components and, for a paper-result procedure, an e-result."""
        return self.has_files and (not self.paper_result or self.e_result)

    @property
    def store_linked(self) -> bool:
        """KPI 4.4: a component taken from the citizen's national store (we never take one) or the e-result
        link synced to the portal."""
        return self.synced and self.e_result

    @property
    def complained(self) -> bool:
        return self.feedback or self.disliked

    def ended_before(self, moment: datetime.datetime) -> bool:
        return self.end_at is not None and self.end_at < moment

    def late_at(self, period_end: datetime.datetime, reference: datetime.datetime) -> bool:
        """Late by KPI 2.1 for a period ending at ``period_end``: a dossier ended by then is judged on its
        end; one still open on ``reference`` (the end of the period, or now while the period is not over)."""
        if self.supplements > 1:
            return True
        if self.due_at is None:
            return False
        end = self.end_at if self.ended_before(period_end) else reference
        return end - self.pause > self.due_at


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _working_days(
    agency_id: int, start: datetime.datetime, end: datetime.datetime, calendars: dict | None = None
) -> float:
    """Working days between two moments in the agency's calendar. ``calendars``: a per-call memo (looking the
    calendar up checks a shared cache, one query, too slow for every dossier of a bulk refresh)."""
    if calendars is None:
        calendars = {}
    calendar = calendars.get(agency_id)
    if calendar is None:
        calendar = calendars[agency_id] = calendar_for(agency_id)
    return calendar.working_time_between(start, end) / calendar.hours.day_length


DOSSIER_FIELDS = (
    "pk",
    "agency_id",
    "procedure_id",
    "procedure__field_id",
    "version_id",
    "offering_id",
    "channel",
    "status",
    "received_at",
    "due_at",
    "finished_at",
    "owner_vneid_authenticated",
)


def facts_for(dossiers: Iterable[int] | Q | None = None, *, with_days: bool = True) -> list[Fact]:
    """The facts of the given dossiers (ids, or a filter on Dossier); drafts and never-submitted dossiers
    are left out. A fixed number of queries per 2,000 dossiers."""
    queryset = Dossier.objects.exclude(status=Status.DRAFT)
    if isinstance(dossiers, Q):
        queryset = queryset.filter(dossiers)
    elif dossiers is not None:
        queryset = queryset.filter(pk__in=list(dossiers))
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    facts: list[Fact] = []
    paper_versions: dict[int, bool] = {}
    fee_keys: dict[tuple[int, int], bool] = {}
    for chunk in _chunks(ids):
        facts.extend(_facts_chunk(chunk, paper_versions, fee_keys, with_days=with_days))
    return facts


def _paper_versions(version_ids: set[int], cache: dict[int, bool]) -> None:
    missing = version_ids - cache.keys()
    if missing:
        having = set(
            ResultDocument.objects.filter(version_id__in=missing).values_list("version_id", flat=True)
        )
        cache.update({pk: pk in having for pk in missing})


def _fee_bearing(keys: set[tuple[int, int]], cache: dict[tuple[int, int], bool]) -> None:
    """A procedure is fee-bearing for a dossier when a chargeable item (an amount, not free) exists on the
    agency's offering (local fees) or on the procedure version (national fees)."""
    missing = keys - cache.keys()
    if not missing:
        return
    chargeable = FeeItem.objects.filter(amount__gt=0, is_free=False)
    offerings = set(
        chargeable.filter(offering_id__in={o for o, _ in missing}).values_list("offering_id", flat=True)
    )
    versions = set(
        chargeable.filter(version_id__in={v for _, v in missing}).values_list("version_id", flat=True)
    )
    cache.update({(o, v): o in offerings or v in versions for o, v in missing})


def _facts_chunk(ids: list[int], paper_cache, fee_cache, *, with_days: bool) -> list[Fact]:
    rows = list(Dossier.objects.filter(pk__in=ids).order_by("pk").values_list(*DOSSIER_FIELDS))
    _paper_versions({row[4] for row in rows}, paper_cache)
    _fee_bearing({(row[5], row[4]) for row in rows}, fee_cache)
    supplements = defaultdict(list)
    for dossier_id, requested, completed in SupplementRequest.objects.filter(dossier_id__in=ids).values_list(
        "dossier_id", "requested_at", "completed_at"
    ):
        supplements[dossier_id].append((requested, completed))
    results = set(DossierResult.objects.filter(dossier_id__in=ids).values_list("dossier_id", flat=True))
    files: dict[int, bool] = {}
    for dossier_id, reused in DossierFile.objects.filter(dossier_id__in=ids).values_list(
        "dossier_id", "reused"
    ):
        files[dossier_id] = files.get(dossier_id, False) or reused
    payments = PaymentRequest.objects.filter(dossier_id__in=ids)
    paid_online = set(
        payments.filter(
            state=PaymentRequest.State.PAID,
            online_payment__in=(OnlinePayment.NATIONAL, OnlinePayment.PROVINCE),
        ).values_list("dossier_id", flat=True)
    )
    fee_requests = set(payments.filter(gross_amount__gt=0).values_list("dossier_id", flat=True))
    synced = set(
        NationalSync.objects.filter(dossier_id__in=ids, on_portal=True).values_list("dossier_id", flat=True)
    )
    feedback = set(Feedback.objects.filter(dossier_id__in=ids).values_list("dossier_id", flat=True))
    disliked = set(
        Rating.objects.filter(dossier_id__in=ids, level__lte=DISLIKE_AT_MOST).values_list(
            "dossier_id", flat=True
        )
    )
    calendars: dict = {}
    withdrawals: dict[int, datetime.datetime] = {}
    for dossier_id, requested in (
        WithdrawalRequest.objects.filter(dossier_id__in=ids)
        .exclude(state=NoticeState.REJECTED)
        .order_by("requested_at")
        .values_list("dossier_id", "requested_at")
    ):
        withdrawals[dossier_id] = requested  # the latest one not declined

    facts = []
    for (
        pk,
        agency_id,
        procedure_id,
        field_id,
        version_id,
        offering_id,
        channel,
        status,
        received_at,
        due_at,
        finished_at,
        vneid,
    ) in rows:
        fact = Fact(
            dossier_id=pk,
            agency_id=agency_id,
            procedure_id=procedure_id,
            field_id=field_id,
            channel=channel,
            received_at=received_at,
            due_at=due_at,
            paper_result=paper_cache[version_id],
            e_result=pk in results,
            fee_bearing=fee_cache[(offering_id, version_id)],
            paid_online=pk in paid_online,
            has_fee_request=pk in fee_requests,
            has_files=pk in files,
            reused=files.get(pk, False),
            vneid=bool(vneid),
            synced=pk in synced,
            feedback=pk in feedback,
            disliked=pk in disliked,
        )
        after_reception = [
            (requested, completed)
            for requested, completed in supplements.get(pk, ())
            if received_at is not None and requested >= received_at
        ]
        fact.supplements = len(after_reception)
        fact.pause = sum(
            (completed - requested for requested, completed in after_reception if completed is not None),
            ZERO,
        )
        waiting = [requested for requested, completed in after_reception if completed is None]
        if status in COMPLETED:
            fact.end_at = fact.completed_at = finished_at
        elif received_at is None:
            fact.end_at = None  # never accepted: not in the KPI 2.1 base at all
        elif status == Status.WITHDRAWAL_REQUESTED or (status == Status.STOPPED and pk in withdrawals):
            fact.end_at = withdrawals.get(pk) or finished_at
        elif status in (Status.STOPPED, Status.REFUSED):
            fact.end_at = finished_at
        elif status == Status.SUPPLEMENT_REQUESTED and waiting:
            fact.end_at = waiting[-1]
        if with_days and fact.completed_at is not None and received_at is not None:
            paused = sum(
                (
                    _working_days(agency_id, requested, completed, calendars)
                    for requested, completed in after_reception
                    if completed is not None
                ),
                0.0,
            )
            fact.resolve_days = max(
                0.0, _working_days(agency_id, received_at, fact.completed_at, calendars) - paused
            )
        facts.append(fact)
    return facts


def now() -> datetime.datetime:
    return timezone.now()
