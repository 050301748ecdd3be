"""The electronic result as a PDF: the QR stamp, the PAdES signature (pyHanko) and their verification.

``sign()`` adds a visible PAdES B-B signature made with the agency's key (an incremental update, SHA-256)
in the bottom right corner of the first page: its appearance is the QR code and a short Vietnamese note, and
its ``/ContactInfo`` is the verification link (the QR payload), both covered by the signature. The issued
file's bytes are not rewritten, so a result the leader already signed with a personal certificate keeps
that signature. ``check()`` says whether a PDF is such a document, unchanged since the agency signed it, by
a certificate the trust roots vouch for.
"""

from __future__ import annotations

import io
import logging
import tempfile
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from dichvucong.esign import qr
from dichvucong.esign.keys import AgencyKey
from dichvucong.paperwork.fonts import fonts

logger = logging.getLogger(__name__)

FIELD_NAME = "KetQuaDienTu"
QR_SIZE = 26 * mm
STAMP_WIDTH = 80 * mm
STAMP_HEIGHT = QR_SIZE
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


def _stamp_pdf(*, png: bytes, text: StampText) -> bytes:
    """A one-page PDF the size of the stamp: the note on the left, the QR code on the right."""
    buffer = io.BytesIO()
    face = fonts()
    sheet = canvas.Canvas(buffer, pagesize=(STAMP_WIDTH, STAMP_HEIGHT))
    sheet.drawImage(ImageReader(io.BytesIO(png)), STAMP_WIDTH - QR_SIZE, 0, QR_SIZE, QR_SIZE)
    lines = [
        (face.bold, "Kết quả điện tử có chữ ký số"),
        (face.regular, f"Cơ quan ban hành: {text.agency_name}"[:70]),
        (face.regular, f"Mã hồ sơ: {text.dossier_code}"),
        (face.regular, f"Ngày ban hành: {text.issued_on_label}"),
        (face.italic, "Quét mã QR hoặc xác minh tại:"),
        (face.italic, text.verify_url[:70]),
    ]
    y = QR_SIZE - 8
    for font, line in lines:
        sheet.setFont(font, 6.5)
        sheet.drawRightString(STAMP_WIDTH - QR_SIZE - 1.5 * mm, y, line)
        y -= 8.5
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def _stamp_box(source: bytes) -> tuple[float, float, float, float]:
    """Bottom right of the first page, inside its media box."""
    page = PdfReader(io.BytesIO(source), strict=False).pages[0]
    box = page.mediabox
    right, bottom = float(box.right), float(box.bottom)
    return (right - MARGIN - STAMP_WIDTH, bottom + MARGIN, right - MARGIN, bottom + MARGIN + STAMP_HEIGHT)


def sign(
    source: bytes, *, payload: qr.Payload, text: StampText, key: AgencyKey, reason: str, location: str
) -> bytes:
    """The document with a visible PAdES signature of the agency (an incremental update, SHA-256): its
    appearance is the QR code and the note, and the signature's ``/ContactInfo`` is the verification link
    (``payload.url``). The source's bytes are kept as they are (earlier signatures on it stay valid)."""
    link = payload.url(text.base_url)
    stamp = _stamp_pdf(png=qr.qr_png(link), text=text)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:  # pyHanko imports the appearance from a file
        handle.write(stamp)
        handle.flush()
        style = StaticStampStyle.from_pdf_file(handle.name, border_width=0)
        writer = IncrementalPdfFileWriter(io.BytesIO(source), strict=False)
        metadata = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            reason=reason[:200],
            location=location[:200],
            contact_info=link,
        )
        signer = signers.PdfSigner(
            metadata,
            signer=key.signer,
            stamp_style=style,
            new_field_spec=SigFieldSpec(FIELD_NAME, on_page=0, box=_stamp_box(source)),
        )
        out = signer.sign_pdf(writer)
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
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return PdfCheck(ok=False, problem=MODIFIED, signer_certificate=signer)
    if not status.trusted:
        return PdfCheck(ok=False, problem=UNTRUSTED, signer_certificate=signer)
    try:
        query = str(signature.sig_object.get("/ContactInfo", ""))
    except Exception:
        query = ""
    if not query:
        return PdfCheck(ok=False, problem=NO_PAYLOAD, signer_certificate=signer)
    return PdfCheck(ok=True, payload_query=query, signer_certificate=signer)
