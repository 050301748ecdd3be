from django.utils import timezone

from dichvucong.dossiers.models import DossierEvent
from dichvucong.notifications.models import Message
from dichvucong.payments.gateways import vnpay_protocol as vnp
from dichvucong.payments.gateways.demo import demo_secret
from dichvucong.payments.models import PaymentRequest, Refund, Transaction


def signed_callback(txn: Transaction, *, secret: str | None = None, sign: bool = True, **overrides) -> dict:
    params = {
        "vnp_Amount": str(txn.amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP12345678",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": txn.order_info,
        "vnp_PayDate": vnp.vnp_datetime(timezone.now()),
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": "DVCDEMO1",
        "vnp_TransactionNo": "12345678",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": txn.reference,
    }
    params.update(overrides)
    if sign:
        params["vnp_SecureHash"] = vnp.sign(params, secret or demo_secret())
    return params


def snapshot(request: PaymentRequest) -> dict:
    request = PaymentRequest.objects.get(pk=request.pk)
    dossier = request.dossier
    return {
        "request": (request.state, request.paid_at, request.receipt_number, request.paid_via),
        "transactions": list(
            Transaction.objects.order_by("pk").values_list("state", "gateway_transaction_no", "needs_refund")
        ),
        "dossier": (dossier.status, dossier.due_at, dossier.paused_at),
        "events": DossierEvent.objects.filter(dossier=dossier).count(),
        "messages": Message.objects.filter(event__startswith="payment.").count(),
        "refunds": Refund.objects.count(),
    }
