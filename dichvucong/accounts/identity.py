"""Identity numbers, phone numbers and personal names: pure validators, no database.

Every validator takes what a person typed, returns the one normalised form we store, and raises
``django.core.exceptions.ValidationError`` (Vietnamese message, stable ``code``) for anything else,
whatever the input: a form or an importer never sees another exception type from here.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError

from dichvucong.core.formatting import format_phone
from dichvucong.core.text import fold, nfc

# ---------------------------------------------------------------------------------------------------------
# Số định danh cá nhân / CCCD (12 digits)
# ---------------------------------------------------------------------------------------------------------

# Digits 1-3 of a personal identification number: the province where the birth was registered.
# Source: Thông tư 07/2016/TT-BCA, Phụ lục I "Bảng danh mục mã tỉnh, thành phố trực thuộc trung ương nơi
# công dân đăng ký khai sinh" (structure kept by Thông tư 59/2021/TT-BCA Điều 4 and Luật Căn cước 2023
# Điều 12), as reproduced by thuvienphapluat.vn ("Tra cứu mã 63 tỉnh thành trên thẻ Căn cước công dân") and by
# moinhat123.blogspot.com (Phụ lục 1 of TT 07/2016); both copies list the same 63 codes.
# The 2025 mergers (34 provinces) do not renumber existing people; each merged province kept the code of one
# of its predecessors, so this pre-2025 table is a superset of the codes in use.
BIRTH_REGISTRATION_PROVINCES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}
# GAP: TT 07/2016 Điều 7 also allows "mã quốc gia nơi công dân đăng ký khai sinh" for births registered
# abroad, but no source found lists those country codes. Until one does, operators can allow extra
# three-digit codes with the setting DVC_CCCD_EXTRA_BIRTH_CODES (an iterable of strings); nothing is guessed.

# Digit 4: century of birth and gender (TT 07/2016 Điều 7 khoản 2, kept by TT 59/2021 Điều 4):
# 0/1 = 20th century (1900-1999) male/female, 2/3 = 21st (2000-2099), 4/5 = 22nd, 6/7 = 23rd,
# 8/9 = 24th century (2300-2399). Even = male, odd = female. (8/9 is NOT the 1800s.)
_CENTURY_BASE_YEAR = 1900

MALE = "male"
FEMALE = "female"
_GENDER_WORDS = {"male": MALE, "nam": MALE, "m": MALE, "female": FEMALE, "nu": FEMALE, "f": FEMALE}

_ASCII_DIGITS = re.compile(r"[0-9]+")
_WHITESPACE = re.compile(r"\s+")


class CccdInfo(NamedTuple):
    """What a valid 12-digit personal identification number says about its holder."""

    number: str
    province_code: str
    province_name: str
    gender: str  # MALE or FEMALE
    birth_year: int


def _as_text(value: object, *, what: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{what} phải là một dãy ký tự.", code="invalid_type")
    return value


def _digits_without_spaces(raw: object, *, what: str) -> str:
    """Drop all white space; the rest must be ASCII digits (no letters, no other scripts' digits)."""
    text = _WHITESPACE.sub("", _as_text(raw, what=what))
    if not text:
        raise ValidationError(f"Vui lòng nhập {what.lower()}.", code="required")
    if not _ASCII_DIGITS.fullmatch(text):
        raise ValidationError(
            f"{what} chỉ gồm các chữ số 0-9, không có chữ cái hay ký hiệu.", code="not_digits"
        )
    return text


def _known_birth_codes() -> set[str]:
    extra = getattr(settings, "DVC_CCCD_EXTRA_BIRTH_CODES", ()) or ()
    return set(BIRTH_REGISTRATION_PROVINCES) | {str(code) for code in extra}


def _gender_value(gender: str | None) -> str | None:
    if gender is None or gender == "":
        return None
    value = _GENDER_WORDS.get(fold(gender))
    if value is None:
        raise ValueError(f"unknown gender {gender!r}: use 'male' or 'female'")
    return value


def parse_cccd(number: str) -> CccdInfo:
    """Check the structure of a 12-digit personal identification number and say what it encodes."""
    digits = _digits_without_spaces(number, what="Số định danh cá nhân")
    if len(digits) != 12:
        raise ValidationError(
            "Số định danh cá nhân (số căn cước) phải có đúng 12 chữ số; bạn đã nhập %(count)d chữ số.",
            code="cccd_length",
            params={"count": len(digits)},
        )
    province = digits[:3]
    if province not in _known_birth_codes():
        raise ValidationError(
            "Mã tỉnh nơi đăng ký khai sinh (3 số đầu) không đúng.",
            code="cccd_province",
        )
    century_gender = int(digits[3])
    birth_year = _CENTURY_BASE_YEAR + 100 * (century_gender // 2) + int(digits[4:6])
    if birth_year > datetime.date.today().year:
        raise ValidationError(
            "Số thứ 4 đến số thứ 6 của số định danh cho năm sinh %(year)d, là năm chưa tới; "
            "vui lòng kiểm tra lại.",
            code="cccd_future_year",
            params={"year": birth_year},
        )
    return CccdInfo(
        number=digits,
        province_code=province,
        province_name=BIRTH_REGISTRATION_PROVINCES.get(province, ""),
        gender=FEMALE if century_gender % 2 else MALE,
        birth_year=birth_year,
    )


def validate_cccd(
    number: str, *, date_of_birth: datetime.date | None = None, gender: str | None = None
) -> str:
    """A 12-digit CCCD / personal identification number, cross-checked with date of birth and gender if given.

    Spaces are ignored ("001 099 012 345"). ``gender`` takes the User.Gender values ("male"/"female"),
    also "nam"/"nữ"; an empty value skips the check. Returns the 12 digits.
    """
    info = parse_cccd(number)
    if date_of_birth is not None and date_of_birth.year != info.birth_year:
        raise ValidationError(
            "Năm sinh không khớp với số định danh: số định danh cho năm sinh %(year)d.",
            code="cccd_birth_year_mismatch",
            params={"year": info.birth_year},
        )
    expected = _gender_value(gender)
    if expected is not None and expected != info.gender:
        raise ValidationError(
            "Giới tính không khớp với số định danh (số thứ 4 của số định danh ghi giới tính %(gender)s).",
            code="cccd_gender_mismatch",
            params={"gender": "nữ" if info.gender == FEMALE else "nam"},
        )
    return info.number


def validate_cmnd(number: str) -> str:
    """An old 9-digit Chứng minh nhân dân number (spaces ignored). Returns the 9 digits."""
    digits = _digits_without_spaces(number, what="Số chứng minh nhân dân")
    if len(digits) != 9:
        raise ValidationError(
            "Số chứng minh nhân dân phải có đúng 9 chữ số; bạn đã nhập %(count)d chữ số. "
            "Nếu bạn có thẻ căn cước 12 số, hãy chọn loại giấy tờ «Căn cước».",
            code="cmnd_length",
            params={"count": len(digits)},
        )
    return digits


# ---------------------------------------------------------------------------------------------------------
# Mã số thuế / mã số doanh nghiệp
# ---------------------------------------------------------------------------------------------------------

# Check digit of the 10-digit tax code: weights over digits 1-9, check = 10 - (sum mod 11); a remainder of 0
# would need a check digit of 10, so such numbers are never issued.
# Sources disagree: tools.gera.services/vietnam-mst-validator says 11 - (sum mod 11); python-stdnum's
# stdnum.vn.mst documents 0100233488 and 0314409058-002 as valid and 0100233480 as invalid. Only 10 - r fits
# those and the published codes of Viettel (0100109106) and Vinamilk (0300588569, on its registration
# certificate of 20/11/2003); 11 - r rejects all four. The tests pin these real codes.
_TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_TAX_CODE_SEPARATORS = re.compile(r"[\s.]+")


def tax_code_check_digit(first_nine: str) -> int | None:
    """The 10th digit for these 9 digits, or None if no valid tax code starts with them."""
    if len(first_nine) != 9 or not _ASCII_DIGITS.fullmatch(first_nine):
        raise ValueError("tax_code_check_digit needs exactly 9 ASCII digits")
    remainder = sum(int(d) * w for d, w in zip(first_nine, _TAX_CODE_WEIGHTS, strict=True)) % 11
    check = 10 - remainder
    return None if check == 10 else check


def validate_tax_code(number: str) -> str:
    """A tax code (mã số thuế) in one of three forms; returns it normalised.

    - 10 digits (enterprise or older personal code), with a valid check digit -> "0100109106";
    - 10 digits, "-", 3 digits for a dependent unit (chi nhánh), branch 001-999; the dash may be omitted or
      surrounded by spaces -> "0100109106-001";
    - 12 digits: since 2025 the personal identification number serves as the personal tax code; checked as
      a CCCD (without date of birth) -> the 12 digits.
    Spaces and dots between digit groups are ignored.
    """
    text = _TAX_CODE_SEPARATORS.sub("", _as_text(number, what="Mã số thuế"))
    if not text:
        raise ValidationError("Vui lòng nhập mã số thuế.", code="required")
    main, dash, branch = text.partition("-")
    if dash and "-" in branch:
        raise ValidationError("Mã số thuế chỉ có tối đa một dấu gạch ngang.", code="tax_code_format")
    if not _ASCII_DIGITS.fullmatch(main) or (dash and not _ASCII_DIGITS.fullmatch(branch)):
        raise ValidationError(
            "Mã số thuế chỉ gồm chữ số (và một dấu gạch ngang trước 3 số của đơn vị phụ thuộc).",
            code="not_digits",
        )
    if not dash and len(main) == 13:
        main, branch = main[:10], main[10:]
    if not dash and len(main) == 12:
        return validate_cccd(main)
    if len(main) != 10 or (branch and len(branch) != 3) or (dash and not branch):
        raise ValidationError(
            "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số và 3 số đơn vị phụ thuộc (dạng 0123456789-001), "
            "hoặc 12 chữ số định danh cá nhân; bạn đã nhập %(count)d chữ số.",
            code="tax_code_length",
            params={"count": len(main) + len(branch)},
        )
    if tax_code_check_digit(main[:9]) != int(main[9]):
        raise ValidationError(
            "Mã số thuế không hợp lệ (chữ số kiểm tra thứ 10 không đúng); vui lòng kiểm tra lại.",
            code="tax_code_checksum",
        )
    if branch == "000":
        raise ValidationError("Số thứ tự đơn vị phụ thuộc phải từ 001 đến 999.", code="tax_code_branch")
    return f"{main}-{branch}" if branch else main


# ---------------------------------------------------------------------------------------------------------
# Mã định danh tổ chức
# ---------------------------------------------------------------------------------------------------------

# Agency identifier V1V2V3.Z1Z2.Y1Y2.MX1X2 (QCVN 102:2016/BTTTT; e.g. 000.00.00.H56 = UBND tỉnh Thanh Hóa).
# Mirrors dichvucong.agencies.models.AGENCY_CODE_PATTERN (a test keeps the two in step).
AGENCY_CODE_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"
# Mã ĐVQHNS (đơn vị có quan hệ với ngân sách): 7 digits, from memory of TT 185/2015/TT-BTC (UNSOURCED).
BUDGET_UNIT_CODE_PATTERN = r"^\d{7}$"
_AGENCY_CODE = re.compile(AGENCY_CODE_PATTERN, re.ASCII)
_BUDGET_UNIT_CODE = re.compile(BUDGET_UNIT_CODE_PATTERN, re.ASCII)


def validate_org_code(code: str) -> str:
    """An organisation's identifier: an agency code or a budget-unit code; returns it normalised.

    Accepts:
    - an agency identifier ``V1V2V3.Z1Z2.Y1Y2.MX1X2`` such as ``000.00.00.H56`` or ``000.17.22.H56``
      (the letter may be typed in lower case; spaces are ignored) -> upper case;
    - a 7-digit mã ĐVQHNS (budget-relationship unit code) such as ``1012345`` (spaces ignored).
    Businesses and public units that have a tax code should use ``validate_tax_code`` instead.
    """
    text = _WHITESPACE.sub("", _as_text(code, what="Mã định danh tổ chức")).upper()
    if not text:
        raise ValidationError("Vui lòng nhập mã định danh tổ chức.", code="required")
    if _AGENCY_CODE.fullmatch(text) or _BUDGET_UNIT_CODE.fullmatch(text):
        return text
    raise ValidationError(
        "Mã định danh tổ chức phải có dạng 000.00.00.H56 (mã định danh cơ quan) "
        "hoặc 7 chữ số (mã đơn vị có quan hệ với ngân sách).",
        code="org_code_format",
    )


# ---------------------------------------------------------------------------------------------------------
# Số điện thoại di động
# ---------------------------------------------------------------------------------------------------------

# Mobile prefixes in use (10-digit numbers, 0 + 9 digits). Sources:
# - the 2018 renumbering (Bộ TT&TT, 15/9/2018-30/6/2019), as reported by plo.vn, tienphong.vn, gsm.vn:
#   Viettel 0162-0169 -> 032-039; MobiFone 0120/0121/0122/0126/0128 -> 070/079/077/076/078;
#   VinaPhone 0123/0124/0125/0127/0129 -> 083/084/085/081/082; Vietnamobile 0186/0188 -> 056/058;
#   Gmobile 0199 -> 059; the 09x and 086/088/089 ranges were unchanged;
# - later allocations seen in public carrier tables: 052 (Vietnamobile), 055 (Reddi/Wintel), 087 (Itel);
# - libphonenumber's VN "mobile" pattern agrees on 03x, 05[2689], 070, 07[6-9], 08x, 09x.
# 095 is left out: it was S-Fone's CDMA range, closed in 2012 and not known to be reassigned (libphonenumber
# accepts the whole 09[0-8] block, so it does not settle this). Update this set when ranges are allocated.
MOBILE_PREFIXES: frozenset[str] = frozenset(
    {
        *(f"03{d}" for d in "23456789"),  # Viettel
        "052",  # Vietnamobile
        "055",  # Reddi (Mobicast), now Wintel
        "056",  # Vietnamobile
        "058",  # Vietnamobile
        "059",  # Gmobile
        "070",  # MobiFone
        "076",  # MobiFone
        "077",  # MobiFone
        "078",  # MobiFone
        "079",  # MobiFone
        "081",  # VinaPhone
        "082",  # VinaPhone
        "083",  # VinaPhone
        "084",  # VinaPhone
        "085",  # VinaPhone
        "086",  # Viettel
        "087",  # Itel
        "088",  # VinaPhone
        "089",  # MobiFone
        "090",  # MobiFone
        "091",  # VinaPhone
        "092",  # Vietnamobile
        "093",  # MobiFone
        "094",  # VinaPhone
        "096",  # Viettel
        "097",  # Viettel
        "098",  # Viettel
        "099",  # Gmobile
    }
)

_PHONE_SEPARATORS = re.compile(r"[\s.\-()/]+")
_NOT_VN_MOBILE = "Chỉ chấp nhận số điện thoại di động Việt Nam."


def normalise_phone(raw: str) -> str:
    """A Vietnamese mobile number in E.164 form, "+84" + 9 digits.

    Accepts 0912345678, +84912345678, 84912345678, 0084912345678, +84 (0) 912 345 678, with spaces, dots,
    dashes, slashes or brackets anywhere: "+84 912 345 678", "(+84)912-345-678", "0912.345.678".
    A number without 0 or 84 in front ("912345678") is refused rather than guessed. Landlines (02x),
    service numbers (1800/1900) and foreign numbers are refused.
    """
    text = _PHONE_SEPARATORS.sub("", _as_text(raw, what="Số điện thoại"))
    if not text:
        raise ValidationError("Vui lòng nhập số điện thoại di động.", code="required")
    plus = text.startswith("+")
    digits = text[1:] if plus else text
    if not _ASCII_DIGITS.fullmatch(digits):
        raise ValidationError(
            "Số điện thoại chỉ gồm chữ số (có thể có dấu + ở đầu, dấu cách, dấu chấm, gạch ngang).",
            code="phone_not_digits",
        )
    if plus or digits.startswith("00"):
        international = digits if plus else digits[2:]
        if not international.startswith("84"):
            raise ValidationError(_NOT_VN_MOBILE, code="phone_foreign")
        national = international[2:]
    elif digits.startswith("84") and len(digits) == 11:
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        raise ValidationError(
            "Vui lòng nhập số điện thoại bắt đầu bằng 0 (ví dụ 0912 345 678) hoặc +84.",
            code="phone_prefix_missing",
        )
    if national.startswith("0"):  # "+84 (0) 912 ..." or "+840912..."
        national = national[1:]
    if national[:1] in {"1", "2"}:  # 02x landlines; 1800/1900 service numbers
        raise ValidationError(_NOT_VN_MOBILE, code="phone_not_mobile")
    if len(national) != 9:
        raise ValidationError(
            "Số điện thoại di động gồm 10 chữ số (bắt đầu bằng 0); bạn đã nhập %(count)d chữ số.",
            code="phone_length",
            params={"count": len(national) + 1},
        )
    if f"0{national[:2]}" not in MOBILE_PREFIXES:
        raise ValidationError(
            "Đầu số %(prefix)s không phải đầu số di động Việt Nam đang dùng. " + _NOT_VN_MOBILE,
            code="phone_unknown_prefix",
            params={"prefix": f"0{national[:2]}"},
        )
    return f"+84{national}"


def format_phone_local(phone: str) -> str:
    """How Vietnamese people write a mobile number: "+84912345678" -> "0912 345 678" (after checking it is
    one; the display rule is core.formatting's, which the templates' |phone filter uses too)."""
    return format_phone(normalise_phone(phone))


def mask_phone(phone: str) -> str:
    """Enough of a number to recognise it, not to use it: "+84912345678" -> "091****678"."""
    local = "0" + normalise_phone(phone)[3:]
    return f"{local[:3]}****{local[-3:]}"


# ---------------------------------------------------------------------------------------------------------
# Họ và tên
# ---------------------------------------------------------------------------------------------------------

NAME_PUNCTUATION = frozenset("'’-.")
NAME_MIN_LENGTH = 2
NAME_MAX_LENGTH = 100


def validate_full_name(name: str) -> str:
    """A person's full name: NFC, single spaces, 2-100 characters.

    Letters of any script (so every Vietnamese letter, precomposed or with combining marks), spaces and the
    marks ' ’ - . are allowed; the name must start with a letter. Digits, control characters, emoji and other
    symbols are refused.
    """
    stripped = _as_text(name, what="Họ và tên").strip()
    if any(unicodedata.category(ch).startswith("C") for ch in stripped):
        raise ValidationError("Họ và tên có ký tự điều khiển không hợp lệ.", code="name_control_chars")
    text = nfc(stripped)
    if not text:
        raise ValidationError("Vui lòng nhập họ và tên.", code="required")
    if any(unicodedata.category(ch) == "Nd" or ch.isdigit() for ch in text):
        raise ValidationError("Họ và tên không được chứa chữ số.", code="name_digits")
    for ch in text:
        category = unicodedata.category(ch)
        if not (category[0] in "LM" or ch == " " or ch in NAME_PUNCTUATION):
            raise ValidationError(
                "Họ và tên chỉ gồm chữ cái, dấu cách và các dấu ' - . (không có ký tự «%(char)s»).",
                code="name_chars",
                params={"char": ch},
            )
    if not unicodedata.category(text[0]).startswith("L"):
        raise ValidationError("Họ và tên phải bắt đầu bằng một chữ cái.", code="name_chars")
    if not NAME_MIN_LENGTH <= len(text) <= NAME_MAX_LENGTH:
        raise ValidationError(
            "Họ và tên phải dài từ %(min)d đến %(max)d ký tự.",
            code="name_length",
            params={"min": NAME_MIN_LENGTH, "max": NAME_MAX_LENGTH},
        )
    return text
