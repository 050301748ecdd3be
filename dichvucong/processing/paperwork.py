"""Turn a dossier's processing records into the forms rendered by ``paperwork.processing_forms``."""

from __future__ import annotations

from django.utils import timezone

from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.paperwork import _agency, _applicant
from dichvucong.paperwork import processing_forms as pdf
from dichvucong.processing.models import ControlSheetEntry, LateNotice, NoticeState, StopNotice


def _who(step_name: str, user) -> str:
    return f"{step_name} – {user.full_name}" if user else step_name


def control_sheet_pdf(dossier: Dossier) -> bytes:
    entries = ControlSheetEntry.objects.filter(dossier=dossier).select_related("from_user", "to_user")
    rows = tuple(
        pdf.ControlRow(
            from_name=_who(e.from_step_name, e.from_user),
            to_name=_who(e.to_step_name, e.to_user),
            handed_at=e.handed_at,
            due_at=e.due_at,
            finished_at=e.finished_at,
            outcome=e.outcome,
            note=e.note,
        )
        for e in entries
    )
    return pdf.render_control_sheet_pdf(
        pdf.ControlSheetData(
            agency=_agency(dossier),
            code=dossier.code or "",
            applicant=_applicant(dossier),
            procedure_name=dossier.procedure.name,
            received_at=dossier.received_at,
            due_at=dossier.due_at,
            rows=rows,
            printed_at=timezone.now(),
        )
    )


def apology_pdf(dossier: Dossier, notice: LateNotice) -> bytes:
    """Mẫu 04; while the leader has not approved it, the PDF says it is a draft."""
    return pdf.render_apology_pdf(
        pdf.ApologyData(
            agency=_agency(dossier),
            code=dossier.code or "",
            applicant=_applicant(dossier),
            procedure_name=dossier.procedure.name,
            received_at=dossier.received_at or notice.drafted_at,
            old_due_at=notice.old_due_at,
            new_due_at=notice.new_due_at,
            reason=notice.reason,
            issued_at=notice.decided_at or notice.drafted_at,
            signer=notice.decided_by.full_name if notice.decided_by else "",
            approved=notice.state == NoticeState.APPROVED,
        )
    )


def stop_pdf(dossier: Dossier, notice: StopNotice) -> bytes:
    return pdf.render_stop_notice_pdf(
        pdf.StopData(
            agency=_agency(dossier),
            code=dossier.code or "",
            applicant=_applicant(dossier),
            procedure_name=dossier.procedure.name,
            received_at=dossier.received_at,
            reasons=tuple(notice.reasons),
            issued_at=notice.decided_at or notice.drafted_at,
            signer=notice.decided_by.full_name if notice.decided_by else "",
            approved=notice.state == NoticeState.APPROVED,
        )
    )
