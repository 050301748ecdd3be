"""Done-when of issue 13 as one story in a real browser: a dossier filed on the national portal arrives over
the signed inbound endpoint, staff process it and issue a PDF result that is signed when the dossier is
resolved, the fake national portal on loopback receives the create and every update (schema-valid, in
order); then, in Chromium, a person signs in with VNeID against a real OIDC provider process (the account
is created) and the QR link of the signed result verifies while a link with one character changed is
refused as forged."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test import Client

from dichvucong.accounts.models import ExternalIdentity, User
from dichvucong.accounts.tests.oidc_peer import CITIZEN, oidc_peer, vneid  # noqa: F401 (fixtures)
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.models import Dossier, DossierEvent, Status
from dichvucong.esign import qr
from dichvucong.esign.models import SignedResult
from dichvucong.esign.tests.conftest import esign_keys, issue, read  # noqa: F401 (autouse fixture)
from dichvucong.national.models import NationalSync
from dichvucong.national.tests.test_inbound import SECRET, _dossier, _post
from dichvucong.processing.tests.conftest import pdata_live  # noqa: F401 (fixture)
from dichvucong.processing.tests.test_services import walk_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NATIONAL_ID = "G22.99-251207-0042"
# Someone the portal does not know yet: 038 Thanh Hóa, 1 = female born in the 1900s, 92 = 1992.
NEWCOMER_SUB = "vneid-038192004567"
NEWCOMER = {
    **CITIZEN,
    "SoDinhDanh": "038192004567",
    "HoVaTen": "Đỗ Thị Hoa",
    "NgayThangNamSinh": "1992-03-08",
    "GioiTinh": "Nữ",
    "SoDienThoai": "0987654321",
    "ThuDienTu": "hoa.vneid@example.vn",
}


def _changed(value: str, index: int) -> str:
    """``value`` with the character at ``index`` replaced by another one of the same alphabet."""
    new = "B" if value[index] == "A" else "A"
    if value[index] in "0123456789abcdef":
        new = "1" if value[index] == "0" else "0"
    return value[:index] + new + value[index + 1 :]


def _with_field(payload: str, key: str, value: str) -> str:
    fields = dict(item.split("=", 1) for item in payload.split("&"))
    fields[key] = value
    return "&".join(f"{name}={content}" for name, content in fields.items())


def test_inbound_dossier_processed_signed_synced_and_verified_after_vneid_sign_in(
    request,
    pdata_live,  # noqa: F811
    portal,
    live_server,
    settings,
):
    data = pdata_live
    settings.DVC_NATIONAL_INBOUND_SECRET = SECRET

    # 1. the national portal sends us a dossier over the signed endpoint; it is received and synced back
    answer = _post(Client(), _dossier(data, MaHoSo=NATIONAL_ID))
    assert answer.status_code == 200, answer.content
    assert answer.json()["error_code"] == "0" and answer.json()["DaTonTai"] is False
    dossier = Dossier.objects.get(code=answer.json()["MaHoSoDiaPhuong"])
    assert dossier.status == Status.SUBMITTED and dossier.offering == data["offering"]
    assert portal.history(NATIONAL_ID) == [("create", 1)]

    # 2. staff accept it, walk it to the clerk, who issues the PDF result: resolved, and the result is signed
    dossier_services.dossier_accept(dossier_id=dossier.pk, officer=data["receptionist"])
    walk_to(data, dossier, 4)
    issue(data, dossier)  # commits "resolve"; the esign subscriber signs after commit
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED
    signed = SignedResult.objects.select_related("document").get(result__dossier=dossier)
    assert read(signed.document).startswith(b"%PDF-") and signed.dossier_code == dossier.code
    assert DossierEvent.objects.filter(dossier=dossier, action="result_signed").count() == 1

    # 3. the fake portal got the create and every update, schema-valid, in order, nothing regressed
    received = [r for r in portal.received if r.code == NATIONAL_ID]
    assert [(r.operation, r.status, r.answered) for r in received] == [
        ("create", 1, 200),  # Mới đăng ký
        ("update", 2, 200),  # accepted
        *[("update", 4, 200)] * 4,  # processing started, then forwarded specialist → head → leader → clerk
        ("update", 9, 200),  # resolved with the result issued
    ]
    lengths = [r.log_length for r in received]
    assert lengths == sorted(set(lengths))  # every update carries a longer process log than the one before
    assert portal.invalid == [] and portal.regressions == []
    stored = portal.store[NATIONAL_ID]
    assert stored["QuaTrinhXuLy"][-1]["TrangThai"] == 9
    assert [r["MaGiayToKetQua"] for r in stored["DanhSachGiayToKetQua"]] == ["KQ.G15.000031"]
    row = NationalSync.objects.get(dossier=dossier)
    assert row.state == NationalSync.State.SYNCED and row.pushed_status == 9 and not row.behind
    assert portal.history(dossier.code) == []  # no second copy under our own code

    # 4. in Chromium (started only now: pyHanko signs with its own event loop), VNeID creates the account
    provider = request.getfixturevalue("vneid")  # the peer started, the portal's settings pointed at it
    provider.set_user(NEWCOMER_SUB, NEWCOMER)
    page, url = request.getfixturevalue("browser_page"), live_server.url
    # Queries from here on run beside Playwright's event loop, on connections of their own: closed before
    # the browser (and that loop) stops, or PostgreSQL cannot drop the test database afterwards.
    request.addfinalizer(connections.close_all)
    assert not User.objects.filter(id_number=NEWCOMER["SoDinhDanh"]).exists()
    page.goto(url + "/dang-nhap/")
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
    page.wait_for_url("**/oauth2/authorize?**")
    page.get_by_placeholder("sub").fill(NEWCOMER_SUB)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("**/ca-nhan/")
    assert "Đỗ Thị Hoa" in page.content() and "08/03/1992" in page.content()
    person = User.objects.get(id_number=NEWCOMER["SoDinhDanh"])
    assert person.identity_verified_by == "vneid"
    assert ExternalIdentity.objects.filter(user=person).count() == 1

    # 5. the QR link verifies; one character changed in the hash or the signature is refused as forged
    link = qr.parse(signed.payload).url(url)
    page.goto(link)
    verdict = page.locator("#verdict").inner_text()
    assert "Hợp lệ" in verdict and "mã QR do cơ quan ban hành ký" in verdict and dossier.code in verdict
    fields = dict(item.split("=", 1) for item in signed.payload.split("&"))
    for key, index in (("h", 10), ("s", 20)):
        forged = _with_field(signed.payload, key, _changed(fields[key], index))
        page.goto(f"{url}/xac-minh/?{forged}")
        verdict = page.locator("#verdict").inner_text()
        assert "Giả mạo" in verdict and "không do cơ quan có thẩm quyền ký" in verdict, (key, verdict)
        assert "Hợp lệ" not in verdict
    assert SignedResult.objects.filter(result__dossier=dossier).count() == 1  # verifying changed nothing
