"""Verification of electronic results over the API (no sign-in, rate limited like the page):
``POST /api/v1/xac-minh`` and ``GET /api/v1/xac-minh/chung-thu``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from dichvucong.core.ratelimit import client_ip, hit
from dichvucong.esign import conf, reading, selectors, verification

router = Router(tags=["Kết quả điện tử"])

LIMITED = "Quá nhiều lượt xác minh từ địa chỉ mạng này. Vui lòng thử lại sau ít phút."
TOO_LARGE = "Tệp quá lớn để xác minh."


class VerifyOut(Schema):
    outcome: str  # valid, forged, tampered, unknown, invalid
    message: str
    checked_pdf: bool
    dossier_code: str | None = None
    result_code: str | None = None
    issued_on: str | None = None  # dd/mm/yyyy
    document_sha256: str | None = None
    key_id: str | None = None
    result_name: str | None = None
    agency: str | None = None
    certificate_subject: str | None = None


class Detail(Schema):
    detail: str


class CertificateOut(Schema):
    key_id: str
    fingerprint: str
    subject: str
    issuer: str
    agency: str | None
    not_before: str
    not_after: str
    pem: str

    @staticmethod
    def resolve_agency(obj) -> str | None:
        return obj.agency.name if obj.agency_id else None

    @staticmethod
    def resolve_not_before(obj) -> str:
        return obj.not_before.isoformat()

    @staticmethod
    def resolve_not_after(obj) -> str:
        return obj.not_after.isoformat()


@router.post(
    "/xac-minh",
    auth=None,
    response={200: VerifyOut, 413: Detail, 429: Detail},
    summary="Xác minh kết quả điện tử (nội dung mã QR và/hoặc tệp PDF)",
    description=(
        "`payload`: đường dẫn hoặc chuỗi truy vấn đọc được từ mã QR; `file`: tệp PDF kết quả (không bắt "
        "buộc). `outcome`: `valid` (hợp lệ), `forged` (chữ ký giả mạo), `tampered` (tệp bị sửa sau khi "
        "ký), `unknown` (chữ ký hợp lệ nhưng không có trong hệ thống), `invalid` (không đúng định dạng). "
        "Không thay đổi dữ liệu nào."
    ),
)
def verify(request: HttpRequest, payload: Form[str] = "", file: File[UploadedFile | None] = None):
    if not hit(f"esign-verify:{client_ip(request)}", limit=conf.verify_per_ip_minute(), window_seconds=60):
        return Status(429, {"detail": LIMITED})
    data = None
    if file is not None:
        try:
            data = reading.upload_bytes(file)
        except reading.TooLarge:
            return Status(413, {"detail": TOO_LARGE})
    verdict = verification.result_verify(query=payload, pdf_bytes=data, client=client_ip(request))
    return Status(200, verdict.as_dict())


@router.get(
    "/xac-minh/chung-thu",
    auth=None,
    response=list[CertificateOut],
    summary="Chứng thư số công khai của các cơ quan (để xác minh mã QR khi không có mạng)",
)
def certificate_list(request: HttpRequest):
    return list(selectors.certificate_list_public())
