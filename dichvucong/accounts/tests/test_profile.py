import pytest
from django.urls import reverse

from dichvucong.agencies.models import AdministrativeUnit
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture
def units(db):
    province = AdministrativeUnit.objects.create(
        code="38", name="Tỉnh Thanh Hóa", short_name="Thanh Hóa", unit_type="Tỉnh", level="province"
    )
    other = AdministrativeUnit.objects.create(
        code="01", name="Thành phố Hà Nội", short_name="Hà Nội", unit_type="Thành phố", level="province"
    )
    commune = AdministrativeUnit.objects.create(
        code="14797",
        name="Phường Hạc Thành",
        short_name="Hạc Thành",
        unit_type="Phường",
        level="commune",
        parent=province,
    )
    hanoi_ward = AdministrativeUnit.objects.create(
        code="00097",
        name="Phường Hồng Hà",
        short_name="Hồng Hà",
        unit_type="Phường",
        level="commune",
        parent=other,
    )
    return province, commune, hanoi_ward


def test_profile_edit_saves_address_preferences_and_reconfirms_a_new_email(signed_in, citizen, units):
    province, commune, _ = units

    response = signed_in.post(
        reverse("accounts:profile_edit"),
        {
            "email": "an.moi@example.vn",
            "province": "38",
            "commune": "14797",
            "address": "12 Lê Lợi",
            "notify_sms": "on",
            "notify_zalo": "on",
        },
    )

    citizen.refresh_from_db()
    assert response.status_code == 302
    assert citizen.commune == commune and citizen.address == "12 Lê Lợi"
    assert citizen.notify_sms and citizen.notify_zalo and not citizen.notify_email
    assert citizen.email == "an.moi@example.vn" and citizen.email_verified_at is None
    assert Message.objects.filter(event="account.email_confirm", recipient="an.moi@example.vn").exists()
    page = signed_in.get(reverse("accounts:profile")).content.decode()
    assert "Phường Hạc Thành, Tỉnh Thanh Hóa" in page


def test_commune_of_another_province_is_refused_and_nothing_changes(signed_in, citizen, units):
    response = signed_in.post(
        reverse("accounts:profile_edit"),
        {
            "email": citizen.email,
            "province": "38",
            "commune": "00097",
            "address": "Số 5",
        },
    )

    citizen.refresh_from_db()
    assert response.status_code == 200 and "Có lỗi cần sửa" in response.content.decode()
    assert 'value="Số 5"' in response.content.decode()
    assert citizen.commune is None and citizen.address == ""


def test_province_choice_refreshes_the_commune_list_without_javascript(signed_in, units):
    response = signed_in.post(reverse("accounts:profile_edit"), {"province": "38", "refresh": "1"})

    html = response.content.decode()
    assert "Phường Hạc Thành" in html and "Phường Hồng Hà" not in html
    assert "Có lỗi cần sửa" not in html


def test_personal_pages_need_sign_in(client):
    for name in ("accounts:profile", "accounts:profile_edit", "accounts:security", "accounts:login_history"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_login_history_lists_the_person_own_events_only(signed_in, citizen, django_user_model):
    from dichvucong.accounts.services import login_event_record

    other = django_user_model.objects.create_user(
        username="001099012345", password="x", full_name="Người khác"
    )
    login_event_record(user=citizen, outcome="success", method="password")
    login_event_record(user=other, outcome="wrong_password", method="password")

    html = signed_in.get(reverse("accounts:login_history")).content.decode()

    assert "Thành công" in html and "Sai mật khẩu" not in html
