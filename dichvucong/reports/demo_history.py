"""DEMO ONLY — a month of history for the scorecard, made by "replay then backdate".

The workflow has no clock of its own: every service stamps ``timezone.now()``. So each demo dossier is driven
through the real services (submission, reception, supplements, processing steps, the demo payment gateway,
results, return, withdrawal) *now*, and then, in the same transaction, every time recorded for it is moved to
the scripted past moment of the step that wrote it (``Backdate``). Due dates are recomputed from the scripted
times with the same worktime functions the services use. Never import this outside the demo loader.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.core.demo import demo_logins
from dichvucong.core.management.commands.ensure_demo_logins import (
    CENTRE,
    COMMITTEE,
)
from dichvucong.documents.testing import minimal_pdf_bytes
from dichvucong.dossiers import codes, reception
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.models import (
    Channel,
    Dossier,
    DossierEvent,
    DossierFile,
    SupplementRequest,
)
from dichvucong.payments import demo_bank
from dichvucong.payments import services as payment_services
from dichvucong.payments.models import PaymentRequest
from dichvucong.payments.models import Transaction as PaymentTransaction
from dichvucong.processing import late as processing_late
from dichvucong.processing import results as processing_results
from dichvucong.processing import services as processing
from dichvucong.processing.models import (
    ControlSheetEntry,
    DossierResult,
    ReturnRecord,
    Track,
    WithdrawalRequest,
)
from dichvucong.ratings.models import Rating
from dichvucong.worktime import schedule

AGENCY_CODE = COMMITTEE  # Ủy ban nhân dân phường Hạc Thành
PROCEDURE_CODE = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân: 2 working days online, 3 at the counter
MARK = "demo-766-"
# Returned, owned by the demo citizen (DEMO_CITIZEN, who files every online dossier of the script) and left
# unrated, so that signing in as 038090012345 one can try the rating. The scorecard does not change when it
# is rated 3–5; rated 1–2 it counts as "complained" in 5.4 (a refresh of the facts picks that up).
UNRATED = "01"


def previous_month(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


def working_days(first: datetime.date, last: datetime.date, agency: Agency) -> list[datetime.date]:
    days, day = [], first
    while day <= last:
        if schedule.is_working_day(day, agency=agency):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


# --- the backdating ----------------------------------------------------------------------------------


@dataclass
class Backdate:
    """Checkpoints (real time when a step started, scripted time of that step): a time recorded during
    the step maps to the scripted time plus the few milliseconds it came after the checkpoint; a real due
    date maps to the due date recomputed from the scripted times."""

    checkpoints: list[tuple[datetime.datetime, datetime.datetime]] = field(default_factory=list)
    dues: dict[datetime.datetime, datetime.datetime | None] = field(default_factory=dict)

    def step(self, scripted: datetime.datetime) -> None:
        self.checkpoints.append((timezone.now(), scripted))

    def when(self, value):
        if value is None:
            return None
        if value in self.dues:
            return self.dues[value]
        real, scripted = self.checkpoints[0]
        for start, moment in self.checkpoints:
            if start <= value:
                real, scripted = start, moment
        return scripted + (value - real)


TIME_FIELDS: list[tuple[type[models.Model], str, tuple[str, ...]]] = [
    (Dossier, "pk", ("submitted_at", "received_at", "paused_at", "finished_at", "created_at", "updated_at",
                     "due_at")),
    (DossierEvent, "dossier_id", ("created_at", "step_due_at")),
    (DossierFile, "dossier_id", ("added_at",)),
    (SupplementRequest, "dossier_id", ("requested_at", "responded_at", "completed_at", "due_before",
                                       "due_after")),
    (PaymentRequest, "dossier_id", ("created_at", "paid_at")),
    (PaymentTransaction, "payment_request__dossier_id", ("created_at", "paid_at")),
    (DossierResult, "dossier_id", ("issued_at",)),
    (Track, "dossier_id", ("step_started_at", "step_due_at", "dossier_due_at", "updated_at")),
    (ControlSheetEntry, "dossier_id", ("handed_at", "due_at", "received_at", "finished_at")),
    (WithdrawalRequest, "dossier_id", ("requested_at", "decided_at")),
    (ReturnRecord, "dossier_id", ("returned_at",)),
    (Rating, "dossier_id", ("created_at",)),
]  # fmt: skip


def _existing(model, names: tuple[str, ...]) -> list[str]:
    concrete = {f.name for f in model._meta.concrete_fields}
    return [name for name in names if name in concrete]


def backdate(dossier_id: int, shift: Backdate) -> None:
    """Move every recorded time of the dossier (see ``TIME_FIELDS``) through ``shift``; dates follow."""
    for model, key, names in TIME_FIELDS:
        names = _existing(model, names)
        for row in model.objects.filter(**{key: dossier_id}).values("pk", *names):
            changes = {name: shift.when(row[name]) for name in names if row[name] is not None}
            if changes:
                model.objects.filter(pk=row["pk"]).update(**changes)
    for result in DossierResult.objects.filter(dossier_id=dossier_id):
        day = timezone.localtime(result.issued_at).date()
        DossierResult.objects.filter(pk=result.pk).update(signed_on=day, register_year=day.year)
    for request in SupplementRequest.objects.filter(dossier_id=dossier_id):
        deadline = timezone.localtime(request.requested_at).date() + datetime.timedelta(days=10)
        SupplementRequest.objects.filter(pk=request.pk).update(deadline=deadline)
    for payment in PaymentRequest.objects.filter(dossier_id=dossier_id).exclude(deadline=None):
        PaymentRequest.objects.filter(pk=payment.pk).update(
            deadline=timezone.localtime(payment.created_at).date() + datetime.timedelta(days=7)
        )


def scripted_dues(dossier: Dossier, received: datetime.datetime, shift: Backdate) -> None:
    """The due date chain as the services would have computed it at the scripted times: from reception, then
    moved by each completed supplement (real due → scripted due, for ``Backdate.when``)."""
    real = {"first": None}
    scripted = reception._due_from(dossier, received)
    requests = list(SupplementRequest.objects.filter(dossier=dossier).order_by("pk"))
    if requests and requests[0].due_before is not None:
        real["first"] = requests[0].due_before
    else:
        real["first"] = Dossier.objects.values_list("due_at", flat=True).get(pk=dossier.pk)
    shift.dues[real["first"]] = scripted
    for request in requests:
        if request.completed_at is None:
            continue
        asked, done = shift.when(request.requested_at), shift.when(request.completed_at)
        if schedule.restart_on_supplement(agency=dossier.agency):
            scripted = reception._due_from(dossier, done)
        else:
            scripted = schedule.resume_due_at(
                old_due_at=scripted, paused_at=asked, resumed_at=done, agency=dossier.agency
            )
        if request.due_after is not None:
            shift.dues[request.due_after] = scripted


# --- actors and steps ----------------------------------------------------------------------------------


@dataclass
class Cast:
    agency: Agency
    centre: Agency | None
    offering: AgencyProcedure
    citizen: User
    staff: dict[str, User]  # role → user

    def role(self, role: str) -> User:
        return self.staff[role]


def cast() -> Cast | None:
    agency = Agency.objects.filter(code=AGENCY_CODE).first()
    offering = (
        AgencyProcedure.objects.filter(agency=agency, procedure__code=PROCEDURE_CODE, is_active=True)
        .select_related("procedure")
        .first()
    )
    if agency is None or offering is None:
        return None
    citizen, staff = demo_logins()
    return Cast(agency, Agency.objects.filter(code=CENTRE).first(), offering, citizen, staff)


def _pdf(tag: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{tag}.pdf", minimal_pdf_bytes() + f"%{tag}\n".encode(), "application/pdf")


def submit_online(c: Cast, ref: str) -> Dossier:
    draft = dossier_services.dossier_create_draft(applicant=c.citizen, offering=c.offering)
    draft.applicant_phone = draft.applicant_phone or "+84912345678"
    draft.owner_name = draft.owner_name or c.citizen.full_name
    draft.applicant_name = draft.applicant_name or c.citizen.full_name
    draft.save()
    for component in dossier_services.components_for(draft):
        if dossier_services.upload_required(component, draft):
            dossier_services.dossier_attach(
                dossier=draft, applicant=c.citizen, component=component, upload=_pdf(f"{ref}-{component.pk}")
            )
    return dossier_services.dossier_submit(dossier_id=draft.pk, applicant=c.citizen)


def intake_at_counter(c: Cast) -> Dossier:
    return reception.dossier_counter_intake(
        officer=c.role("receptionist"),
        offering=c.offering,
        intake_agency=c.centre,
        channel=Channel.IN_PERSON,
        applicant_name=c.citizen.full_name,
        applicant_id_number=c.citizen.id_number,
        applicant_phone="+84912345678",
        owner_name=c.citizen.full_name,
    )


def accept(c: Cast, dossier: Dossier) -> None:
    reception.dossier_accept(dossier_id=dossier.pk, officer=c.role("receptionist"))
    payment_services.payment_request_for_submission(dossier=Dossier.objects.get(pk=dossier.pk))


def start(c: Cast, dossier: Dossier) -> None:
    processing.processing_start(
        dossier_id=dossier.pk, officer=c.role("receptionist"), assignee_id=c.role("specialist").pk
    )


def resolve(c: Cast, dossier: Dossier, number: str) -> None:
    """Hand the dossier on step by step, then the issuing step numbers and issues the e-result."""
    for _guard in range(10):
        track = Track.objects.select_related("step", "assignee").get(dossier=dossier)
        if track.step is not None and track.step.issues_result:
            break
        processing.processing_forward(dossier_id=dossier.pk, officer=track.assignee)
    processing_results.processing_issue_result(
        dossier_id=dossier.pk,
        officer=track.assignee,
        results=[
            processing_results.ResultInput(
                name="Giấy xác nhận tình trạng hôn nhân",
                result_code="",
                upload=_pdf(f"kq-{number}"),
                number=number,
                signed_on=timezone.localdate(),
            )
        ],
    )


def return_result(c: Cast, dossier: Dossier) -> None:
    processing_results.processing_return(
        dossier_id=dossier.pk, officer=c.role("receptionist"), recipient_name=c.citizen.full_name
    )


def request_supplement(c: Cast, dossier: Dossier) -> None:
    reception.dossier_request_supplement(
        dossier_id=dossier.pk,
        officer=c.role("receptionist"),
        items=[{"name": "Bản sao Giấy chứng nhận đăng ký kết hôn"}],
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )


def complete_supplement(c: Cast, dossier: Dossier) -> None:
    reception.dossier_complete_supplement(dossier_id=dossier.pk, officer=c.role("receptionist"))


def pay_online(c: Cast, dossier: Dossier) -> None:
    """The citizen pays the billed fee through the demo gateway; its signed IPN marks it paid."""
    request = PaymentRequest.objects.filter(dossier=dossier).order_by("pk").first()
    site = getattr(settings, "DVC_PUBLIC_URL", "") or "http://localhost:8000"
    _txn, url = payment_services.payment_start(
        request=request, payer=c.citizen, gateway_name="demo", client_ip="127.0.0.1", site_url=site
    )
    params = dict(parse_qsl(urlsplit(url).query))
    payment_services.callback_process(
        gateway_name="demo", params=demo_bank.result_params(params, pay=True, bank_code="NCB"), kind="ipn"
    )


def refuse(c: Cast, dossier: Dossier) -> None:
    reception.dossier_refuse(
        dossier_id=dossier.pk, officer=c.role("receptionist"), reasons=["Hồ sơ không thuộc thẩm quyền"]
    )


def withdraw(c: Cast, dossier: Dossier) -> None:
    request = processing_late.withdrawal_request(
        dossier_id=dossier.pk, applicant=c.citizen, reason="Tôi không còn nhu cầu"
    )
    processing_late.withdrawal_decide(request_id=request.pk, officer=c.role("leader"), approve=True)


def rate(c: Cast, dossier: Dossier, level: int) -> None:
    Rating.objects.create(dossier=dossier, agency=dossier.agency, level=level, rated_by=c.citizen)


# --- the script ------------------------------------------------------------------------------------------


Step = tuple[tuple[int, int, int], Callable[[Cast, Dossier], None]]  # ((working day, hour, minute), action)


@dataclass(frozen=True)
class Scripted:
    number: int
    story: str
    counter: bool  # brought to the counter (channel 1) instead of online (channel 2)
    steps: tuple[Step, ...]  # after submission (online) / intake (counter), which happen at ``filed``
    filed: tuple[int, int, int]


def _done(number: int):
    return lambda c, d: resolve(c, d, f"{number:02d}/GXN-766")


def _script() -> list[Scripted]:
    """Working day n of the month (1-based), hour, minute. Procedure: 2 working days online, 3 at the counter.
    ``tests/test_demo_scorecard.py`` computes the expected scorecard from this table by hand."""
    R, S, D, T, P = return_result, start, _done, rate, pay_online  # noqa: N806 - a table reads better
    rows = [
        Scripted(1, "đúng hạn; chưa đánh giá (để dùng thử)", False,
                 (((1, 9, 0), accept), ((1, 9, 30), S), ((3, 8, 0), D(1)), ((3, 10, 0), R)), (1, 8, 30)),
        Scripted(2, "trước hạn", False, (((2, 9, 0), accept), ((2, 9, 30), S), ((3, 9, 0), D(2)),
                                         ((3, 10, 0), R), ((3, 11, 0), lambda c, d: T(c, d, 5))), (2, 8, 30)),
        Scripted(3, "quá hạn", False, (((3, 9, 0), accept), ((3, 9, 30), S), ((7, 9, 0), D(3)),
                                       ((7, 10, 0), R), ((7, 11, 0), lambda c, d: T(c, d, 2))), (3, 8, 30)),
        Scripted(4, "bổ sung một lần, trừ thời gian bổ sung nên đúng hạn", False,
                 (((4, 9, 0), accept), ((5, 9, 0), request_supplement), ((8, 9, 0), complete_supplement),
                  ((8, 9, 30), S), ((9, 8, 0), D(4)), ((9, 10, 0), R)), (4, 8, 30)),
        Scripted(5, "bổ sung hai lần nên quá hạn", False,
                 (((5, 9, 0), accept), ((6, 9, 0), request_supplement), ((7, 9, 0), complete_supplement),
                  ((7, 10, 0), request_supplement), ((8, 10, 0), complete_supplement), ((8, 10, 30), S),
                  ((8, 11, 0), D(5)), ((9, 10, 0), R)), (5, 8, 30)),
        Scripted(6, "nộp và thanh toán phí trực tuyến", False,
                 (((6, 9, 0), accept), ((6, 10, 0), P), ((6, 10, 30), S), ((7, 9, 0), D(6)),
                  ((7, 10, 0), R)), (6, 8, 30)),
        Scripted(7, "tiếp nhận trực tiếp tại quầy", True,
                 (((7, 9, 30), S), ((9, 9, 0), D(7)), ((9, 10, 0), R)), (7, 9, 0)),
        Scripted(8, "trực tuyến, đang xử lý, chưa có kết quả điện tử", False,
                 (((-1, 9, 0), accept), ((-1, 9, 30), S)), (-1, 8, 30)),
        Scripted(9, "tiếp nhận tại quầy, đang xử lý, đã quá hạn", True, (((10, 9, 30), S),), (10, 9, 0)),
        Scripted(10, "từ chối tiếp nhận", False, (((9, 11, 0), refuse),), (9, 8, 30)),
        Scripted(11, "rút hồ sơ sau khi đã tiếp nhận", False,
                 (((10, 9, 0), accept), ((10, 9, 30), S), ((11, 9, 0), withdraw)), (10, 8, 30)),
    ]  # fmt: skip
    return rows


def load_history(*, today: datetime.date | None = None) -> int:
    """Create the demo dossiers not yet there; returns how many were created (0 on a second run)."""
    c = cast()
    if c is None:
        return 0
    first, last = previous_month(today)
    days = working_days(first, last, c.agency)

    def moment(spec: tuple[int, int, int]) -> datetime.datetime:
        index, hour, minute = spec
        day = days[index - 1] if index > 0 else days[index]
        zone = timezone.get_current_timezone()
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)

    created = 0
    for row in _script():
        ref = f"{MARK}{row.number:02d}"
        if Dossier.objects.filter(client_ref=ref).exists():
            continue
        with transaction.atomic():
            shift = Backdate()
            filed = moment(row.filed)
            shift.step(filed)
            dossier = intake_at_counter(c) if row.counter else submit_online(c, ref)
            received = filed if row.counter else None
            for spec, action in row.steps:
                when = moment(spec)
                if action is accept:
                    received = when
                shift.step(when)
                action(c, dossier)
            dossier = Dossier.objects.select_related("agency", "version", "offering").get(pk=dossier.pk)
            if received is not None and dossier.due_at is not None:
                scripted_dues(dossier, received, shift)
            backdate(dossier.pk, shift)
            day = timezone.localtime(filed).date()
            Dossier.objects.filter(pk=dossier.pk).update(
                client_ref=ref, code=codes.new_code(agency=dossier.agency, day=day)
            )
        created += 1
    return created
