"""Dossiers submitted on the national portal, received over the API: ``POST /api/v1/quoc-gia/ho-so``
(signed requests, see ``national.inbound``)."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import Router, Schema, Status

from dichvucong.core.api_schemas import FormErrors
from dichvucong.core.ratelimit import client_ip
from dichvucong.national import conf, inbound

logger = logging.getLogger("dichvucong.national.inbound")

router = Router(tags=["Cổng Dịch vụ công quốc gia"])


class ProblemOut(Schema):
    field: str
    message: str


class InboundOut(Schema):
    error_code: str  # "0": received; otherwise the reason (see the operation's description)
    message: str
    MaHoSo: str | None = None  # the national portal's dossier id
    MaHoSoDiaPhuong: str | None = None  # our dossier code
    DaTonTai: bool | None = None  # the same MaHoSo had already been received: nothing new was made
    errors: list[ProblemOut] = []


BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": (
                        "Một hồ sơ theo tên trường của HoSoDongBoDVC: MaHoSo (mã hồ sơ trên Cổng quốc gia), "
                        "MaTTHC + MaDonVi hoặc MaTTHCDP, ChuHoSo, SoGiayToChuHoSo, LoaiDoiTuong, "
                        "SoDienThoai, Email, DiaChi, HinhThuc, DiaChiNhanKetQua, TruongHop[], ToKhai{}, "
                        "TaiLieuNop[] "
                        "(MaThanhPhanHoSo, TenTepDinhKem, NoiDung base64). Chữ ký: hex(HMAC-SHA256(khóa, "
                        "METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nBODY)) ở header X-DVCQG-Signature, giây Unix ở "
                        "X-DVCQG-Timestamp, mã dùng một lần ở X-DVCQG-Nonce."
                    ),
                }
            }
        },
    }
}


@router.post(
    "/quoc-gia/ho-so",
    auth=None,
    response={
        200: InboundOut,
        400: InboundOut,
        401: InboundOut,
        413: InboundOut,
        422: InboundOut | FormErrors,
    },
    summary="Nhận hồ sơ nộp trên Cổng Dịch vụ công quốc gia (yêu cầu có chữ ký)",
    description=(
        '200: đã tạo và nộp hồ sơ (error_code "0", MaHoSoDiaPhuong là mã hồ sơ của hệ thống); cùng MaHoSo '
        "gửi lại trả lời như lần đầu (DaTonTai = true) và không tạo gì. 401: thiếu hoặc sai chữ ký, "
        "thời điểm ký lệch quá 5 phút, mã dùng một lần đã dùng (replay), hoặc chưa cấu hình khóa. "
        "400: nội dung không "
        "đọc được. 413: quá lớn. 422: thủ tục hoặc đơn vị chưa được ánh xạ (unknown_offering), thành phần "
        "hồ sơ không có (unknown_component), tệp không đạt kiểm tra (bad_file), hồ sơ thiếu thông tin "
        "(incomplete). Mọi từ chối đều được ghi nhật ký và không thay đổi dữ liệu."
    ),
    openapi_extra=BODY,
)
def inbound_dossier(request: HttpRequest):
    limit = conf.inbound_max_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    try:
        body = b"" if declared > limit else request.read(limit + 1)
    except RequestDataTooBig:
        body = b""
        declared = limit + 1
    try:
        if declared > limit or len(body) > limit:
            raise inbound.InboundRefused(413, "too_large", "Nội dung hồ sơ quá lớn.")
        inbound.request_verify(method=request.method, path=request.path, headers=request.headers, body=body)
        answer = inbound.inbound_dossier_receive(body=body)
    except inbound.InboundRefused as refused:
        logger.warning(
            "national inbound refused: %s %s (%s)",
            refused.status,
            refused.code,
            client_ip(request),
            extra={"code": refused.code, "problems": refused.problems},
        )
        return Status(
            refused.status,
            {
                "error_code": refused.code,
                "message": refused.message,
                "errors": [{"field": f, "message": m} for f, m in refused.problems],
            },
        )
    logger.info(
        "national inbound %s: %s -> %s",
        "created" if answer.created else "repeat",
        answer.national_id,
        answer.code,
    )
    return Status(
        200,
        {
            "error_code": "0",
            "message": "Đã tiếp nhận hồ sơ." if answer.created else "Hồ sơ này đã được tiếp nhận trước đó.",
            "MaHoSo": answer.national_id,
            "MaHoSoDiaPhuong": answer.code,
            "DaTonTai": not answer.created,
        },
    )
