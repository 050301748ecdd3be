"""The demo gateway: a fake bank inside the project that speaks the VNPAY protocol (same parameters, same
HMAC-SHA512 signature, same IPN), so the whole payment flow runs offline and through the same verification
code as the real adapter. It moves no money.

It exists only in demo mode (``DVC_DEMO=1``): the registry never hands it out otherwise and the portal
refuses to start with it configured.

Its secret is ``DVC_DEMO_GATEWAY_SECRET`` or, by default, derived from ``SECRET_KEY`` (random per checkout on
a developer machine, the operator's own elsewhere): never public, so nobody outside can forge a "paid"
callback or sign an order. It refuses to derive from a key that looks public (the old development key, or
one shorter than 32 characters): the demo gateway then works with nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from dichvucong.payments.gateways.registry import register
from dichvucong.payments.gateways.vnpay import VnpayConfig, VnpayProtocolGateway

DEMO_TMN_CODE = "DVCDEMO1"
DEMO_BANKS = (("NCB", "Ngân hàng Quốc Dân (NCB)"), ("VNPAYQR", "Ví điện tử / mã QR (mô phỏng)"))


# Keys printed in this project's history or too short to be secret: nothing is derived from them.
PUBLIC_KEY_PREFIXES = ("dev-only-insecure",)
MIN_SECRET_LENGTH = 32


class DemoSecretRefused(ImproperlyConfigured):
    """The demo gateway has no secret it may use (so it verifies and signs nothing)."""


def _usable(secret: str) -> bool:
    return len(secret) >= MIN_SECRET_LENGTH and not secret.startswith(PUBLIC_KEY_PREFIXES)


def demo_secret() -> str:
    """DVC_DEMO_GATEWAY_SECRET, else a key derived from SECRET_KEY; DemoSecretRefused if the one it would
    use is short or public."""
    configured = getattr(settings, "DVC_DEMO_GATEWAY_SECRET", os.environ.get("DVC_DEMO_GATEWAY_SECRET", ""))
    if configured:
        if not _usable(configured):
            raise DemoSecretRefused(
                f"DVC_DEMO_GATEWAY_SECRET must be at least {MIN_SECRET_LENGTH} random characters."
            )
        return configured
    key = str(settings.SECRET_KEY or "")
    if not _usable(key):
        raise DemoSecretRefused(
            "The demo gateway will not derive its secret from a public or short SECRET_KEY "
            f"(at least {MIN_SECRET_LENGTH} random characters; or set DVC_DEMO_GATEWAY_SECRET)."
        )
    return hmac.new(key.encode(), b"dvc-demo-payment-gateway", hashlib.sha256).hexdigest()


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
