"""Zalo Notification Service: POST {base}/message/template with an `access_token` header (integrations.md §3).

Settings: DVC_ZALO_ACCESS_TOKEN, DVC_ZALO_BASE_URL (https://business.openapi.zalo.me),
DVC_ZALO_TEMPLATES (approved template id per event), DVC_ZALO_DEVELOPMENT_MODE ("mode": "development":
only OA/app admins receive), DVC_ZALO_TIMEOUT (10 s).

ZNS sends a pre-approved template filled with `template_data`, not free text: the parameters are the event's
context values (Message.data), so a ZNS template's parameter names must be the context keys (`otp`,
`minutes`, `full_name`, …). Message.body keeps the readable text of templates/notifications/*/zalo.txt for the
outbox. `tracking_id` is the message's idempotency key; Zalo uses it for reconciliation only and does not
deduplicate, so only clear failures are retried (-100 unknown error, -124 access token, network errors).
Refreshing the OA access token is outside this adapter: set a fresh token in the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dichvucong.core.http import TransportError, post_json
from dichvucong.notifications import conf
from dichvucong.notifications.addresses import phone_international
from dichvucong.notifications.models import Message
from dichvucong.notifications.providers.base import ProviderResult, ZaloProvider
from dichvucong.notifications.registry import register

SEND_PATH = "message/template"
RETRYABLE_ERRORS = {
    -100: "lỗi không xác định",
    -124: "access token không hợp lệ hoặc hết hạn",
}
KNOWN_ERRORS = {
    -101: "ứng dụng không hợp lệ",
    -102: "ứng dụng không tồn tại",
    -103: "ứng dụng chưa được kích hoạt",
    -104: "app secret key không hợp lệ",
    -105: "ứng dụng chưa liên kết OA",
    -106: "phương thức không được hỗ trợ",
    -107: "ID thông báo không hợp lệ",
    -108: "số điện thoại không hợp lệ",
    -109: "ID template không hợp lệ",
    -110: "phiên bản Zalo không được hỗ trợ",
    -111: "dữ liệu template rỗng",
    -112: "dữ liệu template không hợp lệ",
    -114: "người dùng không hoạt động, từ chối nhận tin hoặc dùng Zalo cũ",
}


@dataclass(frozen=True)
class ZnsConfig:
    access_token: str
    base_url: str = "https://business.openapi.zalo.me"
    development: bool = False
    timeout: float = 10.0
    templates: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls) -> ZnsConfig:
        return cls(**conf.zns_options())


def send_url(config: ZnsConfig) -> str:
    return config.base_url.rstrip("/") + "/" + SEND_PATH


def build_send_request(
    *, config: ZnsConfig, phone: str, template_id: str, template_data: dict[str, Any], tracking_id: str
) -> tuple[dict[str, str], dict[str, Any]]:
    """Headers and JSON body for one ZNS template message; the phone goes as 84xxxxxxxxx."""
    headers = {"access_token": config.access_token}
    body: dict[str, Any] = {
        "phone": phone_international(phone),
        "template_id": str(template_id),
        "template_data": {str(key): str(value) for key, value in template_data.items()},
        "tracking_id": tracking_id,
    }
    if config.development:
        body["mode"] = "development"
    return headers, body


def parse_send_response(*, status: int, data: Any) -> ProviderResult:
    if status >= 500 or status in (408, 429):
        return ProviderResult.retry(f"Zalo HTTP {status}")
    if not isinstance(data, dict) or "error" not in data:
        return ProviderResult.retry(f"Zalo HTTP {status}: câu trả lời không đọc được")
    try:
        code = int(data["error"])
    except (TypeError, ValueError):
        return ProviderResult.retry(f"Zalo: mã lỗi lạ {data['error']!r}")
    if code == 0:
        msg_id = (data.get("data") or {}).get("msg_id", "")
        return ProviderResult.ok(str(msg_id or "zalo-accepted"))
    detail = str(data.get("message") or "")
    if code in RETRYABLE_ERRORS:
        return ProviderResult.retry(f"Zalo {code}: {RETRYABLE_ERRORS[code]} ({detail})")
    return ProviderResult.permanent(f"Zalo {code}: {KNOWN_ERRORS.get(code, 'lỗi')} ({detail})")


@register
class ZnsProvider(ZaloProvider):
    name = "zns"
    label = "Zalo ZNS"

    def __init__(self, config: ZnsConfig | None = None) -> None:
        self.config = config or ZnsConfig.from_settings()

    def send(self, message: Message) -> ProviderResult:
        if not self.config.access_token:
            return ProviderResult.permanent("Zalo ZNS chưa được cấu hình (DVC_ZALO_ACCESS_TOKEN)")
        template_id = self.config.templates.get(message.event)
        if not template_id:
            return ProviderResult.permanent(f"Chưa cấu hình template ZNS cho sự kiện {message.event}")
        try:
            headers, body = build_send_request(
                config=self.config,
                phone=message.recipient,
                template_id=template_id,
                template_data=message.data,
                tracking_id=message.idempotency_key,
            )
        except ValueError as error:
            return ProviderResult.permanent(str(error))
        try:
            response = post_json(send_url(self.config), body, headers=headers, timeout=self.config.timeout)
        except TransportError as error:
            return ProviderResult.retry(f"Zalo: {error}")
        return parse_send_response(status=response.status, data=response.data)
