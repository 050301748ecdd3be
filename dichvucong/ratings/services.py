"""Writes of the ratings app: rating a returned dossier (online by its owner, or at the counter's kiosk with a
one-time code), issuing that code, and the rating invitation sent when a dossier is returned.

Every refusal raises ``RatingError`` before anything is written; the rating and the code's use are one
transaction, with the dossier row locked, so a double submit (two tabs, a double click, two kiosks) makes
one rating and a clear "already rated" message for the other.
"""

from __future__ import annotations

import datetime
import hmac
import logging
import re
import secrets
import unicodedata

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from dichvucong.accounts.models import User
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.ratings import conf
from dichvucong.ratings.criteria import KEYS, SCALE_MAX, SCALE_MIN
from dichvucong.ratings.models import Rating, RatingCode, Satisfaction

logger = logging.getLogger(__name__)

COMMENT_MAX = 2000
ALREADY_RATED = "Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ đánh giá một lần; cảm ơn bạn."
NOT_RETURNED = "Chỉ đánh giá được hồ sơ đã trả kết quả."
NOT_YOURS = "Không tìm thấy hồ sơ."
# The same words whether the dossier does not exist, is not returned or the code is wrong, used or expired.
KIOSK_REFUSED = "Mã hồ sơ hoặc mã đánh giá không đúng, đã được dùng hoặc đã hết hạn. Hãy kiểm tra lại phiếu."

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on a tablet
CODE_LENGTH = 8
_NOT_CODE = re.compile(r"[\s\-.]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RatingError(Exception):
    """A refused rating; ``message`` is shown to the person, ``field`` names the input it is about."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


# --- input -----------------------------------------------------------------------------------------


def _clean_level(level) -> int:
    try:
        value = int(level)
    except (TypeError, ValueError):
        value = 0
    if value not in Satisfaction.values:
        raise RatingError("Hãy chọn mức độ hài lòng.", field="level")
    return value


def _clean_criteria(criteria) -> dict[str, int]:
    if criteria is None:
        return {}
    if not isinstance(criteria, dict):
        raise RatingError("Các tiêu chí đánh giá không hợp lệ.", field="criteria")
    clean: dict[str, int] = {}
    for key, raw in criteria.items():
        if key not in KEYS:
            raise RatingError("Có tiêu chí đánh giá không hợp lệ.", field="criteria")
        if raw in (None, ""):
            continue  # a criterion left unanswered
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if not SCALE_MIN <= value <= SCALE_MAX or isinstance(raw, bool):
            raise RatingError("Mỗi tiêu chí chỉ nhận một trong năm mức đánh giá.", field=key)
        clean[key] = value
    return clean


def clean_comment(comment) -> str:
    """NFC, without control characters, lines kept; the text is stored as typed and escaped on output."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", str(comment or ""))).replace("\r\n", "\n").strip()
    if len(text) > COMMENT_MAX:
        raise RatingError(f"Ý kiến tối đa {COMMENT_MAX} ký tự.", field="comment")
    return text


# --- rating ----------------------------------------------------------------------------------------


@transaction.atomic
def rating_submit(
    *,
    dossier: Dossier,
    level: int,
    criteria: dict[str, int] | None,
    comment: str,
    via: str,
    rated_by: User | None,
    kiosk_code: str = "",
) -> Rating:
    """Rate a returned dossier once: online by its owner (``rated_by`` is the applicant's account), or at the
    kiosk (``via`` = kiosk) with the valid one-time code of that dossier, which this uses up."""
    clean_level = _clean_level(level)
    clean_criteria = _clean_criteria(criteria)
    text = clean_comment(comment)
    locked = Dossier.objects.select_for_update(of=("self",)).filter(pk=dossier.pk).first()
    code_row = None
    if via == Rating.Via.ONLINE:
        if locked is None or rated_by is None or locked.applicant_id != rated_by.pk:
            raise RatingError(NOT_YOURS, code="not_found")
    elif via == Rating.Via.KIOSK:
        code_row = _active_code(locked, kiosk_code, lock=True) if locked is not None else None
        if code_row is None:
            raise RatingError(KIOSK_REFUSED, code="code")
        rated_by = None  # the person at the kiosk has no account behind them
    else:
        raise RatingError("Kênh đánh giá không hợp lệ.", code="invalid")
    if locked.status != Status.RETURNED:
        raise RatingError(NOT_RETURNED, code="not_returned")
    if Rating.objects.filter(dossier_id=locked.pk).exists():
        raise RatingError(ALREADY_RATED, code="already")
    try:
        with transaction.atomic():  # the unique dossier column is the last word if a lock was bypassed
            rating = Rating.objects.create(
                dossier=locked,
                agency_id=locked.agency_id,
                level=clean_level,
                criteria=clean_criteria,
                comment=text,
                via=via,
                rated_by=rated_by,
            )
    except IntegrityError:
        raise RatingError(ALREADY_RATED, code="already") from None
    if code_row is not None:
        code_row.used_at = timezone.now()
        code_row.save(update_fields=["used_at"])
    return rating


# --- the counter's one-time code -------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return _NOT_CODE.sub("", str(code or "")).upper()[:32]


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _digest(dossier_id: int, code: str) -> str:
    return salted_hmac("dichvucong.ratings.code", f"{dossier_id}:{code}", algorithm="sha256").hexdigest()


def _active_code(dossier: Dossier, code: str, *, lock: bool = False) -> RatingCode | None:
    code = normalise_code(code)
    rows = RatingCode.objects.filter(
        dossier_id=dossier.pk, used_at=None, revoked_at=None, expires_at__gt=timezone.now()
    )
    if lock:
        rows = rows.select_for_update()
    wanted = _digest(dossier.pk, code)
    found = None
    for row in rows:  # at most one (issuing revokes the others): compare in constant time
        if hmac.compare_digest(row.digest, wanted) and len(code) == CODE_LENGTH:
            found = row
    return found


@transaction.atomic
def rating_code_issue(*, dossier: Dossier, officer: User) -> tuple[RatingCode, str]:
    """A new one-time code for the person at the counter; the plain code is returned once, to print, and
    only its keyed hash is kept. Earlier unused codes of the dossier are revoked. The caller has checked
    that the officer works at the counter that returns the dossier."""
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if locked.status != Status.RETURNED:
        raise RatingError(NOT_RETURNED, code="not_returned")
    if Rating.objects.filter(dossier_id=locked.pk).exists():
        raise RatingError(ALREADY_RATED, code="already")
    now = timezone.now()
    RatingCode.objects.filter(dossier_id=locked.pk, used_at=None, revoked_at=None).update(revoked_at=now)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = RatingCode.objects.create(
        dossier=locked,
        digest=_digest(locked.pk, code),
        issued_by=officer,
        expires_at=now + datetime.timedelta(days=conf.code_days()),
    )
    return row, code


def rating_code_check(*, dossier_code: str, code: str) -> Dossier | None:
    """The kiosk's first step: the returned, not yet rated dossier this pair opens, or None (for any
    wrong pair: the caller shows one message whatever was wrong). Rate limits are the caller's."""
    dossier = (
        Dossier.objects.select_related("procedure", "agency")
        .filter(code=(dossier_code or "").strip()[:40], status=Status.RETURNED)
        .first()
    )
    if dossier is None:
        _digest(0, normalise_code(code))  # about the same work as a real check
        return None
    if _active_code(dossier, code) is None or Rating.objects.filter(dossier_id=dossier.pk).exists():
        return None
    return dossier


# --- invitation ------------------------------------------------------------------------------------


def rating_invite_after_return(change) -> None:
    """Subscriber of the ``return_result`` transition: invite the owner to rate the dossier. A result
    handed over at the counter is already announced by the "Đã trả kết quả" message, which carries the
    rating link (processing.results), so it gets no second message; online downloads and postal deliveries
    do. Idempotent: nothing is sent for a rated dossier or twice for one return event."""
    from dichvucong.dossiers.notices import notify_applicant
    from dichvucong.notifications.models import Message
    from dichvucong.ratings.links import rating_url

    dossier = Dossier.objects.select_related("procedure", "applicant").filter(pk=change.dossier_id).first()
    if dossier is None or dossier.status != Status.RETURNED:
        return
    record = getattr(dossier, "return_record", None)
    if record is not None and record.method == "counter":
        return
    if Rating.objects.filter(dossier_id=dossier.pk).exists():
        return
    if Message.objects.filter(event="dossier.rating_invite", body__contains=dossier.code).exists():
        return
    notify_applicant(dossier, "dossier.rating_invite", rating_url=rating_url(dossier))
