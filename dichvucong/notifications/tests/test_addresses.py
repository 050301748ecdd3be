import pytest

from dichvucong.notifications.addresses import (
    normalise_email,
    normalise_phone,
    phone_international,
    phone_national,
)


@pytest.mark.parametrize("raw", ["0912345678", "0912 345 678", "+84912345678", "84912345678", "091-234-5678"])
def test_phones_are_stored_in_plus84_form(raw):
    assert normalise_phone(raw) == "+84912345678"
    assert phone_international(raw) == "84912345678"
    assert phone_national(raw) == "0912345678"


@pytest.mark.parametrize("raw", ["", "12345", "0212345678", "+1 415 555 0100", "09123456789", "abc"])
def test_non_mobile_numbers_are_refused(raw):
    with pytest.raises(ValueError):
        normalise_phone(raw)


def test_email_domain_is_lower_cased_and_bad_addresses_refused():
    assert normalise_email("  Nguyen.An@Example.VN ") == "Nguyen.An@example.vn"
    with pytest.raises(ValueError):
        normalise_email("not-an-address")
