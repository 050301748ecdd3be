"""Finding 2 of issue 11: a self-declared ID number never blocks its real holder, who proves it (VNeID or the
counter) and displaces whoever typed it first; both are told, on their own verified contacts."""

import pytest

from dichvucong.accounts import identity_providers as idp
from dichvucong.accounts import verification
from dichvucong.accounts.backends import IdentifierBackend
from dichvucong.accounts.models import AuditEvent, ExternalIdentity, StaffRole, User
from dichvucong.accounts.tests.factories import PASSWORD, CitizenFactory, MembershipFactory
from dichvucong.notifications.models import Message
from dichvucong.notifications.rendering import strip_diacritics

pytestmark = pytest.mark.django_db
X = "038090012345"


def authenticate(*, username, password):
    return IdentifierBackend().authenticate(None, username=username, password=password)


@pytest.fixture
def squatter():
    """Someone who registered the owner's number with their own phone (proven) and an unconfirmed e-mail."""
    return CitizenFactory(
        id_number=X,
        full_name="Kẻ Chiếm Số",
        phone="+84987000001",
        email="chiem@example.vn",
        email_verified_at=None,
    )


@pytest.fixture
def owner(squatter):
    return CitizenFactory(
        id_number=X,
        username=verification.username_for_identity(id_number=X),
        full_name="Nguyễn Văn An",
        phone="+84912345678",
        email="an@example.vn",
        password="",
    )


@pytest.fixture
def counter():
    return MembershipFactory(role=StaffRole.RECEPTIONIST)


def _snapshot():
    return (
        sorted(User.objects.values_list("pk", "username", "id_type", "id_number", "identity_verified_at")),
        AuditEvent.objects.count(),
        Message.objects.count(),
        ExternalIdentity.objects.count(),
    )


def test_unverified_holders_share_a_number_and_each_signs_in_with_their_own_password(squatter, owner):
    owner.set_password("Chu-That#2026so")
    owner.save()

    assert owner.username == f"{X}.2" and squatter.username == X
    assert authenticate(username=X, password=PASSWORD) == squatter
    assert authenticate(username=X, password="Chu-That#2026so") == owner
    assert authenticate(username=X, password="sai-mat-khau") is None


def test_counter_check_verifies_the_owner_and_displaces_the_squatter_with_notices(squatter, owner, counter):
    displaced = verification.identity_verify_at_counter(
        staff=counter.user, user=owner, agency=counter.agency, id_number="0380 9001 2345", card_checked=True
    )

    owner.refresh_from_db()
    squatter.refresh_from_db()
    assert displaced == [squatter]
    assert owner.identity_verified_at is not None
    assert owner.identity_verified_by == "counter" and owner.identity_verified_actor == counter.user
    assert owner.username == X  # the proven holder signs in (and resets a password) with the bare number
    assert squatter.id_number == "" and squatter.id_type == ""
    assert squatter.username.startswith("taikhoan-")
    assert squatter.identity_verified_at is None

    verify = AuditEvent.objects.get(action="identity.verify")
    assert verify.target_user == owner and verify.actor == counter.user and verify.agency == counter.agency
    assert verify.changes["displaced"] == [squatter.pk]
    displace = AuditEvent.objects.get(action="identity.displace")
    assert displace.target_user == squatter and displace.changes["id_number"] == [X, ""]

    to_owner = Message.objects.filter(event="account.identity_verified")
    assert set(to_owner.values_list("user", "recipient")) == {
        (owner.pk, "+84912345678"),
        (owner.pk, "an@example.vn"),
    }
    to_squatter = Message.objects.filter(event="account.identity_displaced")
    # only the squatter's own verified phone: its e-mail address was never confirmed
    assert list(to_squatter.values_list("user", "recipient")) == [(squatter.pk, "+84987000001")]
    body = strip_diacritics(to_squatter.get().body)  # SMS may go without diacritics
    assert "go khoi" in body and "mot cua" in body and squatter.username in body and X not in body

    # the displaced account still signs in, with its new name; the number now reaches only the owner
    assert authenticate(username=squatter.username, password=PASSWORD) == squatter
    assert authenticate(username=X, password=PASSWORD) is None


def test_a_second_proof_of_the_number_for_another_account_is_refused_and_changes_nothing(
    squatter, owner, counter
):
    verification.identity_verify_at_counter(
        staff=counter.user, user=owner, agency=counter.agency, id_number=X, card_checked=True
    )
    latecomer = CitizenFactory(id_number=X, username="nguoi-den-sau", phone="+84987000002")
    before = _snapshot()

    with pytest.raises(verification.IdentityError) as refused:
        verification.identity_verify(user=latecomer, method="counter", id_type="cccd", id_number=X)

    assert refused.value.code == "taken"
    assert _snapshot() == before


def test_proving_again_what_is_proven_changes_nothing(squatter, counter):
    verification.identity_verify_at_counter(
        staff=counter.user, user=squatter, agency=counter.agency, id_number=X, card_checked=True
    )
    before = _snapshot()

    assert verification.identity_verify(user=squatter, method="vneid", id_type="cccd", id_number=X) == []
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("role", "typed", "checked", "code"),
    [
        (StaffRole.SPECIALIST, X, True, "forbidden"),
        (StaffRole.RECEPTIONIST, X, False, "unconfirmed"),
        (StaffRole.RECEPTIONIST, "001099012345", True, "mismatch"),
    ],
)
def test_counter_check_is_refused_without_role_confirmation_or_matching_card(
    squatter, owner, role, typed, checked, code
):
    membership = MembershipFactory(role=role)
    before = _snapshot()

    with pytest.raises(verification.IdentityError) as refused:
        verification.identity_verify_at_counter(
            staff=membership.user, user=owner, agency=membership.agency, id_number=typed, card_checked=checked
        )

    assert refused.value.code == code
    assert _snapshot() == before


def test_counter_check_at_another_agency_is_refused(squatter, owner, counter):
    elsewhere = MembershipFactory(role=StaffRole.RECEPTIONIST)
    before = _snapshot()

    with pytest.raises(verification.IdentityError):
        verification.identity_verify_at_counter(
            staff=counter.user, user=owner, agency=elsewhere.agency, id_number=X, card_checked=True
        )

    assert _snapshot() == before


# --- VNeID (external identity provider) ------------------------------------------------------------------


def _claims(number=X):
    return idp.get("demo").claims_from_callback(code=number, redirect_uri="http://127.0.0.1/cb", nonce="n")


def test_e_id_sign_in_never_links_to_an_unverified_account_with_the_number(squatter, owner):
    user = idp.external_identity_sign_in(provider="demo", claims=_claims())

    assert user not in (squatter, owner)
    assert user.id_number == X and user.identity_verified_by == "vneid" and user.username == X
    assert not user.has_usable_password()
    assert ExternalIdentity.objects.get().user == user
    squatter.refresh_from_db()
    owner.refresh_from_db()
    assert squatter.id_number == owner.id_number == ""
    assert set(
        AuditEvent.objects.filter(action="identity.displace").values_list("target_user", flat=True)
    ) == {squatter.pk, owner.pk}
    assert set(Message.objects.filter(event="account.identity_displaced").values_list("user", flat=True)) == {
        squatter.pk,
        owner.pk,
    }
    # the next sign-in finds the same account by its link
    assert idp.external_identity_sign_in(provider="demo", claims=_claims()) == user
    assert User.objects.filter(id_number=X).count() == 1


def test_e_id_sign_in_links_the_verified_owner(squatter, owner, counter):
    verification.identity_verify_at_counter(
        staff=counter.user, user=owner, agency=counter.agency, id_number=X, card_checked=True
    )
    users = User.objects.count()

    assert idp.external_identity_sign_in(provider="demo", claims=_claims()) == owner
    assert ExternalIdentity.objects.get().user == owner
    assert User.objects.count() == users


def test_signed_in_owner_claims_the_number_with_the_e_id_and_the_squatter_loses_it(squatter, owner):
    displaced = idp.external_identity_claim(user=owner, provider="demo", claims=_claims())

    owner.refresh_from_db()
    squatter.refresh_from_db()
    assert displaced == [squatter]
    assert owner.identity_verified_by == "vneid" and owner.username == X
    assert squatter.id_number == ""
    assert ExternalIdentity.objects.get().user == owner
    assert Message.objects.filter(event="account.identity_displaced", user=squatter).exists()
    assert Message.objects.filter(event="account.identity_verified", user=owner).exists()


def test_claim_with_another_number_or_an_identity_linked_elsewhere_is_refused(squatter, owner):
    before = _snapshot()
    with pytest.raises(verification.IdentityError) as refused:
        idp.external_identity_claim(user=owner, provider="demo", claims=_claims("001099012345"))
    assert refused.value.code == "mismatch"
    assert _snapshot() == before

    idp.external_identity_claim(user=owner, provider="demo", claims=_claims())
    before = _snapshot()
    latecomer = CitizenFactory(id_number=X, username="nguoi-den-sau", phone="+84987000003")
    with pytest.raises(verification.IdentityError):
        idp.external_identity_claim(user=latecomer, provider="demo", claims=_claims())
    assert ExternalIdentity.objects.get().user == owner
    assert AuditEvent.objects.count() == before[1] and Message.objects.count() == before[2]


def test_a_link_made_by_number_before_numbers_were_proven_is_dropped_not_trusted(squatter):
    ExternalIdentity.objects.create(user=squatter, provider="demo", subject=f"demo-{X}")  # the old behaviour

    user = idp.external_identity_sign_in(provider="demo", claims=_claims())

    squatter.refresh_from_db()
    assert user != squatter and user.identity_verified_by == "vneid"
    assert squatter.id_number == "" and ExternalIdentity.objects.get().user == user


def test_linking_claims_with_a_number_the_account_did_not_prove_is_refused(squatter):
    with pytest.raises(ValueError):
        idp.external_identity_link(user=squatter, provider="demo", claims=_claims())

    assert not ExternalIdentity.objects.exists()


# --- the registry --------------------------------------------------------------------------------------


def test_registry_follows_the_setting_and_refuses_the_demo_provider_outside_demo_mode(settings):
    settings.DVC_IDENTITY_PROVIDERS = ""
    assert idp.names() == []
    with pytest.raises(LookupError):
        idp.get("demo")

    settings.DVC_IDENTITY_PROVIDERS = "demo"
    assert idp.names() == ["demo"]

    settings.DVC_DEMO_MODE = False
    assert idp.names() == []
    with pytest.raises(LookupError):
        idp.get("demo")
    with pytest.raises(LookupError):
        idp.external_identity_sign_in(provider="demo", claims=_claims())


def test_default_providers_depend_on_demo_mode(settings, monkeypatch):
    monkeypatch.delenv("DVC_IDENTITY_PROVIDERS", raising=False)
    if hasattr(settings, "DVC_IDENTITY_PROVIDERS"):
        del settings.DVC_IDENTITY_PROVIDERS
    settings.DVC_DEMO_MODE = True
    assert idp.enabled_names() == ["demo"]
    settings.DVC_DEMO_MODE = False
    assert idp.enabled_names() == []


def test_a_record_about_a_number_goes_to_its_proven_holder_never_to_one_of_several_declarers(
    squatter, counter
):
    assert verification.identity_account_for_number(id_number=X) == squatter  # the only one: as before

    owner = CitizenFactory(id_number=X, username=f"{X}.2", phone="+84987000004")
    assert verification.identity_account_for_number(id_number=X) is None  # which of the two is the person?

    verification.identity_verify_at_counter(
        staff=counter.user, user=owner, agency=counter.agency, id_number=X, card_checked=True
    )
    assert verification.identity_account_for_number(id_number=X) == owner
    assert verification.identity_account_for_number(id_number="") is None
