"""What every payment gateway is: a typed base class, the parsed callback and the outcome of handling it."""

from __future__ import annotations

import datetime
import enum
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from dichvucong.payments.models import Refund, Transaction


class Outcome(enum.StrEnum):
    """What we did with one callback; each gateway turns it into its own reply (VNPAY: RspCode)."""

    CONFIRMED = "confirmed"  # verified and recorded (a success or a failure)
    NOT_FOUND = "not_found"
    ALREADY_CONFIRMED = "already_confirmed"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_SIGNATURE = "invalid_signature"
    ERROR = "error"


@dataclass(frozen=True)
class Callback:
    """A return or IPN as the gateway sent it, parsed and checked against our secret."""

    signature_valid: bool
    reference: str
    amount: int | None  # whole đồng; None when the field is missing or not a whole number of đồng
    succeeded: bool
    response_code: str = ""
    transaction_status: str = ""
    gateway_transaction_no: str = ""
    bank_code: str = ""
    card_type: str = ""
    merchant_code: str = ""
    paid_at: datetime.datetime | None = None
    message: str = ""


@dataclass(frozen=True)
class GatewayResult:
    """Answer of a server-to-server call (query, refund)."""

    ok: bool
    code: str = ""
    message: str = ""
    data: dict = field(default_factory=dict)


class Gateway(ABC):
    name: ClassVar[str]
    label: ClassVar[str]
    # Runs inside the project and moves no money.
    is_demo: ClassVar[bool] = False
    # DuocThanhToanTrucTuyen for KPI 3.6: 1 = on DVCQG's platform, 2 = the province's own gateway.
    online_payment: ClassVar[int] = 2
    supports_query: ClassVar[bool] = False
    supports_refund: ClassVar[bool] = False

    @abstractmethod
    def payment_url(
        self,
        *,
        transaction: Transaction,
        return_url: str,
        client_ip: str,
        site_url: str,
        bank_code: str = "",
        locale: str = "vn",
        expire_at: datetime.datetime | None = None,
    ) -> str:
        """The signed URL the citizen's browser is sent to."""

    @abstractmethod
    def parse_callback(self, params: Mapping[str, str]) -> Callback:
        """Parse and verify a return or IPN. Must not raise on bad input: return signature_valid=False."""

    @abstractmethod
    def ipn_reply(self, outcome: Outcome) -> dict:
        """The JSON body the gateway expects in answer to its IPN."""

    def query(self, *, transaction: Transaction, client_ip: str) -> GatewayResult:
        return GatewayResult(ok=False, message="not supported")

    def refund(self, *, refund: Refund, client_ip: str, actor_name: str) -> GatewayResult:
        return GatewayResult(ok=False, message="not supported")
