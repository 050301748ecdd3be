"""The electronic result as a PDF: the QR stamp, the PAdES signature (pyHanko) and their verification.

``stamp()`` draws the QR code and a short Vietnamese note in the bottom margin of the first page and puts the
payload in the document information (``/DVCKetQua``); ``sign()`` adds a PAdES B-B signature (an incremental
update, SHA-256) made with the agency's key; ``check()`` says whether a PDF is such a document, unchanged
since it was signed, by a certificate our trust roots vouch for.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from dichvucong.esign import qr
from dichvucong.esign.keys import AgencyKey
from dichvucong.paperwork.fonts import fonts

logger = logging.getLogger(__name__)

FIELD_NAME = "KetQuaDienTu"
INFO_KEY = "/DVCKetQua"
QR_SIZE = 26 * mm
MARGIN = 8 * mm

# Why a PDF is not a valid electronic result (check()).
UNREADABLE = "unreadable"
UNSIGNED = "unsigned"
BROKEN = "broken"  # the signed bytes changed: the signature no longer matches
MODIFIED = "modified"  # something was added or changed after signing
UNTRUSTED = "untrusted"  # signed, but not by a certificate our trust roots vouch for
NO_PAYLOAD = "no_payload"


@dataclass(frozen=True)
class StampText:
    agency_name: str
    dossier_code: str
    issued_on_label: str
    base_url: str  # the portal's public address; the QR code links to its verification page

    @property
    def verify_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/xac-minh/"


def _overlay(width: float, height: float, *, png: bytes, text: StampText) -> bytes:
    buffer = io.BytesIO()
    face = fonts()
    sheet = canvas.Canvas(buffer, pagesize=(width, height))
    left = width - MARGIN - QR_SIZE
    sheet.drawImage(ImageReader(io.BytesIO(png)), left, MARGIN, QR_SIZE, QR_SIZE)
    lines = [
        (face.bold, "Kết quả điện tử có chữ ký số"),
        (face.regular, f"Cơ quan ban hành: {text.agency_name}"[:90]),
        (face.regular, f"Mã hồ sơ: {text.dossier_code} · Ngày ban hành: {text.issued_on_label}"),
        (face.italic, "Quét mã QR hoặc xác minh tại:"),
        (face.italic, text.verify_url),
    ]
    y = MARGIN + QR_SIZE - 8
    for font, line in lines:
        sheet.setFont(font, 7)
        sheet.drawRightString(left - 2 * mm, y, line)
        y -= 9
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def stamp(source: bytes, *, payload: qr.Payload, text: StampText) -> bytes:
    """The document with the QR code on its first page and the payload in its information dictionary."""
    reader = PdfReader(io.BytesIO(source), strict=False)
    writer = PdfWriter(clone_from=reader)
    page = writer.pages[0]
    box = page.mediabox
    width, height = float(box.width), float(box.height)
    png = qr.qr_png(payload.url(text.base_url))
    overlay = PdfReader(io.BytesIO(_overlay(width, height, png=png, text=text))).pages[0]
    if box.left or box.bottom:
        page.merge_transformed_page(overlay, Transformation().translate(float(box.left), float(box.bottom)))
    else:
        page.merge_page(overlay)
    writer.add_metadata({INFO_KEY: payload.query()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign(stamped: bytes, *, key: AgencyKey, reason: str, location: str) -> bytes:
    """A PAdES signature over the whole stamped document (incremental update)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(stamped), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason[:200],
        location=location[:200],
    )
    out = signers.sign_pdf(writer, metadata, signer=key.signer)
    return out.getvalue()


@dataclass(frozen=True)
class PdfCheck:
    ok: bool
    problem: str = ""  # one of the reasons above when not ok
    payload_query: str = ""  # /DVCKetQua of the signed document
    signer_certificate: x509.Certificate | None = None


def _asn1(certificate: x509.Certificate):
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _ours(signatures):
    named = [sig for sig in signatures if sig.field_name == FIELD_NAME]
    return (named or list(signatures))[-1]


def check(data: bytes, *, trust_roots: list[x509.Certificate]) -> PdfCheck:
    """Whether ``data`` is a signed electronic result, unchanged since it was signed, by a trusted key."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # a hostile or broken file is a refusal, never a server error
        logger.info("esign: unreadable PDF submitted for verification", exc_info=True)
        return PdfCheck(ok=False, problem=UNREADABLE)
    if not signatures:
        return PdfCheck(ok=False, problem=UNSIGNED)
    signature = _ours(signatures)
    try:
        context = ValidationContext(trust_roots=[_asn1(root) for root in trust_roots], allow_fetching=False)
        status = validate_pdf_signature(signature, signer_validation_context=context)
    except Exception:
        logger.info("esign: signature could not be validated", exc_info=True)
        return PdfCheck(ok=False, problem=BROKEN)
    signer = x509.load_der_x509_certificate(status.signing_cert.dump()) if status.signing_cert else None
    if not (status.intact and status.valid):
        return PdfCheck(ok=False, problem=BROKEN, signer_certificate=signer)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE or len(signatures) != 1:
        return PdfCheck(ok=False, problem=MODIFIED, signer_certificate=signer)
    if not status.trusted:
        return PdfCheck(ok=False, problem=UNTRUSTED, signer_certificate=signer)
    try:
        info = reader.trailer_view.get("/Info")
        query = str(info.get_object().get(INFO_KEY, "")) if info is not None else ""
    except Exception:
        query = ""
    if not query:
        return PdfCheck(ok=False, problem=NO_PAYLOAD, signer_certificate=signer)
    return PdfCheck(ok=True, payload_query=query, signer_certificate=signer)
