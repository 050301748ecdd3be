"""The public verification page /xac-minh/ and its API: valid, forged QR signature, tampered PDF. Every bad
answer is clear, logged, and changes nothing."""

import io
import logging
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import CommandError, call_command
from django.test import Client
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from dichvucong.documents.models import StoredDocument
from dichvucong.dossiers.models import DossierEvent
from dichvucong.esign import pdf, qr
from dichvucong.esign.models import SignedResult
from dichvucong.esign.tests.conftest import RESULT_PDF, as_file, read, resolved_dossier, self_made_key
from dichvucong.processing.models import DossierResult

VERIFY = "/xac-minh/"


@pytest.fixture
def signed(pdata, django_capture_on_commit_callbacks):
    dossier = resolved_dossier(pdata, django_capture_on_commit_callbacks)
    return SignedResult.objects.select_related("document", "certificate").get(result__dossier=dossier)


def snapshot() -> tuple:
    return (
        tuple(SignedResult.objects.values_list("pk", "document_id", "signed_sha256")),
        tuple(DossierResult.objects.values_list("pk", "document_id")),
        StoredDocument.objects.count(),
        DossierEvent.objects.count(),
    )


def page(response) -> str:
    return response.content.decode()


def forged_query(signed: SignedResult, **changes) -> str:
    fields = dict(item.split("=", 1) for item in signed.payload.split("&"))
    fields.update(changes)
    return "&".join(f"{key}={value}" for key, value in fields.items())


def test_a_scanned_qr_code_opens_a_valid_answer(signed):
    payload = qr.parse(signed.payload)
    url = payload.url("https://dichvucong.example.vn")
    assert url.startswith("https://dichvucong.example.vn/xac-minh/?v=1&d=")

    response = Client().get(VERIFY + "?" + signed.payload)
    text = page(response)
    assert response.status_code == 200
    assert "Hợp lệ" in text and "mã QR do cơ quan ban hành ký" in text
    assert signed.dossier_code in text and "Giấy khai sinh" in text
    assert signed.certificate.key_id in text
    assert payload.issued_on_label in text  # dd/mm/yyyy


def test_the_signed_pdf_with_its_qr_code_is_valid(signed):
    response = Client().post(VERIFY, {"payload": signed.payload, "file": as_file(read(signed.document))})
    text = page(response)
    assert "Hợp lệ" in text and "chưa bị sửa đổi và khớp với mã QR" in text


def test_the_pdf_alone_is_enough(signed):
    response = Client().post(VERIFY, {"file": as_file(read(signed.document))})
    assert "chưa bị sửa đổi và khớp với mã QR" in page(response)


@pytest.mark.parametrize(
    "changes",
    [
        {"d": "H99.99-000000-9999"},  # another dossier, same signature
        {"n": "20200101"},  # another date
        {"h": "0" * 64},  # another document
        {"s": qr.b64encode(b"\x30\x06\x02\x01\x01\x02\x01\x01")},  # a made-up signature
        {"k": "0123456789abcdef"},  # a key that never signed anything here
    ],
)
def test_a_forged_qr_signature_is_refused_logged_and_changes_nothing(signed, changes, caplog):
    before = snapshot()
    with caplog.at_level(logging.WARNING, logger="dichvucong.esign.verification"):
        response = Client().get(VERIFY + "?" + forged_query(signed, **changes))
    text = page(response)
    assert response.status_code == 200
    assert "Giả mạo" in text and "không do cơ quan có thẩm quyền ký" in text
    assert "Hợp lệ" not in text
    assert "verification forged" in caplog.text
    assert snapshot() == before


def test_a_qr_signed_by_another_key_is_forged(signed, tmp_path):
    """Someone with their own key signs a payload naming our key id: the signature does not verify."""
    other = ec.generate_private_key(ec.SECP256R1())
    payload = qr.parse(signed.payload)
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA

    forged = payload.with_signature(other.sign(payload.message(), ECDSA(hashes.SHA256())))
    text = page(Client().get(VERIFY + "?" + forged.query()))
    assert "Giả mạo" in text


def _flip_byte_in_content(data: bytes) -> bytes:
    """Change one byte inside the signed range (the result code in the document), keeping the length."""
    index = data.index(b"G15")  # the result code in the verification link (/ContactInfo)
    tampered = bytearray(data)
    tampered[index + 2] = ord("6")
    return bytes(tampered)


def _append_update(data: bytes) -> bytes:
    """An incremental update after signing that replaces the page's content (the classic shadow attack)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 700 Td (Noi dung khac) Tj ET")
    page[generic.NameObject("/Contents")] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_flip_byte_in_content, "đã bị sửa sau khi ký"),
        (_append_update, "đã bị thêm hoặc sửa nội dung sau khi cơ quan ký"),
    ],
)
def test_a_tampered_pdf_is_refused_logged_and_changes_nothing(signed, tamper, message, caplog):
    data = tamper(read(signed.document))
    before = snapshot()
    with caplog.at_level(logging.WARNING, logger="dichvucong.esign.verification"):
        response = Client().post(VERIFY, {"payload": signed.payload, "file": as_file(data)})
    text = page(response)
    assert "Đã bị sửa đổi" in text and message in text
    assert "Hợp lệ" not in text
    assert "verification tampered" in caplog.text
    assert snapshot() == before


def test_an_unsigned_copy_is_not_the_electronic_result(signed):
    text = page(Client().post(VERIFY, {"payload": signed.payload, "file": as_file(RESULT_PDF)}))
    assert "Đã bị sửa đổi" in text and "không có chữ ký số" in text


def test_a_pdf_of_another_result_does_not_match_the_qr_code(
    pdata, signed, django_capture_on_commit_callbacks
):
    other_dossier = resolved_dossier(pdata, django_capture_on_commit_callbacks, tag="b", number="31/GCN-UBND")
    other = SignedResult.objects.get(result__dossier=other_dossier)
    text = page(Client().post(VERIFY, {"payload": signed.payload, "file": as_file(read(other.document))}))
    assert "Đã bị sửa đổi" in text and "không phải văn bản mà mã QR mô tả" in text


def test_a_pdf_re_signed_by_a_self_made_certificate_is_forged(signed, tmp_path, caplog):
    """The text is changed and the file signed again with a self-made certificate: not trusted."""
    payload = qr.parse(signed.payload)
    text = pdf.StampText("UBND xã Hạc Thành", payload.dossier_code, payload.issued_on_label, "https://x.vn")
    forged = pdf.sign(
        RESULT_PDF + b" (sua)",
        payload=payload,
        text=text,
        key=self_made_key(tmp_path),
        reason="x",
        location="x",
    )
    before = snapshot()
    with caplog.at_level(logging.WARNING, logger="dichvucong.esign.verification"):
        answer = page(Client().post(VERIFY, {"payload": signed.payload, "file": as_file(forged)}))
    assert "Giả mạo" in answer and "không do cơ quan nhà nước trên Cổng cấp" in answer
    assert "verification forged" in caplog.text
    assert snapshot() == before


def test_bad_input_gets_a_clear_answer(signed):
    client = Client()
    assert "Hãy nhập nội dung mã QR hoặc chọn tệp PDF" in page(client.post(VERIFY, {"payload": ""}))
    assert "không đúng định dạng" in page(client.post(VERIFY, {"payload": "https://example.com/?a=1"}))
    assert "không phải tệp PDF" in page(client.post(VERIFY, {"file": as_file(b"hello", "a.pdf")}))
    # the page without a scanned code only shows the form
    text = page(client.get(VERIFY))
    assert "Nội dung mã QR" in text and 'id="verdict"' not in text
    # a partial code (a bad scan) gets an answer, not a silent empty form
    text = page(client.get(VERIFY + "?v=1&d=x"))
    assert 'id="verdict"' in text and "Không xác minh được" in text


def test_verification_is_rate_limited_per_address(signed, settings):
    settings.DVC_ESIGN_VERIFY_PER_IP_MINUTE = 2
    client = Client()
    url = VERIFY + "?" + signed.payload
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 429
    assert client.post("/api/v1/xac-minh", {"payload": signed.payload}).status_code == 429


def test_the_api_answers_the_same(signed):
    client = Client()
    answer = client.post("/api/v1/xac-minh", {"payload": signed.payload}).json()
    assert answer["outcome"] == "valid" and answer["dossier_code"] == signed.dossier_code
    assert answer["result_name"] == "Giấy khai sinh" and answer["checked_pdf"] is False

    tampered = _flip_byte_in_content(read(signed.document))
    answer = client.post("/api/v1/xac-minh", {"payload": signed.payload, "file": as_file(tampered)}).json()
    assert answer["outcome"] == "tampered" and "result_name" not in {k for k, v in answer.items() if v}

    answer = client.post("/api/v1/xac-minh", {"payload": forged_query(signed, d="X-1")}).json()
    assert answer["outcome"] == "forged"

    certificates = client.get("/api/v1/xac-minh/chung-thu").json()
    assert [c["key_id"] for c in certificates] == [signed.certificate.key_id]
    assert certificates[0]["pem"].startswith("-----BEGIN CERTIFICATE-----")


def test_the_certificates_page_offers_the_pem_for_offline_checks(signed, tmp_path):
    client = Client()
    listing = page(client.get("/xac-minh/chung-thu/"))
    assert signed.certificate.key_id in listing
    response = client.get(f"/xac-minh/chung-thu/{signed.certificate.fingerprint}.pem")
    assert response.status_code == 200
    assert client.get("/xac-minh/chung-thu/" + "0" * 64 + ".pem").status_code == 404

    pem = tmp_path / "agency.pem"
    pem.write_bytes(response.content)
    signed_pdf = tmp_path / "kq.pdf"
    signed_pdf.write_bytes(read(signed.document))
    url = qr.parse(signed.payload).url("https://dichvucong.example.vn")
    out = io.StringIO()
    call_command("esign_verify_offline", url, certificate=str(pem), pdf=str(signed_pdf), stdout=out)
    assert "Chữ ký mã QR hợp lệ" in out.getvalue() and "chưa bị sửa đổi" in out.getvalue()
    with pytest.raises(CommandError, match="GIẢ MẠO"):
        call_command("esign_verify_offline", forged_query(signed, d="X-1"), certificate=str(pem))
    (tmp_path / "bad.pdf").write_bytes(_flip_byte_in_content(read(signed.document)))
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("esign_verify_offline", url, certificate=str(pem), pdf=str(tmp_path / "bad.pdf"))


def test_the_query_only_counts_when_it_is_a_payload(signed):
    """Other query strings (a language switch, a campaign tag) do not trigger a verification."""
    text = page(Client().get(VERIFY + "?" + urlencode({"utm": "x", "s": "y"})))
    assert 'id="verdict"' not in text
