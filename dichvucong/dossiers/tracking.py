"""Public tracking (tra cứu hồ sơ): what anyone holding a dossier's code and its proof may see.

The answer for a code is a small ``TrackingCard`` built from two narrow queries and kept in the cache for
``DVC_TRACKING_CACHE_SECONDS``: repeated lookups of the same dossier are the norm (people refresh), and a
miss is cached too so guessing codes does not reach the database. The card holds only what the public page
shows (masked owner name, procedure, agency, status, due date, timeline labels) plus keyed digests of the
accepted proofs, never the ID numbers themselves. ``workflow.transition`` forgets the card when a change
commits; with a per-process cache (LocMem) other processes may show the old card until it expires, so
deployments with several processes use a shared cache (Redis, see docs/operations.md).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from dichvucong.dossiers.models import NATIONAL_STATUS_CODE, Dossier, DossierEvent, Status, event_label
from dichvucong.dossiers.selectors import mask_name

_MISSING = ()  # cached for codes that do not exist (or are drafts)
_SALT = "dichvucong.dossiers.tracking"


@dataclass(frozen=True)
class TrackingEvent:
    at: datetime.datetime
    label: str


@dataclass(frozen=True)
class TrackingCard:
    code: str
    status_value: str
    due_at: datetime.datetime | None
    owner: str  # masked
    procedure: str
    agency: str
    timeline: tuple[TrackingEvent, ...]
    proofs: tuple[str, ...]  # keyed digests of the accepted proofs

    @property
    def status(self) -> dict:
        return {
            "value": self.status_value,
            "label": str(Status(self.status_value).label),
            "national_code": NATIONAL_STATUS_CODE.get(self.status_value),
        }

    def as_dict(self) -> dict:
        """The API answer (``TrackOut``)."""
        return {
            "code": self.code,
            "status": self.status,
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "owner": self.owner,
            "procedure": self.procedure,
            "agency": self.agency,
            "timeline": [{"at": event.at.isoformat(), "label": event.label} for event in self.timeline],
        }


def normalise(code: str, proof: str) -> tuple[str, str]:
    return (code or "").strip().upper(), (proof or "").strip().replace(" ", "").upper()


def _digest(proof: str) -> str:
    return salted_hmac(_SALT, proof, algorithm="sha256").hexdigest()


def _key(code: str) -> str:
    return f"dvc:track:{code}"


def _sql() -> str:
    """One round trip for the dossier, its names and its timeline (the hot path of a public endpoint: plain
    SQL over indexed columns, no ORM query building). Rows: one per event, dossier columns repeated."""
    dossier, event = Dossier._meta, DossierEvent._meta
    procedure = dossier.get_field("procedure").related_model._meta
    agency = dossier.get_field("agency").related_model._meta
    return (
        "SELECT d.status, d.due_at, d.owner_name, p.name, a.name, d.tracking_secret, d.owner_id_number,"  # noqa: S608
        " d.applicant_id_number, e.created_at, e.action, e.data"
        f" FROM {dossier.db_table} d"
        f" JOIN {procedure.db_table} p ON p.id = d.procedure_id"
        f" JOIN {agency.db_table} a ON a.id = d.agency_id"
        f" LEFT JOIN {event.db_table} e ON e.dossier_id = d.id"
        " WHERE d.code = %s AND d.status <> %s"
        " ORDER BY e.created_at, e.id"
    )


def _aware(value) -> datetime.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


def _card_from_db(code: str) -> TrackingCard | None:
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [code, Status.DRAFT])
        rows = cursor.fetchall()
    if not rows:
        return None
    status, due_at, owner_name, procedure, agency, *proofs = rows[0][:8]
    timeline = tuple(
        TrackingEvent(
            at=_aware(at), label=event_label(action, json.loads(data) if isinstance(data, str) else data)
        )
        for *_dossier, at, action, data in rows
        if action is not None
    )
    return TrackingCard(
        code=code,
        status_value=status,
        due_at=_aware(due_at),
        owner=mask_name(owner_name),
        procedure=procedure,
        agency=agency,
        timeline=timeline,
        proofs=tuple(_digest(proof.upper()) for proof in proofs if proof),
    )


def tracking_card(*, code: str, proof: str) -> TrackingCard | None:
    """The card when ``proof`` (owner's or applicant's ID number, or the receipt's secret) matches the code;
    None for any wrong pair, with no hint of which part was wrong."""
    code, proof = normalise(code, proof)
    if not code or not proof:
        return None
    card = cache.get(_key(code))
    if card is None:
        card = _card_from_db(code) or _MISSING
        cache.set(_key(code), card, settings.DVC_TRACKING_CACHE_SECONDS)
    if not card:  # _MISSING
        return None
    digest = _digest(proof)
    matched = False
    for accepted in card.proofs:  # compare with every proof, in constant time each
        matched |= constant_time_compare(digest, accepted)
    return card if matched else None


def tracking_forget(code: str | None) -> None:
    """Drop the cached card (called on commit of every change to the dossier)."""
    if code:
        cache.delete(_key(code))
