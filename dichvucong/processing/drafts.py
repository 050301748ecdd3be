"""Dự thảo kết quả: the drafting step (the specialist holding the dossier) attaches the draft result; the
signing step approves it by forwarding ("Ký duyệt và chuyển tiếp", ``services.processing_forward``) or sends
it back with the reason (``services.processing_send_back``); the issuing step may issue the signed draft as
the result (``result_services.processing_issue_result`` without a file).

The file is checked like every upload (``documents.validation`` through ``document_store``: content by magic
bytes, size, macros) and kept in the drafter's store; staff of the agency read it through the processing page
(``views.draft_view``), which checks the dossier is theirs. Attaching changes no status: the dossier row is
locked and the holder checked, so of two tabs or two staff one wins and nothing of the other is written.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.documents.models import StoredDocument
from dichvucong.documents.services import DocumentRefused, document_store
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.dossiers.workflow import TransitionRefused, refuse_own_dossier
from dichvucong.processing.models import DraftResult, DraftState, Track
from dichvucong.processing.services import RESULT_TYPES, ProcessingError, _check_holder, _track


def draft_result_attach(
    *,
    dossier_id: int,
    officer: User,
    upload: UploadedFile | None,
    name: str,
    result_code: str = "",
    note: str = "",
    expected_position: int | None = None,
) -> DraftResult:
    """Attach (or replace) the draft result on the drafting step."""
    if upload is None:
        raise ProcessingError("Hãy chọn tệp dự thảo kết quả.", field="file", code="file")
    name = (name or "").strip() or "Kết quả giải quyết"
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).filter(pk=dossier_id).first()
        if dossier is None:
            raise ProcessingError("Không tìm thấy hồ sơ.", code="not_found")
        if dossier.status != Status.PROCESSING:
            raise TransitionRefused("Hồ sơ không ở bước giải quyết.", code="illegal")
        refuse_own_dossier(dossier=dossier, user=officer)
        track: Track = _track(dossier)
        _check_holder(track, officer, expected_position)
        if not track.step.produces_draft:
            raise TransitionRefused(
                "Chỉ bước dự thảo kết quả mới đính kèm dự thảo; bước này không soạn dự thảo.",
                code="not_draft_step",
            )
        try:
            document, _created = document_store(
                owner=officer,
                upload=upload,
                title=f"Dự thảo: {name}"[:200],
                allowed_types=RESULT_TYPES,
                source=StoredDocument.Source.RESULT,
            )
        except DocumentRefused as refused:
            raise ProcessingError(refused.message, field="file", code=refused.code) from refused
        now = timezone.now()
        DraftResult.objects.filter(dossier=dossier, state=DraftState.PENDING).update(
            state=DraftState.REPLACED
        )
        draft = DraftResult.objects.create(
            dossier=dossier,
            name=name[:1000],
            result_code=(result_code or "")[:40],
            document=document,
            note=(note or "").strip()[:2000],
            drafted_by=officer,
            drafted_at=now,
        )
        Track.objects.filter(pk=track.pk).update(draft_by=officer)
        return draft


def current_draft(drafts) -> DraftResult | None:
    """The draft on the table: the newest one not replaced (from a prefetched list, oldest first)."""
    live = [draft for draft in drafts if draft.state != DraftState.REPLACED]
    return live[-1] if live else None
