"""Shipments over the API: a dossier's shipments (its applicant, or staff of its agency), postal staff's
orders and actions (second factor required), and the carriers' webhook.

Errors: a dossier or shipment the caller may not see is 404 (never 403, nothing is enumerable); postal routes
without the second factor or the postal role are 403; an action the shipment's state does not allow is 409;
bad input is 422. The webhook's answers are listed on its route (see delivery/webhooks.py).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status

from dichvucong.accounts.api import Message, has_second_factor, token_or_session
from dichvucong.core.api_schemas import FieldError
from dichvucong.core.ratelimit import client_ip
from dichvucong.delivery import selectors, services, webhooks
from dichvucong.delivery.carriers.registry import carrier_label
from dichvucong.delivery.states import Kind, State

router = Router(tags=["Bưu chính"], auth=token_or_session)

POSTAL_ONLY = "Chức năng dành cho nhân viên bưu điện đã xác thực hai lớp."
NOT_FOUND = "Không tìm thấy đơn bưu chính."


class ShipmentEventOut(Schema):
    state: str
    state_label: str
    applied: bool = SchemaField(description="False: báo cáo được lưu nhưng không làm đổi trạng thái")
    source: str
    carrier_status: str
    note: str
    occurred_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(State(obj.state).label)


class ShipmentOut(Schema):
    id: uuid.UUID = SchemaField(alias="public_id")
    dossier_code: str | None = SchemaField(alias="dossier.code")
    kind: str
    kind_label: str
    carrier: str
    carrier_label: str
    waybill: str
    state: str
    state_label: str
    state_at: datetime.datetime | None
    recipient_name: str
    recipient_address: str
    sender_name: str
    sender_address: str
    cod_amount: int
    delivered_to: str
    delivered_at: datetime.datetime | None
    id_checked: bool
    failure_reason: str
    delivery_attempts: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(Kind(obj.kind).label)

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(State(obj.state).label)

    @staticmethod
    def resolve_carrier_label(obj) -> str:
        return carrier_label(obj.carrier)


class ShipmentDetailOut(ShipmentOut):
    sender_phone: str
    recipient_phone: str
    last_error: str
    events: list[ShipmentEventOut]
    actions: list[str] = SchemaField(description="Thao tác nhân viên bưu điện làm được lúc này")

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_actions(obj) -> list[str]:
        return sorted(services.staff_actions_for(obj))


class ShipmentPageOut(Schema):
    count: int
    results: list[ShipmentOut]


class OrderFilter(Schema):
    kind: Literal["pickup", "delivery", ""] = ""
    state: str = SchemaField("open", description="open (mặc định): chưa kết thúc; hoặc một trạng thái")
    limit: int = SchemaField(100, ge=1, le=500)


class ActionIn(Schema):
    action: Literal["picked_up", "out_for_delivery", "delivered", "failed", "returned"]
    recipient_name: str = SchemaField("", max_length=300, description="Bắt buộc khi action=delivered")
    id_checked: bool = SchemaField(False, description="Bắt buộc true khi phát kết quả (delivery)")
    reason: str = SchemaField("", max_length=500, description="Bắt buộc khi failed hoặc returned")
    note: str = SchemaField("", max_length=500)
    expected_state: str | None = SchemaField(
        None, description="Trạng thái người dùng đang thấy (chống ghi đè)"
    )


class ShipmentConflict(Schema):
    detail: str
    code: str = SchemaField(description="illegal: trạng thái không cho phép; stale: trạng thái vừa đổi")


class ReportResult(Schema):
    waybill: str
    result: Literal["applied", "duplicate", "stale", "ignored"]


class WebhookOut(Schema):
    result: Literal["applied", "duplicate", "stale", "ignored"]
    reports: list[ReportResult]


def _postal_guard(request: HttpRequest) -> Status | None:
    if not has_second_factor(request) or not selectors.postal_agencies(user=request.auth).exists():
        return Status(403, {"detail": POSTAL_ONLY})
    return None


@router.get(
    "/dossiers/{public_id}/shipments",
    response={200: list[ShipmentOut], 401: Message, 404: Message},
    summary="Bưu gửi của một hồ sơ (người nộp hoặc cán bộ của cơ quan giải quyết)",
)
def dossier_shipments(request: HttpRequest, public_id: uuid.UUID):
    try:
        dossier = selectors.dossier_for_shipments(user=request.auth, public_id=public_id)
    except Http404:
        return Status(404, {"detail": "Không tìm thấy hồ sơ."})
    return selectors.dossier_shipments(dossier=dossier)


@router.get(
    "/delivery/shipments",
    response={200: ShipmentPageOut, 401: Message, 403: Message},
    summary="Đơn bưu chính của nhân viên bưu điện",
)
def postal_list(request: HttpRequest, filters: Query[OrderFilter]):
    refused = _postal_guard(request)
    if refused is not None:
        return refused
    queryset = selectors.postal_order_list(user=request.auth, kind=filters.kind, state=filters.state)
    return {"count": queryset.count(), "results": list(queryset[: filters.limit])}


@router.get(
    "/delivery/shipments/{public_id}",
    response={200: ShipmentDetailOut, 401: Message, 403: Message, 404: Message},
    summary="Một đơn bưu chính và lịch sử của nó",
)
def postal_detail(request: HttpRequest, public_id: uuid.UUID):
    refused = _postal_guard(request)
    if refused is not None:
        return refused
    try:
        return selectors.postal_order_get(user=request.auth, public_id=public_id)
    except Http404:
        return Status(404, {"detail": NOT_FOUND})


@router.post(
    "/delivery/shipments/{public_id}/actions",
    response={
        200: ShipmentDetailOut,
        401: Message,
        403: Message,
        404: Message,
        409: ShipmentConflict,
        422: FieldError,
    },
    summary="Nhân viên bưu điện ghi nhận: đã nhận, đang phát, đã phát, không thành công, chuyển hoàn",
)
def postal_action(request: HttpRequest, public_id: uuid.UUID, payload: ActionIn):
    refused = _postal_guard(request)
    if refused is not None:
        return refused
    try:
        shipment = selectors.postal_order_get(user=request.auth, public_id=public_id)
        services.shipment_record(
            shipment_id=shipment.pk,
            staff=request.auth,
            action=payload.action,
            recipient_name=payload.recipient_name,
            id_checked=payload.id_checked,
            reason=payload.reason,
            note=payload.note,
            expected_state=payload.expected_state,
        )
    except Http404:
        return Status(404, {"detail": NOT_FOUND})
    except services.DeliveryError as error:
        if error.code == "forbidden":
            return Status(404, {"detail": NOT_FOUND})
        if error.code in {"illegal", "stale"}:
            return Status(409, {"detail": error.message, "code": error.code})
        return Status(422, {"detail": error.message, "field": error.field})
    return selectors.postal_order_get(user=request.auth, public_id=public_id)


WEBHOOK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": (
                        'Một báo cáo, hoặc {"data": [báo cáo, …]}. Báo cáo: originalID (mã vận đơn), status '
                        "(mã trạng thái của bưu điện), time, eventId, note, receiverName, reason. Chữ ký: "
                        "hex(HMAC-SHA256(khóa, timestamp + '.' + thân)) ở header X-VNPost-Signature, "
                        "timestamp (giây Unix) ở X-VNPost-Timestamp (tên header cấu hình được)."
                    ),
                }
            }
        },
    }
}


@router.post(
    "/delivery/webhooks/{carrier}",
    auth=None,
    response={
        200: WebhookOut,
        400: Message,
        401: Message,
        404: Message,
        413: Message,
        500: Message,
    },
    summary="Thông báo trạng thái từ đơn vị vận chuyển (webhook có chữ ký)",
    description=(
        "200: đã xử lý mọi báo cáo (applied, duplicate = gửi lại, stale = cũ hơn trạng thái hiện tại, "
        "ignored = vận đơn không thuộc đơn vị này; không thay đổi gì). 401: thiếu hoặc sai chữ ký, hoặc "
        "thời điểm ký quá lệch; không thay đổi gì. 400: đúng chữ ký nhưng không đọc được mã vận đơn và "
        "trạng thái. 404: đơn vị không gửi webhook. 413: quá lớn. 500: lỗi của hệ thống, hãy gửi lại. "
        "Mọi lần gọi đều được ghi nhật ký."
    ),
    openapi_extra=WEBHOOK_BODY,
)
def carrier_webhook(request: HttpRequest, carrier: str):
    answer = webhooks.webhook_receive(
        carrier_name=carrier[:30], body=request.body, headers=request.headers, remote_addr=client_ip(request)
    )
    return Status(answer.status, answer.body)
