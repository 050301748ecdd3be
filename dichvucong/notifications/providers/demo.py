"""Offline providers for development and demos: nothing leaves the machine; the outbox row is the log."""

from __future__ import annotations

import logging

from dichvucong.notifications import conf
from dichvucong.notifications.addresses import mask_address
from dichvucong.notifications.models import Message
from dichvucong.notifications.providers.base import (
    EmailProvider,
    ProviderResult,
    SmsProvider,
    ZaloProvider,
)
from dichvucong.notifications.registry import register

logger = logging.getLogger(__name__)


def _accept(provider: str, message: Message) -> ProviderResult:
    logger.info(
        "demo %s: %s %s to %s (see /he-thong/thong-bao/)",
        provider,
        message.event,
        message.public_id,
        mask_address(message.recipient),
    )
    return ProviderResult.ok(f"demo-{message.idempotency_key}")


@register
class DemoEmailProvider(EmailProvider):
    name = "demo"
    label = "Thử nghiệm (không gửi thư thật)"
    is_demo = True
    deduplicates = True

    def send(self, message: Message) -> ProviderResult:
        return _accept("email", message)


@register
class DemoSmsProvider(SmsProvider):
    name = "demo"
    label = "Thử nghiệm (không gửi SMS thật)"
    is_demo = True
    deduplicates = True

    @property
    def unicode(self) -> bool:
        return conf.demo_sms_unicode()

    def send(self, message: Message) -> ProviderResult:
        return _accept("sms", message)


@register
class DemoZaloProvider(ZaloProvider):
    name = "demo"
    label = "Thử nghiệm (không gửi Zalo thật)"
    is_demo = True
    deduplicates = True

    def send(self, message: Message) -> ProviderResult:
        return _accept("zalo", message)
