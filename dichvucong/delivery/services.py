"""Writes on shipments: create an order for a dossier, send it to the carrier, apply what the carrier or the
postal staff report, cancel, and the sweeper that makes sure nothing is left waiting.

Every state change goes through ``_apply`` (shipment row locked, the rule in ``states.can_move``, one
``ShipmentEvent``, then ``effects.state_reached``). Carrier calls happen outside any transaction."""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dichvucong.accounts.models import AgencyMembership, StaffRole, User
from dichvucong.delivery import conf, effects
from dichvucong.delivery.carriers.base import OrderRequest, OrderResult, Party, StatusReport
from dichvucong.delivery.carriers.registry import carrier_get, carrier_is_demo
from dichvucong.delivery.models import Shipment, ShipmentEvent
from dichvucong.delivery.states import ACTIVE, BLOCKING, RANK, Kind, State, can_move
from dichvucong.dossiers.models import Dossier, ResultDelivery
from dichvucong.dossiers.models import Status as DossierStatus

logger = logging.getLogger(__name__)
Source = ShipmentEvent.Source

# Dossiers whose paper originals may still be collected at home.
PICKUP_STATUSES = frozenset(
    {
        DossierStatus.SUBMITTED,
        DossierStatus.ACCEPTED,
        DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED,
    }
)


class DeliveryError(Exception):
    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code  # invalid | illegal | forbidden
        self.field = field


# --- creating an order -------------------------------------------------------------------------------------


def _agency_party(dossier: Dossier) -> Party:
    agency = dossier.agency
    return Party(name=agency.name, phone=agency.phone, address=agency.address or agency.name)


def _citizen_party(dossier: Dossier, address: str) -> Party:
    return Party(name=dossier.applicant_name, phone=dossier.applicant_phone, address=address)


def _check_can_order(dossier: Dossier, kind: str) -> str:
    """The citizen's address for the order, or DeliveryError."""
    if kind == Kind.PICKUP:
        if not dossier.home_pickup:
            raise DeliveryError("Hồ sơ không đăng ký bưu điện nhận bản giấy tại nhà.")
        if dossier.status not in PICKUP_STATUSES:
            raise DeliveryError(
                f"Không thể đăng ký nhận hồ sơ giấy khi hồ sơ “{dossier.get_status_display()}”.",
                code="illegal",
            )
        address = dossier.pickup_address or dossier.applicant_address or dossier.delivery_address
    elif kind == Kind.DELIVERY:
        if dossier.result_delivery != ResultDelivery.POST:
            raise DeliveryError("Hồ sơ không đăng ký nhận kết quả qua bưu chính công ích.")
        if dossier.status != DossierStatus.RESOLVED:
            raise DeliveryError(
                f"Chỉ phát kết quả khi hồ sơ đã xử lý xong (hiện: “{dossier.get_status_display()}”).",
                code="illegal",
            )
        address = dossier.delivery_address or dossier.applicant_address
    else:
        raise DeliveryError("Loại bưu gửi không hợp lệ.", field="kind")
    if not address.strip():
        raise DeliveryError("Hồ sơ chưa có địa chỉ cho bưu điện.", field="address")
    return address.strip()


def shipment_create_for_dossier(
    *, dossier_id: int, kind: str, actor: User | None = None, cod_amount: int = 0, carrier: str = ""
) -> Shipment:
    """One open order per dossier and kind: asking again returns the open one. The order goes to the carrier
    after commit (task ``request_shipment``; the sweeper retries). ``actor`` is recorded, not checked:
    callers authorise (dossier services at submission and resolution, the sweeper, staff pages)."""
    try:
        with transaction.atomic():
            return _shipment_create(
                dossier_id=dossier_id, kind=kind, actor=actor, cod_amount=cod_amount, carrier=carrier
            )
    except IntegrityError:  # a concurrent call created it first (PostgreSQL without the row lock winning)
        existing = Shipment.objects.filter(dossier_id=dossier_id, kind=kind, state__in=BLOCKING).first()
        if existing is None:
            raise
        return existing


def _shipment_create(*, dossier_id: int, kind: str, actor, cod_amount: int, carrier: str) -> Shipment:
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("agency", "procedure", "applicant")
        .get(pk=dossier_id)
    )
    existing = Shipment.objects.filter(dossier=dossier, kind=kind, state__in=BLOCKING).first()
    if existing is not None:
        return existing
    address = _check_can_order(dossier, kind)
    carrier_name = carrier or conf.carrier_name()
    if not carrier_name:
        raise DeliveryError(
            "Chưa cấu hình đơn vị bưu chính (DVC_DELIVERY_CARRIER): không đặt được đơn.", code="no_carrier"
        )
    carrier_get(carrier_name)  # LookupError for a misconfigured name, before anything is written
    agency, citizen = _agency_party(dossier), _citizen_party(dossier, address)
    sender, recipient = (citizen, agency) if kind == Kind.PICKUP else (agency, citizen)
    number = Shipment.objects.filter(dossier=dossier, kind=kind).count() + 1
    letter = "N" if kind == Kind.PICKUP else "T"  # nhận hồ sơ / trả kết quả
    now = timezone.now()
    shipment = Shipment.objects.create(
        dossier=dossier,
        kind=kind,
        carrier=carrier_name,
        reference=f"{dossier.code or dossier.public_id.hex[:20]}-{letter}{number}",
        state=State.CREATED,
        state_at=now,
        sender_name=sender.name[:300],
        sender_phone=sender.phone[:40],
        sender_address=sender.address[:500],
        recipient_name=recipient.name[:300],
        recipient_phone=recipient.phone[:40],
        recipient_address=recipient.address[:500],
        cod_amount=max(0, int(cod_amount)),
        next_request_at=now,
        created_by=actor,
    )
    ShipmentEvent.objects.create(shipment=shipment, state=State.CREATED, source=Source.SYSTEM, actor=actor)
    effects.order_created(shipment=shipment, actor=actor)
    transaction.on_commit(lambda: _enqueue_request(shipment.pk), robust=True)
    return shipment


def _enqueue_request(shipment_id: int) -> None:
    from dichvucong.delivery.tasks import request_shipment

    request_shipment.enqueue(shipment_id)


def _order_for(shipment: Shipment) -> OrderRequest:
    dossier = shipment.dossier
    content = (
        f"Hồ sơ giấy {dossier.code}"
        if shipment.kind == Kind.PICKUP
        else f"Kết quả giải quyết hồ sơ {dossier.code}"
    )
    return OrderRequest(
        reference=shipment.reference,
        kind=shipment.kind,
        sender=Party(shipment.sender_name, shipment.sender_phone, shipment.sender_address),
        recipient=Party(shipment.recipient_name, shipment.recipient_phone, shipment.recipient_address),
        dossier_code=dossier.code or "",
        content=content,
        cod_amount=shipment.cod_amount,
    )


# --- sending the order to the carrier ----------------------------------------------------------------------


def shipment_request(*, shipment_id: int) -> Shipment | None:
    """Send a created order to its carrier once it is due and nobody else is sending it. Safe to run any
    number of times: an order that has a waybill, or is no longer ``created``, is never sent again."""
    claimed = _claim(shipment_id)
    if claimed is None:
        return Shipment.objects.filter(pk=shipment_id).first()
    try:
        carrier = carrier_get(claimed.carrier)
        result = carrier.create_order(_order_for(claimed))
    except Exception as error:  # an adapter bug must not leave the order locked
        logger.exception("delivery: carrier %s crashed creating order %s", claimed.carrier, claimed.reference)
        result = OrderResult.retry(f"{type(error).__name__}: {error}")
    return _record_request(shipment_id=shipment_id, result=result)


def _claim(shipment_id: int) -> Shipment | None:
    now = timezone.now()
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("dossier")
            .filter(pk=shipment_id, state=State.CREATED, waybill="")
            .first()
        )
        if shipment is None or shipment.next_request_at is None or shipment.next_request_at > now:
            return None
        if shipment.locked_until and shipment.locked_until > now:
            return None
        shipment.locked_until = now + datetime.timedelta(seconds=conf.lease_seconds())
        shipment.request_attempts += 1
        shipment.save(update_fields=["locked_until", "request_attempts", "updated_at"])
        return shipment


@transaction.atomic
def _record_request(*, shipment_id: int, result: OrderResult) -> Shipment:
    shipment = (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("dossier__procedure", "dossier__agency", "dossier__applicant")
        .get(pk=shipment_id)
    )
    shipment.locked_until = None
    if result.accepted:
        shipment.waybill, shipment.last_error, shipment.next_request_at = result.waybill, "", None
        shipment.save()
        report = StatusReport(
            waybill=result.waybill, state=result.state, carrier_status=result.carrier_status
        )
        _apply(shipment=shipment, report=report, source=Source.CARRIER, payload=_jsonable(result.raw))
        return shipment
    delays = conf.retry_delays()
    attempt = shipment.request_attempts
    if result.retryable and attempt <= len(delays):
        shipment.next_request_at = timezone.now() + datetime.timedelta(seconds=delays[attempt - 1])
        shipment.last_error = f"Lần {attempt}: {result.error}"[:1000]
    else:
        shipment.next_request_at = None
        shipment.last_error = f"Không gửi được đơn cho bưu điện sau {attempt} lần: {result.error}"[:1000]
        logger.warning("delivery: order %s given up: %s", shipment.reference, result.error)
    shipment.save()
    return shipment


def _jsonable(raw) -> dict:
    if isinstance(raw, dict):
        return raw
    return {"data": raw} if isinstance(raw, list | str | int | float) else {}


def shipment_retry_request(*, shipment_id: int, staff: User) -> Shipment:
    """Postal staff ask to send a given-up order again."""
    with transaction.atomic():
        shipment = _locked_for_postal(shipment_id=shipment_id, staff=staff)
        if shipment.state != State.CREATED or shipment.waybill:
            raise DeliveryError("Đơn đã được gửi cho bưu điện.", code="illegal")
        shipment.next_request_at = timezone.now()
        shipment.save(update_fields=["next_request_at", "updated_at"])
        transaction.on_commit(lambda: _enqueue_request(shipment.pk), robust=True)
    return shipment


# --- applying reports --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    outcome: str  # applied | duplicate | stale | unknown_waybill
    shipment: Shipment | None = None
    detail: str = ""


def _dedup_key(report: StatusReport) -> str:
    if report.event_id:
        return f"id:{report.event_id}"[:128]
    when = report.occurred_at.isoformat() if report.occurred_at else ""
    raw = f"{report.waybill}|{report.state}|{report.carrier_status}|{when}"
    return "h:" + hashlib.sha256(raw.encode()).hexdigest()


def _apply(
    *,
    shipment: Shipment,
    report: StatusReport,
    source: str,
    actor: User | None = None,
    dedup_key: str = "",
    payload: dict | None = None,
) -> Applied:
    """With ``shipment`` locked: keep the report, move the state if the rule allows, then the effects."""
    if dedup_key and ShipmentEvent.objects.filter(shipment=shipment, dedup_key=dedup_key).exists():
        return Applied("duplicate", shipment)
    now = timezone.now()
    occurred_at = report.occurred_at or now
    moved = can_move(
        current=shipment.state, new=report.state, occurred_at=occurred_at, current_at=shipment.state_at
    )
    ShipmentEvent.objects.create(
        shipment=shipment,
        state=report.state,
        applied=moved,
        carrier_status=report.carrier_status,
        source=source,
        dedup_key=dedup_key,
        occurred_at=occurred_at,
        note=(report.note or report.failure_reason)[:500],
        payload=payload if payload is not None else report.payload,
        actor=actor,
    )
    if not moved:
        return Applied("stale", shipment)
    shipment.state, shipment.state_at = report.state, occurred_at
    if report.carrier_status:
        shipment.carrier_status = report.carrier_status
    if report.state in (State.DELIVERED, State.FAILED):
        shipment.delivery_attempts += 1
    if report.state == State.DELIVERED:
        shipment.delivered_to = (report.recipient_name or shipment.delivered_to)[:300]
        shipment.delivered_at = occurred_at
    if report.state in (State.FAILED, State.RETURNED):
        shipment.failure_reason = (report.failure_reason or report.note or shipment.failure_reason)[:500]
    shipment.save()
    detail = effects.state_reached(shipment=shipment, actor=actor)
    return Applied("applied", shipment, detail)


def shipment_apply_carrier_report(*, carrier: str, report: StatusReport, source: str) -> Applied:
    """A verified report from ``carrier`` (webhook or polling). A waybill that is not one of this carrier's
    orders is ignored (the caller logs it)."""
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("dossier__procedure", "dossier__agency", "dossier__applicant")
            .filter(carrier=carrier, waybill=report.waybill)
            .first()
        )
        if shipment is None:
            return Applied("unknown_waybill")
        return _apply(shipment=shipment, report=report, source=source, dedup_key=_dedup_key(report))


def shipment_poll(*, shipment_id: int) -> list[Applied]:
    """Ask the carrier for the status of one order (carriers that allow polling)."""
    shipment = Shipment.objects.filter(pk=shipment_id).first()
    if shipment is None or shipment.state not in ACTIVE or not shipment.waybill:
        return []
    carrier = carrier_get(shipment.carrier)
    if not carrier.supports_polling:
        return []
    reports = carrier.get_status(waybill=shipment.waybill)
    Shipment.objects.filter(pk=shipment_id).update(last_polled_at=timezone.now())
    return [
        shipment_apply_carrier_report(carrier=shipment.carrier, report=report, source=Source.POLL)
        for report in reports
        if report.waybill == shipment.waybill
    ]


# --- postal staff ------------------------------------------------------------------------------------------

# What postal staff may record, per kind: action → (state, Vietnamese name of the action).
STAFF_ACTIONS: dict[str, dict[str, tuple[str, str]]] = {
    Kind.PICKUP: {
        "picked_up": (State.PICKED_UP, "Đã nhận hồ sơ giấy tại nhà công dân"),
        "delivered": (State.DELIVERED, "Đã giao hồ sơ giấy cho Bộ phận một cửa"),
        "failed": (State.FAILED, "Không nhận được hồ sơ giấy"),
    },
    Kind.DELIVERY: {
        "picked_up": (State.PICKED_UP, "Đã nhận kết quả tại Bộ phận một cửa"),
        "out_for_delivery": (State.OUT_FOR_DELIVERY, "Bắt đầu phát kết quả"),
        "delivered": (State.DELIVERED, "Đã phát kết quả cho người nhận"),
        "failed": (State.FAILED, "Phát không thành công"),
        "returned": (State.RETURNED, "Chuyển hoàn kết quả về cơ quan"),
    },
}


def staff_actions_for(shipment: Shipment) -> dict[str, tuple[str, str]]:
    """The actions that would move this shipment now."""
    now = timezone.now()
    return {
        action: spec
        for action, spec in STAFF_ACTIONS.get(shipment.kind, {}).items()
        if shipment.waybill
        and can_move(current=shipment.state, new=spec[0], occurred_at=now, current_at=shipment.state_at)
    }


def _is_postal(*, staff: User, agency_id: int) -> bool:
    return AgencyMembership.objects.filter(
        user=staff, agency_id=agency_id, role=StaffRole.POSTAL, is_active=True
    ).exists()


def _locked_for_postal(*, shipment_id: int, staff: User) -> Shipment:
    shipment = (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("dossier__procedure", "dossier__agency", "dossier__applicant")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None or not _is_postal(staff=staff, agency_id=shipment.dossier.agency_id):
        raise DeliveryError("Không tìm thấy đơn bưu chính.", code="forbidden")
    return shipment


def shipment_record(
    *,
    shipment_id: int,
    staff: User,
    action: str,
    recipient_name: str = "",
    id_checked: bool = False,
    reason: str = "",
    note: str = "",
    proof: UploadedFile | None = None,
    expected_state: str | None = None,
) -> Shipment:
    """Postal staff record what they did: collected, handed over, delivered (with who signed and whether their
    ID was checked), failed (why) or returned. Refusals raise DeliveryError and change nothing."""
    recipient_name, reason, note = recipient_name.strip(), reason.strip(), note.strip()
    with transaction.atomic():
        shipment = _locked_for_postal(shipment_id=shipment_id, staff=staff)
        spec = STAFF_ACTIONS.get(shipment.kind, {}).get(action)
        if spec is None:
            raise DeliveryError("Thao tác không hợp lệ với đơn này.", field="action")
        state, name = spec
        if expected_state is not None and shipment.state != expected_state:
            raise DeliveryError(
                "Đơn vừa được cập nhật. Hãy tải lại trang để xem trạng thái mới.", code="stale"
            )
        if not shipment.waybill:
            raise DeliveryError("Đơn chưa được bưu điện tiếp nhận (chưa có mã vận đơn).", code="illegal")
        if not can_move(
            current=shipment.state, new=state, occurred_at=timezone.now(), current_at=shipment.state_at
        ):
            raise DeliveryError(
                f"Không thể “{name}” khi đơn đang ở trạng thái “{shipment.get_state_display()}”.",
                code="illegal",
            )
        if state == State.DELIVERED:
            if not recipient_name:
                raise DeliveryError("Nhập họ tên người ký nhận.", field="recipient_name")
            if shipment.kind == Kind.DELIVERY and not id_checked:
                raise DeliveryError(
                    "Phải kiểm tra giấy tờ tùy thân của người nhận trước khi trả kết quả.", field="id_checked"
                )
        if state in (State.FAILED, State.RETURNED) and not reason:
            raise DeliveryError("Nhập lý do.", field="reason")
        if proof is not None:
            shipment.proof_document = _store_proof(staff=staff, shipment=shipment, upload=proof)
        if state == State.DELIVERED:
            shipment.id_checked = id_checked
        report = StatusReport(
            waybill=shipment.waybill,
            state=state,
            occurred_at=timezone.now(),
            note=note or name,
            recipient_name=recipient_name,
            failure_reason=reason,
        )
        _apply(shipment=shipment, report=report, source=Source.STAFF, actor=staff, payload={"action": action})
    return shipment


def _store_proof(*, staff: User, shipment: Shipment, upload: UploadedFile):
    from dichvucong.documents.services import DocumentRefused, document_store

    try:
        document, _created = document_store(
            owner=staff,
            upload=upload,
            title=f"Bằng chứng phát {shipment.waybill}",
            kind="other",
            allowed_types={"jpeg", "png", "pdf"},
        )
    except DocumentRefused as refused:
        raise DeliveryError(refused.message, field="proof") from refused
    return document


def shipment_simulate(*, shipment_id: int, staff: User, state: str) -> Shipment:
    """Demo mode only: pretend the demo carrier reported ``state`` (as a webhook would)."""
    if not conf.demo_mode():
        raise DeliveryError("Chỉ dùng ở chế độ thử nghiệm.", code="forbidden")
    with transaction.atomic():
        shipment = _locked_for_postal(shipment_id=shipment_id, staff=staff)
        if not carrier_is_demo(shipment.carrier) or state not in RANK or not shipment.waybill:
            raise DeliveryError("Chỉ mô phỏng được đơn của bưu điện thử nghiệm.", code="illegal")
        report = StatusReport(
            waybill=shipment.waybill,
            state=state,
            occurred_at=timezone.now(),
            note="Mô phỏng thông báo của bưu điện",
            recipient_name=shipment.recipient_name if state == State.DELIVERED else "",
            failure_reason="Không có người nhận (mô phỏng)"
            if state in (State.FAILED, State.RETURNED)
            else "",
        )
        applied = _apply(shipment=shipment, report=report, source=Source.DEMO)
        if applied.outcome != "applied":
            raise DeliveryError("Trạng thái này không làm đơn tiến lên.", code="illegal")
    return shipment


def shipment_cancel(*, shipment_id: int, staff: User, reason: str) -> Shipment:
    """Cancel an order the post office has not collected yet (postal staff of the agency)."""
    reason = reason.strip()
    if not reason:
        raise DeliveryError("Nhập lý do hủy.", field="reason")
    with transaction.atomic():
        shipment = _locked_for_postal(shipment_id=shipment_id, staff=staff)
        if RANK[shipment.state] >= RANK[State.PICKED_UP]:
            raise DeliveryError("Bưu điện đã nhận bưu gửi, không thể hủy.", code="illegal")
    if shipment.waybill:
        result = carrier_get(shipment.carrier).cancel_order(waybill=shipment.waybill)
        if not result.accepted:
            raise DeliveryError(f"Bưu điện chưa hủy đơn: {result.error}", code="illegal")
    with transaction.atomic():
        shipment = _locked_for_postal(shipment_id=shipment_id, staff=staff)
        report = StatusReport(
            waybill=shipment.waybill, state=State.CANCELLED, occurred_at=timezone.now(), note=reason
        )
        applied = _apply(shipment=shipment, report=report, source=Source.STAFF, actor=staff)
        if applied.outcome != "applied":
            raise DeliveryError("Đơn đã kết thúc, không thể hủy.", code="illegal")
        shipment.next_request_at = None
        shipment.save(update_fields=["next_request_at", "updated_at"])
    return shipment


# --- the sweeper -------------------------------------------------------------------------------------------


def delivery_sweep(*, limit: int = 200) -> dict[str, int]:
    """Make sure nothing waits on a hook that did not run: close orders of finished dossiers, create missing
    orders, send orders whose call is due (first try lost, or a retry), poll carriers without webhooks. Safe
    to run at any time, in parallel."""
    from dichvucong.delivery.closing import shipments_close_for_dossier, stale_dossier_ids

    counts = {"created": 0, "requested": 0, "polled": 0, "closed": 0, "errors": 0}
    for dossier_id in stale_dossier_ids(limit=limit):  # finished dossiers whose order is still open
        counts["closed"] += len(shipments_close_for_dossier(dossier_id=dossier_id))
    pickups = (
        Dossier.objects.filter(home_pickup=True, status__in=[DossierStatus.SUBMITTED, DossierStatus.ACCEPTED])
        .exclude(shipments__kind=Kind.PICKUP)
        .values_list("pk", flat=True)[:limit]
    )
    deliveries = (
        Dossier.objects.filter(result_delivery=ResultDelivery.POST, status=DossierStatus.RESOLVED)
        .exclude(shipments__kind=Kind.DELIVERY)
        .values_list("pk", flat=True)[:limit]
    )
    for kind, dossier_ids in ((Kind.PICKUP, list(pickups)), (Kind.DELIVERY, list(deliveries))):
        for dossier_id in dossier_ids:
            try:
                shipment_create_for_dossier(dossier_id=dossier_id, kind=kind)
                counts["created"] += 1
            except DeliveryError as error:
                logger.info(
                    "delivery sweep: dossier %s needs a %s order: %s", dossier_id, kind, error.message
                )
                counts["errors"] += 1
    now = timezone.now()
    due = Shipment.objects.filter(state=State.CREATED, waybill="", next_request_at__lte=now).values_list(
        "pk", flat=True
    )[:limit]
    for shipment_id in list(due):
        shipment_request(shipment_id=shipment_id)
        counts["requested"] += 1
    polling = [name for name in _carrier_names() if carrier_get(name).supports_polling]
    stale = now - datetime.timedelta(seconds=conf.poll_seconds())
    to_poll = (
        Shipment.objects.filter(carrier__in=polling, state__in=sorted(ACTIVE))
        .exclude(waybill="")
        .exclude(last_polled_at__gt=stale)
        .values_list("pk", flat=True)[:limit]
    )
    for shipment_id in list(to_poll):
        shipment_poll(shipment_id=shipment_id)
        counts["polled"] += 1
    return counts


def _carrier_names() -> list[str]:
    names = Shipment.objects.filter(state__in=sorted(ACTIVE)).order_by().values_list("carrier", flat=True)
    known = []
    for name in set(names.distinct()):
        try:
            carrier_get(name)
        except LookupError:
            logger.warning("delivery sweep: shipments use an unknown carrier %r", name)
            continue
        known.append(name)
    return sorted(known)
