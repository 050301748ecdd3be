"""Turn a dossier into the official forms (Mẫu 01, 02, 03) rendered by ``dichvucong.paperwork``."""

from __future__ import annotations

from collections.abc import Iterable

from dichvucong import paperwork as forms_pdf
from dichvucong.catalogue.models import DurationUnit
from dichvucong.core.formatting import format_duration
from dichvucong.dossiers.models import Dossier, ResultDelivery, Status
from dichvucong.dossiers.notices import tracking_url
from dichvucong.dossiers.reception import processing_time


def _agency(dossier: Dossier) -> forms_pdf.Agency:
    agency = dossier.agency
    place = agency.admin_unit.short_name if agency.admin_unit_id else ""
    return forms_pdf.Agency(
        name=agency.name,
        parent_name=agency.parent.name if agency.parent_id else "",
        place_name=place,
        address=agency.address,
        phone=agency.phone,
    )


def _applicant(dossier: Dossier) -> forms_pdf.Person:
    return forms_pdf.Person(
        name=dossier.applicant_name,
        address=dossier.applicant_address,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
        id_number=dossier.applicant_id_number,
    )


def _officer(user) -> str:
    return user.full_name if user else ""


def _processing_time_text(dossier: Dossier) -> str:
    if dossier.version.no_appointment_date:
        return "Không có ngày hẹn trả"
    # The same duration the due date is computed from.
    value, unit = processing_time(dossier)
    if value is None and unit != DurationUnit.NO_DEADLINE:
        return "Theo quy định"
    return format_duration(value, unit, DurationUnit(unit).label)


def receipt_pdf(dossier: Dossier) -> bytes:
    """Mẫu 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    components: dict[int, forms_pdf.Component] = {}
    for item in dossier.files.all():
        key = item.component_id or 0
        if key not in components:
            name = item.component.name if item.component else item.document.title
            components[key] = forms_pdf.Component(name=name[:300], originals=0, copies=1)
    method = forms_pdf.DeliveryMethod(dossier.result_delivery)
    detail = (
        dossier.delivery_address if dossier.result_delivery == ResultDelivery.POST else dossier.agency.address
    )
    data = forms_pdf.ReceiptData(
        agency=_agency(dossier),
        code=dossier.code,
        tracking_url=tracking_url(dossier),
        applicant=_applicant(dossier),
        owner=forms_pdf.Person(
            name=dossier.owner_name, address=dossier.owner_address, id_number=dossier.owner_id_number
        ),
        procedure_name=dossier.procedure.name,
        components=list(components.values()),
        sets=1,
        legal_processing_time=_processing_time_text(dossier),
        received_at=dossier.received_at or dossier.submitted_at,
        due_at=dossier.due_at,
        receiving_officer=_officer(dossier.received_by),
        delivery=forms_pdf.ResultDelivery(method=method, detail=detail),
        fees=_fee_charges(dossier),
        hotline=dossier.agency.phone,
    )
    return forms_pdf.render_receipt_pdf(data)


def _fee_charges(dossier: Dossier) -> tuple[forms_pdf.FeeCharge, ...]:
    """The fees billed and paid, from the payments ledger (so Mẫu 01 agrees with the e-receipt)."""
    from dichvucong.payments.selectors import dossier_fee_charges

    return dossier_fee_charges(dossier=dossier)


def supplement_pdf(dossier: Dossier) -> bytes:
    """Mẫu 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (the latest request)."""
    request = dossier.supplements.order_by("-requested_at").first()
    data = forms_pdf.SupplementRequestData(
        agency=_agency(dossier),
        code=dossier.code,
        applicant=_applicant(dossier),
        procedure_name=dossier.procedure.name,
        items=[forms_pdf.MissingItem(name=i["name"], reason=i.get("reason", "")) for i in request.items],
        deadline=request.deadline,
        officer=_officer(request.requested_by),
        requested_at=request.requested_at,
        hotline=dossier.agency.phone,
    )
    return forms_pdf.render_supplement_request_pdf(data)


def refusal_pdf(dossier: Dossier) -> bytes:
    """Mẫu 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ."""
    event = dossier.events.filter(action="refuse").select_related("actor").last()
    data = forms_pdf.RefusalData(
        agency=_agency(dossier),
        code=dossier.code,
        applicant=_applicant(dossier),
        procedure_name=dossier.procedure.name,
        reasons=list(dossier.refusal_reasons),
        officer=_officer(event.actor if event else None),
        refused_at=dossier.finished_at,
        hotline=dossier.agency.phone,
    )
    return forms_pdf.render_refusal_pdf(data)


def ledger_rows(dossiers: Iterable[Dossier]) -> list[forms_pdf.LedgerRow]:
    """Rows of the Sổ theo dõi hồ sơ (Excel and PDF) for received dossiers."""
    return [
        forms_pdf.LedgerRow(
            code=d.code,
            procedure_name=d.procedure.name,
            sets=1,
            owner_name=d.owner_name,
            address=d.owner_address,
            phone=d.applicant_phone,
            received_at=d.received_at,
            due_at=d.due_at,
            returned_at=getattr(getattr(d, "return_record", None), "returned_at", None),
            receiving_officer=d.received_by.full_name if d.received_by else "",
            area=d.agency.display_name,
        )
        for d in dossiers
    ]


# The forms a dossier can be printed on, shared by the web pages and the API.
FORMS = {  # form → (renderer, statuses in which it exists; None: whenever a request exists)
    "mau-01": (
        receipt_pdf,
        {Status.ACCEPTED, Status.PROCESSING, Status.RESOLVED, Status.RETURNED, Status.SUPPLEMENT_REQUESTED},
    ),
    "mau-02": (supplement_pdf, None),
    "mau-03": (refusal_pdf, {Status.REFUSED}),
}


def form_available(dossier: Dossier, form_name: str) -> bool:
    """Whether the dossier has this form now (Mẫu 02 only once a supplement has been requested)."""
    if form_name not in FORMS:
        return False
    _render, statuses = FORMS[form_name]
    if statuses is not None and dossier.status not in statuses:
        return False
    return form_name != "mau-02" or bool(dossier.supplements.all())
