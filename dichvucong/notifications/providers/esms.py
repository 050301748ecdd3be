"""eSMS (ViHAT) brand-name SMS: JSON POST SendMultipleMessage_V4_post_json (integrations.md §4.1).

Settings (Django setting or environment): DVC_ESMS_API_KEY, DVC_ESMS_SECRET_KEY, DVC_ESMS_BRANDNAME,
DVC_ESMS_BASE_URL (https://rest.esms.vn/MainService.svc/json/), DVC_ESMS_SMS_TYPE ("2", customer care),
DVC_ESMS_UNICODE (0), DVC_ESMS_SANDBOX (0), DVC_ESMS_CALLBACK_URL (optional), DVC_ESMS_TIMEOUT (10 s).

The request and the reading of the answer are pure functions (`build_send_request`, `parse_send_response`);
`EsmsProvider.send` only moves bytes. Authentication is the ApiKey/SecretKey pair in the body (no request
signature). RequestId carries Message.idempotency_key, so a resend after a crash is answered with 124
("duplicate RequestId"), which means the first request was accepted.

CSKH (type 2) content must match a template registered with the carriers (error 146): register the texts of
templates/notifications/*/sms.txt, with diacritics stripped unless DVC_ESMS_UNICODE is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dichvucong.core.http import JsonResponse, TransportError, post_json
from dichvucong.notifications import conf
from dichvucong.notifications.addresses import phone_national
from dichvucong.notifications.models import Message
from dichvucong.notifications.providers.base import ProviderResult, SmsProvider
from dichvucong.notifications.registry import register

SEND_PATH = "SendMultipleMessage_V4_post_json/"
ACCEPTED = "100"
DUPLICATE_REQUEST = "124"
# Codes that the same request will never get past: the phone, the account, the brand name or the template.
PERMANENT_CODES = {
    "99": "số điện thoại bị chặn hoặc yêu cầu không hợp lệ",
    "101": "sai ApiKey hoặc SecretKey",
    "102": "tài khoản chưa có bảng giá",
    "104": "brandname không tồn tại hoặc chưa kích hoạt",
    "105": "không tìm thấy mã tin",
    "108": "số điện thoại sai định dạng",
    "118": "loại tin không được hỗ trợ",
    "120": "quá nhiều số điện thoại",
    "140": "địa chỉ IP chưa được cho phép",
    "146": "nội dung không khớp mẫu CSKH đã đăng ký",
    "177": "nhà mạng chưa được đăng ký cho brandname",
}
# Anything else (103 insufficient balance, unknown codes) is retried: RequestId makes a retry harmless.


@dataclass(frozen=True)
class EsmsConfig:
    api_key: str
    secret_key: str
    brandname: str
    base_url: str = "https://rest.esms.vn/MainService.svc/json/"
    sms_type: str = "2"
    unicode: bool = False
    sandbox: bool = False
    callback_url: str = ""
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> EsmsConfig:
        return cls(**conf.esms_options())


def send_url(config: EsmsConfig) -> str:
    return config.base_url.rstrip("/") + "/" + SEND_PATH


def build_send_request(*, config: EsmsConfig, phone: str, content: str, request_id: str) -> dict[str, str]:
    """The JSON body for one brand-name SMS. `phone` in any accepted form; eSMS gets 0xxxxxxxxx."""
    body = {
        "ApiKey": config.api_key,
        "SecretKey": config.secret_key,
        "Phone": phone_national(phone),
        "Content": content,
        "Brandname": config.brandname,
        "SmsType": config.sms_type,
        "IsUnicode": "1" if config.unicode else "0",
        "Sandbox": "1" if config.sandbox else "0",
        "RequestId": request_id,
    }
    if config.callback_url:
        body["CallbackUrl"] = config.callback_url
    return body


def parse_send_response(*, status: int, data: Any, request_id: str) -> ProviderResult:
    """eSMS answers HTTP 200 with CodeResult; 5xx, throttling and unreadable answers are retried."""
    if status >= 500 or status in (408, 429):
        return ProviderResult.retry(f"eSMS HTTP {status}")
    if not isinstance(data, dict):
        return ProviderResult.retry(f"eSMS HTTP {status}: câu trả lời không phải JSON")
    code = str(data.get("CodeResult", "")).strip()
    if not code and "error" in data:
        code = "99"  # {"error": "Invalid request"}
    detail = str(data.get("ErrorMessage") or data.get("error") or "")
    if code == ACCEPTED:
        return ProviderResult.ok(str(data.get("SMSID") or f"RequestId:{request_id}"))
    if code == DUPLICATE_REQUEST:
        # This RequestId was accepted before (our earlier attempt got through): it is sent, never resend.
        return ProviderResult.ok(str(data.get("SMSID") or f"RequestId:{request_id}"))
    if code in PERMANENT_CODES:
        return ProviderResult.permanent(f"eSMS {code}: {PERMANENT_CODES[code]} ({detail})".strip())
    if status >= 400:
        return ProviderResult.permanent(f"eSMS HTTP {status}, mã {code or '?'}: {detail}")
    return ProviderResult.retry(f"eSMS {code or '?'}: {detail}")


@register
class EsmsProvider(SmsProvider):
    name = "esms"
    label = "eSMS (SMS brandname)"
    deduplicates = True

    def __init__(self, config: EsmsConfig | None = None) -> None:
        self.config = config or EsmsConfig.from_settings()

    @property
    def unicode(self) -> bool:
        return self.config.unicode

    def send(self, message: Message) -> ProviderResult:
        if not (self.config.api_key and self.config.secret_key and self.config.brandname):
            return ProviderResult.permanent(
                "eSMS chưa được cấu hình (DVC_ESMS_API_KEY, SECRET_KEY, BRANDNAME)"
            )
        try:
            body = build_send_request(
                config=self.config,
                phone=message.recipient,
                content=message.body,
                request_id=message.idempotency_key,
            )
        except ValueError as error:
            return ProviderResult.permanent(str(error))
        try:
            response: JsonResponse = post_json(send_url(self.config), body, timeout=self.config.timeout)
        except TransportError as error:
            return ProviderResult.retry(f"eSMS: {error}")
        return parse_send_response(
            status=response.status, data=response.data, request_id=message.idempotency_key
        )
