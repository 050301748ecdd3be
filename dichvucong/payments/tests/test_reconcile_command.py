import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from dichvucong.payments import services
from dichvucong.payments.gateways import vnpay_protocol as vnp
from dichvucong.payments.models import Reconciliation, Transaction

from .helpers import signed_callback


@pytest.fixture
def paid_txn(requested, pay_setup):
    txn, _url = services.payment_start(
        request=requested, payer=pay_setup["citizen"], gateway_name="demo", client_ip="", site_url="x"
    )
    services.callback_process(gateway_name="demo", params=signed_callback(txn), kind="ipn")
    txn.refresh_from_db()
    assert txn.state == Transaction.State.SUCCEEDED
    return txn


def write_report(tmp_path, rows) -> str:
    path = tmp_path / "report.csv"
    lines = ["vnp_TxnRef,vnp_TransactionNo,vnp_Amount,vnp_BankCode,vnp_PayDate,vnp_TransactionStatus"]
    lines += [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_matching_report(paid_txn, tmp_path, capsys):
    day = timezone.localdate()
    path = write_report(
        tmp_path,
        [
            (
                paid_txn.reference,
                "12345678",
                str(paid_txn.amount * 100),
                "NCB",
                vnp.vnp_datetime(paid_txn.paid_at),
                "00",
            ),
            ("DVCFAILED01", "0", "100000", "NCB", vnp.vnp_datetime(timezone.now()), "02"),
        ],
    )
    call_command("payments_reconcile", "--gateway", "demo", "--file", path, "--date", day.isoformat())
    result = Reconciliation.objects.get()
    assert result.mismatches == [] and result.ledger_total == paid_txn.amount == result.counterpart_total
    assert "Khớp" in capsys.readouterr().out


def test_mismatches_are_reported(paid_txn, tmp_path, capsys):
    day = timezone.localdate()
    now = vnp.vnp_datetime(timezone.now())
    path = write_report(
        tmp_path,
        [
            (paid_txn.reference, "99999999", str(paid_txn.amount * 100 + 100), "NCB", now, "00"),
            ("DVCNOTOURS1", "11111111", "500000", "NCB", now, "00"),
        ],
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command("payments_reconcile", "--gateway", "demo", "--file", path, "--date", day.isoformat())
    assert exit_info.value.code == 1
    kinds = {(m["kind"], m["reference"]) for m in Reconciliation.objects.get().mismatches}
    assert kinds == {
        ("amount", paid_txn.reference),
        ("transaction_no", paid_txn.reference),
        ("missing_in_ledger", "DVCNOTOURS1"),
    }
    assert "missing_in_ledger" in capsys.readouterr().out


def test_a_payment_missing_from_the_report(paid_txn, tmp_path):
    path = write_report(tmp_path, [])
    call_command(
        "payments_reconcile",
        "--gateway",
        "demo",
        "--file",
        path,
        "--date",
        timezone.localdate().isoformat(),
        "--no-fail",
    )
    assert Reconciliation.objects.get().mismatches[0]["kind"] == "missing_in_report"


def test_bad_files_and_arguments(tmp_path, db):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="Thiếu cột"):
        call_command("payments_reconcile", "--gateway", "demo", "--file", str(bad), "--date", "2026-03-10")
    with pytest.raises(CommandError):
        call_command("payments_reconcile", "--gateway", "nope", "--file", str(bad), "--date", "2026-03-10")
    with pytest.raises(CommandError):
        call_command("payments_reconcile", "--gateway", "demo", "--file", str(bad), "--date", "10/03/2026")
    with pytest.raises(CommandError):
        call_command(
            "payments_reconcile",
            "--gateway",
            "demo",
            "--file",
            str(tmp_path / "missing.csv"),
            "--date",
            "2026-03-10",
        )
    assert not Reconciliation.objects.exists()
    assert datetime.date(2026, 3, 10)
