"""What a dossier owes: fee lines from the catalogue (national items on the procedure version, local items
on the agency's offering), for the dossier's channel, times the quantity, less exemptions or reductions.

Rules:
* Local items (set by the province for this agency) replace the national ones when any applies to the
  channel; a national item without an amount ("theo quy định của HĐND tỉnh") cannot be charged by itself.
* An item applies when its channel is empty (every channel) or the dossier's channel.
* ``is_free`` items and items with no amount are shown but cost nothing.
* Fixed and per-case items count once; per-copy and per-page items count ``quantities[item_id]`` (default 1).
* The catalogue sometimes lists alternative rates (a reduced rate for some people, rates per kind of
  building). When two chargeable items share kind and unit the quote is ``ambiguous``: the system does not
  bill automatically at submission and a receptionist chooses the lines.
* A reduction is an amount (or a full exemption) with a written reason; it never exceeds the total.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dichvucong.catalogue.models import FeeItem
from dichvucong.dossiers.models import Dossier
from dichvucong.payments.models import MAX_AMOUNT

MAX_QUANTITY = 1000


class FeeError(Exception):
    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class PaymentError(FeeError):
    """A refused payment action (request, pay, refund, cash): nothing was changed."""


@dataclass(frozen=True)
class FeeLine:
    fee_item_id: int | None
    name: str
    kind: str
    per: str
    unit_amount: int
    quantity: int
    amount: int
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "fee_item_id": self.fee_item_id,
            "name": self.name,
            "kind": self.kind,
            "per": self.per,
            "unit_amount": self.unit_amount,
            "quantity": self.quantity,
            "amount": self.amount,
            "note": self.note,
        }


@dataclass
class FeeQuote:
    lines: list[FeeLine]
    gross_amount: int
    reduction: int = 0
    reduction_reason: str = ""
    ambiguous: bool = False
    unpriced: list[str] = field(default_factory=list)  # items whose amount the catalogue does not state

    @property
    def amount(self) -> int:
        return self.gross_amount - self.reduction


def applicable_items(dossier: Dossier) -> list[FeeItem]:
    """Fee items that apply to the dossier's channel: local ones if any, else national ones."""

    def for_channel(items) -> list[FeeItem]:
        return [item for item in items if item.channel in ("", dossier.channel)]

    local = for_channel(FeeItem.objects.filter(offering_id=dossier.offering_id).order_by("id"))
    if local:
        return local
    return for_channel(FeeItem.objects.filter(version_id=dossier.version_id).order_by("id"))


def _counted(item: FeeItem) -> bool:
    return bool(item.amount) and not item.is_free


def fee_quote(
    *,
    dossier: Dossier,
    item_ids: list[int] | None = None,
    quantities: dict[int, int] | None = None,
    reduction: int = 0,
    reduction_reason: str = "",
    exempt: bool = False,
) -> FeeQuote:
    """The amount due for ``dossier``; ``item_ids`` picks among the applicable items (default: all)."""
    quantities = quantities or {}
    items = applicable_items(dossier)
    if item_ids is not None:
        known = {item.pk for item in items}
        unknown = set(item_ids) - known
        if unknown:
            raise FeeError(
                "Khoản phí đã chọn không áp dụng cho hồ sơ này.", field="items", code="unknown_item"
            )
        items = [item for item in items if item.pk in set(item_ids)]
    lines: list[FeeLine] = []
    unpriced: list[str] = []
    for item in items:
        if item.amount is None and not item.is_free:
            unpriced.append(item.name)
            continue
        if item.currency != "VND":
            raise FeeError(f"Khoản “{item.name}” không tính bằng đồng Việt Nam.", code="currency")
        quantity = 1
        if item.per in (FeeItem.Per.COPY, FeeItem.Per.PAGE):
            quantity = quantities.get(item.pk, 1)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
            raise FeeError(f"Số lượng phải từ 1 đến {MAX_QUANTITY}.", field="quantities", code="quantity")
        unit = 0 if item.is_free else int(item.amount or 0)
        lines.append(
            FeeLine(
                fee_item_id=item.pk,
                name=item.name,
                kind=item.kind,
                per=item.per,
                unit_amount=unit,
                quantity=quantity,
                amount=unit * quantity,
                note=item.note[:300],
            )
        )
    gross = sum(line.amount for line in lines)
    if gross > MAX_AMOUNT:
        raise FeeError("Tổng số tiền vượt mức cho phép. Hãy kiểm tra lại số lượng.", code="too_large")
    if exempt:
        reduction = gross
    if not isinstance(reduction, int) or isinstance(reduction, bool) or reduction < 0:
        raise FeeError("Số tiền miễn, giảm không hợp lệ.", field="reduction", code="reduction")
    if reduction > gross:
        raise FeeError("Số tiền miễn, giảm lớn hơn số phải nộp.", field="reduction", code="reduction")
    reduction_reason = (reduction_reason or "").strip()
    if reduction and not reduction_reason:
        raise FeeError("Hãy ghi lý do miễn, giảm.", field="reduction_reason", code="reason")
    groups = Counter((item.kind, item.per) for item in items if _counted(item))
    return FeeQuote(
        lines=lines,
        gross_amount=gross,
        reduction=reduction,
        reduction_reason=reduction_reason[:500],
        ambiguous=any(count > 1 for count in groups.values()),
        unpriced=unpriced,
    )


def custom_quote(*, lines: list[dict], reduction: int = 0, reduction_reason: str = "") -> FeeQuote:
    """Lines a receptionist typed (a tax or fee notice not in the catalogue): name and amount each."""
    result: list[FeeLine] = []
    for raw in lines:
        name = str(raw.get("name") or "").strip()[:500]
        amount = raw.get("amount")
        if not name:
            raise FeeError("Hãy ghi tên khoản phải nộp.", field="lines", code="name")
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_AMOUNT:
            raise FeeError("Số tiền phải là số nguyên dương, tối đa 1 tỷ đồng.", field="lines", code="amount")
        result.append(FeeLine(None, name, str(raw.get("kind") or "le_phi"), "fixed", amount, 1, amount))
    gross = sum(line.amount for line in result)
    if gross > MAX_AMOUNT:
        raise FeeError("Tổng số tiền vượt mức cho phép.", code="too_large")
    if not isinstance(reduction, int) or reduction < 0 or reduction > gross:
        raise FeeError("Số tiền miễn, giảm không hợp lệ.", field="reduction", code="reduction")
    if reduction and not reduction_reason.strip():
        raise FeeError("Hãy ghi lý do miễn, giảm.", field="reduction_reason", code="reason")
    return FeeQuote(result, gross, reduction, reduction_reason.strip()[:500])
