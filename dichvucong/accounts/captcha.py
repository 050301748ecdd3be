"""An accessible captcha: a short question in words, answered with a number. No images, no third parties.

Screen readers read the question aloud; a cheap phone shows it as plain text. Examples:
"Bảy cộng hai bằng mấy? (nhập số)" or "Gõ lại ba chữ số cuối của dãy: bốn, tám, một, bảy, hai (nhập số)".

The token the page carries is signed (TimestampSigner, salt "dichvucong.captcha") and holds only an HMAC of
the expected answer keyed with the server secret, a nonce and an expiry: never the answer. Each token allows
ONE attempt: the first verification, right or wrong, stores its nonce in the cache until expiry, so a solved
token cannot be replayed and a wrong guess cannot be followed by the other 18 possible sums.
"""

from __future__ import annotations

import random
import re
import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

from dichvucong.core.text import fold

SALT = "dichvucong.captcha"
DEFAULT_TTL = 600
_USED_KEY = "dichvucong.captcha.used.{nonce}"
_MAX_TOKEN_LENGTH = 1000
_MAX_ANSWER_LENGTH = 100

# Numbers as Vietnamese words (question text): 0-20.
NUMBER_WORDS: tuple[str, ...] = (
    "không",
    "một",
    "hai",
    "ba",
    "bốn",
    "năm",
    "sáu",
    "bảy",
    "tám",
    "chín",
    "mười",
    "mười một",
    "mười hai",
    "mười ba",
    "mười bốn",
    "mười lăm",
    "mười sáu",
    "mười bảy",
    "mười tám",
    "mười chín",
    "hai mươi",
)

# Answers typed in words, compared without accents: the canonical words plus common variants
# (bẩy for bảy, "mười tư" for 14, "mười năm" for 15, "chục" for 10 and 20).
_ANSWER_WORDS: dict[str, int] = {fold(word): number for number, word in enumerate(NUMBER_WORDS)}
_ANSWER_WORDS.update(
    {
        "muoi tu": 14,
        "muoi nam": 15,
        "hai chuc": 20,
        "mot chuc": 10,
    }
)
# Single digits typed as words one after another ("một bảy hai" for 172).
_DIGIT_WORDS: dict[str, str] = {fold(word): str(number) for number, word in enumerate(NUMBER_WORDS[:10])}
_DIGITS_AND_SPACES = re.compile(r"[0-9 ]+")


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def _answer_hash(nonce: str, answer: str) -> str:
    return salted_hmac(f"{SALT}.answer", f"{nonce}:{answer}", algorithm="sha256").hexdigest()


def _pick_question(rng: random.Random) -> tuple[str, str]:
    """A question and its canonical answer (a string of ASCII digits)."""
    kind = rng.randrange(3)
    if kind == 0:
        a, b = rng.randint(1, 9), rng.randint(1, 9)
        return f"{NUMBER_WORDS[a].capitalize()} cộng {NUMBER_WORDS[b]} bằng mấy? (nhập số)", str(a + b)
    if kind == 1:
        a = rng.randint(5, 15)
        b = rng.randint(1, a - 1)
        return f"{NUMBER_WORDS[a].capitalize()} trừ {NUMBER_WORDS[b]} bằng mấy? (nhập số)", str(a - b)
    digits = [rng.randint(0, 9) for _ in range(5)]
    spoken = ", ".join(NUMBER_WORDS[d] for d in digits)
    return f"Gõ lại ba chữ số cuối của dãy: {spoken} (nhập số)", "".join(str(d) for d in digits[-3:])


def issue_challenge(question: str, answer: str, *, ttl: int = DEFAULT_TTL) -> Challenge:
    """Sign a challenge for a known question and canonical digit answer."""
    nonce = secrets.token_urlsafe(16)
    payload = {"h": _answer_hash(nonce, answer), "n": nonce, "e": int(time.time()) + ttl}
    token = signing.TimestampSigner(salt=SALT).sign_object(payload)
    return Challenge(question=question, token=token)


def new_challenge(*, ttl: int = DEFAULT_TTL) -> Challenge:
    """A fresh random question and its token."""
    question, answer = _pick_question(secrets.SystemRandom())
    return issue_challenge(question, answer, ttl=ttl)


def _answer_candidates(answer: str) -> set[str]:
    """The digit strings an answer may stand for: "9", " 9 ", "09", "chín", "1 7 2", "một bảy hai"."""
    folded = fold(answer)
    if not folded:
        return set()
    if _DIGITS_AND_SPACES.fullmatch(folded):
        digits = folded.replace(" ", "")
    elif folded in _ANSWER_WORDS:
        digits = str(_ANSWER_WORDS[folded])
    else:
        words = folded.split()
        if not all(word in _DIGIT_WORDS for word in words):
            return set()
        digits = "".join(_DIGIT_WORDS[word] for word in words)
    return {digits, digits.lstrip("0") or "0"}


def verify(token: str, answer: str, *, max_age: int = DEFAULT_TTL) -> bool:
    """True once for a right answer to a genuine, unexpired, unused token; otherwise False. Never raises."""
    if not isinstance(token, str) or not isinstance(answer, str):
        return False
    if not token or len(token) > _MAX_TOKEN_LENGTH or len(answer) > _MAX_ANSWER_LENGTH:
        return False
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return False
    if not isinstance(payload, dict):
        return False
    nonce, expected, expires = payload.get("n"), payload.get("h"), payload.get("e")
    if not isinstance(nonce, str) or not isinstance(expected, str) or not isinstance(expires, int):
        return False
    remaining = expires - int(time.time())
    if remaining <= 0:
        return False
    # One attempt per token: cache.add is atomic and refuses a nonce that was already used.
    if not cache.add(_USED_KEY.format(nonce=nonce), True, timeout=remaining + 1):
        return False
    return any(
        constant_time_compare(_answer_hash(nonce, candidate), expected)
        for candidate in _answer_candidates(answer)
    )
