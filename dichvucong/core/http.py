"""JSON over HTTP for the adapters of outside services (SMS, Zalo, payment gateways, postal carriers):
standard library only, with a timeout on every call."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


class TransportError(Exception):
    """The request may not have reached the service, or its answer was lost: retryable."""


@dataclass(frozen=True)
class JsonResponse:
    status: int
    data: Any  # parsed JSON, or None when the body was not JSON
    text: str


def request_json(
    method: str,
    url: str,
    payload: dict | None = None,
    *,
    headers: dict[str, str] | None = None,
    timeout: float,
) -> JsonResponse:
    """Send ``payload`` as UTF-8 JSON. HTTP error statuses are returned; network failures and timeouts raise
    TransportError."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise ValueError(f"service URL must be http(s): {url!r}")
    body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url,
        data=body,
        method=method,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise TransportError(f"{type(error).__name__}: {reason}") from error
    text = raw.decode("utf-8", errors="replace")
    try:
        data = json.loads(text) if text.strip() else None
    except ValueError:
        data = None
    return JsonResponse(status=status, data=data, text=text[:500])


def post_json(
    url: str, payload: dict, *, headers: dict[str, str] | None = None, timeout: float
) -> JsonResponse:
    """POST ``payload`` as UTF-8 JSON (see request_json)."""
    return request_json("POST", url, payload, headers=headers, timeout=timeout)
