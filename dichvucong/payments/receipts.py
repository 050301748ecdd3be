"""Turn a paid payment request into the e-receipt PDF rendered by ``dichvucong.paperwork.receipts``."""

from __future__ import annotations

from django.http import Http404

from dichvucong import paperwork
from dichvucong.paperwork import receipts as receipt_pdf
from dichvucong.payments.gateways.registry import gateway_class
from dichvucong.payments.models import PaymentRequest, Transaction
from dichvucong.payments.services import transactions_url

KIND_LABELS = {"le_phi": "Lệ phí", "phi": "Phí"}


def _method(request: PaymentRequest) -> str:
    if request.paid_via == "cash":
        return "Tiền mặt (thu qua bưu điện / Bộ phận một cửa)"
    try:
        label = gateway_class(request.paid_via).label
    except LookupError:
        label = request.paid_via
    return f"Thanh toán trực tuyến qua {label}"


def receipt_pdf_bytes(request: PaymentRequest) -> bytes:
    if request.state != PaymentRequest.State.PAID or not request.receipt_number:
        raise Http404("Chưa có biên lai")
    dossier = request.dossier
    agency = request.agency
    txn = None
    if request.paid_via != "cash":
        txn = (
            request.transactions.filter(state__in=[Transaction.State.SUCCEEDED, Transaction.State.REFUNDED])
            .order_by("paid_at")
            .first()
        )
    collection = getattr(request, "cash_collection", None) if request.paid_via == "cash" else None
    notes = []
    if txn is not None and txn.state == Transaction.State.REFUNDED:
        notes.append("Giao dịch này đã được hoàn tiền.")
    data = receipt_pdf.PaymentReceiptData(
        agency=paperwork.Agency(
            name=agency.name,
            parent_name=agency.parent.name if agency.parent_id else "",
            place_name=agency.admin_unit.short_name if agency.admin_unit_id else "",
            address=agency.address,
            phone=agency.phone,
        ),
        receipt_number=request.receipt_number,
        dossier_code=dossier.code or "",
        procedure_name=dossier.procedure.name,
        payer=paperwork.Person(
            name=collection.payer_name if collection else dossier.applicant_name,
            address=dossier.applicant_address,
            id_number=dossier.applicant_id_number,
        ),
        lines=[
            receipt_pdf.ReceiptLine(
                name=item["name"],
                quantity=int(item["quantity"]),
                unit_amount=int(item["unit_amount"]),
                amount=int(item["amount"]),
                kind=KIND_LABELS.get(item.get("kind", ""), ""),
            )
            for item in request.items
        ],
        gross_amount=request.gross_amount,
        reduction=request.reduction,
        reduction_reason=request.reduction_reason,
        amount=request.amount,
        paid_at=request.paid_at,
        method=_method(request),
        series="BLTM" if collection else "BLDT",
        transaction_reference=txn.reference if txn else "",
        gateway_transaction_no=txn.gateway_transaction_no if txn else "",
        collector=collection.collected_by.full_name if collection else "",
        verify_url=transactions_url(),
        notes=notes,
    )
    return receipt_pdf.render_payment_receipt_pdf(data)
