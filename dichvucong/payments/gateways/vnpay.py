"""VNPAY payment gateway (API "pay", vnp_Version 2.1.0) with querydr and refund.

Settings (environment variables of the same name are read when the Django setting is absent):
``DVC_VNPAY_TMN_CODE``, ``DVC_VNPAY_HASH_SECRET`` (required), ``DVC_VNPAY_PAYMENT_URL`` (default: the
sandbox's vpcpay.html), ``DVC_VNPAY_API_URL`` (querydr/refund; default: the sandbox), ``DVC_VNPAY_TIMEOUT``
(seconds, default 15). The IPN URL is registered in VNPAY's merchant portal: ``<site>/thanh-toan/ipn/vnpay/``.
"""

from __future__ import annotations

import datetime
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from dichvucong.core.http import TransportError, post_json
from dichvucong.payments.gateways import vnpay_protocol as vnp
from dichvucong.payments.gateways.base import Callback, Gateway, GatewayResult, Outcome
from dichvucong.payments.gateways.registry import register

if TYPE_CHECKING:
    from dichvucong.payments.models import Refund, Transaction

SANDBOX_PAYMENT_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
SANDBOX_API_URL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"

IPN_REPLIES = {
    Outcome.CONFIRMED: vnp.IPN_CONFIRMED,
    Outcome.NOT_FOUND: vnp.IPN_ORDER_NOT_FOUND,
    Outcome.ALREADY_CONFIRMED: vnp.IPN_ALREADY_CONFIRMED,
    Outcome.INVALID_AMOUNT: vnp.IPN_INVALID_AMOUNT,
    Outcome.INVALID_SIGNATURE: vnp.IPN_INVALID_SIGNATURE,
    Outcome.ERROR: vnp.IPN_UNKNOWN_ERROR,
}


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, os.environ.get(name, default)) or default)


@dataclass(frozen=True)
class VnpayConfig:
    tmn_code: str
    hash_secret: str
    payment_url: str = SANDBOX_PAYMENT_URL
    api_url: str = SANDBOX_API_URL
    timeout: float = 15.0


class VnpayProtocolGateway(Gateway):
    """Everything the VNPAY protocol needs, given a configuration (the demo gateway reuses it)."""

    order_type = "billpayment"

    def config(self, *, site_url: str = "") -> VnpayConfig:
        raise NotImplementedError

    def payment_params(
        self,
        *,
        transaction: Transaction,
        return_url: str,
        client_ip: str,
        site_url: str,
        bank_code: str = "",
        locale: str = "vn",
        expire_at: datetime.datetime | None = None,
    ) -> dict[str, str]:
        conf = self.config(site_url=site_url)
        created = transaction.created_at or timezone.now()
        params = {
            "vnp_Version": vnp.VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": conf.tmn_code,
            "vnp_Amount": vnp.amount_field(transaction.amount),
            "vnp_CreateDate": vnp.vnp_datetime(created),
            "vnp_CurrCode": "VND",
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_Locale": locale if locale in ("vn", "en") else "vn",
            "vnp_OrderInfo": vnp.order_info_text(transaction.order_info),
            "vnp_OrderType": self.order_type,
            "vnp_ReturnUrl": return_url,
            "vnp_TxnRef": transaction.reference,
        }
        if bank_code:
            params["vnp_BankCode"] = bank_code
        if expire_at is not None:
            params["vnp_ExpireDate"] = vnp.vnp_datetime(expire_at)
        return params

    def payment_url(self, **kwargs) -> str:
        conf = self.config(site_url=kwargs.get("site_url", ""))
        return vnp.signed_url(conf.payment_url, self.payment_params(**kwargs), conf.hash_secret)

    def parse_callback(self, params: Mapping[str, str]) -> Callback:
        conf = self.config()
        get = lambda key: str(params.get(key) or "")  # noqa: E731
        valid = bool(conf.hash_secret) and vnp.verify(params, conf.hash_secret)
        valid = valid and get("vnp_TmnCode") == conf.tmn_code
        response, status = get("vnp_ResponseCode"), get("vnp_TransactionStatus")
        return Callback(
            signature_valid=valid,
            reference=get("vnp_TxnRef")[:100],
            amount=vnp.parse_amount_field(get("vnp_Amount")),
            # The official IPN sample: success only when both codes are 00.
            succeeded=response == "00" and status == "00",
            response_code=response[:4],
            transaction_status=status[:4],
            gateway_transaction_no=get("vnp_TransactionNo")[:40],
            bank_code=get("vnp_BankCode")[:20],
            card_type=get("vnp_CardType")[:20],
            merchant_code=get("vnp_TmnCode")[:20],
            paid_at=vnp.parse_vnp_datetime(get("vnp_PayDate")),
            message=vnp.RESPONSE_CODES.get(response, ""),
        )

    def ipn_reply(self, outcome: Outcome) -> dict:
        code, message = IPN_REPLIES[outcome]
        return {"RspCode": code, "Message": message}

    # --- querydr / refund (§1.9) ---------------------------------------------------------------------

    def _post(self, body: dict, response_order: tuple[str, ...]) -> GatewayResult:
        conf = self.config()
        try:
            response = post_json(conf.api_url, body, timeout=conf.timeout)
        except TransportError as error:
            return GatewayResult(ok=False, code="transport", message=str(error))
        data = response.data if isinstance(response.data, dict) else {}
        if response.status != 200 or not data:
            return GatewayResult(ok=False, code=f"http_{response.status}", message=response.text[:200])
        expected = vnp.pipe_hash(data, response_order, conf.hash_secret)
        received = str(data.get("vnp_SecureHash") or "").lower()
        if not received or expected != received:
            return GatewayResult(
                ok=False, code="bad_signature", message="Chữ ký phản hồi không hợp lệ", data=data
            )
        code = str(data.get("vnp_ResponseCode") or "")
        return GatewayResult(
            ok=code == "00", code=code, message=str(data.get("vnp_Message") or ""), data=data
        )

    def query(self, *, transaction: Transaction, client_ip: str) -> GatewayResult:
        conf = self.config()
        body = {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": vnp.VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": conf.tmn_code,
            "vnp_TxnRef": transaction.reference,
            "vnp_OrderInfo": vnp.order_info_text(f"Truy van {transaction.reference}"),
            "vnp_TransactionDate": vnp.vnp_datetime(transaction.created_at),
            "vnp_CreateDate": vnp.vnp_datetime(timezone.now()),
            "vnp_IpAddr": client_ip or "127.0.0.1",
        }
        if transaction.gateway_transaction_no:
            body["vnp_TransactionNo"] = transaction.gateway_transaction_no
        body["vnp_SecureHash"] = vnp.pipe_hash(body, vnp.QUERYDR_REQUEST_ORDER, conf.hash_secret)
        return self._post(body, vnp.QUERYDR_RESPONSE_ORDER)

    def refund(self, *, refund: Refund, client_ip: str, actor_name: str) -> GatewayResult:
        conf = self.config()
        transaction = refund.transaction
        body = {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": vnp.VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": conf.tmn_code,
            "vnp_TransactionType": "02" if refund.amount == transaction.amount else "03",
            "vnp_TxnRef": transaction.reference,
            "vnp_Amount": vnp.amount_field(refund.amount),
            "vnp_TransactionNo": transaction.gateway_transaction_no or "0",
            "vnp_TransactionDate": vnp.vnp_datetime(transaction.created_at),
            "vnp_CreateBy": vnp.order_info_text(actor_name or "system", limit=250),
            "vnp_CreateDate": vnp.vnp_datetime(timezone.now()),
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_OrderInfo": vnp.order_info_text(f"Hoan tien {transaction.reference}"),
        }
        body["vnp_SecureHash"] = vnp.pipe_hash(body, vnp.REFUND_REQUEST_ORDER, conf.hash_secret)
        return self._post(body, vnp.REFUND_RESPONSE_ORDER)


@register
class VnpayGateway(VnpayProtocolGateway):
    name = "vnpay"
    label = "VNPAY (thẻ ATM, tài khoản ngân hàng, QR)"
    supports_query = True
    supports_refund = True

    def config(self, *, site_url: str = "") -> VnpayConfig:
        return VnpayConfig(
            tmn_code=_setting("DVC_VNPAY_TMN_CODE"),
            hash_secret=_setting("DVC_VNPAY_HASH_SECRET"),
            payment_url=_setting("DVC_VNPAY_PAYMENT_URL", SANDBOX_PAYMENT_URL),
            api_url=_setting("DVC_VNPAY_API_URL", SANDBOX_API_URL),
            timeout=float(_setting("DVC_VNPAY_TIMEOUT", "15")),
        )
