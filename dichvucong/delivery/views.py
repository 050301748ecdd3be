"""Postal staff pages (nhân viên bưu điện): the orders to do, one order with its history and the actions.

Signed in with the second factor and holding the postal role at the dossier's agency. No JavaScript: each
action is a small form posted to the order page (Post/Redirect/Get)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from dichvucong.accounts.decorators import staff_required
from dichvucong.delivery import conf, selectors, services
from dichvucong.delivery.carriers.registry import carrier_is_demo, carrier_label
from dichvucong.delivery.forms import DeliveredForm, ReasonForm
from dichvucong.delivery.states import RANK, Kind, State

postal_required = staff_required(lambda user: selectors.postal_agencies(user=user))
SIMULATE = (State.IN_TRANSIT, State.OUT_FOR_DELIVERY, State.DELIVERED, State.FAILED, State.RETURNED)


@postal_required
def orders(request: HttpRequest) -> HttpResponse:
    return render(request, "delivery/orders.html", selectors.postal_orders(user=request.user))


def _cash_collect_url(shipment) -> str:
    """The payments app's cash collection page for the dossier, when that app provides it."""
    try:
        return reverse("payments:cash_collect", kwargs={"public_id": shipment.dossier.public_id})
    except NoReverseMatch:
        return ""


@postal_required
@require_http_methods(["GET", "POST"])
def order_detail(request: HttpRequest, public_id) -> HttpResponse:
    shipment = selectors.postal_order_get(user=request.user, public_id=public_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    delivered_form = DeliveredForm(
        request.POST if action == "delivered" else None,
        request.FILES if action == "delivered" else None,
        kind=shipment.kind,
    )
    reason_form = ReasonForm(request.POST if action in {"failed", "returned", "cancel"} else None)
    if request.method == "POST":
        expected = request.POST.get("state") or None
        try:
            done = _act(request, shipment, action, expected, delivered_form, reason_form)
        except services.DeliveryError as error:
            if error.field and action == "delivered" and error.field in delivered_form.fields:
                delivered_form.add_error(error.field, error.message)
            elif error.field == "reason":
                reason_form.add_error("reason", error.message)
            else:
                messages.error(request, error.message)
                return redirect("delivery:order_detail", public_id=shipment.public_id)
        else:
            if done:
                messages.success(request, done)
                return redirect("delivery:order_detail", public_id=shipment.public_id)
    context = {
        "shipment": shipment,
        "dossier": shipment.dossier,
        "carrier_label": carrier_label(shipment.carrier),
        "actions": services.staff_actions_for(shipment),
        "delivered_form": delivered_form,
        "reason_form": reason_form,
        "failed_action": action if action in {"failed", "returned", "cancel"} else "",
        "can_cancel": RANK[shipment.state] < RANK[State.PICKED_UP],
        "can_retry": shipment.state == State.CREATED
        and not shipment.waybill
        and shipment.next_request_at is None,
        "simulate": SIMULATE
        if carrier_is_demo(shipment.carrier) and conf.demo_mode() and shipment.waybill
        else (),
        "cash_collect_url": _cash_collect_url(shipment) if shipment.kind == Kind.DELIVERY else "",
        "state_labels": dict(State.choices),
    }
    return render(request, "delivery/order_detail.html", context)


def _act(request, shipment, action: str, expected, delivered_form, reason_form) -> str:
    """Run one action; the success message, or "" when a form has errors to show."""
    staff = request.user
    if action == "retry":
        services.shipment_retry_request(shipment_id=shipment.pk, staff=staff)
        return "Đã gửi lại yêu cầu cho bưu điện."
    if action == "simulate":
        state = request.POST.get("simulate_state", "")
        services.shipment_simulate(shipment_id=shipment.pk, staff=staff, state=state)
        return f"Đã mô phỏng: {State(state).label}."
    if action == "cancel":
        if not reason_form.is_valid():
            return ""
        services.shipment_cancel(
            shipment_id=shipment.pk, staff=staff, reason=reason_form.cleaned_data["reason"]
        )
        return "Đã hủy đơn."
    spec = services.STAFF_ACTIONS.get(shipment.kind, {}).get(action)
    if spec is None:
        raise services.DeliveryError("Thao tác không hợp lệ.")
    kwargs: dict = {}
    if action == "delivered":
        if not delivered_form.is_valid():
            return ""
        data = delivered_form.cleaned_data
        kwargs = {
            "recipient_name": data["recipient_name"],
            "id_checked": data.get("id_checked", False),
            "note": data["note"],
            "proof": data["proof"],
        }
    elif action in {"failed", "returned"}:
        if not reason_form.is_valid():
            return ""
        kwargs = {"reason": reason_form.cleaned_data["reason"]}
    services.shipment_record(
        shipment_id=shipment.pk, staff=staff, action=action, expected_state=expected, **kwargs
    )
    return f"Đã ghi nhận: {spec[1]}."
