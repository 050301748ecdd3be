"""Gateway reconciliation (đối soát): our ledger of successful transactions against the gateway's report.

Report file format (CSV, UTF-8, comma-separated, one header row; column names as VNPAY's own fields so an
export from the merchant portal can be mapped by renaming columns):

    vnp_TxnRef,vnp_TransactionNo,vnp_Amount,vnp_BankCode,vnp_PayDate,vnp_TransactionStatus
    DVC260310A1B2C3D4E5,14980726,750000,NCB,20260310093000,00

* ``vnp_Amount`` is VND × 100, as on the wire; ``vnp_PayDate`` is ``yyyyMMddHHmmss`` in GMT+7;
  ``vnp_TransactionStatus`` ``00`` is a success, anything else is listed by the gateway but not money in.
* Extra columns are ignored; header names are matched case-insensitively.

Mismatch kinds: ``missing_in_ledger`` (the gateway took money we do not record as paid), ``missing_in_report``
(we record a payment the gateway does not list), ``amount`` and ``transaction_no`` (both list it,
differently).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dichvucong.payments.gateways import vnpay_protocol as vnp
from dichvucong.payments.models import Reconciliation, Transaction

COLUMNS = (
    "vnp_TxnRef",
    "vnp_TransactionNo",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionStatus",
)


class ReportError(ValueError):
    pass


@dataclass(frozen=True)
class ReportRow:
    line: int
    reference: str
    transaction_no: str
    amount: int | None
    bank_code: str
    paid_at: datetime.datetime | None
    status: str

    @property
    def succeeded(self) -> bool:
        return self.status == "00"


def parse_report(text: str) -> list[ReportRow]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames:
        raise ReportError("Tệp đối soát trống.")
    names = {name.strip().lower(): name for name in reader.fieldnames}
    missing = [c for c in COLUMNS if c.lower() not in names]
    if missing:
        raise ReportError(f"Thiếu cột: {', '.join(missing)}")
    rows = []
    for number, raw in enumerate(reader, start=2):
        get = lambda column, raw=raw: (raw.get(names[column.lower()]) or "").strip()  # noqa: E731
        if not get("vnp_TxnRef"):
            continue
        rows.append(
            ReportRow(
                line=number,
                reference=get("vnp_TxnRef")[:100],
                transaction_no=get("vnp_TransactionNo")[:40],
                amount=vnp.parse_amount_field(get("vnp_Amount")),
                bank_code=get("vnp_BankCode")[:20],
                paid_at=vnp.parse_vnp_datetime(get("vnp_PayDate")),
                status=get("vnp_TransactionStatus")[:4],
            )
        )
    return rows


def reconcile_gateway(
    *, gateway: str, rows: list[ReportRow], start: datetime.date, end: datetime.date, source_name: str = ""
) -> Reconciliation:
    """Compare and record. Our side: successful (or later refunded) transactions paid in [start, end]
    (local dates); their side: the report's rows paid in the period, plus any row naming one of ours."""
    ledger = {
        txn.reference: txn
        for txn in Transaction.objects.filter(
            gateway=gateway,
            state__in=[Transaction.State.SUCCEEDED, Transaction.State.REFUNDED],
            paid_at__date__gte=start,
            paid_at__date__lte=end,
        )
    }

    def in_period(row: ReportRow) -> bool:
        if row.paid_at is None:
            return row.reference in ledger
        return start <= timezone.localtime(row.paid_at).date() <= end

    theirs = {row.reference: row for row in rows if row.succeeded and in_period(row)}
    mismatches: list[dict] = []
    for reference, row in sorted(theirs.items()):
        txn = ledger.get(reference)
        if txn is None:
            ours = Transaction.objects.filter(reference=reference, gateway=gateway).first()
            mismatches.append(
                {
                    "kind": "missing_in_ledger",
                    "reference": reference,
                    "ours": ours.state if ours else None,
                    "theirs": row.amount,
                    "line": row.line,
                }
            )
            continue
        if row.amount != txn.amount:
            mismatches.append(
                {"kind": "amount", "reference": reference, "ours": txn.amount, "theirs": row.amount}
            )
        if (
            row.transaction_no
            and txn.gateway_transaction_no
            and row.transaction_no != txn.gateway_transaction_no
        ):
            mismatches.append(
                {
                    "kind": "transaction_no",
                    "reference": reference,
                    "ours": txn.gateway_transaction_no,
                    "theirs": row.transaction_no,
                }
            )
    for reference, txn in sorted(ledger.items()):
        if reference not in theirs:
            mismatches.append(
                {"kind": "missing_in_report", "reference": reference, "ours": txn.amount, "theirs": None}
            )
    with transaction.atomic():
        return Reconciliation.objects.create(
            kind=Reconciliation.Kind.GATEWAY,
            gateway=gateway,
            period_start=start,
            period_end=end,
            ledger_count=len(ledger),
            ledger_total=sum(t.amount for t in ledger.values()),
            counterpart_count=len(theirs),
            counterpart_total=sum(r.amount or 0 for r in theirs.values()),
            mismatches=mismatches,
            source_name=source_name[:255],
        )
