"""The national postal carrier (Bưu điện Việt Nam, VNPost): orders, status and webhooks.

No official public specification was found (docs: integrations.md §5). What is known comes from third-party
code for the MyVNPost "customer-partner" API: base ``https://my.vnpost.vn/MYVNP_API`` (labelled UAT), header
``token``, ``POST /customer-partner/CreateOrder`` answering ``originalID`` (the waybill), ``orderCancel``
with ``{"OriginalId"}``, and the status table in ``STATUS_MAP``. The tracking path and the webhook format are
**unverified**: both are settings, and every byte of the wire format lives in the pure functions below
(``build_create_order``, ``read_create_answer``, ``read_reports``, ``sign``), so the real specification can
be dropped in here without touching anything else.

Settings (Django setting or environment variable):

| name | default |
|---|---|
| DVC_VNPOST_BASE_URL | https://my.vnpost.vn/MYVNP_API |
| DVC_VNPOST_TOKEN | (required) value of the ``token`` header |
| DVC_VNPOST_SERVICE_CODE | "" (the contracted service, e.g. a parcel or document service code) |
| DVC_VNPOST_CREATE_PATH | /customer-partner/CreateOrder |
| DVC_VNPOST_CANCEL_PATH | /customer-partner/orderCancel |
| DVC_VNPOST_TRACKING_PATH | "" (no polling until set; POST ``{"OriginalId": waybill}``) |
| DVC_VNPOST_COD_ADDON | "" (add-on code for cash on delivery, sent as ``{"code", "propValue": amount}``) |
| DVC_VNPOST_WEIGHT_GRAMS | 200 |
| DVC_VNPOST_WEBHOOK_SECRET | (required for webhooks) shared HMAC-SHA256 key |
| DVC_VNPOST_SIGNATURE_HEADER | X-VNPost-Signature (hex digest, optionally prefixed ``sha256=``) |
| DVC_VNPOST_TIMESTAMP_HEADER | X-VNPost-Timestamp (Unix seconds; "" to sign the body alone) |
| DVC_VNPOST_WEBHOOK_TOLERANCE | 300 seconds either side of now |
| DVC_VNPOST_STATUS_MAP | JSON overriding entries of STATUS_MAP, e.g. {"19": "delivered"} |
| DVC_VNPOST_TIMEOUT | 10 seconds |

Webhook contract we publish (until VNPost's own is known): POST a JSON object, or ``{"data": [objects]}``,
each with the waybill (``originalID`` / ``OrderNumber`` / ``itemCode``), the status code (``status`` /
``StatusCode``), the time (``time`` / ``statusDate``: ISO 8601, ``dd/MM/yyyy HH:mm:ss`` or
``yyyyMMddHHmmss``, Vietnam time when no offset), optionally ``eventId``, ``note``, ``receiverName``,
``reason``. Signature: ``hex(HMAC_SHA256(secret, timestamp + "." + raw_body))`` in the signature header,
with the timestamp in the timestamp header.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dichvucong.core.http import JsonResponse, TransportError, request_json
from dichvucong.delivery import conf
from dichvucong.delivery.carriers.base import (
    Carrier,
    OrderRequest,
    OrderResult,
    StatusReport,
    WebhookRefused,
)
from dichvucong.delivery.carriers.registry import register
from dichvucong.delivery.states import State

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# MyVNPost status codes (third-party module hieukun1011/Shipping, integrations.md §5a) → our states.
STATUS_MAP: dict[str, str] = {
    "0": State.CREATED,  # draft
    "1": State.REQUESTED,  # created
    "2": State.ACCEPTED,  # sent to postman
    "3": State.ACCEPTED,  # processing
    "4": State.ACCEPTED,  # collecting
    "5": State.FAILED,  # collection failed
    "6": State.PICKED_UP,  # collected
    "7": State.IN_TRANSIT,  # received at post office
    "8": State.FAILED,  # retrieve failed
    "9": State.CANCELLED,  # collection cancelled
    "10": State.IN_TRANSIT,  # in transit
    "11": State.IN_TRANSIT,  # arrived at post office
    "12": State.OUT_FOR_DELIVERY,  # delivering
    "13": State.IN_TRANSIT,  # forwarded
    "14": State.DELIVERED,  # delivered
    "15": State.FAILED,  # delivery failed
    "16": State.IN_TRANSIT,  # waiting transfer
    "17": State.ACCEPTED,  # approved
    "18": State.IN_TRANSIT,  # start transfer
    "19": State.DELIVERED,  # completed
    "20": State.RETURNED,  # (partially) returned
    "21": State.DELIVERED,  # COD paid (after delivery)
    "22": State.CANCELLED,  # delivery cancelled
}
WAYBILL_KEYS = (
    "originalID",
    "OriginalId",
    "originalId",
    "OrderNumber",
    "orderNumber",
    "itemCode",
    "ItemCode",
)
STATUS_KEYS = ("status", "Status", "StatusCode", "statusCode")
TIME_KEYS = ("time", "statusDate", "StatusDate", "Time", "updatedAt")
TIME_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y%m%d%H%M%S")


@dataclass(frozen=True)
class VnpostConfig:
    token: str = ""
    base_url: str = "https://my.vnpost.vn/MYVNP_API"
    service_code: str = ""
    create_path: str = "/customer-partner/CreateOrder"
    cancel_path: str = "/customer-partner/orderCancel"
    tracking_path: str = ""
    cod_addon: str = ""
    weight_grams: int = 200
    webhook_secret: str = ""
    signature_header: str = "X-VNPost-Signature"
    timestamp_header: str = "X-VNPost-Timestamp"
    webhook_tolerance: int = 300
    status_map: dict[str, str] = field(default_factory=lambda: dict(STATUS_MAP))
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> VnpostConfig:
        overrides = conf.value("DVC_VNPOST_STATUS_MAP", {}, lambda v: v) or {}
        if isinstance(overrides, str):
            overrides = json.loads(overrides)
        return cls(
            token=conf.text("DVC_VNPOST_TOKEN"),
            base_url=conf.text("DVC_VNPOST_BASE_URL", cls.base_url),
            service_code=conf.text("DVC_VNPOST_SERVICE_CODE"),
            create_path=conf.text("DVC_VNPOST_CREATE_PATH", cls.create_path),
            cancel_path=conf.text("DVC_VNPOST_CANCEL_PATH", cls.cancel_path),
            tracking_path=conf.text("DVC_VNPOST_TRACKING_PATH"),
            cod_addon=conf.text("DVC_VNPOST_COD_ADDON"),
            weight_grams=conf.number("DVC_VNPOST_WEIGHT_GRAMS", cls.weight_grams),
            webhook_secret=conf.text("DVC_VNPOST_WEBHOOK_SECRET"),
            signature_header=conf.text("DVC_VNPOST_SIGNATURE_HEADER", cls.signature_header),
            timestamp_header=conf.text("DVC_VNPOST_TIMESTAMP_HEADER", cls.timestamp_header),
            webhook_tolerance=conf.number("DVC_VNPOST_WEBHOOK_TOLERANCE", cls.webhook_tolerance),
            status_map={**STATUS_MAP, **{str(k): str(v) for k, v in overrides.items()}},
            timeout=float(conf.text("DVC_VNPOST_TIMEOUT", "10")),
        )

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


# --- the wire format (pure functions) -----------------------------------------------------------------------


def build_create_order(*, config: VnpostConfig, order: OrderRequest) -> dict[str, Any]:
    information: dict[str, Any] = {
        "senderName": order.sender.name,
        "senderPhone": order.sender.phone,
        "senderAddress": order.sender.address,
        "receiverName": order.recipient.name,
        "receiverPhone": order.recipient.phone,
        "receiverAddress": order.recipient.address,
        "serviceCode": config.service_code,
        "saleOrderCode": order.reference,
        "contentNote": order.content,
        "weight": config.weight_grams,
        "isBroken": False,
        "vehicle": "BO",
        "sendType": "1",
        "deliveryTime": "N",
        "deliveryRequire": "1",
        "addonService": [],
    }
    if order.cod_amount and config.cod_addon:
        information["addonService"].append({"code": config.cod_addon, "propValue": str(order.cod_amount)})
    return {"orderCreationStatus": 1, "type": "GUI", "informationOrder": information}


def _first(item: Mapping, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if item.get(key) not in (None, ""):
            return item[key]
    return None


def _unwrap(data: Any) -> Any:
    """Some answers wrap the object in ``{"data": …}`` (or ``result``/``items``)."""
    if isinstance(data, dict):
        for key in ("data", "Data", "result", "items"):
            if isinstance(data.get(key), dict | list):
                return data[key]
    return data


def read_create_answer(*, config: VnpostConfig, response: JsonResponse) -> OrderResult:
    if response.status in (401, 403, 408, 429) or response.status >= 500:
        return OrderResult.retry(f"HTTP {response.status}: {response.text[:200]}", raw=response.data)
    if not 200 <= response.status < 300:
        return OrderResult.permanent(f"HTTP {response.status}: {response.text[:200]}", raw=response.data)
    data = _unwrap(response.data)
    if isinstance(data, list):
        data = data[0] if data else None
    if not isinstance(data, dict):
        return OrderResult.permanent(f"Trả lời không đọc được: {response.text[:200]}", raw=response.data)
    waybill = _first(data, WAYBILL_KEYS)
    if not waybill:
        message = _first(data, ("message", "Message", "error", "errorMessage")) or response.text[:200]
        return OrderResult.permanent(f"Bưu điện không tạo đơn: {message}", raw=response.data)
    code = str(_first(data, STATUS_KEYS) or "1")
    state = config.status_map.get(code, State.REQUESTED)
    if state not in (State.REQUESTED, State.ACCEPTED):
        state = State.REQUESTED
    return OrderResult.ok(waybill=str(waybill)[:40], state=state, carrier_status=code, raw=response.data)


def parse_time(raw: Any) -> datetime.datetime | None:
    if raw in (None, ""):
        return None
    text = str(raw).strip()
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        value = None
        for pattern in TIME_FORMATS:
            try:
                value = datetime.datetime.strptime(text, pattern)  # noqa: DTZ007 (Vietnam time, set below)
                break
            except ValueError:
                continue
    if value is None:
        return None
    return value.replace(tzinfo=VIETNAM) if value.tzinfo is None else value


def read_reports(*, config: VnpostConfig, data: Any, waybill: str = "") -> list[StatusReport]:
    """Status reports from a tracking answer or a webhook body. Items with an unknown status code or
    without a waybill are left out (the caller logs the whole body)."""
    items = _unwrap(data)
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return []
    reports = []
    for item in items:
        if not isinstance(item, dict):
            continue
        code = _first(item, STATUS_KEYS)
        state = config.status_map.get(str(code)) if code is not None else None
        item_waybill = str(_first(item, WAYBILL_KEYS) or waybill).strip()[:40]
        if not state or not item_waybill:
            continue
        reports.append(
            StatusReport(
                waybill=item_waybill,
                state=state,
                carrier_status=str(code)[:40],
                occurred_at=parse_time(_first(item, TIME_KEYS)),
                event_id=str(_first(item, ("eventId", "EventId", "id", "Id")) or "")[:100],
                note=str(_first(item, ("note", "Note", "statusName", "StatusMessage")) or "")[:500],
                recipient_name=str(_first(item, ("receiverName", "ReceiverName", "signedBy")) or "")[:300],
                failure_reason=str(_first(item, ("reason", "Reason", "failReason")) or "")[:500],
                payload=item,
            )
        )
    return reports


def sign(*, secret: str, body: bytes, timestamp: str = "") -> str:
    message = (timestamp.encode() + b"." + body) if timestamp else body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(*, config: VnpostConfig, body: bytes, headers: Mapping[str, str], now: float) -> None:
    """Raises WebhookRefused unless the call carries a valid signature made within the tolerance."""
    if not config.webhook_secret:
        raise WebhookRefused("Chưa cấu hình khóa bí mật cho webhook", code="bad_signature")
    given = (headers.get(config.signature_header) or "").strip().lower().removeprefix("sha256=")
    timestamp = ""
    if config.timestamp_header:
        timestamp = (headers.get(config.timestamp_header) or "").strip()
        if not timestamp.isdigit() or abs(now - int(timestamp)) > config.webhook_tolerance:
            raise WebhookRefused("Thiếu hoặc sai thời điểm ký", code="bad_signature")
    expected = sign(secret=config.webhook_secret, body=body, timestamp=timestamp)
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise WebhookRefused("Sai chữ ký", code="bad_signature")


# --- the adapter --------------------------------------------------------------------------------------------


@register
class VnpostCarrier(Carrier):
    name = "vnpost"
    label = "Bưu điện Việt Nam (VNPost)"
    accepts_webhooks = True

    def __init__(self, config: VnpostConfig | None = None):
        self.config = config or VnpostConfig.from_settings()

    @property
    def supports_polling(self) -> bool:  # type: ignore[override]
        return bool(self.config.tracking_path)

    def _headers(self) -> dict[str, str]:
        return {"token": self.config.token}

    def create_order(self, order: OrderRequest) -> OrderResult:
        if not self.config.token:
            return OrderResult.retry("Chưa cấu hình DVC_VNPOST_TOKEN")
        payload = build_create_order(config=self.config, order=order)
        try:
            response = request_json(
                "POST",
                self.config.url(self.config.create_path),
                payload,
                headers=self._headers(),
                timeout=self.config.timeout,
            )
        except TransportError as error:
            return OrderResult.retry(str(error))
        return read_create_answer(config=self.config, response=response)

    def get_status(self, *, waybill: str) -> list[StatusReport]:
        if not self.config.tracking_path:
            return []
        try:
            response = request_json(
                "POST",
                self.config.url(self.config.tracking_path),
                {"OriginalId": waybill},
                headers=self._headers(),
                timeout=self.config.timeout,
            )
        except TransportError:
            return []
        if not 200 <= response.status < 300:
            return []
        return read_reports(config=self.config, data=response.data, waybill=waybill)

    def cancel_order(self, *, waybill: str) -> OrderResult:
        try:
            response = request_json(
                "POST",
                self.config.url(self.config.cancel_path),
                {"OriginalId": waybill},
                headers=self._headers(),
                timeout=self.config.timeout,
            )
        except TransportError as error:
            return OrderResult.retry(str(error))
        if 200 <= response.status < 300:
            return OrderResult.ok(waybill=waybill, state=State.CANCELLED, raw=response.data)
        if response.status >= 500 or response.status in (401, 403, 429):
            return OrderResult.retry(f"HTTP {response.status}", raw=response.data)
        return OrderResult.permanent(f"HTTP {response.status}: {response.text[:200]}", raw=response.data)

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[StatusReport]:
        verify_signature(config=self.config, body=body, headers=headers, now=time.time())
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise WebhookRefused("Nội dung không phải JSON", code="invalid") from error
        reports = read_reports(config=self.config, data=data)
        if not reports:
            raise WebhookRefused("Không có mã vận đơn và trạng thái đọc được", code="invalid")
        return reports
