"""The dossier in the national sync format (``HoSoDongBoDVC``, domain.md §3.3), built from what the database
holds now. Pure reads; every date is Vietnam time as ``yyyyMMddHHmmss``.

Mappings that are ours, not the portal's (no official code list was found; keep them in this module):
- ``LoaiDoiTuong``: citizen 1, business 2, organisation 4 (we do not tell state bodies, 3, from others).
- ``HinhThuc`` (how the result is returned): 0 at the counter, 1 by public post, 2 online.
- ``MaThanhPhanHoSo``: our component id (the catalogue has no national component codes).
- ``DuocThanhToanTrucTuyen``: 1 paid on the national portal, 2 through the province's gateway, 3 otherwise
  (also when nothing was paid); ``HinhThucThu`` of a fee line uses the same codes.
- ``LoaiPhiLePhi``: 1 phí, 2 lệ phí; ``LoaiDinhDanh``: 1 CCCD/định danh, 2 CMND, 3 mã số thuế, 4 mã tổ chức.
- ``MaDoiTuong`` (the applicant's national account id) is empty until sign-in through VNeID records it.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.db.models import Max
from django.urls import reverse

from dichvucong.accounts.models import StaffRole, User
from dichvucong.dossiers.models import (
    NATIONAL_STATUS_CODE,
    Dossier,
    DossierEvent,
    DossierFile,
    ResultDelivery,
    Status,
    SupplementRequest,
)
from dichvucong.payments.models import OnlinePayment, PaymentRequest
from dichvucong.processing.models import DossierResult

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
OWNER_KIND = {User.Kind.CITIZEN: 1, User.Kind.BUSINESS: 2, User.Kind.ORGANISATION: 4}
DELIVERY = {ResultDelivery.COUNTER: 0, ResultDelivery.POST: 1, ResultDelivery.ONLINE: 2}
ID_KIND = {User.IdType.CCCD: 1, User.IdType.CMND: 2, User.IdType.TAX_CODE: 3, User.IdType.ORG_CODE: 4}
FEE_KIND = {"fee": 1, "charge": 2}
ROLE_LABEL = dict(StaffRole.choices)
FINISHED = frozenset({Status.REFUSED, Status.STOPPED, Status.RESOLVED, Status.RETURNED})


def national_time(value: datetime.datetime | datetime.date | None) -> str | None:
    """``yyyyMMddHHmmss`` in Vietnam time (a date: its midnight); None stays None."""
    if value is None:
        return None
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time.min, tzinfo=VIETNAM)
    elif value.tzinfo is not None:
        value = value.astimezone(VIETNAM)
    return value.strftime("%Y%m%d%H%M%S")


def _link(name: str, *args) -> str:
    return settings.DVC_PUBLIC_URL.rstrip("/") + reverse(name, args=args)


def _flag(value: bool) -> int:
    return 1 if value else 0


def latest_event_id(*, dossier_id: int) -> int:
    return DossierEvent.objects.filter(dossier_id=dossier_id).aggregate(m=Max("pk"))["m"] or 0


def dossier_payload(*, dossier_id: int) -> tuple[dict, int]:
    """The dossier as the portal must see it now, and the newest event id the payload carries."""
    dossier = Dossier.objects.select_related(
        "procedure__field", "agency", "intake_agency", "applicant", "return_record", "national_inbound"
    ).get(pk=dossier_id)
    events = list(
        DossierEvent.objects.filter(dossier_id=dossier_id)
        .select_related("actor", "agency")
        .order_by("created_at", "pk")
    )
    files = list(
        DossierFile.objects.filter(dossier_id=dossier_id)
        .select_related("document", "component")
        .order_by("pk")
    )
    fees = list(PaymentRequest.objects.filter(dossier_id=dossier_id).order_by("created_at", "pk"))
    supplements = list(SupplementRequest.objects.filter(dossier_id=dossier_id).select_related("requested_by"))
    results = list(DossierResult.objects.filter(dossier_id=dossier_id).select_related("document"))
    reused_results = {}
    reused_ids = [f.document_id for f in files if f.reused]
    if reused_ids:
        reused_results = dict(
            DossierResult.objects.filter(document_id__in=reused_ids).values_list("document_id", "result_code")
        )
    # A dossier the portal sent us is known there by its own id: updates go to that one, not a second copy.
    inbound = getattr(dossier, "national_inbound", None)
    code = (inbound.national_id if inbound else dossier.code) or ""
    status = NATIONAL_STATUS_CODE.get(dossier.status)
    applicant = dossier.applicant
    returned = getattr(dossier, "return_record", None)
    procedure = dossier.procedure
    field = procedure.field
    paid = [fee for fee in fees if fee.state == PaymentRequest.State.PAID]
    finished = _finished_at(dossier, events)
    online = sorted({fee.online_payment for fee in paid if fee.online_payment in (1, 2)})
    payload = {
        "MaHoSo": code,
        "MaTTHC": procedure.code,
        "TenTTHC": procedure.name,
        "MaLinhVuc": (field.code if field else "") or "",
        "TenLinhVuc": field.name if field else "",
        "KenhThucHien": dossier.national_channel,
        "ChuHoSo": dossier.owner_name or dossier.applicant_name,
        "SoGiayToChuHoSo": dossier.owner_id_number or dossier.applicant_id_number,
        "LoaiDoiTuong": OWNER_KIND.get(applicant.kind, 1) if applicant else 1,
        "MaDoiTuong": "",
        "Email": dossier.applicant_email,
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": f"{procedure.name} - {dossier.owner_name or dossier.applicant_name}"[:1000],
        "NgayNopHoSo": national_time(dossier.submitted_at),
        "NgayTiepNhan": national_time(dossier.received_at),
        "NgayHenTra": national_time(dossier.due_at),
        "TrangThaiHoSo": status,
        "NgayTra": national_time(returned.returned_at) if returned else None,
        "ThongTinTra": (returned.recipient_name if returned else ""),
        "HinhThuc": DELIVERY.get(dossier.result_delivery, 0),
        "NgayKetThucXuLy": national_time(finished),
        "DonViXuLy": dossier.agency.name,
        "NoiNopHoSo": (dossier.intake_agency or dossier.agency).name,
        "NgayTuChoi": national_time(finished) if dossier.status == Status.REFUSED else None,
        "HoSoCoThanhPhanSoHoa": _flag(bool(files)),
        # as it was when the dossier was submitted (a later proof does not change a past submission)
        "TaiKhoanDuocXacThucVoiVNeID": _flag(dossier.owner_vneid_authenticated),
        "DuocThanhToanTrucTuyen": online[0] if online else OnlinePayment.NOT_ONLINE,
        "TaiLieuNop": [_document(f, reused_results) for f in files],
        "DanhSachLePhi": [line for fee in fees for line in _fee_lines(fee)],
        "DanhSachHoSoBoSung": [_supplement(s) for s in supplements],
        "DanhSachGiayToKetQua": [_result(r) for r in results],
        "DinhDanhCHS": _identifiers(dossier, applicant),
        "DSKetNoiCSDL": [],
        "QuaTrinhXuLy": [_event(code, e) for e in events],
    }
    return payload, (events[-1].pk if events else 0)


def _finished_at(dossier: Dossier, events: list[DossierEvent]) -> datetime.datetime | None:
    """When processing ended (KPI 2.1): the recorded time, else the first event that reached an end status;
    None while the dossier is open."""
    if dossier.status not in FINISHED:
        return None
    if dossier.finished_at:
        return dossier.finished_at
    return next((event.created_at for event in events if event.to_status in FINISHED), None)


def _document(file: DossierFile, reused_results: dict) -> dict:
    document = file.document
    return {
        "TepDinhKemId": str(document.public_id),
        "TenTepDinhKem": document.original_name or document.title,
        "MaThanhPhanHoSo": str(file.component_id or ""),
        "TenThanhPhanHoSo": file.component.name[:1000] if file.component else document.title,
        "DuongDanTaiTepTin": _link("documents:download", document.public_id),
        "DuocSoHoa": 1,
        "DuocTaiSuDung": _flag(file.reused),
        "DuocLayTuKhoDMQG": 0,
        "MaKetQuaThayThe": reused_results.get(file.document_id, "") or "",
    }


def _fee_lines(fee: PaymentRequest) -> list[dict]:
    how = fee.online_payment if fee.state == PaymentRequest.State.PAID and fee.online_payment else 3
    lines = []
    for index, item in enumerate(fee.items or []):
        lines.append(
            {
                "TenPhiLePhi": str(item.get("name", ""))[:500],
                "MaPhiLePhi": str(item.get("fee_item_id") or f"{fee.public_id}-{index + 1}"),
                "HinhThucThu": how,
                "Gia": int(item.get("amount") or 0),
                "LoaiPhiLePhi": FEE_KIND.get(str(item.get("kind", "")), 2),
            }
        )
    return lines


def _supplement(request: SupplementRequest) -> dict:
    items = request.items or []
    content = "; ".join(str(item.get("name", "")) for item in items if isinstance(item, dict))
    requester = request.requested_by
    return {
        "NguoiYeuCauBoSung": requester.full_name if requester else "",
        "NoiDungBoSung": content[:2000],
        "NgayYeuCauBoSung": national_time(request.requested_at),
        "HanBoSung": national_time(request.deadline),
        "NgayCongDanBoSung": national_time(request.responded_at),
        "NgayHoanThanhBoSung": national_time(request.completed_at),
        "NgayHenTraTruoc": national_time(request.due_before),
        "NgayHenTraMoi": national_time(request.due_after),
    }


def _result(result: DossierResult) -> dict:
    return {
        "TenGiayTo": result.name[:1000],
        "MaGiayToKetQua": result.result_code,
        "DuongDanTepTinKetQua": _link("documents:download", result.document.public_id),
    }


def _identifiers(dossier: Dossier, applicant: User | None) -> list[dict]:
    number = dossier.owner_id_number or dossier.applicant_id_number
    if not number:
        return []
    kind = (
        ID_KIND.get(applicant.id_type, 1)
        if applicant and applicant.id_type
        else (1 if len(number) == 12 else 2)
    )
    return [{"LoaiDinhDanh": kind, "SoDinhDanh": number}]


def _event(code: str, event: DossierEvent) -> dict:
    actor = event.actor
    return {
        "MaHoSo": code,
        "NguoiXuLy": (actor.full_name or actor.username) if actor else "Hệ thống",
        "ChucDanh": str(
            ROLE_LABEL.get(event.actor_role, "Người nộp hồ sơ" if event.actor_role == "applicant" else "")
        ),
        "ThoiDiemXuLy": national_time(event.created_at),
        "PhongBanXuLy": event.agency.name if event.agency else "",
        "NoiDungXuLy": (event.label + (f": {event.note}" if event.note else ""))[:2000],
        "TrangThai": NATIONAL_STATUS_CODE.get(event.to_status),
        "NgayBatDau": national_time(event.created_at),
        "NgayKetThucTheoQuyDinh": national_time(event.step_due_at),
    }
