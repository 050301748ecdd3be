"""Password rules: complexity, personal data, common passwords; Vietnamese messages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.password_validation import get_password_validators, validate_password
from django.core.exceptions import ValidationError

from dichvucong.accounts.passwords import (
    ComplexityValidator,
    PersonalDataValidator,
    VietnameseCommonPasswordValidator,
    password_errors,
)

HOLDER = SimpleNamespace(
    id_number="001099012345",
    full_name="Nguyễn Văn Bình",
    phone="+84912345678",
    email="hoa.tran88@example.vn",
)


def _codes(validator, password, user=None) -> set[str]:
    try:
        validator.validate(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


# --- Complexity ----------------------------------------------------------------------------------------


def test_complexity_accepts_a_good_password():
    assert _codes(ComplexityValidator(), "Xe-dap#Dong9") == set()
    assert _codes(ComplexityValidator(), "ĐỎ-xanh 7") == set()  # Đ and Ỏ are upper case, the space is allowed


@pytest.mark.parametrize(
    ("password", "code", "message"),
    [
        ("Ab1!x", "password_too_short", "Mật khẩu phải có ít nhất 8 ký tự."),
        ("abcdef1!", "password_no_upper", "Mật khẩu phải có ít nhất một chữ in hoa."),
        ("ABCDEF1!", "password_no_lower", "Mật khẩu phải có ít nhất một chữ thường."),
        ("Abcdefg!", "password_no_digit", "Mật khẩu phải có ít nhất một chữ số."),
        ("Abcdefg1", "password_no_special", "Mật khẩu phải có ít nhất một ký tự đặc biệt (ví dụ ! @ # $)."),
    ],
)
def test_each_complexity_rule(password, code, message):
    with pytest.raises(ValidationError) as caught:
        ComplexityValidator().validate(password)
    assert [e.code for e in caught.value.error_list] == [code]
    assert caught.value.messages == [message]


def test_complexity_reports_every_missing_rule_at_once():
    assert _codes(ComplexityValidator(), "abc") == {
        "password_too_short",
        "password_no_upper",
        "password_no_digit",
        "password_no_special",
    }


def test_complexity_help_text_is_vietnamese():
    assert ComplexityValidator(min_length=10).get_help_text().startswith("Mật khẩu cần ít nhất 10 ký tự")


# --- Personal data -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Xx@001099012345", "password_contains_id_number"),
        ("Xx@012345!", "password_contains_id_number"),  # last 6 digits
        ("Xx@01-23-45!", "password_contains_id_number"),  # separators do not hide it
        ("Ab@0912345678", "password_contains_phone"),
        ("Ab@+84912345678", "password_contains_phone"),
        ("Ab@345678x", "password_contains_phone"),
        ("Hoatran88!X", "password_contains_email"),
        ("x!HOA.TRAN88", "password_contains_email"),
        ("Binh@2024x", "password_contains_name"),
        ("BÌNH@2024x", "password_contains_name"),
        ("xx@NGUYỄN9", "password_contains_name"),
        ("xx@nguyen9", "password_contains_name"),
        ("Xx9@ng-uy-en", "password_contains_name"),
        ("Van@2024xx", "password_contains_name"),  # "Văn" has 3 letters
    ],
)
def test_personal_data_rule(password, code):
    assert code in _codes(PersonalDataValidator(), password, HOLDER)


def test_personal_data_messages_are_vietnamese():
    with pytest.raises(ValidationError) as caught:
        PersonalDataValidator().validate("Binh@012345!", HOLDER)
    assert set(caught.value.messages) == {
        "Mật khẩu không được chứa số giấy tờ tùy thân (hoặc các số cuối của nó).",
        "Mật khẩu không được chứa họ, tên đệm hoặc tên của bạn.",
    }


def test_personal_data_ignores_short_name_words_and_unrelated_passwords():
    holder = SimpleNamespace(id_number="", full_name="Lê Thị An", phone="", email="an@x.vn")
    assert _codes(PersonalDataValidator(), "An@Le-2024!", holder) == set()  # Lê, An: under 3 letters
    assert _codes(PersonalDataValidator(), "Thi@2024!x", holder) == {"password_contains_name"}
    assert _codes(PersonalDataValidator(), "Xe-dap#Dong9", HOLDER) == set()


def test_personal_data_without_user_checks_nothing():
    assert _codes(PersonalDataValidator(), "Binh@012345") == set()


# --- Common passwords ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "matkhau",
        "Matkhau@123",
        "MatKhau@2024",
        "MẬT KHẨU",
        "anhyeuem",
        "Anhyeuem99",
        "123456a@",
        "Abc@12345",
        "Vietnam@123",
        "Hanoi@123",
        "Hanoi@123!",
        "HANOI2024",
        "Saigon@2025",
    ],
)
def test_vietnamese_common_passwords(password):
    with pytest.raises(ValidationError) as caught:
        VietnameseCommonPasswordValidator().validate(password)
    assert caught.value.code == "password_too_common_vn"
    assert caught.value.messages == ["Mật khẩu này quá phổ biến, dễ bị đoán; vui lòng chọn mật khẩu khác."]


@pytest.mark.parametrize("password", ["Xe-dap#Dong9", "Hanoi-pho-co#7x", "Matkhaumoi@1"])
def test_uncommon_passwords_pass(password):
    VietnameseCommonPasswordValidator().validate(password)


# --- Forms before a User exists, and settings ----------------------------------------------------------


def test_password_errors_for_a_good_password():
    assert password_errors("Xe-dap#Dong9", id_number="001099012345", full_name="Nguyễn Văn Bình") == []


def test_password_errors_runs_every_rule():
    messages = password_errors(
        "Binh@012345",
        id_number="001099012345",
        full_name="Nguyễn Văn Bình",
        phone="+84912345678",
        email="hoa@example.vn",
    )
    assert "Mật khẩu phải có ít nhất một chữ thường." not in messages
    assert "Mật khẩu không được chứa số giấy tờ tùy thân (hoặc các số cuối của nó)." in messages
    assert "Mật khẩu không được chứa họ, tên đệm hoặc tên của bạn." in messages


def test_password_errors_includes_both_common_lists():
    django_common = password_errors("password")
    assert "Mật khẩu phải có ít nhất một chữ in hoa." in django_common
    assert len(django_common) > 3  # complexity rules plus Django's "too common"
    vietnamese = password_errors("Matkhau@123")
    assert vietnamese == ["Mật khẩu này quá phổ biến, dễ bị đoán; vui lòng chọn mật khẩu khác."]
    assert len(messages := password_errors("")) == len(set(messages))


def test_validators_load_from_settings_style_config():
    validators = get_password_validators(
        [
            {"NAME": "dichvucong.accounts.passwords.ComplexityValidator"},
            {"NAME": "dichvucong.accounts.passwords.PersonalDataValidator"},
            {"NAME": "dichvucong.accounts.passwords.VietnameseCommonPasswordValidator"},
        ]
    )
    validate_password("Xe-dap#Dong9", HOLDER, password_validators=validators)
    with pytest.raises(ValidationError):
        validate_password("Binh@2024x!", HOLDER, password_validators=validators)
    assert all(validator.get_help_text() for validator in validators)
