"""The national public-service portal's dossier sync API (``HoSoDongBoDVC``), over HTTP.

No official public specification was found (domain.md §3.3: the fields come from a provincial system's sync
service). What is known: a create endpoint and an update endpoint; the answer carries ``error_code`` ("0" =
OK) and a ``message``; a create of a dossier the portal has is refused with a message saying "đã tồn tại",
after which the update endpoint is called. Paths, the auth header and the markers are settings, and every
byte of the wire format lives in the pure functions ``build_body`` and ``read_answer``, so the real
specification can be dropped in here without touching anything else.

| name | default |
|---|---|
| DVC_NATIONAL_BASE_URL | (required) e.g. https://api.dichvucong.gov.vn (through the province's LGSP) |
| DVC_NATIONAL_CREATE_PATH | /api/hoso/dongbo/them-moi |
| DVC_NATIONAL_UPDATE_PATH | /api/hoso/dongbo/cap-nhat |
| DVC_NATIONAL_AUTH_HEADER | Authorization |
| DVC_NATIONAL_TOKEN | (required) the header's value, e.g. "Bearer …" |
| DVC_NATIONAL_EXISTS_MARKER | đã tồn tại |
| DVC_NATIONAL_MISSING_MARKER | không tồn tại |
| DVC_NATIONAL_TIMEOUT | 10 seconds |

Answers: 2xx with ``error_code`` "0" (or 0) is accepted; a message with the exists marker means "call
update", with the missing marker "call create"; any other refusal in a 2xx or a 4xx (except 401, 403, 408,
409 and 429) is permanent; 401/403 (a token being rotated), 408, 429, 5xx, a body that is not JSON, a timeout
or a closed port are retried later.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from dichvucong.core.http import JsonResponse, TransportError, request_json
from dichvucong.national import conf
from dichvucong.national.portal.base import NationalPortal, PushResult
from dichvucong.national.portal.registry import register

RETRY_STATUSES = {401, 403, 408, 409, 425, 429}


@dataclass(frozen=True)
class DvcqgConfig:
    base_url: str = ""
    create_path: str = "/api/hoso/dongbo/them-moi"
    update_path: str = "/api/hoso/dongbo/cap-nhat"
    auth_header: str = "Authorization"
    token: str = ""
    exists_marker: str = "đã tồn tại"
    missing_marker: str = "không tồn tại"
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> DvcqgConfig:
        return cls(
            base_url=conf.text("DVC_NATIONAL_BASE_URL"),
            create_path=conf.text("DVC_NATIONAL_CREATE_PATH", cls.create_path),
            update_path=conf.text("DVC_NATIONAL_UPDATE_PATH", cls.update_path),
            auth_header=conf.text("DVC_NATIONAL_AUTH_HEADER", cls.auth_header),
            token=conf.text("DVC_NATIONAL_TOKEN"),
            exists_marker=conf.text("DVC_NATIONAL_EXISTS_MARKER", cls.exists_marker),
            missing_marker=conf.text("DVC_NATIONAL_MISSING_MARKER", cls.missing_marker),
            timeout=float(conf.text("DVC_NATIONAL_TIMEOUT", "10")),
        )


def build_body(payload: dict) -> dict:
    """The request body: the ``HoSoDongBoDVC`` object itself."""
    return payload


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def read_answer(*, config: DvcqgConfig, response: JsonResponse) -> PushResult:
    status, data = response.status, response.data
    if status >= 500 or status in RETRY_STATUSES:
        return PushResult.retry(
            f"Cổng quốc gia trả lời HTTP {status}: {response.text[:200]}", http_status=status
        )
    message = ""
    code = None
    if isinstance(data, dict):
        code = data.get("error_code", data.get("errorCode"))
        message = str(data.get("message") or data.get("error_message") or "")
    if 200 <= status < 300 and not isinstance(data, dict):
        return PushResult.retry(
            f"Cổng quốc gia trả lời không đọc được: {response.text[:200]}", http_status=status
        )
    if 200 <= status < 300 and str(code) == "0":
        return PushResult.ok(http_status=status)
    folded = _fold(message)
    if config.exists_marker and _fold(config.exists_marker) in folded:
        return PushResult(accepted=False, exists=True, error=message[:1000], http_status=status)
    if config.missing_marker and _fold(config.missing_marker) in folded:
        return PushResult(accepted=False, missing=True, error=message[:1000], http_status=status)
    detail = message or response.text[:200]
    return PushResult.permanent(
        f"Cổng quốc gia từ chối (HTTP {status}, mã lỗi {code}): {detail}", http_status=status
    )


@register
class DvcqgPortal(NationalPortal):
    name = "dvcqg"
    label = "Cổng Dịch vụ công quốc gia"

    def __init__(self, config: DvcqgConfig | None = None) -> None:
        self.config = config or DvcqgConfig.from_settings()

    def create(self, payload: dict) -> PushResult:
        return self._post(self.config.create_path, payload)

    def update(self, payload: dict) -> PushResult:
        return self._post(self.config.update_path, payload)

    def _post(self, path: str, payload: dict) -> PushResult:
        config = self.config
        if not config.base_url:
            return PushResult.retry("Chưa cấu hình DVC_NATIONAL_BASE_URL")
        headers = {config.auth_header: config.token} if config.token else {}
        try:
            response = request_json(
                "POST",
                config.base_url.rstrip("/") + path,
                build_body(payload),
                headers=headers,
                timeout=config.timeout,
            )
        except TransportError as error:
            return PushResult.retry(f"Không kết nối được Cổng quốc gia: {error}")
        return read_answer(config=config, response=response)
