"""What every carrier is: create an order, read its status, cancel it, and read a signed webhook.

Adapters never touch the database; they turn our order into the carrier's request and the carrier's
answers into ``OrderResult`` and ``StatusReport`` values. Network and HTTP errors are returned as results
(``retryable`` or not), never raised, except from ``parse_webhook``, which raises ``WebhookRefused``.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    address: str


@dataclass(frozen=True)
class OrderRequest:
    reference: str  # ours, unique per shipment (saleOrderCode)
    kind: str  # pickup | delivery
    sender: Party
    recipient: Party
    dossier_code: str
    content: str  # what is in the parcel, for the label
    cod_amount: int = 0  # đồng to collect on delivery, 0 for none


@dataclass(frozen=True)
class OrderResult:
    accepted: bool
    waybill: str = ""
    state: str = ""  # our State value the order is in once accepted (requested or accepted)
    carrier_status: str = ""
    retryable: bool = False
    error: str = ""
    raw: Any = None

    @classmethod
    def ok(cls, *, waybill: str, state: str, carrier_status: str = "", raw: Any = None) -> OrderResult:
        return cls(accepted=True, waybill=waybill, state=state, carrier_status=carrier_status, raw=raw)

    @classmethod
    def retry(cls, error: str, raw: Any = None) -> OrderResult:
        return cls(accepted=False, retryable=True, error=error[:1000], raw=raw)

    @classmethod
    def permanent(cls, error: str, raw: Any = None) -> OrderResult:
        return cls(accepted=False, retryable=False, error=error[:1000], raw=raw)


@dataclass(frozen=True)
class StatusReport:
    """One thing the carrier says happened to a waybill, already mapped to our ``State``."""

    waybill: str
    state: str
    carrier_status: str = ""
    occurred_at: datetime.datetime | None = None
    event_id: str = ""
    note: str = ""
    recipient_name: str = ""
    failure_reason: str = ""
    payload: dict = field(default_factory=dict)


class WebhookRefused(Exception):
    """The call is not from the carrier (signature, timestamp) or not readable: nothing is applied."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code  # bad_signature | invalid


class Carrier(ABC):
    name: ClassVar[str]
    label: ClassVar[str]
    is_demo: ClassVar[bool] = False
    accepts_webhooks: ClassVar[bool] = False
    supports_polling: ClassVar[bool] = False

    @abstractmethod
    def create_order(self, order: OrderRequest) -> OrderResult:
        """Ask the carrier to collect/deliver. Must not raise for network or carrier errors."""

    def get_status(self, *, waybill: str) -> list[StatusReport]:
        """What the carrier reports for ``waybill`` (oldest first); [] when it cannot say."""
        return []

    def cancel_order(self, *, waybill: str) -> OrderResult:
        return OrderResult.permanent(f"{self.label} không hỗ trợ hủy đơn qua API")

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[StatusReport]:
        """Verify and read one webhook call. Raises WebhookRefused."""
        raise WebhookRefused("Đơn vị vận chuyển này không gửi thông báo qua webhook", code="unknown_carrier")
