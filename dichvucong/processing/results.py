"""The result: the issuing step (văn thư) numbers it (Vào số), attaches it or issues the signed draft and
sends it to the counter; the counter hands it over; the citizen downloads an online result (its return).

Every status change goes through ``dossiers.workflow.transition``; the holder checks run inside the effect,
after the dossier's lock (see ``services``).
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dichvucong.accounts.models import StaffRole, User
from dichvucong.documents.models import StoredDocument
from dichvucong.documents.services import DocumentRefused, document_store
from dichvucong.dossiers.models import Dossier, DossierEvent, ResultDelivery, Status
from dichvucong.dossiers.services import notify_applicant, order_postal
from dichvucong.dossiers.workflow import TransitionRefused, transition
from dichvucong.processing import numbering
from dichvucong.processing.models import (
    COUNTER_STEP_NAME,
    ControlSheetEntry,
    DossierResult,
    DraftResult,
    DraftState,
    HandoverKind,
    ReturnMethod,
    ReturnRecord,
    TrackState,
)
from dichvucong.processing.services import (
    RESULT_TYPES,
    ProcessingError,
    _check_holder,
    _close_open_entry,
    _close_track,
    _track,
)

R = StaffRole


@dataclass
class ResultInput:
    name: str
    result_code: str
    upload: UploadedFile | None  # None: issue the draft the signing step approved
    number: str = ""  # Vào số: số, ký hiệu
    signed_on: datetime.date | None = None  # Vào số: ngày ký


def _signed_draft(dossier: Dossier) -> DraftResult | None:
    return (
        DraftResult.objects.select_related("document")
        .filter(dossier=dossier, state=DraftState.SIGNED)
        .order_by("-id")
        .first()
    )


def _store_result(*, owner: User, item: ResultInput, draft: DraftResult | None) -> StoredDocument:
    """The result's file in ``owner``'s store: the upload, or a copy of the signed draft (checked again)."""
    upload = item.upload
    if upload is None:
        if owner.pk == draft.document.owner_id:
            return draft.document
        with draft.document.file.open("rb") as handle:
            upload = SimpleUploadedFile(
                draft.document.original_name or "ket-qua.pdf", handle.read(), draft.document.content_type
            )
    try:
        document, _created = document_store(
            owner=owner,
            upload=upload,
            title=(item.name or "Kết quả giải quyết")[:200],
            allowed_types=RESULT_TYPES,
            source=StoredDocument.Source.RESULT,
        )
    except DocumentRefused as refused:
        raise ProcessingError(refused.message, field="file", code=refused.code) from refused
    return document


def processing_issue_result(
    *,
    dossier_id: int,
    officer: User,
    results: list[ResultInput],
    note: str = "",
    expected_position: int | None = None,
) -> Dossier:
    """The issuing step numbers (vào số) the signed result(s), attaches them (or issues the signed draft) and
    sends them to the counter: Đã xử lý xong."""
    if not results:
        raise ProcessingError("Hãy đính kèm văn bản kết quả (bản quét hoặc bản điện tử).", field="file")

    def effect(locked: Dossier) -> dict:
        track = _track(locked)
        _check_holder(track, officer, expected_position)
        if not track.step.issues_result:
            raise TransitionRefused("Chỉ bước ban hành mới chuyển kết quả về một cửa.", code="not_issue_step")
        draft = _signed_draft(locked) if any(item.upload is None for item in results) else None
        if draft is None and any(item.upload is None for item in results):
            raise ProcessingError(
                "Hãy đính kèm văn bản kết quả: hồ sơ chưa có dự thảo được lãnh đạo ký duyệt.", field="file"
            )
        registrations: list[numbering.Registration] = []
        for item in results:
            try:
                registrations.append(
                    numbering.result_number_check(
                        dossier=locked,
                        number=item.number,
                        signed_on=item.signed_on,
                        taken={r.number for r in registrations},
                    )
                )
            except numbering.NumberRefused as refused:
                raise ProcessingError(refused.message, field=refused.field, code=refused.code) from refused
        now = timezone.now()
        online = locked.result_delivery == ResultDelivery.ONLINE and locked.applicant_id is not None
        owner = locked.applicant if online else officer
        stored: list[DossierResult] = []
        for item, registration in zip(results, registrations, strict=True):
            document = _store_result(owner=owner, item=item, draft=draft)
            try:
                with transaction.atomic():  # two clerks numbering at once: the database has the last word
                    stored.append(
                        DossierResult.objects.create(
                            dossier=locked,
                            result_code=item.result_code[:40],
                            name=item.name[:1000],
                            document=document,
                            issued_by=officer,
                            issued_at=now,
                            number=registration.number,
                            signed_on=registration.signed_on,
                            register_agency_id=registration.agency_id,
                            register_year=registration.year,
                        )
                    )
            except IntegrityError as clash:
                raise ProcessingError(
                    f"Số {registration.number} vừa được vào sổ cho một kết quả khác. Hãy dùng số khác.",
                    field="number",
                    code="number_taken",
                ) from clash
            DossierEvent.objects.create(  # on the public tracking page (not a status change)
                dossier=locked,
                action="result_registered",
                from_status=locked.status,
                to_status=locked.status,
                actor=officer,
                actor_role=R.CLERK,
                agency=locked.agency,
                data={"label": registration.label, "number": registration.number},
            )
        _close_open_entry(locked, now)
        ControlSheetEntry.objects.create(
            dossier=locked,
            kind=HandoverKind.ISSUE,
            from_user=officer,
            from_step_name=track.step_name,
            to_user=None,
            to_step_name=COUNTER_STEP_NAME,
            to_position=0,
            note=note[:2000],
            handed_at=now,
            due_at=locked.due_at,
        )
        track.state = TrackState.AT_COUNTER
        track.step = None
        track.position = 0
        track.step_name = COUNTER_STEP_NAME
        track.role = R.RECEPTIONIST
        track.assignee = None
        track.step_started_at = now
        track.step_due_at = locked.due_at
        track.plan = []
        track.dossier_due_at = locked.due_at
        track.save()
        locked.finished_at = now
        notify_applicant(
            locked,
            "dossier.resolved",
            items="; ".join(r.name for r in stored),
            due_at=locked.due_at or "",
        )
        if locked.result_delivery == ResultDelivery.POST:  # the post office delivers it (BCCI)
            transaction.on_commit(lambda pk=locked.pk: order_postal(pk, "delivery"), robust=True)
        return {
            "results": [
                {
                    "code": r.result_code,
                    "name": r.name,
                    "number": r.number,
                    "signed_on": r.signed_on.isoformat(),
                }
                for r in stored
            ]
        }

    return transition(dossier_id=dossier_id, action="resolve", actor=officer, note=note, effect=effect)


def processing_return(
    *,
    dossier_id: int,
    officer: User,
    recipient_name: str,
    recipient_id_number: str = "",
    originals_checked: bool = False,
    signature_note: str = "",
) -> Dossier:
    """The counter hands the result over and records who received it: Đã trả kết quả."""
    if not recipient_name.strip():
        raise ProcessingError("Hãy nhập họ và tên người nhận kết quả.", field="recipient_name")

    def effect(locked: Dossier) -> dict:
        now = timezone.now()
        ReturnRecord.objects.create(
            dossier=locked,
            method=ReturnMethod.COUNTER,
            recipient_name=recipient_name.strip()[:300],
            recipient_id_number=recipient_id_number.strip()[:20],
            originals_checked=originals_checked,
            signature_note=signature_note.strip()[:300],
            returned_by=officer,
            returned_at=now,
        )
        _close_track(locked, now)
        notify_applicant(locked, "dossier.returned", rating_url=_rating_url(locked))
        return {"recipient": recipient_name.strip()[:300], "originals_checked": originals_checked}

    return transition(dossier_id=dossier_id, action="return_result", actor=officer, effect=effect)


def _rating_url(dossier: Dossier) -> str:
    """The rating page the "returned" message invites to (the ratings app; none if it is not installed)."""
    from django.apps import apps

    if not apps.is_installed("dichvucong.ratings"):
        return ""
    from dichvucong.ratings.links import rating_url

    return rating_url(dossier)


def result_for_applicant(*, dossier: Dossier, applicant: User, result_id: int) -> DossierResult:
    """The citizen downloads a result of their dossier; the first download of an online result is its
    return (Đã trả kết quả, recorded as a system step since no officer acts)."""
    result = DossierResult.objects.select_related("document").filter(pk=result_id, dossier=dossier).first()
    if result is None or dossier.applicant_id != applicant.pk:
        raise ProcessingError("Không tìm thấy kết quả.", code="not_found")
    if dossier.status not in (Status.RESOLVED, Status.RETURNED):
        raise ProcessingError("Không tìm thấy kết quả.", code="not_found")
    if result.downloaded_at is None:
        DossierResult.objects.filter(pk=result.pk, downloaded_at=None).update(downloaded_at=timezone.now())
    if dossier.status == Status.RESOLVED and dossier.result_delivery == ResultDelivery.ONLINE:

        def effect(locked: Dossier) -> dict:
            now = timezone.now()
            ReturnRecord.objects.create(
                dossier=locked,
                method=ReturnMethod.ONLINE,
                recipient_name=applicant.full_name[:300],
                recipient_id_number=applicant.id_number[:20],
                returned_at=now,
            )
            _close_track(locked, now)
            return {"method": ReturnMethod.ONLINE}

        # A second download in parallel: the first one recorded the return.
        with contextlib.suppress(TransitionRefused):
            transition(
                dossier_id=dossier.pk,
                action="return_result",
                actor=None,
                note="Công dân tải kết quả trực tuyến",
                effect=effect,
                expected_status=Status.RESOLVED,
            )
    return result
