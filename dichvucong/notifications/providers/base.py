"""What every provider is: a typed base class per channel and the result of one send."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from dichvucong.notifications.events import EMAIL, SMS, ZALO

if TYPE_CHECKING:
    from dichvucong.notifications.models import Message


@dataclass(frozen=True)
class ProviderResult:
    """accepted: the provider took the message (provider_message_id says which). Otherwise retryable says
    whether the same request may succeed later (network errors, 5xx, throttling) or never will."""

    accepted: bool
    provider_message_id: str = ""
    retryable: bool = False
    error: str = ""

    @classmethod
    def ok(cls, provider_message_id: str) -> ProviderResult:
        return cls(accepted=True, provider_message_id=provider_message_id[:128] or "accepted")

    @classmethod
    def retry(cls, error: str) -> ProviderResult:
        return cls(accepted=False, retryable=True, error=error[:1000])

    @classmethod
    def permanent(cls, error: str) -> ProviderResult:
        return cls(accepted=False, retryable=False, error=error[:1000])


class Provider(ABC):
    channel: ClassVar[str]
    name: ClassVar[str]
    label: ClassVar[str]
    # Demo providers send nothing anywhere: the outbox row is the message, and its body may be shown.
    is_demo: ClassVar[bool] = False
    # Does the provider deduplicate on Message.idempotency_key (so a resend after a crash is harmless)?
    deduplicates: ClassVar[bool] = False

    @abstractmethod
    def send(self, message: Message) -> ProviderResult:
        """Send one message. Must not raise for provider or network errors: return a result instead."""


class EmailProvider(Provider, ABC):
    channel = EMAIL


class SmsProvider(Provider, ABC):
    channel = SMS

    @property
    def unicode(self) -> bool:
        """Send Vietnamese diacritics (UCS-2, 70 characters per part) rather than plain GSM-7 text."""
        return False


class ZaloProvider(Provider, ABC):
    channel = ZALO
