"""The national e-ID (VNeID) as an OpenID Connect provider: authorization code with PKCE (S256), the state
and nonce checked, the ID token's signature (the provider's published keys), issuer, audience and expiry
validated with joserfc, then the national claims (SoDinhDanh, HoVaTen, NgayThangNamSinh, GioiTinh,
SoDienThoai, ThuDienTu, LoaiTaiKhoan, MaSoDoanhNghiep) turned into ``Claims``.

Configured from the environment (settings ``DVC_VNEID_*``): the discovery URL, the client id and secret, and
optionally the issuer expected (otherwise the discovery document's, which must sit at the discovery URL's
prefix). Outside demo mode the discovery URL must be https (core.startup refuses to start otherwise): a
plain-http provider on loopback is the demo's stand-in. Network failures raise ``ProviderUnavailable``; a
token or claim set that fails a check raises ``verification.IdentityError`` (nothing was changed).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from dichvucong.accounts import identity, verification
from dichvucong.accounts.identity_providers import Claims, IdentityProvider
from dichvucong.accounts.models import User
from dichvucong.core.modes import demo_mode, dev_mode

log = logging.getLogger(__name__)

ALGORITHMS = ["RS256", "ES256", "PS256"]
LEEWAY_SECONDS = 60
DISCOVERY_CACHE_SECONDS = 3600


class ProviderUnavailable(verification.IdentityError):
    """The provider could not be reached, or answered something that is not OpenID Connect."""

    def __init__(self, detail: str):
        super().__init__(
            "Hệ thống định danh điện tử VNeID đang không phản hồi. Vui lòng thử lại sau ít phút, hoặc đăng "
            "nhập bằng số giấy tờ và mật khẩu.",
            code="unavailable",
        )
        self.detail = detail


def _refused(detail: str) -> verification.IdentityError:
    log.warning("VNeID sign-in refused: %s", detail)
    return verification.IdentityError(
        "Không xác nhận được kết quả đăng nhập từ VNeID (phiên không hợp lệ hoặc đã hết hạn). Vui lòng "
        "đăng nhập lại.",
        code="invalid_token",
    )


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _http(url: str, *, data: dict | None = None, auth: tuple[str, str] | None = None) -> dict:
    if urlsplit(url).scheme not in {"http", "https"}:
        raise ProviderUnavailable(f"not an http(s) URL: {url!r}")
    headers = {"Accept": "application/json"}
    body = None
    if data is not None:
        body = urlencode(data).encode("ascii")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if auth is not None:
        pair = f"{auth[0]}:{auth[1]}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (scheme checked)
    timeout = getattr(settings, "DVC_VNEID_TIMEOUT_SECONDS", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as error:
        if error.code < 500 and data is not None:  # the token endpoint refused the code: not an outage
            raise _refused(f"token endpoint answered {error.code}: {error.read()[:200]!r}") from error
        raise ProviderUnavailable(f"{url} answered {error.code}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ProviderUnavailable(f"{url}: {getattr(error, 'reason', error)}") from error
    try:
        answer = json.loads(raw.decode("utf-8"))
    except ValueError as error:
        raise ProviderUnavailable(f"{url} answered non-JSON") from error
    if not isinstance(answer, dict):
        raise ProviderUnavailable(f"{url} answered JSON that is not an object")
    return answer


def _date(text: str) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


# GioiTinh: the national portal's forms write "Nam"/"Nữ"; numeric codes 1 = nam, 2 = nữ are accepted too
# (UNSOURCED: no published VNeID claim specification was found).
_GENDERS = {
    "nam": User.Gender.MALE,
    "1": User.Gender.MALE,
    "male": User.Gender.MALE,
    "nữ": User.Gender.FEMALE,
    "nu": User.Gender.FEMALE,
    "2": User.Gender.FEMALE,
    "female": User.Gender.FEMALE,
}
# LoaiTaiKhoan (domain.md §3.1): 1 công dân, 2 doanh nghiệp, 3 tổ chức.
_KINDS = {"1": User.Kind.CITIZEN, "2": User.Kind.BUSINESS, "3": User.Kind.ORGANISATION}


def _claim_error(message: str, detail: str) -> verification.IdentityError:
    log.warning("VNeID claims refused: %s", detail)
    return verification.IdentityError(
        message + " Vui lòng liên hệ bộ phận một cửa, mang theo giấy tờ gốc.", code="claims"
    )


def claims_from_national(raw: dict) -> Claims:
    """The national claims checked and normalised. A personal number that contradicts the birth date or the
    gender the same token carries is refused: one of them is wrong, and we cannot tell which."""
    text = {key: str(value).strip() for key, value in raw.items() if isinstance(value, str | int)}
    kind = _KINDS.get(text.get("LoaiTaiKhoan", "1"), "")
    if not kind:
        raise _claim_error(
            "Loại tài khoản VNeID không được hỗ trợ.", f"LoaiTaiKhoan={text.get('LoaiTaiKhoan')}"
        )
    person_number = text.get("SoDinhDanh", "")
    born = _date(text.get("NgayThangNamSinh", ""))
    gender = _GENDERS.get(text.get("GioiTinh", "").lower(), "")
    if person_number:
        try:
            if len(person_number) == 12:
                identity.validate_cccd(person_number, date_of_birth=born, gender=gender or None)
            else:
                identity.validate_cmnd(person_number)
        except ValidationError as error:
            raise _claim_error(
                "Thông tin định danh nhận từ VNeID không nhất quán: " + error.messages[0], error.code or ""
            ) from error
    id_type, id_number = verification.id_type_for_number(person_number), person_number
    full_name = text.get("HoVaTen", "")
    if kind != User.Kind.CITIZEN:
        tax_code = text.get("MaSoDoanhNghiep") or text.get("MaSoThue") or ""
        try:
            id_number = identity.validate_tax_code(tax_code)
        except ValidationError as error:
            raise _claim_error("Mã số doanh nghiệp nhận từ VNeID không hợp lệ.", tax_code) from error
        id_type = User.IdType.TAX_CODE
        full_name = text.get("TenDoanhNghiep") or full_name
    elif not person_number:
        raise _claim_error("VNeID không gửi số định danh cá nhân.", "no SoDinhDanh")
    phone = ""
    if text.get("SoDienThoai"):
        try:
            phone = identity.normalise_phone(text["SoDienThoai"])
        except ValidationError:
            log.info("VNeID phone number not a Vietnamese mobile: ignored")
    return Claims(
        subject=text.get("sub", ""),
        id_number=id_number,
        id_type=id_type,
        kind=kind,
        full_name=full_name,
        date_of_birth=born.isoformat() if born and kind == User.Kind.CITIZEN else "",
        gender=gender if kind == User.Kind.CITIZEN else "",
        phone=phone,
        email=text.get("ThuDienTu", "").lower(),
        raw={key: value for key, value in raw.items() if key not in {"nonce", "at_hash", "c_hash"}},
    )


class OidcIdentityProvider(IdentityProvider):
    """VNeID through OpenID Connect discovery (settings DVC_VNEID_DISCOVERY_URL, _CLIENT_ID, _CLIENT_SECRET,
    optional _ISSUER)."""

    name = "vneid"
    label = "VNeID"
    signs_in = True

    @staticmethod
    def _setting(name: str) -> str:
        return str(getattr(settings, f"DVC_VNEID_{name}", "") or "")

    def configured(self) -> bool:
        return bool(self._setting("DISCOVERY_URL") and self._setting("CLIENT_ID"))

    def metadata(self, *, fresh: bool = False) -> dict:
        """The discovery document, cached for an hour; ``fresh`` asks the provider again (is it up?)."""
        url = self._setting("DISCOVERY_URL")
        if not url:
            raise ProviderUnavailable("DVC_VNEID_DISCOVERY_URL is not set")
        if urlsplit(url).scheme != "https" and not (demo_mode() or dev_mode()):
            raise ProviderUnavailable("the discovery URL must be https outside demo mode")
        key = "vneid-discovery:" + hashlib.sha256(url.encode()).hexdigest()[:16]
        answer = None if fresh else cache.get(key)
        if answer is None:
            answer = _http(url)
            needed = {"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"}
            if not needed <= set(answer):
                raise ProviderUnavailable(f"discovery lacks {sorted(needed - set(answer))}")
            if not url.startswith(str(answer["issuer"]).rstrip("/") + "/"):
                raise ProviderUnavailable(f"issuer {answer['issuer']!r} is not the discovery URL's prefix")
            cache.set(key, answer, DISCOVERY_CACHE_SECONDS)
        return answer

    def issuer(self) -> str:
        return self._setting("ISSUER") or str(self.metadata()["issuer"])

    def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, login_hint: str = "", code_challenge: str = ""
    ) -> str:
        query = {
            "response_type": "code",
            "client_id": self._setting("CLIENT_ID"),
            "redirect_uri": redirect_uri,
            "scope": "openid profile email phone",
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            "ui_locales": "vi",
        }
        # Asked afresh: a provider that answered an hour ago and is down now would otherwise send the browser
        # to a connection error instead of our "VNeID is not answering" page.
        endpoint = str(self.metadata(fresh=True)["authorization_endpoint"])
        return endpoint + ("&" if "?" in endpoint else "?") + urlencode(query)

    def claims_from_callback(
        self, *, code: str, redirect_uri: str, nonce: str, code_verifier: str = ""
    ) -> Claims:
        if not code or not code_verifier:
            raise _refused("no code or no PKCE verifier")
        meta = self.metadata()
        client_id = self._setting("CLIENT_ID")
        tokens = _http(
            str(meta["token_endpoint"]),
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            },
            auth=(client_id, self._setting("CLIENT_SECRET")),
        )
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise _refused("no id_token in the token response")
        payload = self.id_token_claims(id_token=id_token, nonce=nonce)
        claims = claims_from_national(payload)
        return Claims(**{**claims.__dict__, "id_token": id_token})

    def id_token_claims(self, *, id_token: str, nonce: str) -> dict:
        """The ID token's payload once signature, issuer, audience, expiry and nonce are checked."""
        keys = KeySet.import_key_set(_http(str(self.metadata()["jwks_uri"])))
        try:
            token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
            jwt.JWTClaimsRegistry(
                leeway=LEEWAY_SECONDS,
                iss={"essential": True, "value": self.issuer()},
                aud={"essential": True, "value": self._setting("CLIENT_ID")},
                exp={"essential": True},
                sub={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(token.claims)
        except (JoseError, ValueError) as error:
            raise _refused(f"ID token: {type(error).__name__}: {error}") from error
        if token.claims.get("iat", 0) > time.time() + LEEWAY_SECONDS:
            raise _refused("ID token issued in the future")
        return dict(token.claims)

    def end_session_url(self, *, id_token_hint: str, post_logout_redirect_uri: str) -> str:
        try:
            endpoint = self.metadata().get("end_session_endpoint")
        except ProviderUnavailable:
            return ""
        if not endpoint:
            return ""
        query = urlencode(
            {
                "id_token_hint": id_token_hint,
                "post_logout_redirect_uri": post_logout_redirect_uri,
                "client_id": self._setting("CLIENT_ID"),
            }
        )
        return f"{endpoint}{'&' if '?' in str(endpoint) else '?'}{query}"
