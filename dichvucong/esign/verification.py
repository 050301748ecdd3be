"""Public verification of an electronic result: a QR payload, a PDF, or both. Reads only; every answer is
logged (a forged or tampered one as a warning) and nothing is changed.

Outcomes:

- ``valid``: the QR signature is the agency's, the result is on record and, when a PDF is given, the PDF is
  that result, signed by a trusted certificate and unchanged since;
- ``forged``: the QR signature does not verify, or names a key that never signed a result here, or the PDF
  is signed by someone our trust roots do not vouch for;
- ``tampered``: the PDF was changed after signing, carries no signature, or is not the document the QR
  code describes;
- ``unknown``: the signature is valid but the result is not on record (withdrawn data, another portal);
- ``invalid``: what was given is not a QR payload of ours or not a PDF.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from cryptography import x509
from django.utils.translation import gettext as _

from dichvucong.documents import pdf_content
from dichvucong.esign import keys, pdf, qr, selectors
from dichvucong.esign.models import SignedResult

logger = logging.getLogger(__name__)

VALID = "valid"
FORGED = "forged"
TAMPERED = "tampered"
UNKNOWN = "unknown"
INVALID = "invalid"


@dataclass(frozen=True)
class Verdict:
    outcome: str
    message: str
    payload: qr.Payload | None = None
    record: SignedResult | None = None
    checked_pdf: bool = False
    details: dict = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.outcome == VALID

    def as_dict(self) -> dict:
        record = self.record
        out = {"outcome": self.outcome, "message": self.message, "checked_pdf": self.checked_pdf}
        if self.payload is not None:
            out.update(
                dossier_code=self.payload.dossier_code,
                result_code=self.payload.result_code,
                issued_on=self.payload.issued_on_label,
                document_sha256=self.payload.document_sha256,
                key_id=self.payload.key_id,
            )
        if record is not None and self.outcome == VALID:
            out.update(
                result_name=record.result.name,
                agency=record.certificate.agency.name if record.certificate.agency else "",
                certificate_subject=record.certificate.subject,
            )
        return out


def _pdf_problem_message(problem: str) -> tuple[str, str]:
    if problem == pdf.UNTRUSTED:
        return FORGED, _(
            "Tệp PDF được ký bằng chứng thư số không do cơ quan nhà nước trên Cổng cấp: giả mạo."
        )
    messages = {
        pdf.UNREADABLE: _("Tệp tải lên không phải tệp PDF đọc được."),
        pdf.UNSIGNED: _("Tệp PDF không có chữ ký số: không phải bản kết quả điện tử gốc."),
        pdf.BROKEN: _("Nội dung tệp PDF đã bị sửa sau khi ký: chữ ký số không còn khớp."),
        pdf.MODIFIED: _("Tệp PDF đã bị thêm hoặc sửa nội dung sau khi cơ quan ký."),
        pdf.NO_PAYLOAD: _("Tệp PDF có chữ ký số nhưng không phải kết quả điện tử do Cổng ban hành."),
    }
    return TAMPERED, messages.get(problem, messages[pdf.BROKEN])


def _trust_roots() -> list[x509.Certificate]:
    """The configured authorities, plus every certificate that signed a result here (from the configured
    keys): a deployment needs no DVC_ESIGN_TRUST_ROOTS for its own results."""
    roots = keys.trust_roots()
    roots.extend(
        x509.load_pem_x509_certificate(pem.encode("ascii"))
        for pem in selectors.certificate_list_public().values_list("pem", flat=True)
    )
    return roots


def _check_payload(payload: qr.Payload) -> Verdict | SignedResult:
    certificate = selectors.certificate_by_key_id(key_id=payload.key_id)
    if certificate is None or not qr.signature_valid(
        payload, x509.load_pem_x509_certificate(certificate.pem.encode("ascii"))
    ):
        return Verdict(
            FORGED,
            _(
                "Mã QR có chữ ký không hợp lệ: thông tin trên mã QR không do cơ quan có thẩm quyền ký "
                "(giả mạo)."
            ),
            payload=payload,
        )
    record = selectors.signed_result_for_payload(payload=payload)
    if record is None:
        return Verdict(
            UNKNOWN,
            _(
                "Chữ ký trên mã QR hợp lệ nhưng không tìm thấy kết quả này trong hệ thống. "
                "Hãy liên hệ cơ quan ban hành."
            ),
            payload=payload,
        )
    return record


def _log(verdict: Verdict, *, client: str) -> Verdict:
    payload = verdict.payload
    level = logging.INFO if verdict.outcome in (VALID, UNKNOWN) else logging.WARNING
    logger.log(
        level,
        "esign: verification %s (dossier=%s result=%s key=%s pdf=%s client=%s)",
        verdict.outcome,
        payload.dossier_code if payload else "-",
        payload.result_code if payload else "-",
        payload.key_id if payload else "-",
        verdict.checked_pdf,
        client,
    )
    return verdict


def result_verify(*, query: str = "", pdf_bytes: bytes | None = None, client: str = "") -> Verdict:
    """Verify a QR payload (the scanned link or its query), a PDF, or both; the verdict is logged."""
    return _log(_verify(query=query, pdf_bytes=pdf_bytes), client=client)


def _verify(*, query: str, pdf_bytes: bytes | None) -> Verdict:
    payload: qr.Payload | None = None
    if query.strip():
        try:
            payload = qr.parse(query)
        except qr.PayloadInvalid:
            return Verdict(INVALID, _("Nội dung mã QR không đúng định dạng kết quả điện tử của Cổng."))
    if pdf_bytes is None:
        if payload is None:
            return Verdict(INVALID, _("Hãy nhập nội dung mã QR hoặc chọn tệp PDF kết quả để xác minh."))
        checked = _check_payload(payload)
        if isinstance(checked, Verdict):
            return checked
        return Verdict(
            VALID,
            _("Kết quả hợp lệ: mã QR do cơ quan ban hành ký và khớp với kết quả đã cấp."),
            payload,
            checked,
        )

    if not pdf_bytes.startswith(b"%PDF-"):
        return Verdict(INVALID, _("Tệp tải lên không phải tệp PDF."), payload=payload, checked_pdf=True)
    try:  # the upload checks' bounded reading (pages, objects) before pyHanko parses anything
        pdf_content.pdf_inspect(pdf_bytes)
    except pdf_content.PdfProblem:
        outcome, message = _pdf_problem_message(pdf.UNREADABLE)
        return Verdict(INVALID, message, payload=payload, checked_pdf=True)
    found = pdf.check(pdf_bytes, trust_roots=_trust_roots())
    if not found.ok:
        outcome, message = _pdf_problem_message(found.problem)
        return Verdict(
            outcome, message, payload=payload, checked_pdf=True, details={"problem": found.problem}
        )
    try:
        embedded = qr.parse(found.payload_query)
    except qr.PayloadInvalid:
        outcome, message = _pdf_problem_message(pdf.NO_PAYLOAD)
        return Verdict(outcome, message, payload=payload, checked_pdf=True)
    if payload is not None and payload != embedded:
        return Verdict(
            TAMPERED,
            _("Tệp PDF không phải văn bản mà mã QR mô tả (thông tin trong tệp và trên mã QR khác nhau)."),
            payload=payload,
            checked_pdf=True,
        )
    payload = embedded
    checked = _check_payload(payload)
    if isinstance(checked, Verdict):
        return Verdict(checked.outcome, checked.message, payload=payload, checked_pdf=True)
    signer = found.signer_certificate
    if signer is None or keys.certificate_fingerprint(signer) != checked.certificate.fingerprint:
        return Verdict(
            FORGED,
            _("Tệp PDF không được ký bằng chứng thư số của cơ quan đã ban hành kết quả."),
            payload=payload,
            checked_pdf=True,
        )
    if hashlib.sha256(pdf_bytes).hexdigest() != checked.signed_sha256:
        return Verdict(
            TAMPERED,
            _("Tệp PDF không trùng với bản kết quả điện tử đã lưu trên hệ thống."),
            payload=payload,
            checked_pdf=True,
        )
    return Verdict(
        VALID,
        _("Kết quả hợp lệ: tệp PDF có chữ ký số của cơ quan ban hành, chưa bị sửa đổi và khớp với mã QR."),
        payload,
        checked,
        checked_pdf=True,
    )
