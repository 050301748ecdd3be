"""The carrier webhook: verify, apply, log. Every call leaves one ``WebhookLog`` row, whatever happens.

Contract (documented in the OpenAPI of POST /api/v1/delivery/webhooks/{carrier}):
- 401: signature missing, wrong, or made outside the time tolerance. Nothing is applied.
- 404: no carrier of that name, or it does not send webhooks.
- 413: body larger than DVC_DELIVERY_WEBHOOK_MAX_BYTES.
- 400: signed, but no waybill and status could be read.
- 200: every report was handled: ``applied``, ``duplicate`` (a replay: nothing changes), ``stale`` (older than
  or not after the current state: kept in the history, state unchanged) or ``ignored`` (a waybill that is not
  one of this carrier's orders: logged, nothing changes; 200 so the carrier stops retrying).
- 500: our error while applying; the carrier should retry (replays are harmless).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from dichvucong.delivery import conf
from dichvucong.delivery.carriers.base import WebhookRefused
from dichvucong.delivery.carriers.registry import carrier_get
from dichvucong.delivery.models import ShipmentEvent, WebhookLog
from dichvucong.delivery.services import shipment_apply_carrier_report

logger = logging.getLogger(__name__)
Outcome = WebhookLog.Outcome
KEPT_HEADERS = ("content-type", "user-agent", "content-length", "x-forwarded-for")
BODY_KEPT = 8192


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    body: dict


def _headers_kept(headers: Mapping[str, str], extra: tuple[str, ...]) -> dict[str, str]:
    wanted = {name.lower() for name in (*KEPT_HEADERS, *extra) if name}
    return {key: value[:300] for key, value in headers.items() if key.lower() in wanted}


def webhook_receive(
    *, carrier_name: str, body: bytes, headers: Mapping[str, str], remote_addr: str
) -> WebhookAnswer:
    log = WebhookLog(
        carrier=carrier_name[:30],
        remote_addr=remote_addr[:64],
        body=body[:BODY_KEPT].decode("utf-8", errors="replace"),
    )

    def finish(outcome: str, status: int, detail: str, answer: dict | None = None) -> WebhookAnswer:
        log.outcome, log.http_status, log.detail = outcome, status, detail[:500]
        log.save()
        if status >= 400:
            logger.warning(
                "delivery webhook %s from %s refused (%s): %s", carrier_name, remote_addr, outcome, detail
            )
        return WebhookAnswer(status, answer or {"detail": detail})

    try:
        carrier = carrier_get(carrier_name)
    except LookupError:
        carrier = None
    if carrier is None or not carrier.accepts_webhooks:
        log.headers = _headers_kept(headers, ())
        return finish(Outcome.UNKNOWN_CARRIER, 404, "Không nhận thông báo từ đơn vị này.")
    config = getattr(carrier, "config", None)
    log.headers = _headers_kept(
        headers,
        (getattr(config, "signature_header", ""), getattr(config, "timestamp_header", "")),
    )
    if len(body) > conf.webhook_max_bytes():
        return finish(Outcome.TOO_LARGE, 413, "Nội dung quá lớn.")
    try:
        reports = carrier.parse_webhook(body=body, headers=headers)
    except WebhookRefused as refused:
        if refused.code == "bad_signature":
            return finish(Outcome.BAD_SIGNATURE, 401, refused.message)
        log.verified = True
        return finish(Outcome.INVALID, 400, refused.message)
    log.verified = True
    results = []
    try:
        for report in reports:
            applied = shipment_apply_carrier_report(
                carrier=carrier.name, report=report, source=ShipmentEvent.Source.WEBHOOK
            )
            results.append((report, applied))
    except Exception as error:
        logger.exception("delivery webhook %s: error applying a report", carrier_name)
        return finish(Outcome.ERROR, 500, f"Lỗi khi xử lý: {type(error).__name__}")
    first_report, first = results[0]
    log.waybill = first_report.waybill
    log.shipment = next((a.shipment for _r, a in results if a.shipment is not None), None)
    outcomes = [a.outcome for _r, a in results]
    for candidate in ("applied", "duplicate", "stale", "unknown_waybill"):
        if candidate in outcomes:
            overall = candidate
            break
    detail = "; ".join(
        f"{r.waybill} {r.state}: {a.outcome}{' (' + a.detail + ')' if a.detail else ''}" for r, a in results
    )
    answer = {
        "result": "ignored" if overall == "unknown_waybill" else overall,
        "reports": [
            {"waybill": r.waybill, "result": "ignored" if a.outcome == "unknown_waybill" else a.outcome}
            for r, a in results
        ],
    }
    return finish(overall, 200, detail, answer)
