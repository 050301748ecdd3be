"""Identity numbers, phone numbers and names: pure validators (no database)."""

from __future__ import annotations

import contextlib
import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dichvucong.accounts.identity import (
    BIRTH_REGISTRATION_PROVINCES,
    FEMALE,
    MALE,
    MOBILE_PREFIXES,
    format_phone_local,
    mask_phone,
    normalise_phone,
    parse_cccd,
    tax_code_check_digit,
    validate_cccd,
    validate_cmnd,
    validate_full_name,
    validate_org_code,
    validate_tax_code,
)


def _error(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- CCCD ----------------------------------------------------------------------------------------------


def test_province_table_has_the_63_published_codes():
    assert len(BIRTH_REGISTRATION_PROVINCES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in BIRTH_REGISTRATION_PROVINCES)
    assert len(set(BIRTH_REGISTRATION_PROVINCES.values())) == 63
    assert BIRTH_REGISTRATION_PROVINCES["001"] == "Hà Nội"
    assert BIRTH_REGISTRATION_PROVINCES["031"] == "Hải Phòng"
    assert BIRTH_REGISTRATION_PROVINCES["038"] == "Thanh Hóa"
    assert BIRTH_REGISTRATION_PROVINCES["048"] == "Đà Nẵng"
    assert BIRTH_REGISTRATION_PROVINCES["079"] == "Hồ Chí Minh"
    assert BIRTH_REGISTRATION_PROVINCES["096"] == "Cà Mau"
    assert min(BIRTH_REGISTRATION_PROVINCES) == "001" and max(BIRTH_REGISTRATION_PROVINCES) == "096"


@pytest.mark.parametrize(
    ("number", "province", "gender", "year"),
    [
        ("001099012345", "Hà Nội", MALE, 1999),
        ("079301012345", "Hồ Chí Minh", FEMALE, 2001),
        ("038185001234", "Thanh Hóa", FEMALE, 1985),
        ("048200123456", "Đà Nẵng", MALE, 2000),
        ("096088000001", "Cà Mau", MALE, 1988),
        ("031145999999", "Hải Phòng", FEMALE, 1945),
        ("002324000000", "Hà Giang", FEMALE, 2024),
    ],
)
def test_valid_cccd_for_several_provinces_centuries_and_genders(number, province, gender, year):
    info = parse_cccd(number)
    assert (info.province_name, info.gender, info.birth_year) == (province, gender, year)
    assert validate_cccd(number) == number
    assert validate_cccd(number, date_of_birth=datetime.date(year, 6, 1), gender=gender) == number


def test_cccd_spaces_are_ignored():
    assert validate_cccd(" 001 099 012 345 ") == "001099012345"
    assert validate_cccd("001\u00a0099\t012345") == "001099012345"


def test_cccd_gender_accepts_vietnamese_words():
    assert validate_cccd("079301012345", gender="nữ") == "079301012345"
    assert validate_cccd("001099012345", gender="Nam") == "001099012345"
    assert validate_cccd("001099012345", gender="") == "001099012345"


def test_cccd_date_of_birth_year_contradicts_the_number():
    error = _error(validate_cccd, "001099012345", date_of_birth=datetime.date(1998, 1, 1))
    assert error.code == "cccd_birth_year_mismatch"
    assert error.messages[0].startswith("Năm sinh không khớp với số định danh")


def test_cccd_date_of_birth_century_contradicts_the_number():
    # Same last two digits (01), but digit 4 says 2000-2099.
    error = _error(validate_cccd, "001201012345", date_of_birth=datetime.date(1901, 1, 1))
    assert error.code == "cccd_birth_year_mismatch"
    assert "2001" in error.messages[0]


def test_cccd_gender_mismatch():
    error = _error(validate_cccd, "001099012345", gender=FEMALE)
    assert error.code == "cccd_gender_mismatch"
    assert error.messages[0].startswith("Giới tính không khớp với số định danh")
    assert _error(validate_cccd, "079301012345", gender="male").code == "cccd_gender_mismatch"


@pytest.mark.parametrize(
    "number", ["000099012345", "003099012345", "097099012345", "100099012345", "999099012345"]
)
def test_cccd_unknown_province(number):
    error = _error(validate_cccd, number)
    assert error.code == "cccd_province"
    assert error.messages == ["Mã tỉnh nơi đăng ký khai sinh (3 số đầu) không đúng."]


def test_cccd_extra_birth_codes_come_from_settings(settings):
    settings.DVC_CCCD_EXTRA_BIRTH_CODES = ["999"]
    assert validate_cccd("999099012345") == "999099012345"


@pytest.mark.parametrize("number", ["001450000000", "001899000000", "001299000000"])
def test_cccd_birth_year_in_the_future(number):
    # 4/5 = 2100s, 8/9 = 2300s (TT 07/2016: the 24th century, not the 1800s), 2099.
    assert _error(validate_cccd, number).code == "cccd_future_year"


@pytest.mark.parametrize(("number", "count"), [("00109901234", 11), ("0010990123456", 13), ("001", 3)])
def test_cccd_wrong_length_says_how_many_digits_were_typed(number, count):
    error = _error(validate_cccd, number)
    assert error.code == "cccd_length"
    assert f"bạn đã nhập {count} chữ số" in error.messages[0]
    assert "12 chữ số" in error.messages[0]


@pytest.mark.parametrize("number", ["00109901234A", "O01099012345", "001-099-012345", "٠٠١٠٩٩٠١٢٣٤٥"])
def test_cccd_letters_and_other_characters(number):
    assert _error(validate_cccd, number).code == "not_digits"


@pytest.mark.parametrize("number", ["", "   ", None, 1234])
def test_cccd_empty_or_not_text(number):
    assert _error(validate_cccd, number).code in {"required", "invalid_type"}


# --- CMND ----------------------------------------------------------------------------------------------


def test_cmnd_nine_digits():
    assert validate_cmnd("012 345 678") == "012345678"
    error = _error(validate_cmnd, "01234567")
    assert error.code == "cmnd_length"
    assert "bạn đã nhập 8 chữ số" in error.messages[0]
    assert _error(validate_cmnd, "001099012345").code == "cmnd_length"
    assert _error(validate_cmnd, "01234567x").code == "not_digits"


# --- Tax codes -----------------------------------------------------------------------------------------

# Real, published codes: Viettel and Vinamilk; 0100233488 and 0314409058-002 are python-stdnum's documented
# valid examples, 0100233480 its documented invalid one.
REAL_TAX_CODES = ["0100109106", "0300588569", "0100233488"]


@pytest.mark.parametrize("code", REAL_TAX_CODES)
def test_real_tax_codes_are_valid(code):
    assert validate_tax_code(code) == code
    assert tax_code_check_digit(code[:9]) == int(code[9])


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("0314409058-002", "0314409058-002"),
        ("0314409058002", "0314409058-002"),
        ("0100109106 - 501", "0100109106-501"),
        ("0100.109.106", "0100109106"),
        (" 0300 588 569 ", "0300588569"),
    ],
)
def test_tax_code_branches_and_separators(typed, normalised):
    assert validate_tax_code(typed) == normalised


@pytest.mark.parametrize("code", ["0100233480", "0100109107", "0300588560", "0314409059-002"])
def test_tax_code_wrong_check_digit(code):
    error = _error(validate_tax_code, code)
    assert error.code == "tax_code_checksum"
    assert "chữ số kiểm tra" in error.messages[0]


def test_tax_code_remainder_zero_has_no_valid_check_digit():
    first_nine = next(
        f"{n:09d}" for n in range(100000000, 100100000) if tax_code_check_digit(f"{n:09d}") is None
    )
    for last in "0123456789":
        assert _error(validate_tax_code, first_nine + last).code == "tax_code_checksum"


def test_tax_code_branch_and_format_errors():
    assert _error(validate_tax_code, "0100109106-000").code == "tax_code_branch"
    assert _error(validate_tax_code, "0100109106-01").code == "tax_code_length"
    assert _error(validate_tax_code, "0100109106-0001").code == "tax_code_length"
    assert _error(validate_tax_code, "0100109106-001-1").code == "tax_code_format"
    assert _error(validate_tax_code, "0100109106-").code == "not_digits"
    assert _error(validate_tax_code, "01001O9106").code == "not_digits"
    error = _error(validate_tax_code, "010010910")
    assert error.code == "tax_code_length"
    assert "bạn đã nhập 9 chữ số" in error.messages[0]


def test_twelve_digit_personal_tax_code_is_checked_as_a_cccd():
    assert validate_tax_code("079301012345") == "079301012345"
    assert _error(validate_tax_code, "003099012345").code == "cccd_province"


# --- Organisation codes --------------------------------------------------------------------------------


def test_org_codes():
    assert validate_org_code("000.00.00.H56") == "000.00.00.H56"
    assert validate_org_code(" 000.17.22.h56 ") == "000.17.22.H56"
    assert validate_org_code("1012345") == "1012345"
    for bad in ["H56", "000.00.00.56", "000.00.00.HH6", "00.00.00.H56", "12345678", "000-00-00-H56"]:
        error = _error(validate_org_code, bad)
        assert error.code == "org_code_format", bad
        assert "000.00.00.H56" in error.messages[0]


def test_org_code_pattern_matches_the_agency_model():
    from dichvucong.accounts import identity
    from dichvucong.agencies.models import AGENCY_CODE_PATTERN

    assert identity.AGENCY_CODE_PATTERN == AGENCY_CODE_PATTERN


# --- Phones --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84912345678",
        "+84 912 345 678",
        "84912345678",
        "(+84)912-345-678",
        "(+84) 912.345.678",
        "+84 (0) 912 345 678",
        "+840912345678",
        "0084912345678",
        " 0912345678 ",
    ],
)
def test_every_accepted_phone_writing(typed):
    assert normalise_phone(typed) == "+84912345678"


@pytest.mark.parametrize("prefix", sorted(MOBILE_PREFIXES))
def test_every_mobile_prefix(prefix):
    assert normalise_phone(f"{prefix}1234567") == f"+84{prefix[1:]}1234567"


def test_prefix_table():
    assert {f"03{d}" for d in "23456789"} <= MOBILE_PREFIXES
    assert {"052", "055", "056", "058", "059", "070", "076", "077", "078", "079", "087"} <= MOBILE_PREFIXES
    assert {f"08{d}" for d in "123456789"} <= MOBILE_PREFIXES
    assert {"090", "091", "092", "093", "094", "096", "097", "098", "099"} <= MOBILE_PREFIXES
    assert not {"095", "080", "071", "031", "050", "020", "024", "028"} & MOBILE_PREFIXES


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("02438251234", "phone_not_mobile"),  # Hà Nội landline
        ("028 3823 4567", "phone_not_mobile"),  # TP.HCM landline
        ("+84 24 3825 1234", "phone_not_mobile"),
        ("1900 1234", "phone_prefix_missing"),
        ("+1 202 555 0143", "phone_foreign"),
        ("+86 138 0013 8000", "phone_foreign"),
        ("0086 138 0013 8000", "phone_foreign"),
        ("091234567", "phone_length"),
        ("09123456789", "phone_length"),
        ("+8491234", "phone_length"),
        ("912345678", "phone_prefix_missing"),
        ("0951234567", "phone_unknown_prefix"),
        ("0801234567", "phone_unknown_prefix"),
        ("0712345678", "phone_unknown_prefix"),
        ("0912 345 67a", "phone_not_digits"),
        ("", "required"),
    ],
)
def test_refused_phones(typed, code):
    assert _error(normalise_phone, typed).code == code


def test_landline_and_foreign_message():
    for typed in ["02438251234", "+12025550143", "+8613800138000"]:
        assert _error(normalise_phone, typed).messages == ["Chỉ chấp nhận số điện thoại di động Việt Nam."]
    assert "Chỉ chấp nhận số điện thoại di động Việt Nam" in _error(normalise_phone, "0951234567").messages[0]


def test_phone_length_message_counts_digits():
    assert "bạn đã nhập 9 chữ số" in _error(normalise_phone, "091234567").messages[0]


def test_format_and_mask_phone():
    assert format_phone_local("+84912345678") == "0912 345 678"
    assert format_phone_local("0387 654 321") == "0387 654 321"
    assert mask_phone("+84912345678") == "091****678"
    assert mask_phone("0387654321") == "038****321"


# --- Names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("  Trần   Thị  Bích  ", "Trần Thị Bích"),
        ("Đặng Thị Ngọc Hân", "Đặng Thị Ngọc Hân"),
        ("Lê-Na O'Brien", "Lê-Na O'Brien"),
        ("Nguyễn T. Anh", "Nguyễn T. Anh"),
        ("Hồ", "Hồ"),
        ("Hà Nguyễn Khánh Linh " * 4, ("Hà Nguyễn Khánh Linh " * 4).strip()),
    ],
)
def test_valid_names(typed, stored):
    assert validate_full_name(typed) == stored


def test_name_is_stored_in_nfc():
    decomposed = unicodedata.normalize("NFD", "Phạm Thị Hường")
    assert decomposed != "Phạm Thị Hường"
    assert validate_full_name(decomposed) == "Phạm Thị Hường"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Nguyễn Văn 2", "name_digits"),
        ("Trần Thị ３", "name_digits"),
        ("Nguyễn\tVăn An", "name_control_chars"),
        ("Nguyễn\x00An", "name_control_chars"),
        ("Lê\u200bAn", "name_control_chars"),
        ("Nguyễn 😀", "name_chars"),
        ("Nguyễn_An", "name_chars"),
        ("<script>", "name_chars"),
        ("-An", "name_chars"),
        ("A", "name_length"),
        ("A" * 101, "name_length"),
        ("   ", "required"),
    ],
)
def test_refused_names(typed, code):
    assert _error(validate_full_name, typed).code == code


def test_name_digit_message():
    assert _error(validate_full_name, "An 123").messages == ["Họ và tên không được chứa chữ số."]


# --- Never anything but ValidationError ----------------------------------------------------------------


@given(st.text(max_size=40))
def test_normalise_phone_only_raises_validation_error(text):
    try:
        result = normalise_phone(text)
    except ValidationError:
        return
    assert result.startswith("+84") and len(result) == 12 and result[3:].isdigit()


@given(st.one_of(st.text(max_size=20), st.text(alphabet="0123456789 ", min_size=10, max_size=14)))
def test_validate_cccd_only_raises_validation_error(text):
    try:
        result = validate_cccd(text)
    except ValidationError:
        return
    assert len(result) == 12 and result.isdigit()


@given(st.text(max_size=30))
def test_other_validators_only_raise_validation_error(text):
    for validator in (validate_cmnd, validate_tax_code, validate_org_code, validate_full_name):
        with contextlib.suppress(ValidationError):
            validator(text)
