"""The demo gateway: a fake bank inside the project that speaks the VNPAY protocol (same parameters, same
HMAC-SHA512 signature, same IPN), so the whole payment flow runs offline and through the same verification
code as the real adapter. It moves no money.

Its secret is ``DVC_DEMO_GATEWAY_SECRET`` or, by default, derived from ``SECRET_KEY``: never public, so
nobody outside can forge a "paid" callback even where the demo gateway is left enabled.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from django.conf import settings
from django.urls import reverse

from dichvucong.payments.gateways.registry import register
from dichvucong.payments.gateways.vnpay import VnpayConfig, VnpayProtocolGateway

DEMO_TMN_CODE = "DVCDEMO1"
DEMO_BANKS = (("NCB", "Ngân hàng Quốc Dân (NCB)"), ("VNPAYQR", "Ví điện tử / mã QR (mô phỏng)"))


def demo_secret() -> str:
    configured = getattr(settings, "DVC_DEMO_GATEWAY_SECRET", os.environ.get("DVC_DEMO_GATEWAY_SECRET", ""))
    if configured:
        return configured
    return hmac.new(settings.SECRET_KEY.encode(), b"dvc-demo-payment-gateway", hashlib.sha256).hexdigest()


@register
class DemoGateway(VnpayProtocolGateway):
    name = "demo"
    label = "Cổng thanh toán thử nghiệm (không trừ tiền thật)"
    is_demo = True
    supports_refund = True  # refunds are recorded as done at once

    def config(self, *, site_url: str = "") -> VnpayConfig:
        return VnpayConfig(
            tmn_code=DEMO_TMN_CODE,
            hash_secret=demo_secret(),
            payment_url=site_url.rstrip("/") + reverse("payments:demo_bank"),
            api_url="",
        )

    def refund(self, *, refund, client_ip: str, actor_name: str):
        from dichvucong.payments.gateways.base import GatewayResult

        return GatewayResult(ok=True, code="00", message="Demo: đã hoàn tiền")
