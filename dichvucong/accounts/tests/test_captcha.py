"""Accessible captcha: questions in words, signed single-use tokens, answers in digits or words."""

from __future__ import annotations

import random
import time

import pytest
from django.core import signing

from dichvucong.accounts import captcha
from dichvucong.accounts.captcha import NUMBER_WORDS, issue_challenge, new_challenge, verify
from dichvucong.core.text import fold

_WORD_VALUES = {fold(word): number for number, word in enumerate(NUMBER_WORDS)}


def _solve(question: str) -> str:
    """Answer a generated question the way a person would, from its words alone."""
    text = fold(question.removesuffix(" (nhập số)"))
    if " cong " in text:
        left, right = text.removesuffix(" bang may").split(" cong ")
        return str(_WORD_VALUES[left] + _WORD_VALUES[right])
    if " tru " in text:
        left, right = text.removesuffix(" bang may").split(" tru ")
        return str(_WORD_VALUES[left] - _WORD_VALUES[right])
    sequence = question.split(":", 1)[1].removesuffix(" (nhập số)").split(",")
    return "".join(str(_WORD_VALUES[fold(word)]) for word in sequence[-3:])


def _payload(token: str) -> dict:
    return signing.TimestampSigner(salt=captcha.SALT).unsign_object(token)


def test_questions_are_words_and_their_answers_match():
    kinds = set()
    for seed in range(300):
        question, answer = captcha._pick_question(random.Random(seed))
        assert question.endswith("(nhập số)")
        assert not any(ch.isdigit() for ch in question)  # numbers are written as words
        assert answer.isdigit()
        assert _solve(question) == answer
        kinds.add("cộng" if "cộng" in question else "trừ" if "trừ" in question else "dãy")
    assert kinds == {"cộng", "trừ", "dãy"}


def test_new_challenge_round_trip():
    challenge = new_challenge()
    assert challenge.question.endswith("(nhập số)")
    assert verify(challenge.token, _solve(challenge.question)) is True


def test_token_holds_no_answer_in_clear():
    challenge = issue_challenge("Bảy cộng hai bằng mấy? (nhập số)", "9")
    payload = _payload(challenge.token)
    assert set(payload) == {"h", "n", "e"}
    assert len(payload["h"]) == 64 and payload["h"] != "9"
    assert payload["e"] > time.time()
    other = _payload(issue_challenge("Bảy cộng hai bằng mấy? (nhập số)", "9").token)
    assert other["h"] != payload["h"]  # a fresh nonce: equal answers do not give equal hashes


@pytest.mark.parametrize("answer", ["9", " 9 ", "09", "chín", "CHÍN", "chin", " Chín. "])
def test_correct_answers_in_digits_or_words(answer):
    assert verify(issue_challenge("Bảy cộng hai bằng mấy? (nhập số)", "9").token, answer) is True


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        ("14", "mười bốn"),
        ("14", "mười tư"),
        ("15", "mười lăm"),
        ("15", "muoi nam"),
        ("7", "bẩy"),
        ("10", "mười"),
        ("0", "không"),
        ("20", "hai mươi"),
    ],
)
def test_number_word_variants(expected, answer):
    assert verify(issue_challenge("…", expected).token, answer) is True


@pytest.mark.parametrize("answer", ["172", "1 7 2", "một bảy hai", "mot bay hai"])
def test_digit_sequence_answers(answer):
    assert verify(issue_challenge("Gõ lại ba chữ số cuối của dãy: …", "172").token, answer) is True


def test_leading_zero_in_a_digit_sequence():
    assert verify(issue_challenge("…", "072").token, "072") is True
    assert verify(issue_challenge("…", "072").token, "không bảy hai") is True


@pytest.mark.parametrize("answer", ["8", "10", "", "   ", "chín mươi", "nine", "9a", "99"])
def test_wrong_answers(answer):
    assert verify(issue_challenge("Bảy cộng hai bằng mấy? (nhập số)", "9").token, answer) is False


def test_solved_token_cannot_be_replayed():
    token = issue_challenge("…", "9").token
    assert verify(token, "9") is True
    assert verify(token, "9") is False


def test_one_attempt_per_token():
    token = issue_challenge("…", "9").token
    assert verify(token, "8") is False
    assert verify(token, "9") is False  # no second guess on the same token


def test_expired_token(monkeypatch):
    token = issue_challenge("…", "9").token
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 601)
    assert verify(token, "9") is False


def test_expiry_in_the_payload_is_enforced_even_with_a_longer_max_age(monkeypatch):
    token = issue_challenge("…", "9", ttl=60).token
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 120)
    assert verify(token, "9", max_age=3600) is False


def test_max_age_shorter_than_the_ttl(monkeypatch):
    token = issue_challenge("…", "9").token
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 120)
    assert verify(token, "9", max_age=60) is False


def test_tampered_tokens():
    token = issue_challenge("…", "9").token
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert verify(flipped, "9") is False
    body = token.split(":")[0]
    assert verify(body + "x" + token[len(body) :], "9") is False
    assert verify(token + "x", "9") is False


def test_token_signed_with_another_salt_or_key(settings):
    payload = _payload(issue_challenge("…", "9").token)
    forged = signing.TimestampSigner(salt="other").sign_object(payload)
    assert verify(forged, "9") is False
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert verify(issue_challenge("…", "9").token, "9") is True  # still works under the new key


def test_payload_of_a_foreign_shape():
    signer = signing.TimestampSigner(salt=captcha.SALT)
    assert verify(signer.sign_object(["not", "a", "dict"]), "9") is False
    assert verify(signer.sign_object({"h": 1, "n": "x", "e": "soon"}), "9") is False


@pytest.mark.parametrize("token", ["", "garbage", "a:b:c", ":::", "x" * 5000, None, 42, b"bytes"])
def test_garbage_tokens_return_false(token):
    assert verify(token, "9") is False


def test_non_text_answer_returns_false():
    assert verify(issue_challenge("…", "9").token, None) is False
    assert verify(issue_challenge("…", "9").token, 9) is False
    assert verify(issue_challenge("…", "9").token, "9" * 500) is False
