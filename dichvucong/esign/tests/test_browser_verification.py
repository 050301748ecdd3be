"""Done-when of issue 13 part 4 in a real browser: the QR code's link verifies the issued result, the signed
PDF uploaded with it is valid, and a tampered copy is rejected (no JavaScript needed on the page)."""

import pytest

from dichvucong.esign.models import SignedResult
from dichvucong.esign.tests.conftest import issue, read
from dichvucong.processing.tests.conftest import accepted_dossier
from dichvucong.processing.tests.test_services import walk_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_live(pdata_live):
    """Issued (and signed after commit) before the browser starts: pyHanko runs its own event loop."""
    dossier = accepted_dossier(pdata_live, delivery="online")
    walk_to(pdata_live, dossier, 4)
    issue(pdata_live, dossier)
    return SignedResult.objects.select_related("document").get(result__dossier=dossier)


def test_the_qr_link_verifies_and_a_tampered_pdf_is_rejected(
    signed_live, browser_page, live_server, tmp_path
):
    page, signed = browser_page, signed_live
    good = tmp_path / "ket-qua.pdf"
    good.write_bytes(read(signed.document))
    data = bytearray(good.read_bytes())
    index = data.index(b"G15")
    data[index + 2] = ord("6")
    bad = tmp_path / "ket-qua-da-sua.pdf"
    bad.write_bytes(bytes(data))

    page.goto(f"{live_server.url}/xac-minh/?{signed.payload}")  # what a phone opens from the QR code
    verdict = page.locator("#verdict")
    assert "Hợp lệ" in verdict.inner_text() and signed.dossier_code in verdict.inner_text()

    page.get_by_label("Tệp PDF kết quả (không bắt buộc)").set_input_files(str(bad))
    page.get_by_role("button", name="Xác minh", exact=True).click()
    page.wait_for_load_state()
    text = page.locator("#verdict").inner_text()
    assert "Đã bị sửa đổi" in text and "Hợp lệ" not in text

    page.get_by_label("Tệp PDF kết quả (không bắt buộc)").set_input_files(str(good))
    page.get_by_role("button", name="Xác minh", exact=True).click()
    page.wait_for_load_state()
    assert "chưa bị sửa đổi và khớp với mã QR" in page.locator("#verdict").inner_text()
