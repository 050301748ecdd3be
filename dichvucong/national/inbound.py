"""Dossiers submitted on the national portal and sent to us (issue 13, part 2).

The portal signs each request: ``X-DVCQG-Signature`` = hex HMAC-SHA256, with the shared secret
``DVC_NATIONAL_INBOUND_SECRET``, of ``METHOD \\n PATH \\n TIMESTAMP \\n NONCE \\n BODY``
(``X-DVCQG-Timestamp``: Unix seconds, within ``DVC_NATIONAL_INBOUND_SKEW`` of our clock; ``X-DVCQG-Nonce``:
used once). The body is one dossier with the field names of the outbound ``HoSoDongBoDVC`` record
(payload.py) plus what only inbound needs:

- ``MaHoSo``: the portal's dossier id (idempotency key); ``MaTTHC`` + ``MaDonVi`` (agency code), or our local
  offering code ``MaTTHCDP``, choose the offering.
- Owner: ``ChuHoSo``, ``SoGiayToChuHoSo``, ``LoaiDoiTuong``, ``SoDienThoai``, ``Email``, ``DiaChi``.
- ``HinhThuc`` (0 counter, 1 post with ``DiaChiNhanKetQua``, 2 online), ``TruongHop`` (special cases),
  ``ToKhai`` (the e-form's answers by field name).
- ``TaiLieuNop[]``: ``MaThanhPhanHoSo`` (our component id), ``TenTepDinhKem``, ``NoiDung`` (base64).

Every refusal is an ``InboundRefused`` (HTTP status, machine code, Vietnamese message, problems); a refused
request writes nothing but its nonce (a valid signature's nonce is spent either way).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dichvucong.accounts import verification
from dichvucong.accounts.models import User
from dichvucong.catalogue.models import AgencyProcedure, Component
from dichvucong.documents import validation
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.errors import DossierError
from dichvucong.dossiers.models import ResultDelivery
from dichvucong.dossiers.workflow import TransitionRefused
from dichvucong.national import conf
from dichvucong.national.models import InboundDossier, InboundNonce

logger = logging.getLogger("dichvucong.national.inbound")

SIGNATURE_HEADER = "X-DVCQG-Signature"
TIMESTAMP_HEADER = "X-DVCQG-Timestamp"
NONCE_HEADER = "X-DVCQG-Nonce"
NONCE_RE = re.compile(r"^[A-Za-z0-9._:-]{16,64}$")
ID_NUMBER_RE = re.compile(r"^[0-9A-Za-z.-]{9,20}$")
CLIENT_REF_PREFIX = "dvcqg:"

KIND = {1: User.Kind.CITIZEN, 2: User.Kind.BUSINESS, 3: User.Kind.ORGANISATION, 4: User.Kind.ORGANISATION}
DELIVERY = {0: ResultDelivery.COUNTER, 1: ResultDelivery.POST, 2: ResultDelivery.ONLINE}


@dataclass
class InboundRefused(Exception):
    status: int
    code: str
    message: str
    problems: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


@dataclass(frozen=True)
class InboundAnswer:
    national_id: str
    code: str
    created: bool


# --- signature ------------------------------------------------------------------------------------


def signature_for(*, secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    """hex HMAC-SHA256 of the request as the portal signs it (tests and the demo sign with this too)."""
    message = "\n".join((method.upper(), path, timestamp, nonce)).encode() + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def request_verify(*, method: str, path: str, headers, body: bytes) -> None:
    """Refuse (401) a request without a valid, fresh, first-seen signature; spend its nonce."""
    secret = conf.inbound_secret()
    if not secret:
        raise InboundRefused(
            401, "inbound_off", "Chưa cấu hình khóa nhận hồ sơ từ Cổng Dịch vụ công quốc gia."
        )
    signature = (headers.get(SIGNATURE_HEADER) or "").strip().lower()
    timestamp = (headers.get(TIMESTAMP_HEADER) or "").strip()
    nonce = (headers.get(NONCE_HEADER) or "").strip()
    if not signature or not timestamp or not nonce:
        raise InboundRefused(401, "unsigned", "Yêu cầu thiếu chữ ký, thời điểm ký hoặc mã dùng một lần.")
    if not timestamp.isdigit() or len(timestamp) > 12 or not NONCE_RE.match(nonce):
        raise InboundRefused(401, "bad_signature", "Chữ ký của yêu cầu không hợp lệ.")
    expected = signature_for(
        secret=secret, method=method, path=path, timestamp=timestamp, nonce=nonce, body=body
    )
    if not hmac.compare_digest(expected, signature):
        raise InboundRefused(401, "bad_signature", "Chữ ký của yêu cầu không hợp lệ.")
    skew = conf.inbound_skew()
    if abs(time.time() - int(timestamp)) > skew:
        allowed = f"{skew // 60} phút" if skew % 60 == 0 else f"{skew} giây"
        raise InboundRefused(401, "stale", f"Thời điểm ký của yêu cầu lệch quá {allowed} so với hệ thống.")
    try:
        with transaction.atomic():
            InboundNonce.objects.create(nonce=nonce)
    except IntegrityError:
        raise InboundRefused(
            401, "replay", "Yêu cầu này đã được gửi trước đó (mã dùng một lần đã dùng)."
        ) from None
    InboundNonce.objects.filter(created_at__lt=timezone.now() - timezone.timedelta(seconds=2 * skew)).delete()


# --- the dossier ----------------------------------------------------------------------------------


def _text(data: dict, name: str, *, limit: int, required: bool = False) -> str:
    raw = data.get(name)
    if raw is None or raw == "":
        if required:
            raise InboundRefused(400, "invalid", f"Thiếu trường {name}.", [(name, "Trường này là bắt buộc.")])
        return ""
    if not isinstance(raw, (str, int)) or isinstance(raw, bool):
        raise InboundRefused(400, "invalid", f"Trường {name} không hợp lệ.", [(name, "Phải là chuỗi ký tự.")])
    value = str(raw).strip()
    if "\x00" in value or len(value) > limit:
        raise InboundRefused(
            400, "invalid", f"Trường {name} không hợp lệ.", [(name, "Quá dài hoặc có ký tự lạ.")]
        )
    if required and not value:
        raise InboundRefused(400, "invalid", f"Thiếu trường {name}.", [(name, "Trường này là bắt buộc.")])
    return value


def _int(data: dict, name: str, default: int, allowed) -> int:
    raw = data.get(name, default)
    if raw in (None, ""):
        return default
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = None
    if number not in allowed or isinstance(raw, bool):
        raise InboundRefused(
            400, "invalid", f"Trường {name} không hợp lệ.", [(name, "Giá trị không hợp lệ.")]
        )
    return number


def _offering(data: dict) -> AgencyProcedure:
    local_code = _text(data, "MaTTHCDP", limit=40)
    if local_code:
        offering = AgencyProcedure.objects.filter(local_code=local_code, is_active=True)
    else:
        procedure_code = _text(data, "MaTTHC", limit=40, required=True)
        agency_code = _text(data, "MaDonVi", limit=20, required=True)
        offering = AgencyProcedure.objects.filter(
            procedure__code=procedure_code, agency__code=agency_code, is_active=True
        )
    found = offering.select_related("procedure", "agency").first()
    if found is None:
        raise InboundRefused(
            422,
            "unknown_offering",
            "Không tìm thấy thủ tục này tại cơ quan đã chọn (mã thủ tục hoặc mã đơn vị chưa được ánh xạ).",
            [("MaTTHC", "Thủ tục không được cung cấp tại cơ quan này.")],
        )
    return found


def _files(data: dict) -> list[tuple[Component, SimpleUploadedFile]]:
    items = data.get("TaiLieuNop") or []
    if not isinstance(items, list) or len(items) > 100:
        raise InboundRefused(
            400, "invalid", "Trường TaiLieuNop không hợp lệ.", [("TaiLieuNop", "Phải là danh sách.")]
        )
    wanted: list[tuple[str, str, bytes]] = []
    for index, item in enumerate(items):
        where = f"TaiLieuNop[{index}]"
        if not isinstance(item, dict):
            raise InboundRefused(400, "invalid", f"{where} không hợp lệ.", [(where, "Phải là đối tượng.")])
        component_id = _text(item, "MaThanhPhanHoSo", limit=20, required=True)
        name = _text(item, "TenTepDinhKem", limit=255, required=True)
        content = item.get("NoiDung")
        try:
            raw = base64.b64decode(content, validate=True) if isinstance(content, str) else None
        except (binascii.Error, ValueError):
            raw = None
        if not raw:
            raise InboundRefused(
                422,
                "bad_file",
                f"Tệp “{name}” không đọc được (NoiDung phải là base64).",
                [(where, "Tệp rỗng hoặc sai mã hóa.")],
            )
        wanted.append((component_id, name, raw))
    ids = {component_id for component_id, _name, _raw in wanted}
    components = (
        {str(c.pk): c for c in Component.objects.filter(pk__in=[i for i in ids if i.isdigit()])}
        if ids
        else {}
    )
    unknown = sorted(ids - components.keys())
    if unknown:
        raise InboundRefused(
            422,
            "unknown_component",
            "Thành phần hồ sơ không thuộc thủ tục này: " + ", ".join(unknown),
            [("TaiLieuNop", f"Mã thành phần hồ sơ không có: {i}") for i in unknown],
        )
    uploads = []
    problems = []
    for index, (component_id, name, raw) in enumerate(wanted):
        component = components[component_id]
        upload = SimpleUploadedFile(name, raw)
        try:  # the normal upload checks, before anything is written
            validation.inspect_upload(upload, allowed_types=dossier_services.component_file_types(component))
        except validation.FileRejected as rejected:
            problems.append((f"TaiLieuNop[{index}]", f"{name}: {rejected.message}"))
        upload.seek(0)
        uploads.append((component, upload))
    if problems:
        raise InboundRefused(422, "bad_file", "Tệp đính kèm không đạt yêu cầu: " + problems[0][1], problems)
    return uploads


def _owner(data: dict) -> User:
    """The account of the owner's ID number (the holder who proved it, else the one account that declared
    it), else a new unverified account without a usable password (VNeID sign-in takes it over later)."""
    number = _text(data, "SoGiayToChuHoSo", limit=20, required=True)
    if not ID_NUMBER_RE.match(number):
        raise InboundRefused(
            400, "invalid", "Số giấy tờ của chủ hồ sơ không hợp lệ.", [("SoGiayToChuHoSo", "Sai định dạng.")]
        )
    account = verification.identity_account_for_number(id_number=number)
    if account is not None:
        return account
    kind = KIND[_int(data, "LoaiDoiTuong", 1, KIND)]
    if number.isdigit() and len(number) in (9, 12) and kind == User.Kind.CITIZEN:
        id_type = User.IdType.CCCD if len(number) == 12 else User.IdType.CMND
    else:
        id_type = User.IdType.TAX_CODE if kind == User.Kind.BUSINESS else User.IdType.ORG_CODE
    user = User(
        kind=kind,
        id_type=id_type,
        id_number=number,
        full_name=_text(data, "ChuHoSo", limit=200, required=True),
        phone=_text(data, "SoDienThoai", limit=20),
        email=_text(data, "Email", limit=254),
    )
    user.set_unusable_password()
    for attempt in range(3):  # another request may take the same sign-in name at once
        user.username = verification.username_for_identity(id_number=number)
        try:
            with transaction.atomic():
                user.save()
            return user
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _lock(national_id: str) -> None:
    """Serialise requests about one national id until the transaction ends (PostgreSQL advisory lock; other
    databases, SQLite in tests, serialise writes anyway and the unique national id stays the backstop)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [CLIENT_REF_PREFIX + national_id])


def inbound_dossier_receive(*, body: bytes) -> InboundAnswer:
    """Create and submit the dossier the (already verified) body describes; the same ``MaHoSo`` again
    answers with the dossier made the first time."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise InboundRefused(400, "invalid", "Nội dung yêu cầu không phải JSON hợp lệ.") from None
    if not isinstance(data, dict):
        raise InboundRefused(400, "invalid", "Nội dung yêu cầu phải là một hồ sơ (đối tượng JSON).")
    national_id = _text(data, "MaHoSo", limit=64, required=True)
    with transaction.atomic():
        _lock(national_id)
        known = InboundDossier.objects.select_related("dossier").filter(national_id=national_id).first()
        if known is not None:
            return InboundAnswer(national_id=national_id, code=known.dossier.code, created=False)
        offering = _offering(data)
        uploads = _files(data)
        delivery = DELIVERY[_int(data, "HinhThuc", 0, DELIVERY)]
        cases = data.get("TruongHop") or []
        answers = data.get("ToKhai") or {}
        if not isinstance(cases, list) or not all(isinstance(c, str) for c in cases):
            raise InboundRefused(
                400, "invalid", "Trường TruongHop không hợp lệ.", [("TruongHop", "Phải là danh sách.")]
            )
        if not isinstance(answers, dict):
            raise InboundRefused(
                400, "invalid", "Trường ToKhai không hợp lệ.", [("ToKhai", "Phải là đối tượng.")]
            )
        owner = _owner(data)
        address = _text(data, "DiaChi", limit=500)
        fields = {
            "applicant_name": _text(data, "ChuHoSo", limit=200, required=True),
            "applicant_phone": _text(data, "SoDienThoai", limit=20),
            "applicant_email": _text(data, "Email", limit=254),
            "applicant_address": address,
            "owner_name": _text(data, "ChuHoSo", limit=200, required=True),
            "owner_id_number": owner.id_number,
            "owner_address": address,
            "result_delivery": delivery,
            "delivery_address": _text(data, "DiaChiNhanKetQua", limit=500),
        }
        try:
            dossier, _created = dossier_services.dossier_submit_complete(
                applicant=owner,
                offering=offering,
                cases=cases,
                fields=fields,
                form_data={"fields": answers},
                uploads=uploads,
                client_ref=CLIENT_REF_PREFIX + national_id,
            )
        except dossier_services.SubmissionRefused as refused:
            raise InboundRefused(422, "incomplete", refused.message, list(refused.problems)) from None
        except (DossierError, TransitionRefused) as refused:
            raise InboundRefused(422, "refused", getattr(refused, "message", str(refused))) from None
        InboundDossier.objects.create(
            national_id=national_id, dossier=dossier, body_sha256=hashlib.sha256(body).hexdigest()
        )
    return InboundAnswer(national_id=national_id, code=dossier.code, created=True)
