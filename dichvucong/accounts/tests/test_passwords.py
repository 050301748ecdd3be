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


NAME_MESSAGE = (
    "Mật khẩu chứa {words} trong họ tên của bạn (so sánh không dấu, không phân biệt hoa thường); "
    "hãy bỏ phần này khỏi mật khẩu."
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
        NAME_MESSAGE.format(words="“Bình”"),
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
    assert NAME_MESSAGE.format(words="“Bình”") in messages


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


# --- Defect 10: whole words of the name, not syllables inside other words ---------------------------------


@pytest.mark.parametrize(
    ("full_name", "password"),
    [
        ("Nguyễn Văn Bình", "Vang@2024x"),  # "vang" holds "van" but is another word
        ("Nguyễn Văn Bình", "Vàng#Bạc2024"),
        ("Nguyễn Văn Bình", "binhminh@9X"),  # "bình minh" written as one word is not the name
        ("Nguyễn Văn An", "Vanguard#2024"),
        ("Lê Văn Hoà", "Hoang#Long2024"),  # "hoang" holds "hoa"
        ("Trần Thị Thu", "Thuong@Nho9"),  # "thuong" holds "thu"
        ("Phạm Minh Tú", "Tuan#Anh2024x"),
    ],
)
def test_a_syllable_of_the_name_inside_another_word_is_allowed(full_name, password):
    assert password_errors(password, full_name=full_name) == []


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("Van@2024xx", "“Văn”"),
        ("vAN#2024xx", "“Văn”"),
        ("xx@NGUYỄN9", "“Nguyễn”"),
        ("Xx9@ng-uy-en", "“Nguyễn”"),  # punctuation inside the word does not hide it
        ("VanBinh#2024", "“Văn”, “Bình”"),  # words told apart by their capitals
        ("nguyenvanbinh!9X", "“Nguyễn”, “Văn”, “Bình”"),  # the full name run together
        ("Yeu#Binh2024", "“Bình”"),
    ],
)
def test_a_whole_word_of_the_name_is_refused_and_the_message_names_it(password, words):
    assert password_errors(password, full_name="Nguyễn Văn Bình") == [NAME_MESSAGE.format(words=words)]


def test_registration_accepts_vang_for_a_person_named_van(client, db):
    from django.urls import reverse

    from dichvucong.accounts.tests.test_registration import register_form

    refused = register_form(client, password1="Nguyen#Vang2024", password2="Nguyen#Vang2024")
    assert refused.status_code == 200
    assert NAME_MESSAGE.format(words="“Nguyễn”") in refused.content.decode()

    accepted = register_form(client, password1="Mua#Vang2024", password2="Mua#Vang2024")
    assert accepted.status_code == 302 and accepted["Location"] == reverse("accounts:register_verify")
