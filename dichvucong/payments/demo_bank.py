"""The fake bank behind the demo gateway: builds the signed result VNPAY would send, delivers the IPN and
gives the browser the signed return URL.

IPN delivery (``DVC_DEMO_GATEWAY_IPN``): ``http`` sends a real HTTP GET to our IPN URL, as VNPAY does;
``inprocess`` hands the same signed query to the same service the IPN view calls; ``auto`` (default) tries
HTTP and falls back to in-process when the site cannot reach itself (the test client's ``testserver``, a
single-threaded server).

The fake bank exists only in demo mode (``available()``); elsewhere its page answers 404. It sends the
browser back only to this site's own return URL for the demo gateway (never an open redirect).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from dichvucong.core.modes import demo_mode
from dichvucong.payments.gateways import vnpay_protocol as vnp
from dichvucong.payments.gateways.demo import DEMO_TMN_CODE, DemoGateway, DemoSecretRefused

logger = logging.getLogger("dichvucong.payments.demo_bank")


def available() -> bool:
    """The fake bank opens only in demo mode (DVC_DEMO=1)."""
    return demo_mode()


def check_order(params) -> tuple[bool, str]:
    """Is this a payment URL our demo merchant signed? (VNPAY shows "code=70 Sai chữ ký" otherwise.)"""
    try:
        conf = DemoGateway().config()
    except DemoSecretRefused as refused:
        logger.error("demo bank has no usable secret: %s", refused)
        return False, "Cổng thanh toán thử nghiệm chưa được cấu hình khóa bí mật."
    if params.get("vnp_TmnCode") != DEMO_TMN_CODE or not vnp.verify(params, conf.hash_secret):
        return False, "Sai chữ ký (code=70)"
    if vnp.parse_amount_field(params.get("vnp_Amount", "")) is None:
        return False, "Số tiền không hợp lệ (code=03)"
    if not params.get("vnp_TxnRef") or not params.get("vnp_ReturnUrl"):
        return False, "Dữ liệu gửi sang không đúng định dạng (code=03)"
    return True, ""


def return_url_allowed(url: str, *, request_host: str, secure: bool) -> bool:
    """Only this site's return URL for the demo gateway, on this host or DVC_PUBLIC_URL's."""
    public_host = urlsplit(str(getattr(settings, "DVC_PUBLIC_URL", "") or "")).netloc
    hosts = {host for host in (request_host, public_host) if host}
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=hosts, require_https=secure):
        return False
    parts = urlsplit(url)
    return bool(parts.netloc) and parts.path == reverse("payments:return", args=[DemoGateway.name])


def order_payable(params) -> tuple[bool, str]:
    """Whether the merchant still waits for this order. The demo bank lives inside the project, so before
    taking money it asks what a real bank learns only from the IPN answer: a cancelled request (the dossier
    was refused, withdrawn or stopped) or one already paid is not charged."""
    from dichvucong.payments.models import PaymentRequest, Transaction

    txn = (
        Transaction.objects.select_related("payment_request")
        .filter(reference=str(params.get("vnp_TxnRef", ""))[:64], gateway=DemoGateway.name)
        .first()
    )
    if txn is None:
        return False, "Không tìm thấy đơn hàng (code=01)."
    state = txn.payment_request.state
    if state == PaymentRequest.State.CANCELLED:
        return (
            False,
            "Yêu cầu nộp phí này đã bị hủy (hồ sơ không còn được giải quyết). Ngân hàng không trừ tiền.",
        )
    if state == PaymentRequest.State.PAID:
        return False, "Khoản phí này đã được thanh toán. Ngân hàng không trừ tiền lần nữa."
    if txn.state != Transaction.State.INITIATED:
        return False, "Giao dịch này đã kết thúc. Hãy quay lại trang thanh toán để thử lại."
    return True, ""


def result_params(params, *, pay: bool, bank_code: str) -> dict[str, str]:
    now = timezone.now()
    expires = vnp.parse_vnp_datetime(params.get("vnp_ExpireDate", ""))
    if pay and expires is not None and expires < now:
        response, status = "11", "02"
    elif pay:
        response, status = "00", "00"
    else:
        response, status = "24", "02"
    number = f"{secrets.randbelow(90_000_000) + 10_000_000}"
    result = {
        "vnp_Amount": params["vnp_Amount"],
        "vnp_BankCode": bank_code,
        "vnp_BankTranNo": f"VNP{number}" if response == "00" else "",
        "vnp_CardType": "QRCODE" if bank_code == "VNPAYQR" else "ATM",
        "vnp_OrderInfo": params.get("vnp_OrderInfo", ""),
        "vnp_PayDate": vnp.vnp_datetime(now),
        "vnp_ResponseCode": response,
        "vnp_TmnCode": DEMO_TMN_CODE,
        "vnp_TransactionNo": number if response == "00" else "0",
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": params["vnp_TxnRef"],
    }
    result["vnp_SecureHash"] = vnp.sign(result, DemoGateway().config().hash_secret)
    return result


def signed_query(result: dict[str, str]) -> str:
    return vnp.canonical_query(result) + "&vnp_SecureHash=" + result["vnp_SecureHash"]


def _mode() -> str:
    return str(getattr(settings, "DVC_DEMO_GATEWAY_IPN", os.environ.get("DVC_DEMO_GATEWAY_IPN", "auto")))


def deliver_ipn(*, site_url: str, query: str) -> dict:
    """Send the IPN and return our own JSON answer (what VNPAY would read)."""
    ipn_url = site_url.rstrip("/") + reverse("payments:ipn", args=[DemoGateway.name])
    mode = _mode()
    host = urlsplit(ipn_url).hostname or ""
    if mode == "http" or (mode == "auto" and host not in ("testserver", "")):
        try:
            with urllib.request.urlopen(f"{ipn_url}?{query}", timeout=10) as response:  # noqa: S310
                answer = json.loads(response.read().decode("utf-8") or "{}")
                logger.info("demo IPN over HTTP: %s", answer)
                return answer
        except (urllib.error.URLError, OSError, ValueError) as error:
            if mode == "http":
                logger.warning("demo IPN over HTTP failed: %s", error)
                return {"RspCode": "99", "Message": str(error)[:100]}
            logger.info("demo IPN over HTTP failed (%s); delivering in-process", error)
    from dichvucong.payments.gateways.base import Outcome  # noqa: F401  (documented return type)
    from dichvucong.payments.models import CallbackLog
    from dichvucong.payments.services import callback_process

    outcome, _txn = callback_process(
        gateway_name=DemoGateway.name,
        params=QueryDict(query),
        kind=CallbackLog.Kind.IPN,
        remote_addr="in-process",
    )
    return DemoGateway().ipn_reply(outcome)
