"""Sign-in with VNeID walked in a real browser against a real OpenID Connect provider process on loopback
(oidc-provider-mock, started by oidc_peer): the person clicks "Đăng nhập bằng VNeID", signs in on the
provider's page, and comes back signed in; every tampered or failed answer ends on a clear page with nothing
changed; with the provider down the password sign-in still works."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from dichvucong.accounts.models import ExternalIdentity, User
from dichvucong.accounts.tests.conftest import CCCD, PASSWORD, latest_code
from dichvucong.accounts.tests.oidc_peer import CITIZEN, SUBJECT, OidcPeer, free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click_vneid(page, url: str) -> None:
    page.goto(url + "/dang-nhap/")
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()


def at_provider_sign_in(page, sub: str, **rewrite) -> None:
    """On the provider's page (optionally after rewriting the authorization request), sign in as ``sub``."""
    page.wait_for_url("**/oauth2/authorize?**")
    if rewrite:
        parts = urlsplit(page.url)
        query = {**dict(parse_qsl(parts.query)), **rewrite}
        page.goto(urlunsplit(parts._replace(query=urlencode(query))))
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def nothing_changed() -> None:
    assert not User.objects.exists()
    assert not ExternalIdentity.objects.exists()


def test_sign_in_with_vneid_creates_the_account_and_log_out_ends_both_sessions(
    live_server, browser_page, vneid
):
    page, url = browser_page, live_server.url
    click_vneid(page, url)
    at_provider_sign_in(page, SUBJECT)

    page.wait_for_url("**/ca-nhan/")
    content = page.content()
    assert "Đã đăng nhập bằng tài khoản định danh điện tử VNeID" in content
    assert "Nguyễn Văn An" in content and "15/05/1990" in content
    assert "Đã xác minh qua VNeID" in content
    user = User.objects.get(id_number=CITIZEN["SoDinhDanh"])
    assert user.identity_verified_by == "vneid" and user.phone == "+84912345678"

    page.get_by_role("link", name="Sửa thông tin").click()
    assert page.get_by_role("textbox", name="Thư điện tử").is_disabled()

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{vneid.url}/oauth2/end_session?**")  # the provider's own session ends too
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(url + "/")
    page.goto(url + "/ca-nhan/")
    assert "/dang-nhap/" in page.url  # signed out here as well


@pytest.mark.parametrize(
    ("rewrite", "expected"),
    [
        ({"state": "state-gia-mao"}, "Phiên đăng nhập bằng VNeID đã hết hạn hoặc không hợp lệ"),
        ({"nonce": "nonce-cua-phien-khac"}, "Không xác nhận được kết quả đăng nhập từ VNeID"),
    ],
    ids=["wrong-state", "wrong-nonce"],
)
def test_tampered_answer_is_refused(live_server, browser_page, vneid, rewrite, expected):
    page = browser_page
    click_vneid(page, live_server.url)
    at_provider_sign_in(page, SUBJECT, **rewrite)
    page.wait_for_url("**/dang-nhap/vneid/ket-qua/**")
    assert expected in page.content()
    assert page.get_by_role("heading", name="Chưa đăng nhập được bằng VNeID").is_visible()
    nothing_changed()


def test_unknown_issuer_is_refused(live_server, browser_page, vneid, settings):
    settings.DVC_VNEID_ISSUER = "https://sso.vneid.gov.vn"
    page = browser_page
    click_vneid(page, live_server.url)
    at_provider_sign_in(page, SUBJECT)
    page.wait_for_url("**/dang-nhap/vneid/ket-qua/**")
    assert "Không xác nhận được kết quả đăng nhập từ VNeID" in page.content()
    nothing_changed()


def test_expired_id_token_is_refused(live_server, browser_page, vneid, settings):
    peer = OidcPeer.start(token_max_age=-600)  # a provider whose tokens are born expired
    try:
        settings.DVC_VNEID_DISCOVERY_URL = peer.discovery_url
        peer.set_user(SUBJECT, CITIZEN)
        page = browser_page
        click_vneid(page, live_server.url)
        at_provider_sign_in(page, SUBJECT)
        page.wait_for_url("**/dang-nhap/vneid/ket-qua/**")
        assert "Không xác nhận được kết quả đăng nhập từ VNeID" in page.content()
    finally:
        peer.stop()
    nothing_changed()


def test_a_number_contradicting_the_birth_date_is_refused(live_server, browser_page, vneid):
    vneid.set_user("vneid-sai-nam-sinh", {**CITIZEN, "NgayThangNamSinh": "15/05/1985"})
    page = browser_page
    click_vneid(page, live_server.url)
    at_provider_sign_in(page, "vneid-sai-nam-sinh")
    page.wait_for_url("**/dang-nhap/vneid/ket-qua/**")
    content = page.content()
    assert "không nhất quán" in content and "năm sinh 1990" in content
    nothing_changed()


def test_provider_down_shows_a_clear_page_and_password_sign_in_still_works(
    live_server, browser_page, vneid, settings, citizen
):
    settings.DVC_VNEID_DISCOVERY_URL = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    page, url = browser_page, live_server.url
    click_vneid(page, url)
    assert "Hệ thống định danh điện tử VNeID đang không phản hồi" in page.content()
    assert not ExternalIdentity.objects.exists()

    page.get_by_role("link", name="Đăng nhập bằng số giấy tờ và mật khẩu").click()
    page.get_by_label("Số định danh cá nhân / mã số thuế / tên đăng nhập hoặc thư điện tử").fill(CCCD)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url("**/dang-nhap/ma-sms/")
    page.get_by_label("Mã xác thực").fill(latest_code("otp.login", "+84912345678"))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/ca-nhan/")
    assert "Nguyễn Văn An" in page.content()
