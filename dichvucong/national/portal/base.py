"""What every national-portal adapter is: push a dossier (``HoSoDongBoDVC``) with a create call or an update
call. Adapters never touch the database; network and HTTP errors come back as results, never raised."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class PushResult:
    accepted: bool
    # The portal refused a create because it has the dossier already (call update), or an update because
    # it does not have it (call create).
    exists: bool = False
    missing: bool = False
    retryable: bool = False
    error: str = ""
    http_status: int | None = None

    @classmethod
    def ok(cls, *, http_status: int | None = None) -> PushResult:
        return cls(accepted=True, http_status=http_status)

    @classmethod
    def retry(cls, error: str, *, http_status: int | None = None) -> PushResult:
        return cls(accepted=False, retryable=True, error=error[:1000], http_status=http_status)

    @classmethod
    def permanent(cls, error: str, *, http_status: int | None = None) -> PushResult:
        return cls(accepted=False, error=error[:1000], http_status=http_status)


class NationalPortal(ABC):
    name: ClassVar[str]
    label: ClassVar[str]
    is_demo: ClassVar[bool] = False

    @abstractmethod
    def create(self, payload: dict) -> PushResult:
        """Send a dossier the portal does not have yet."""

    @abstractmethod
    def update(self, payload: dict) -> PushResult:
        """Send the new state of a dossier the portal has."""
