"""The personal document store over the API. Every operation needs a signed-in person.

Authentication: `AUTH` (Django session via `ninja.security.django_auth`, CSRF-checked on writes).
To accept more methods later (e.g. a bearer token), mount with
`api.add_router("/", router, auth=[*AUTH, token_auth])`; each must return the User as `request.auth`.
"""

from __future__ import annotations

import datetime
import uuid

from django.http import Http404, HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from dichvucong.documents import selectors, services
from dichvucong.documents.models import StoredDocument
from dichvucong.documents.responses import private_file_response

AUTH = [django_auth]

router = Router(tags=["Kho giấy tờ"], auth=AUTH)


class DocumentOut(Schema):
    id: uuid.UUID
    title: str
    kind: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    source: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_id(obj: StoredDocument) -> uuid.UUID:
        return obj.public_id


class StoreOut(Schema):
    created: bool
    document: DocumentOut


class ErrorOut(Schema):
    field: str
    code: str
    message: str


class NotFoundOut(Schema):
    detail: str


NOT_FOUND = "Không tìm thấy giấy tờ."


@router.get("/documents", response=list[DocumentOut], summary="Giấy tờ trong kho của tôi")
def document_list(request: HttpRequest):
    return selectors.document_list_for_owner(user=request.auth)


@router.post(
    "/documents",
    response={201: StoreOut, 200: StoreOut, 400: ErrorOut, 413: ErrorOut, 429: ErrorOut},
    summary="Tải lên giấy tờ (trùng nội dung thì dùng lại giấy tờ đã có)",
    description=(
        "Mỗi tài khoản công dân có giới hạn dung lượng kho (tổng các tệp tự tải lên, mặc định 500 MB: "
        "vượt quá → 413, code `quota`) và số tệp tải lên mỗi ngày (mặc định 200: vượt quá → 429, code "
        "`rate_limited`). Tệp trùng nội dung với giấy tờ đã có không tính thêm. Tệp PDF phải mở được "
        "(hỏng → 400, code `pdf_unreadable`) và không chứa JavaScript, tệp đính kèm bên "
        "trong (→ 400, code `pdf_active_content`); ảnh JPG/PNG phải giải mã được (`image_unreadable`) và "
        "không quá số điểm ảnh cho phép (`image_too_large`). Bị từ chối thì không lưu gì."
    ),
)
def document_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    title: Form[str],
    kind: Form[str] = "",
):
    try:
        document, created = services.document_store(owner=request.auth, upload=file, title=title, kind=kind)
    except services.UploadLimitReached as exc:
        status = 413 if exc.code == "quota" else 429
        return Status(status, ErrorOut(field=exc.field, code=exc.code, message=exc.message))
    except services.DocumentRefused as exc:
        return Status(400, ErrorOut(field=exc.field, code=exc.code, message=exc.message))
    return Status(201 if created else 200, StoreOut(created=created, document=document))


@router.get(
    "/documents/{public_id}/download", summary="Tải về giấy tờ", response={200: None, 404: NotFoundOut}
)
def document_download(request: HttpRequest, public_id: uuid.UUID):
    try:
        document = selectors.document_access(user=request.auth, public_id=public_id)
    except Http404:
        return Status(404, NotFoundOut(detail=NOT_FOUND))
    return private_file_response(document)


@router.delete(
    "/documents/{public_id}",
    response={204: None, 404: NotFoundOut, 409: ErrorOut},
    summary="Xóa giấy tờ khỏi kho (409 khi giấy tờ đang dùng trong hồ sơ hoặc kết quả)",
)
def document_delete(request: HttpRequest, public_id: uuid.UUID):
    try:
        document = selectors.document_access(user=request.auth, public_id=public_id, purpose="change")
    except Http404:
        return Status(404, NotFoundOut(detail=NOT_FOUND))
    try:
        services.document_delete(owner=request.auth, document=document)
    except services.DocumentInUse as exc:
        return Status(409, ErrorOut(field=exc.field, code=exc.code, message=exc.message))
    return Status(204, None)
