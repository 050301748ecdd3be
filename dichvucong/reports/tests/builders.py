"""Rows for the scorecard tests, written directly with explicit times (the formulas read rows, not the state
machine; the demo and the browser test go through the state machine)."""

from __future__ import annotations

import datetime
import itertools
import zoneinfo

from django.contrib.auth import get_user_model

from dichvucong.dossiers.models import Channel, Dossier, DossierFile, Status, SupplementRequest
from dichvucong.feedback.models import Feedback
from dichvucong.national.models import NationalSync
from dichvucong.payments.models import PaymentRequest
from dichvucong.processing.models import DossierResult, NoticeState, WithdrawalRequest
from dichvucong.ratings.models import Rating

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
_numbers = itertools.count(1)


def at(day: int, hour: int = 9, month: int = 11, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=VN)


def owner():
    user, _ = get_user_model().objects.get_or_create(
        username="bao-cao-chu-tep", defaults={"full_name": "Chủ tệp"}
    )
    return user


def document():
    from dichvucong.documents.testing import minimal_pdf_bytes
    from dichvucong.documents.tests.factories import make_document

    n = next(_numbers)
    return make_document(owner(), content=minimal_pdf_bytes() + f"%{n}\n".encode(), name=f"t{n}.pdf")


def dossier(
    offering,
    *,
    status=Status.RETURNED,
    channel=Channel.ONLINE,
    received=None,
    due=None,
    finished=None,
    supplements=(),
    e_result=False,
    files=(),
    paid=None,
    vneid=False,
    synced=False,
    feedback=False,
    rating=None,
    withdrawal=None,
) -> Dossier:
    n = next(_numbers)
    row = Dossier.objects.create(
        code=f"T-{n:05d}",
        procedure=offering.procedure,
        version=offering.procedure.current_version,
        offering=offering,
        agency=offering.agency,
        channel=channel,
        status=status,
        applicant_name="Nguyễn Văn Thử",
        submitted_at=received,
        received_at=received,
        due_at=due,
        finished_at=finished,
        supplement_count=len(supplements),
        owner_vneid_authenticated=vneid,
    )
    for requested, completed in supplements:
        SupplementRequest.objects.create(
            dossier=row,
            items=[{"name": "Giấy tờ"}],
            deadline=requested.date() + datetime.timedelta(days=10),
            requested_at=requested,
            completed_at=completed,
        )
    if e_result:
        issued = finished or received or at(1)
        DossierResult.objects.create(dossier=row, name="Kết quả", document=document(), issued_at=issued)
    for reused in files:
        DossierFile.objects.create(dossier=row, document=document(), reused=reused)
    if paid is not None:
        PaymentRequest.objects.create(
            dossier=row,
            agency=row.agency,
            items=[],
            gross_amount=15000,
            amount=15000,
            state=PaymentRequest.State.PAID,
            online_payment=paid,
        )
    if synced:
        NationalSync.objects.create(dossier=row, state="synced", on_portal=True)
    if feedback:
        Feedback.objects.create(
            code=f"PA-{n}", subject="dossier", dossier=row, agency=row.agency, title="Chậm", content="Chậm",
            sender_name="Người dân",
        )  # fmt: skip
    if rating is not None:
        Rating.objects.create(dossier=row, agency=row.agency, level=rating)
    if withdrawal is not None:
        requested, state = withdrawal
        WithdrawalRequest.objects.create(dossier=row, reason="Rút", requested_at=requested, state=state)
    return row


APPROVED = NoticeState.APPROVED
