import pytest
from django.utils import timezone

from dichvucong.accounts import identity_providers as idp
from dichvucong.accounts.models import ExternalIdentity, User
from dichvucong.accounts.tests.conftest import CCCD

pytestmark = pytest.mark.django_db


def test_demo_provider_is_registered_and_unknown_names_are_refused():
    assert "demo" in idp.names()
    with pytest.raises(LookupError):
        idp.get("vneid")


def test_sign_in_links_the_verified_holder_by_id_number_then_by_subject(citizen):
    User.objects.filter(pk=citizen.pk).update(
        identity_verified_at=timezone.now(), identity_verified_by="counter"
    )
    provider = idp.get("demo")
    claims = provider.claims_from_callback(code=CCCD, redirect_uri="http://127.0.0.1/cb", nonce="n")

    first = idp.external_identity_sign_in(provider="demo", claims=claims)
    second = idp.external_identity_sign_in(provider="demo", claims=claims)

    assert first == second == citizen
    assert ExternalIdentity.objects.get().subject == f"demo-{CCCD}"


def test_a_person_without_an_account_gets_a_verified_one(db):
    claims = idp.Claims(subject="demo-001099012345", id_number="001099012345", full_name="Trần Thị Bình")

    user = idp.external_identity_sign_in(provider="demo", claims=claims)

    assert user.username == user.id_number == "001099012345" and user.full_name == "Trần Thị Bình"
    assert user.identity_verified_by == "vneid" and not user.has_usable_password()
    assert ExternalIdentity.objects.get().user == user


def test_claims_without_an_id_number_and_no_link_give_no_account(db):
    assert idp.external_identity_sign_in(provider="demo", claims=idp.Claims(subject="demo-x")) is None
    assert not User.objects.exists() and not ExternalIdentity.objects.exists()


def test_an_identity_cannot_be_linked_to_two_accounts(citizen, django_user_model):
    other = django_user_model.objects.create_user(
        username="001099012345", password="x", full_name="Người khác"
    )
    claims = idp.Claims(subject="demo-x")
    idp.external_identity_link(user=citizen, provider="demo", claims=claims)

    with pytest.raises(ValueError):
        idp.external_identity_link(user=other, provider="demo", claims=claims)

    assert ExternalIdentity.objects.get().user == citizen
