"""The demo national portal: offline, in this process. It keeps what it was sent in memory (the last
payloads, per dossier code) and answers as the real portal does: a create of a code it has is refused with
"đã tồn tại", an update of a code it lacks with "không tồn tại"."""

from __future__ import annotations

import threading
from collections import OrderedDict

from dichvucong.national.portal.base import NationalPortal, PushResult
from dichvucong.national.portal.registry import register

_LIMIT = 1000
_lock = threading.Lock()
_received: OrderedDict[str, dict] = OrderedDict()


def demo_received(code: str) -> dict | None:
    """The last payload the demo portal holds for a dossier code (for the demo and tests)."""
    with _lock:
        return _received.get(code)


def demo_forget() -> None:
    with _lock:
        _received.clear()


@register
class DemoPortal(NationalPortal):
    name = "demo"
    label = "Cổng Dịch vụ công quốc gia (thử nghiệm, không gửi thật)"
    is_demo = True

    def create(self, payload: dict) -> PushResult:
        code = str(payload.get("MaHoSo", ""))
        with _lock:
            if code in _received:
                return PushResult(accepted=False, exists=True, error="Hồ sơ đã tồn tại")
            self._keep(code, payload)
        return PushResult.ok()

    def update(self, payload: dict) -> PushResult:
        code = str(payload.get("MaHoSo", ""))
        with _lock:
            if code not in _received:
                return PushResult(accepted=False, missing=True, error="Hồ sơ không tồn tại")
            self._keep(code, payload)
        return PushResult.ok()

    @staticmethod
    def _keep(code: str, payload: dict) -> None:
        _received[code] = payload
        _received.move_to_end(code)
        while len(_received) > _LIMIT:
            _received.popitem(last=False)
