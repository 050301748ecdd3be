"""The VNPAY "pay" protocol, version 2.1.0: pure functions, no Django, no network.

Signature (integrations.md §1.3): every ``vnp_*`` parameter with a non-empty value except ``vnp_SecureHash``
and ``vnp_SecureHashType``, keys sorted in byte order, each value form-encoded (UTF-8, space → ``+``,
``quote_plus(value, safe="")``), pairs joined with ``&``; ``vnp_SecureHash`` is the lowercase hex
HMAC-SHA512 of that string keyed with the merchant's HashSecret. The redirect URL carries the same encoded
query plus ``&vnp_SecureHash=…``. Inbound data (return URL, IPN) is verified by rebuilding the string from
the *decoded* parameters with the same encoder.

Encoder pitfall: PHP ``urlencode``, WHATWG ``URLSearchParams``, JS ``encodeURIComponent`` and Python
``quote_plus`` disagree on ``* ~ ! ' ( )``. ``order_info_text`` therefore strips diacritics and every
character outside ``[A-Za-z0-9 ,.:#-_]`` from ``vnp_OrderInfo`` so our own requests sign identically under
every implementation; inbound values are verified exactly as received.

querydr/refund (§1.9) sign ``|``-joined values in a fixed order, not sorted and not encoded.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

VERSION = "2.1.0"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
HASH_FIELDS_EXCLUDED = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})

# IPN answers (§1.6): the exact RspCode/Message pairs of the official samples.
IPN_CONFIRMED = ("00", "Confirm Success")
IPN_ORDER_NOT_FOUND = ("01", "Order not found")
IPN_ALREADY_CONFIRMED = ("02", "Order already confirmed")
IPN_INVALID_AMOUNT = ("04", "Invalid amount")
IPN_INVALID_SIGNATURE = ("97", "Invalid signature")
IPN_UNKNOWN_ERROR = ("99", "Unknow error")  # sic, as in VNPAY's own PHP sample

# vnp_ResponseCode (§1.7), shown to the citizen after a failed payment.
RESPONSE_CODES = {
    "00": "Giao dịch thành công",
    "07": "Trừ tiền thành công, giao dịch bị nghi ngờ (liên quan tới lừa đảo, giao dịch bất thường)",
    "09": "Thẻ/Tài khoản chưa đăng ký dịch vụ InternetBanking tại ngân hàng",
    "10": "Xác thực thông tin thẻ/tài khoản không đúng quá 3 lần",
    "11": "Đã hết hạn chờ thanh toán",
    "12": "Thẻ/Tài khoản bị khóa",
    "13": "Nhập sai mật khẩu xác thực giao dịch (OTP)",
    "24": "Khách hàng hủy giao dịch",
    "51": "Tài khoản không đủ số dư để thực hiện giao dịch",
    "65": "Tài khoản đã vượt quá hạn mức giao dịch trong ngày",
    "75": "Ngân hàng thanh toán đang bảo trì",
    "79": "Nhập sai mật khẩu thanh toán quá số lần quy định",
    "99": "Lỗi khác",
}

QUERYDR_REQUEST_ORDER = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_ORDER = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_REQUEST_ORDER = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_RESPONSE_ORDER = QUERYDR_RESPONSE_ORDER[:13]


def hmac_sha512(secret: str, message: str) -> str:
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha512).hexdigest()


def encode_value(value: str) -> str:
    return quote_plus(str(value), safe="")


def canonical_query(params: Mapping[str, object]) -> str:
    """The string that is signed (and, for a request, the query string sent)."""
    items = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in HASH_FIELDS_EXCLUDED and value not in (None, "")
    )
    return "&".join(f"{key}={encode_value(value)}" for key, value in items)


def sign(params: Mapping[str, object], secret: str) -> str:
    return hmac_sha512(secret, canonical_query(params))


def verify(params: Mapping[str, str], secret: str) -> bool:
    received = str(params.get("vnp_SecureHash") or "")
    if not received or not secret:
        return False
    return hmac.compare_digest(sign(params, secret).lower(), received.lower())


def signed_url(base_url: str, params: Mapping[str, object], secret: str) -> str:
    query = canonical_query(params)
    return f"{base_url}?{query}&vnp_SecureHash={hmac_sha512(secret, query)}"


def pipe_hash(params: Mapping[str, object], order: tuple[str, ...], secret: str) -> str:
    return hmac_sha512(secret, "|".join(str(params.get(key, "") or "") for key in order))


def vnp_datetime(moment: datetime.datetime) -> str:
    """yyyyMMddHHmmss in GMT+7."""
    return moment.astimezone(VIETNAM).strftime("%Y%m%d%H%M%S")


def parse_vnp_datetime(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=VIETNAM)
    except (TypeError, ValueError):
        return None


_ALLOWED_ORDER_INFO = re.compile(r"[^A-Za-z0-9 ,.:#_-]")


def order_info_text(text: str, *, limit: int = 255) -> str:
    """ASCII without diacritics and without the characters encoders disagree on (§1.3)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _ALLOWED_ORDER_INFO.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()[:limit] or "Thanh toan"


def amount_field(amount_vnd: int) -> str:
    """vnp_Amount is VND × 100 with no separators."""
    return str(int(amount_vnd) * 100)


def parse_amount_field(text: str) -> int | None:
    """VND from vnp_Amount; None when it is not a whole number of đồng."""
    if not text or not str(text).isdigit():
        return None
    value = int(text)
    if value % 100:
        return None
    return value // 100
