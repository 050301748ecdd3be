"""Official one-stop paperwork as files: Mẫu 01–03 as PDF and the Sổ theo dõi hồ sơ as XLSX and PDF.

Pure functions over plain dataclasses (no Django, no database), so any app can call them with its own
data. Fonts come from an installed PyPI package (see ``fonts``); nothing is fetched at run time.
"""

from .data import (
    Agency,
    Component,
    DeliveryMethod,
    FeeCharge,
    LedgerRow,
    MissingItem,
    Person,
    ReceiptData,
    RefusalData,
    ResultDelivery,
    SupplementRequestData,
)
from .fonts import FontUnavailableError
from .forms import render_receipt_pdf, render_refusal_pdf, render_supplement_request_pdf
from .ledger import LEDGER_COLUMNS, LEDGER_HEADER_ROW, render_ledger_pdf, render_ledger_xlsx
from .text import date_words, due_time_text, intake_time_text

__all__ = [
    "LEDGER_COLUMNS",
    "LEDGER_HEADER_ROW",
    "Agency",
    "Component",
    "DeliveryMethod",
    "FeeCharge",
    "FontUnavailableError",
    "LedgerRow",
    "MissingItem",
    "Person",
    "ReceiptData",
    "RefusalData",
    "ResultDelivery",
    "SupplementRequestData",
    "date_words",
    "due_time_text",
    "intake_time_text",
    "render_ledger_pdf",
    "render_ledger_xlsx",
    "render_receipt_pdf",
    "render_refusal_pdf",
    "render_supplement_request_pdf",
]
