"""Reception at the one-stop counter: accepting, asking for a supplement (Mẫu 02), confirming it, refusing
(Mẫu 03), and dossiers brought to the counter or by post. The due date is computed here.

Status changes go through ``dossiers.workflow.transition``; this module supplies each transition's effect.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.accounts.verification import identity_account_for_number
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.catalogue.models import Channel as CatalogueChannel
from dichvucong.dossiers import codes
from dichvucong.dossiers.errors import DossierError
from dichvucong.dossiers.models import Channel, Dossier, Status, SupplementRequest, SupplementState
from dichvucong.dossiers.notices import notify_applicant
from dichvucong.dossiers.workflow import transition
from dichvucong.worktime import schedule


def _format_time(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else "không có ngày hẹn trả"


def processing_time(dossier: Dossier) -> schedule.Duration:
    """The legal processing time for the dossier's channel (an agency's shorter online deadline wins)."""
    channel = CatalogueChannel.ONLINE if dossier.channel == Channel.ONLINE else CatalogueChannel.IN_PERSON
    option = next((o for o in dossier.version.channels.all() if o.channel == channel), None)
    return schedule.effective_duration(offering=dossier.offering, channel_option=option, channel=channel)


def _due_from(dossier: Dossier, start: datetime.datetime) -> datetime.datetime | None:
    value, unit = processing_time(dossier)
    return schedule.due_at(
        received_at=start,
        duration_value=value,
        duration_unit=unit,
        no_deadline=dossier.version.no_appointment_date,
        agency=dossier.agency,
    )


def dossier_accept(*, dossier_id: int, officer: User, expected_status: str | None = None) -> Dossier:
    def effect(locked: Dossier) -> dict:
        now = timezone.now()
        locked.received_at = now
        locked.received_by = officer
        locked.due_at = _due_from(locked, now)
        notify_applicant(locked, "dossier.accepted", due_at=_format_time(locked.due_at))
        return {"due_at": locked.due_at.isoformat() if locked.due_at else None}

    return transition(
        dossier_id=dossier_id, action="accept", actor=officer, effect=effect, expected_status=expected_status
    )


def dossier_request_supplement(
    *, dossier_id: int, officer: User, items: list[dict], deadline: datetime.date, note: str = ""
) -> Dossier:
    """Ask once for everything missing (Mẫu 02); the clock pauses until the supplement is completed."""
    items = [item for item in items if (item.get("name") or "").strip()]
    if not items:
        raise DossierError("Hãy liệt kê ít nhất một giấy tờ cần bổ sung.", field="items", code="items")
    if deadline <= timezone.localdate():
        raise DossierError("Hạn bổ sung phải sau ngày hôm nay.", field="deadline", code="deadline")

    def effect(locked: Dossier) -> dict:
        now = timezone.now()
        locked.paused_at = now
        locked.supplement_state = SupplementState.AWAITING_CITIZEN
        locked.supplement_count += 1
        request = SupplementRequest.objects.create(
            dossier=locked,
            items=items,
            deadline=deadline,
            requested_by=officer,
            requested_at=now,
            due_before=locked.due_at,
        )
        notify_applicant(
            locked,
            "dossier.supplement_requested",
            items="; ".join(item["name"] for item in items),
            deadline=deadline.strftime("%d/%m/%Y"),
        )
        # More than one request is allowed, but counted late by the QĐ 766 formula: flag it.
        return {"supplement_id": request.pk, "repeat": locked.supplement_count > 1}

    return transition(
        dossier_id=dossier_id, action="request_supplement", actor=officer, note=note, effect=effect
    )


def dossier_complete_supplement(*, dossier_id: int, officer: User) -> Dossier:
    """Confirm the supplement; the due date moves by the paused working time, or restarts."""

    def effect(locked: Dossier) -> dict:
        now = timezone.now()
        request = locked.supplements.filter(completed_at__isnull=True).last()
        if locked.resume_status == Status.SUBMITTED or locked.due_at is None:
            locked.received_at = now  # the dossier was incomplete at intake: it is received now
            locked.received_by = officer
            locked.resume_status = Status.ACCEPTED
            locked.due_at = _due_from(locked, now)
        elif schedule.restart_on_supplement(agency=locked.agency):
            locked.due_at = _due_from(locked, now)
        else:
            locked.due_at = schedule.resume_due_at(
                old_due_at=locked.due_at, paused_at=locked.paused_at, resumed_at=now, agency=locked.agency
            )
        locked.paused_at = None
        locked.supplement_state = SupplementState.NONE
        if request is not None:
            SupplementRequest.objects.filter(pk=request.pk).update(
                completed_at=now, completed_by=officer, due_after=locked.due_at
            )
        from dichvucong.processing.services import track_sync_due  # the inbox keeps a copy of the due date

        track_sync_due(dossier=locked)
        notify_applicant(locked, "dossier.accepted", due_at=_format_time(locked.due_at))
        return {"due_at": locked.due_at.isoformat() if locked.due_at else None}

    return transition(dossier_id=dossier_id, action="complete_supplement", actor=officer, effect=effect)


def dossier_refuse(*, dossier_id: int, officer: User, reasons: list[str]) -> Dossier:
    """Refuse with written reasons (Mẫu 03); at least one reason is required."""
    reasons = [reason.strip() for reason in reasons if reason and reason.strip()]
    if not reasons:
        raise DossierError("Hãy ghi rõ lý do từ chối.", field="reasons", code="reasons")

    def effect(locked: Dossier) -> dict:
        locked.finished_at = timezone.now()
        locked.refusal_reasons = reasons
        locked.paused_at = None
        notify_applicant(locked, "dossier.refused", reasons="; ".join(reasons))
        return {"reasons": reasons}

    return transition(dossier_id=dossier_id, action="refuse", actor=officer, effect=effect)


COUNTER_FIELDS = (
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "owner_name",
    "owner_id_number",
    "owner_address",
    "result_delivery",
    "delivery_address",
)


def dossier_counter_intake(
    *, officer: User, offering: AgencyProcedure, intake_agency, channel: str, note: str = "", **fields
) -> Dossier:
    """A dossier brought to the counter (channel 1) or by post (channel 3), or filed on a citizen's behalf:
    the same dossier as online, received at once. It is linked to the citizen's account when one exists."""
    if channel not in (Channel.IN_PERSON, Channel.POSTAL):
        raise DossierError("Kênh tiếp nhận không hợp lệ.", field="channel")
    unknown = set(fields) - set(COUNTER_FIELDS)
    if unknown:
        raise ValueError(f"not counter fields: {sorted(unknown)}")
    if not (fields.get("applicant_name") or "").strip():
        raise DossierError("Hãy nhập họ và tên người nộp hồ sơ.", field="applicant_name")
    version = offering.procedure.current_version
    if version is None or not offering.is_active:
        raise DossierError("Thủ tục này không còn được tiếp nhận tại cơ quan đã chọn.", field="offering")
    id_number = (fields.get("applicant_id_number") or "").strip()
    # Several accounts may declare one number: only its proven holder, or the sole declarer, gets the dossier.
    account = identity_account_for_number(id_number=id_number)
    with transaction.atomic():
        draft = Dossier.objects.create(
            procedure=offering.procedure,
            version=version,
            offering=offering,
            agency=offering.agency,
            intake_agency=intake_agency,
            channel=channel,
            applicant=account,
            form_data={"request": note} if note else {},
            owner_name=fields.get("owner_name") or fields.get("applicant_name", ""),
            **{k: v for k, v in fields.items() if k != "owner_name"},
        )

        def effect(locked: Dossier) -> dict:
            now = timezone.now()
            locked.code = codes.new_code(agency=locked.agency, day=timezone.localdate(now))
            locked.submitted_at = now
            locked.received_at = now
            locked.received_by = officer
            locked.due_at = _due_from(locked, now)
            if locked.applicant_phone or locked.applicant_email:
                notify_applicant(locked, "dossier.accepted", due_at=_format_time(locked.due_at))
            return {"code": locked.code, "channel": channel}

        return transition(
            dossier_id=draft.pk, action="intake_at_counter", actor=officer, note=note, effect=effect
        )
