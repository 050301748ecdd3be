"""Password rules with Vietnamese messages, for settings.AUTH_PASSWORD_VALIDATORS and before a User exists.

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "dichvucong.accounts.passwords.ComplexityValidator"},
    {"NAME": "dichvucong.accounts.passwords.PersonalDataValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "dichvucong.accounts.passwords.VietnameseCommonPasswordValidator"},
]
"""

from __future__ import annotations

import re
import unicodedata
from types import SimpleNamespace

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

from dichvucong.core.text import fold


def _compact(text: str | None) -> str:
    """Accent-free, lower-case, letters and digits only: "Nguyễn-Văn 1990!" -> "nguyenvan1990"."""
    return fold(text).replace(" ", "")


class ComplexityValidator:
    """At least ``min_length`` characters with an upper-case and a lower-case letter, a digit and a symbol.

    Vietnamese letters count as letters ("Đ" is upper case); a symbol is anything that is neither a letter,
    a digit nor white space.
    """

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    "Mật khẩu phải có ít nhất %(min_length)d ký tự.",
                    code="password_too_short",
                    params={"min_length": self.min_length},
                )
            )
        if not any(ch.isupper() for ch in password):
            errors.append(
                ValidationError("Mật khẩu phải có ít nhất một chữ in hoa.", code="password_no_upper")
            )
        if not any(ch.islower() for ch in password):
            errors.append(
                ValidationError("Mật khẩu phải có ít nhất một chữ thường.", code="password_no_lower")
            )
        if not any(ch.isdigit() for ch in password):
            errors.append(ValidationError("Mật khẩu phải có ít nhất một chữ số.", code="password_no_digit"))
        if not any(not ch.isalnum() and not ch.isspace() for ch in password):
            errors.append(
                ValidationError(
                    "Mật khẩu phải có ít nhất một ký tự đặc biệt (ví dụ ! @ # $).",
                    code="password_no_special",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return (
            f"Mật khẩu cần ít nhất {self.min_length} ký tự, gồm chữ in hoa, chữ thường, "
            "chữ số và ký tự đặc biệt (ví dụ ! @ # $)."
        )


def _password_words(password: str, *, keep_symbols: bool, split_case: bool = True) -> list[str]:
    """The words of a password, folded: letters split at digits, at a lower-to-upper case change and (unless
    ``keep_symbols``) at any other character. "VanBinh@90" -> ["van", "binh"]; "ng.uy-en9" -> ["ng", "uy",
    "en"], or ["nguyen"] when symbols are kept inside words (written to hide the word)."""
    words: list[str] = []
    current = ""
    previous = ""
    for char in unicodedata.normalize("NFC", password):
        if char.isalpha():
            if split_case and current and previous.islower() and char.isupper():
                words.append(current)
                current = ""
            current += char
            previous = char
        elif keep_symbols and not char.isdigit() and not char.isspace():
            continue  # "ng.uy-en": the symbols do not end the word
        else:
            if current:
                words.append(current)
            current, previous = "", ""
    if current:
        words.append(current)
    return [fold(word).replace(" ", "") for word in words if fold(word)]


def _made_of(word: str, parts: dict[str, str]) -> list[str] | None:
    """``word`` as a sequence of ``parts`` keys ("vanbinh" -> ["van", "binh"]), or None."""
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            if best[start] is not None and word[start:end] in parts:
                best[end] = [*best[start], word[start:end]]
                break
    return best[-1]


def name_words_in(password: str, full_name: str, *, min_word_length: int = 3) -> list[str]:
    """The words of ``full_name`` (as the person wrote them) that the password contains as whole words.

    A password word counts when it is made only of name words, compared folded ("Văn" = "van" = "VĂN"):
    "Binh", "vanbinh", "NguyenVanBinh" count; "vang", "binhminh" do not. A password word of one name word
    counts only if that word has ``min_word_length`` (3) letters or more, so "An@Le-2024!" is allowed for
    Lê Thị An while "lean" (Lê + An run together) is not.
    """
    originals: dict[str, str] = {}
    for word in unicodedata.normalize("NFC", full_name or "").split():
        folded = fold(word).replace(" ", "")
        if folded:
            originals.setdefault(folded, word.strip(".,;-"))
    if not originals:
        return []
    found: set[str] = set()
    for split_case in (True, False):  # "VanBinh" and "vAN" alike
        for word in _password_words(password, keep_symbols=False, split_case=split_case):
            parts = _made_of(word, originals)
            if parts and (len(parts) > 1 or len(parts[0]) >= min_word_length):
                found.update(parts)
        # One name word hidden by symbols inside it ("ng.uy-en"); symbols still part two words ("An@Le").
        for word in _password_words(password, keep_symbols=True, split_case=split_case):
            if len(word) >= min_word_length and word in originals:
                found.add(word)
    return [original for folded, original in originals.items() if folded in found]  # in the name's order


class PersonalDataValidator:
    """The password must not contain the holder's ID number, phone number, e-mail name or name words.

    Checked: the last ``min_digits`` (6) characters of the ID number (which also catches the whole number);
    the last 6 digits of the phone number (catching 0912345678, +84912345678 and 84912345678 alike); the
    e-mail local part if it has 3+ characters (these three as substrings, without punctuation); and the
    name, by whole words (``name_words_in``): "Nguyen@1990", "NGUYỄN-1990", "ng.uyen1990", "VanBinh#1" and
    "nguyenvanbinh!9" contain the name of Nguyễn Văn Bình, while "Vang@2024x" or "Hoang#Long9" do not
    contain "Văn" or "Hoa": a syllable of the name inside another word is not the name.
    """

    def __init__(self, min_digits: int = 6, min_word_length: int = 3):
        self.min_digits = min_digits
        self.min_word_length = min_word_length

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        errors = self.errors_for(
            password,
            id_number=getattr(user, "id_number", "") or "",
            full_name=getattr(user, "full_name", "") or "",
            phone=getattr(user, "phone", "") or "",
            email=getattr(user, "email", "") or "",
        )
        if errors:
            raise ValidationError(errors)

    def errors_for(
        self, password: str, *, id_number: str = "", full_name: str = "", phone: str = "", email: str = ""
    ) -> list[ValidationError]:
        haystack = _compact(password)
        errors = []
        id_compact = _compact(id_number)
        if len(id_compact) >= self.min_digits and id_compact[-self.min_digits :] in haystack:
            errors.append(
                ValidationError(
                    "Mật khẩu không được chứa số giấy tờ tùy thân (hoặc các số cuối của nó).",
                    code="password_contains_id_number",
                )
            )
        phone_digits = re.sub(r"[^0-9]", "", phone or "")
        if len(phone_digits) >= self.min_digits and phone_digits[-self.min_digits :] in haystack:
            errors.append(
                ValidationError(
                    "Mật khẩu không được chứa số điện thoại của bạn.", code="password_contains_phone"
                )
            )
        local_part = _compact((email or "").rpartition("@")[0] or "")
        if len(local_part) >= 3 and local_part in haystack:
            errors.append(
                ValidationError(
                    "Mật khẩu không được chứa tên hộp thư điện tử của bạn.", code="password_contains_email"
                )
            )
        found = name_words_in(password, full_name, min_word_length=self.min_word_length)
        if found:
            quoted = ", ".join(f"“{word}”" for word in found)
            errors.append(
                ValidationError(
                    "Mật khẩu chứa %(words)s trong họ tên của bạn (so sánh không dấu, không phân biệt hoa "
                    "thường); hãy bỏ phần này khỏi mật khẩu.",
                    code="password_contains_name",
                    params={"words": quoted},
                )
            )
        return errors

    def get_help_text(self) -> str:
        return (
            "Mật khẩu không được chứa số giấy tờ, số điện thoại, tên hộp thư hay một từ trong họ tên "
            "của bạn (kể cả khi viết không dấu)."
        )


# Passwords people in Vietnam are known to choose. No official list exists; these are the patterns that
# Vietnamese security advisories and leaked-password tallies keep naming (love phrases, "mật khẩu", place
# names, ISP defaults, "Abc@123"-style templates). Data: extend freely.
VIETNAMESE_COMMON_PASSWORDS: tuple[str, ...] = (
    "matkhau",
    "matkhau@123",
    "matkhau123",
    "anhyeuem",
    "emyeuanh",
    "yeuem",
    "yeuanh",
    "tinhyeu",
    "iloveyou",
    "123456a@",
    "123456a",
    "12345678a",
    "123456789a",
    "a123456",
    "a123456789",
    "abc@123",
    "abc@12345",
    "abc123",
    "abcd@1234",
    "aa123456",
    "qwerty@123",
    "1q2w3e4r",
    "1qaz2wsx",
    "p@ssw0rd",
    "password@123",
    "admin@123",
    "vietnam@123",
    "vietnam",
    "hanoi@123",
    "hanoi",
    "saigon@123",
    "saigon",
    "hochiminh",
    "danang",
    "dichvucong",
    "dichvucong@123",
    "vnpt@123",
    "viettel@123",
    "mobifone",
    "vinaphone",
    "66668888",
    "68686868",
    "88888888",
    "66666666",
)

_TRAILING_DIGITS_AND_SYMBOLS = re.compile(r"[\W\d_]+$")


def _common_forms(text: str) -> set[str]:
    """A password as typed (case-folded), accent/punctuation-free, and without trailing digits and symbols."""
    lowered = text.strip().casefold()
    forms = {
        lowered,
        _compact(lowered),
        _TRAILING_DIGITS_AND_SYMBOLS.sub("", lowered),
        _TRAILING_DIGITS_AND_SYMBOLS.sub("", _compact(lowered)),
    }
    return {form for form in forms if form}


class VietnameseCommonPasswordValidator:
    """Refuses passwords common in Vietnam, ignoring case, accents and trailing digits or symbols.

    "Matkhau@2024", "MẬT KHẨU", "Hanoi@123!" and "anhyeuem99" are all refused.
    """

    def __init__(self, passwords: tuple[str, ...] = VIETNAMESE_COMMON_PASSWORDS):
        self.forms: set[str] = set()
        for password in passwords:
            self.forms |= _common_forms(password)

    def validate(self, password: str, user=None) -> None:
        if _common_forms(password) & self.forms:
            raise ValidationError(
                "Mật khẩu này quá phổ biến, dễ bị đoán; vui lòng chọn mật khẩu khác.",
                code="password_too_common_vn",
            )

    def get_help_text(self) -> str:
        return "Không dùng mật khẩu phổ biến như «Matkhau@123», «Abc@12345» hay «Vietnam@123»."


def password_errors(
    password: str, *, id_number: str = "", full_name: str = "", phone: str = "", email: str = ""
) -> list[str]:
    """Every rule's message for a password chosen before any User exists (sign-up forms); [] means acceptable.

    Runs ComplexityValidator, PersonalDataValidator, Django's CommonPasswordValidator and
    VietnameseCommonPasswordValidator; each distinct message appears once, in that order.
    """
    holder = SimpleNamespace(id_number=id_number, full_name=full_name, phone=phone, email=email)
    validators = (
        ComplexityValidator(),
        PersonalDataValidator(),
        CommonPasswordValidator(),
        VietnameseCommonPasswordValidator(),
    )
    messages: list[str] = []
    for validator in validators:
        try:
            validator.validate(password, holder)
        except ValidationError as error:
            messages.extend(message for message in error.messages if message not in messages)
    return messages
