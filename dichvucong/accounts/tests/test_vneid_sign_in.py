"""Sign-in with VNeID against a real OpenID Connect provider process (oidc_peer): the account it creates or
links, the person proving an existing account with its password, and every refused callback changing
nothing. The browser walk of the same flow is test_browser_vneid.py."""

from __future__ import annotations

import html
import http.client
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from dichvucong.accounts import identity_providers, oidc, verification
from dichvucong.accounts.models import AuditEvent, ExternalIdentity, LoginEvent, User
from dichvucong.accounts.tests.conftest import PASSWORD
from dichvucong.accounts.tests.oidc_peer import CITIZEN, SUBJECT, OidcPeer, free_port

pytestmark = pytest.mark.django_db

NUMBER = CITIZEN["SoDinhDanh"]


def provider_answer(url: str, sub: str, **replace) -> str:
    """Submit the provider's sign-in form for ``sub`` (optionally with rewritten query parameters); return
    the callback URL it redirects to."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(replace)
    target = urlunsplit(("", "", parts.path, urlencode(query), ""))
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request(
        "POST",
        target,
        body=urlencode({"sub": sub}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    assert response.status == 302, response.read()[:300]
    return response.getheader("Location")


def handed_to(response) -> str:
    """The provider URL our hand-off page sends the browser to."""
    assert response.status_code == 200
    return html.unescape(re.search(r'id="tiep-tuc" href="([^"]+)"', response.content.decode()).group(1))


def sign_in(client, sub: str = SUBJECT, **replace):
    start = client.post("/dang-nhap/vneid/")
    callback = urlsplit(provider_answer(handed_to(start), sub, **replace))
    return client.get(f"{callback.path}?{callback.query}")


def test_first_sign_in_creates_a_proven_account_from_the_claims(client, vneid):
    response = sign_in(client)

    assert response.status_code == 302
    user = User.objects.get(id_number=NUMBER)
    assert (user.full_name, user.kind, user.id_type, user.username) == (
        "Nguyễn Văn An",
        "citizen",
        "cccd",
        NUMBER,
    )
    assert user.identity_verified_by == User.IdentityProof.VNEID
    assert str(user.date_of_birth) == "1990-05-15" and user.gender == "male"
    assert user.phone == "+84912345678" and user.phone_verified_at is not None
    assert user.email == "an.vneid@example.vn" and user.email_verified_at is not None
    assert ExternalIdentity.objects.get(provider="vneid", subject=SUBJECT).user == user
    assert LoginEvent.objects.filter(user=user, method="vneid", outcome="success").exists()
    assert int(client.session["_auth_user_id"]) == user.pk


def test_second_sign_in_uses_the_same_account(client, vneid):
    sign_in(client)
    client.logout()
    sign_in(client)
    assert User.objects.filter(id_number=NUMBER).count() == 1


def test_an_unverified_account_with_the_number_is_linked_after_its_password(client, vneid, citizen):
    response = sign_in(client)
    assert response["Location"] == "/dang-nhap/vneid/lien-ket/"

    wrong = client.post("/dang-nhap/vneid/lien-ket/", {"action": "link", "password": "sai-mat-khau"})
    assert "Mật khẩu không đúng" in wrong.content.decode()
    citizen.refresh_from_db()
    assert citizen.identity_verified_at is None and not ExternalIdentity.objects.exists()
    assert "_auth_user_id" not in client.session

    right = client.post("/dang-nhap/vneid/lien-ket/", {"action": "link", "password": PASSWORD})
    assert right.status_code == 302
    citizen.refresh_from_db()
    assert citizen.identity_verified_by == User.IdentityProof.VNEID
    assert citizen.email == "an.vneid@example.vn"  # the provider's address replaces the typed one
    assert ExternalIdentity.objects.get(subject=SUBJECT).user == citizen
    assert int(client.session["_auth_user_id"]) == citizen.pk
    assert User.objects.filter(id_number=NUMBER).count() == 1


def test_choosing_a_new_account_displaces_the_unverified_registration(client, vneid, citizen):
    sign_in(client)
    response = client.post("/dang-nhap/vneid/lien-ket/", {"action": "new"})

    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.id_number == "" and citizen.username != NUMBER
    new = User.objects.get(id_number=NUMBER)
    assert new.pk != citizen.pk and new.identity_verified_by == "vneid"
    assert AuditEvent.objects.filter(action="identity.displace", target_user=citizen).exists()


def _nothing_changed(client):
    assert not User.objects.exists()
    assert not ExternalIdentity.objects.exists()
    assert "_auth_user_id" not in client.session


def test_wrong_state_is_refused(client, vneid):
    response = sign_in(client, state="khong-phai-state")
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()
    _nothing_changed(client)


def test_wrong_nonce_is_refused(client, vneid):
    response = sign_in(client, nonce="nonce-cua-nguoi-khac")
    assert response.status_code == 400
    _nothing_changed(client)


def test_replayed_callback_is_refused(client, vneid):
    start = client.post("/dang-nhap/vneid/")
    callback = urlsplit(provider_answer(handed_to(start), SUBJECT))
    assert client.get(f"{callback.path}?{callback.query}").status_code == 302
    client.logout()
    replay = client.get(f"{callback.path}?{callback.query}")
    assert replay.status_code == 400
    assert "_auth_user_id" not in client.session


def test_unknown_issuer_is_refused(client, vneid, settings):
    settings.DVC_VNEID_ISSUER = "https://sso.vneid.gov.vn"
    response = sign_in(client)
    assert response.status_code == 400
    _nothing_changed(client)


def test_expired_id_token_is_refused(client, vneid, settings):
    peer = OidcPeer.start(token_max_age=-600)
    try:
        settings.DVC_VNEID_DISCOVERY_URL = peer.discovery_url
        peer.set_user(SUBJECT, CITIZEN)
        response = sign_in(client)
    finally:
        peer.stop()
    assert response.status_code == 400
    _nothing_changed(client)


def test_a_number_contradicting_the_birth_date_is_refused(client, vneid):
    vneid.set_user("vneid-mau-thuan", {**CITIZEN, "NgayThangNamSinh": "1985-05-15"})
    response = sign_in(client, sub="vneid-mau-thuan")
    assert response.status_code == 400
    assert "không nhất quán" in response.content.decode()
    _nothing_changed(client)


def test_provider_down_gives_a_clear_page(client, vneid, settings):
    settings.DVC_VNEID_DISCOVERY_URL = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    response = client.post("/dang-nhap/vneid/")
    assert response.status_code == 503
    assert "VNeID đang không phản hồi" in response.content.decode()
    _nothing_changed(client)


def test_a_provider_that_answered_before_and_is_down_now_gives_the_same_clear_page(client, vneid, settings):
    from dichvucong.accounts.tests.oidc_peer import OidcPeer

    peer = OidcPeer.start()
    settings.DVC_VNEID_DISCOVERY_URL = peer.discovery_url
    assert client.post("/dang-nhap/vneid/").status_code == 200  # the hand-over page (discovery now cached)
    peer.stop()

    response = client.post("/dang-nhap/vneid/")

    assert response.status_code == 503
    assert "VNeID đang không phản hồi" in response.content.decode()


def test_refused_callbacks_count_towards_the_address_limit(client, vneid, settings):
    settings.DVC_LOGIN_FAILURES_PER_IP_WINDOW = 2
    sign_in(client, state="x")
    sign_in(client, state="y")
    response = client.post("/dang-nhap/vneid/")
    assert response.status_code == 429


def test_log_out_ends_the_provider_session(client, vneid):
    sign_in(client)
    target = handed_to(client.post("/dang-xuat/"))
    assert target.startswith(vneid.url + "/oauth2/end_session?")
    assert "id_token_hint=" in target
    assert "_auth_user_id" not in client.session


def test_vneid_fields_are_marked_verified_and_the_email_is_not_editable(client, vneid):
    sign_in(client)
    profile = client.get("/ca-nhan/").content.decode()
    assert profile.count("đã xác minh qua VNeID") == 4  # name, birth date, phone, e-mail
    client.post("/ca-nhan/sua/", {"email": "khac@example.vn", "address": "1 Lê Lợi"})
    user = User.objects.get(id_number=NUMBER)
    assert user.email == "an.vneid@example.vn" and user.address == "1 Lê Lợi"


def test_business_claims_make_a_business_account():
    claims = oidc.claims_from_national(
        {
            "sub": "dn-1",
            "LoaiTaiKhoan": "2",
            "SoDinhDanh": NUMBER,
            "HoVaTen": "Nguyễn Văn An",
            "NgayThangNamSinh": "1990-05-15",
            "MaSoDoanhNghiep": "0100109106",
            "TenDoanhNghiep": "Công ty A",
        }
    )
    assert (claims.kind, claims.id_type, claims.id_number, claims.full_name) == (
        "business",
        "tax_code",
        "0100109106",
        "Công ty A",
    )


def test_unknown_account_type_is_refused():
    with pytest.raises(verification.IdentityError):
        oidc.claims_from_national({"sub": "x", "LoaiTaiKhoan": "9", "SoDinhDanh": NUMBER})


def test_pkce_challenge_is_the_s256_of_the_verifier():
    import base64
    import hashlib

    verifier, challenge = oidc.pkce_pair()
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == expected and 43 <= len(verifier) <= 128


def test_production_refuses_a_plain_http_provider(settings):
    from dichvucong.core import startup

    settings.DVC_DEMO_MODE = False
    settings.DVC_IDENTITY_PROVIDERS = "vneid"
    settings.DVC_VNEID_DISCOVERY_URL = "http://127.0.0.1:9400/.well-known/openid-configuration"
    assert any("DVC_VNEID_DISCOVERY_URL" in reason for reason in startup.demo_providers_configured())
    settings.DVC_VNEID_DISCOVERY_URL = "https://sso.vneid.gov.vn/.well-known/openid-configuration"
    assert not any("DVC_VNEID_DISCOVERY_URL" in r for r in startup.demo_providers_configured())


def test_vneid_is_offered_only_when_configured(settings):
    settings.DVC_IDENTITY_PROVIDERS = "vneid"
    settings.DVC_VNEID_DISCOVERY_URL = ""
    assert identity_providers.sign_in_names() == []


def test_the_api_refuses_to_change_an_email_from_vneid(client, vneid):
    sign_in(client)  # the API also accepts the signed-in session
    response = client.patch("/api/v1/me", {"email": "khac@example.vn"}, content_type="application/json")
    assert response.status_code == 422
    assert "VNeID" in response.json()["errors"]["email"][0]
    assert User.objects.get(id_number=NUMBER).email == "an.vneid@example.vn"


def test_a_signed_in_citizen_proves_their_number_with_vneid(client, vneid, citizen):
    client.force_login(citizen)
    start = client.post("/ca-nhan/xac-minh-danh-tinh/")
    callback = urlsplit(provider_answer(handed_to(start), SUBJECT))
    response = client.get(f"{callback.path}?{callback.query}")

    assert response["Location"] == "/ca-nhan/"
    citizen.refresh_from_db()
    assert citizen.identity_verified_by == User.IdentityProof.VNEID
    assert ExternalIdentity.objects.get(provider="vneid", subject=SUBJECT).user == citizen


def test_a_tampered_id_token_is_refused(client, vneid):
    import base64
    import json

    sign_in(client)
    token = client.session["accounts:vneid_session"]["id_token"]
    provider = identity_providers.get("vneid")
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    nonce = claims["nonce"]
    assert (
        provider.id_token_claims(id_token=token, nonce=nonce)["SoDinhDanh"] == NUMBER
    )  # the real one passes
    claims["SoDinhDanh"] = "001099012345"  # someone else's number, signature kept
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(verification.IdentityError):
        provider.id_token_claims(id_token=f"{header}.{forged}.{signature}", nonce=nonce)
    with pytest.raises(verification.IdentityError):  # no signature at all
        provider.id_token_claims(
            id_token=f"eyJhbGciOiJub25lIn0.{payload}.",
            nonce=nonce,  # header {"alg":"none"}
        )
