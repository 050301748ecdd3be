"""Payment pages: the citizen's "Danh sách giao dịch", paying through a gateway, the return and IPN
endpoints, e-receipts; staff requesting fees, postal staff recording cash, agency admins reconciling it;
and the demo gateway's fake bank page."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dichvucong.accounts.decorators import staff_required
from dichvucong.accounts.models import StaffRole
from dichvucong.accounts.selectors import agencies_administered_by, agencies_for_user
from dichvucong.core.formatting import format_vnd
from dichvucong.core.ratelimit import client_ip, hit
from dichvucong.dossiers.workflow import TransitionRefused
from dichvucong.payments import cash, demo_bank, forms, refunds, selectors, services
from dichvucong.payments.fees import FeeError, applicable_items, fee_quote
from dichvucong.payments.gateways.base import Outcome
from dichvucong.payments.gateways.registry import gateway_get
from dichvucong.payments.gateways.vnpay import IPN_REPLIES
from dichvucong.payments.models import CallbackLog, PaymentRequest, Transaction
from dichvucong.payments.receipts import receipt_pdf_bytes

logger = logging.getLogger("dichvucong.payments")


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- citizen ---------------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Danh sách giao dịch: payment requests and every attempt to pay them."""
    requests = list(selectors.payment_requests_for_applicant(user=request.user)[:200])
    return render(request, "payments/mine.html", {"payment_requests": requests})


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, public_id) -> HttpResponse:
    payment_request = selectors.payment_request_access(user=request.user, public_id=public_id)
    form = forms.PayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not hit(
            f"pay:{request.user.pk}",
            limit=settings_int("DVC_PAYMENT_STARTS_PER_10_MIN", 10),
            window_seconds=600,
        ):
            return render(request, "accounts/rate_limited.html", status=429)
        try:
            _txn, url = services.payment_start(
                request=payment_request,
                payer=request.user,
                gateway_name=form.cleaned_data["gateway"],
                client_ip=client_ip(request),
                site_url=_site_url(request),
            )
        except services.PaymentError as error:
            messages.error(request, error.message)
            return redirect("payments:pay", public_id=payment_request.public_id)
        return HttpResponseRedirect(url)
    return render(request, "payments/pay.html", {"payment_request": payment_request, "form": form})


def settings_int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@require_GET
@login_required
def gateway_return(request: HttpRequest, gateway: str) -> HttpResponse:
    """Where the gateway sends the browser back. The signature is checked and the visit logged; the state
    changes only with the IPN, so the page may first say "đang xác nhận"."""
    services.callback_process(
        gateway_name=gateway, params=request.GET, kind=CallbackLog.Kind.RETURN, remote_addr=client_ip(request)
    )
    txn = selectors.transaction_by_reference(
        user=request.user, reference=request.GET.get("vnp_TxnRef", "")[:100]
    )
    if txn is None:
        messages.error(request, "Không tìm thấy giao dịch của bạn tương ứng với kết quả thanh toán này.")
        return redirect("payments:mine")
    return redirect("payments:transaction", public_id=txn.public_id)


@never_cache
@login_required
def transaction_detail(request: HttpRequest, public_id) -> HttpResponse:
    txn = selectors.transaction_access(user=request.user, public_id=public_id)
    return render(
        request,
        "payments/transaction.html",
        {
            "txn": txn,
            "payment_request": txn.payment_request,
            "waiting": txn.state == Transaction.State.INITIATED,
        },
    )


@login_required
def receipt(request: HttpRequest, public_id) -> HttpResponse:
    payment_request = selectors.payment_request_access(user=request.user, public_id=public_id)
    return _pdf(receipt_pdf_bytes(payment_request), f"bien-lai-{payment_request.receipt_number}.pdf")


@require_GET
def ipn(request: HttpRequest, gateway: str) -> JsonResponse:
    """Server-to-server notification (VNPAY: GET with the signed vnp_* parameters; JSON answer)."""
    if not hit(
        f"ipn:{client_ip(request)}",
        limit=settings_int("DVC_PAYMENT_IPN_PER_IP_MINUTE", 300),
        window_seconds=60,
    ):
        return JsonResponse(dict(zip(("RspCode", "Message"), IPN_REPLIES[Outcome.ERROR], strict=True)))
    outcome, _txn = services.callback_process(
        gateway_name=gateway, params=request.GET, kind=CallbackLog.Kind.IPN, remote_addr=client_ip(request)
    )
    try:
        body = gateway_get(gateway).ipn_reply(outcome)
    except LookupError:
        body = dict(zip(("RspCode", "Message"), IPN_REPLIES[Outcome.NOT_FOUND], strict=True))
    return JsonResponse(body)


# --- the demo gateway's bank page ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def demo_bank_page(request: HttpRequest) -> HttpResponse:
    """A fake bank, as VNPAY's sandbox would show it: check the signed order, pay or cancel, then send the
    IPN to the merchant and the browser back to the (signed) return URL. Demo mode only (404 otherwise);
    the return URL must be this site's own."""
    if not demo_bank.available():
        raise Http404("Cổng thanh toán thử nghiệm chỉ có ở chế độ trình diễn.")
    ok, problem = demo_bank.check_order(request.GET)
    if not ok:
        logger.warning("demo bank refused an order: %s", problem)
        return render(request, "payments/demo_bank_error.html", {"problem": problem}, status=400)
    if not demo_bank.return_url_allowed(
        request.GET["vnp_ReturnUrl"], request_host=request.get_host(), secure=request.is_secure()
    ):
        logger.warning("demo bank refused a return URL: %s", request.GET["vnp_ReturnUrl"][:200])
        problem = "Địa chỉ trả về không thuộc cổng dịch vụ công này (code=03)."
        return render(request, "payments/demo_bank_error.html", {"problem": problem}, status=400)
    payable, problem = demo_bank.order_payable(request.GET)
    if not payable:
        logger.info("demo bank refused to charge %s: %s", request.GET.get("vnp_TxnRef", ""), problem)
        return render(request, "payments/demo_bank_error.html", {"problem": problem}, status=400)
    form = forms.DemoBankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pay_now = request.POST.get("action") == "pay"
        result = demo_bank.result_params(request.GET, pay=pay_now, bank_code=form.cleaned_data["bank_code"])
        query = demo_bank.signed_query(result)
        demo_bank.deliver_ipn(site_url=_site_url(request), query=query)
        return HttpResponseRedirect(f"{request.GET['vnp_ReturnUrl']}?{query}")
    amount = int(request.GET["vnp_Amount"]) // 100
    return render(
        request,
        "payments/demo_bank.html",
        {
            "form": form,
            "amount": amount,
            "order_info": request.GET.get("vnp_OrderInfo", ""),
            "reference": request.GET["vnp_TxnRef"],
        },
    )


# --- staff: fees of a dossier ------------------------------------------------------------------------

fees_staff_required = staff_required(
    lambda user: agencies_for_user(user=user, roles=selectors.STAFF_VIEW_ROLES)
)
postal_required = staff_required(
    lambda user: agencies_for_user(user=user, roles=[StaffRole.POSTAL, StaffRole.RECEPTIONIST])
)
admin_required = staff_required(lambda user: agencies_administered_by(user=user))


@fees_staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("trang_thai", "")
    if state not in PaymentRequest.State.values:
        state = ""
    requests = list(selectors.payment_requests_for_staff(user=request.user, state=state)[:200])
    return render(
        request,
        "payments/staff_list.html",
        {"payment_requests": requests, "state": state, "states": PaymentRequest.State.choices},
    )


@fees_staff_required
@require_http_methods(["GET", "POST"])
def staff_dossier(request: HttpRequest, public_id) -> HttpResponse:
    dossier = selectors.dossier_for_staff(user=request.user, public_id=public_id)
    items = applicable_items(dossier)
    action = request.POST.get("action")
    form = forms.PaymentRequestForm(request.POST if action == "request" else None, items=items)
    cancel_form = forms.CancelForm(request.POST if action == "cancel" else None)
    if request.method == "POST":
        try:
            if action == "request" and form.is_valid():
                data = form.cleaned_data
                quote = fee_quote(
                    dossier=dossier,
                    item_ids=form.item_ids(),
                    quantities=form.quantities(),
                    reduction=data.get("reduction") or 0,
                    reduction_reason=data.get("reduction_reason") or "",
                    exempt=data.get("exempt") or False,
                )
                services.payment_request_create(
                    dossier_id=dossier.pk,
                    officer=request.user,
                    quote=quote,
                    deadline=data["deadline"],
                    note=data.get("note") or "",
                )
                messages.success(request, "Đã gửi yêu cầu nộp phí, lệ phí cho công dân.")
                return redirect("payments:staff_dossier", public_id=dossier.public_id)
            if action == "cancel" and cancel_form.is_valid():
                target = dossier.payment_requests.filter(public_id=request.POST.get("request")).first()
                if target is None:
                    raise Http404
                services.payment_request_cancel(
                    request_id=target.pk, officer=request.user, reason=cancel_form.cleaned_data["reason"]
                )
                messages.success(request, "Đã hủy yêu cầu thanh toán.")
                return redirect("payments:staff_dossier", public_id=dossier.public_id)
        except (FeeError, TransitionRefused) as error:
            messages.error(request, error.message)
        except PermissionDenied:
            messages.error(request, "Bạn không có quyền yêu cầu thu phí với hồ sơ này.")
    context = {
        "dossier": dossier,
        "form": form,
        "cancel_form": cancel_form,
        "payment_requests": list(
            dossier.payment_requests.prefetch_related("transactions").select_related(
                "cash_collection__collected_by"
            )
        ),
        "quote": _safe_quote(dossier),
    }
    return render(request, "payments/staff_dossier.html", context)


def _safe_quote(dossier):
    try:
        return fee_quote(dossier=dossier)
    except FeeError:
        return None


@fees_staff_required
def staff_receipt(request: HttpRequest, public_id) -> HttpResponse:
    payment_request = selectors.payment_request_access(user=request.user, public_id=public_id, for_staff=True)
    return _pdf(receipt_pdf_bytes(payment_request), f"bien-lai-{payment_request.receipt_number}.pdf")


@fees_staff_required
@require_http_methods(["GET", "POST"])
def staff_refunds(request: HttpRequest) -> HttpResponse:
    """Hoàn tiền: refunds waiting for the cashier (cash collected, or a gateway refund that failed) and the
    latest ones done. The cashier records how the money was handed back."""
    form = forms.RefundDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refund = selectors.refund_for_staff(user=request.user, pk=form.cleaned_data["refund"])
        try:
            refunds.refund_cashier_done(
                refund_id=refund.pk, officer=request.user, note=form.cleaned_data["note"]
            )
        except services.PaymentError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except PermissionDenied:
            form.add_error(None, "Bạn không có quyền hoàn tiền cho hồ sơ này.")
        else:
            messages.success(request, f"Đã ghi nhận hoàn trả {format_vnd(refund.amount)}.")
            return redirect("payments:staff_refunds")
    context = {
        "waiting": list(selectors.refunds_for_staff(user=request.user, waiting=True)[:200]),
        "done": list(selectors.refunds_for_staff(user=request.user, waiting=False)[:50]),
        "form": form,
    }
    return render(request, "payments/staff_refunds.html", context)


# --- postal staff: cash ------------------------------------------------------------------------------


@postal_required
@require_http_methods(["GET", "POST"])
def cash_record(request: HttpRequest) -> HttpResponse:
    lookup = forms.CashLookupForm(request.GET or None)
    payment_request = None
    if lookup.is_valid():
        payment_request = selectors.open_request_by_dossier_code(
            user=request.user, code=lookup.cleaned_data["ma"]
        )
        if payment_request is None:
            lookup.add_error("ma", "Không có khoản phí chờ thu của hồ sơ này tại đơn vị của bạn.")
    initial = {}
    if payment_request is not None:
        initial = {"amount": payment_request.amount, "payer_name": payment_request.dossier.applicant_name}
    form = forms.CashForm(request.POST or None, initial=initial)
    if request.method == "POST" and payment_request is not None and form.is_valid():
        data = form.cleaned_data
        try:
            collection = cash.cash_record(
                request_id=payment_request.pk,
                collector=request.user,
                amount=data["amount"],
                receipt_number=data["receipt_number"],
                payer_name=data["payer_name"],
            )
        except services.PaymentError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except PermissionDenied:
            form.add_error(None, "Bạn không có quyền thu tiền cho hồ sơ này.")
        else:
            messages.success(
                request,
                f"Đã ghi nhận thu {collection.amount:,} đ, biên lai {collection.receipt_number}.".replace(
                    ",", "."
                ),
            )
            return redirect("payments:cash_record")
    recent = list(selectors.cash_collected_by(user=request.user)[:50])
    return render(
        request,
        "payments/cash_record.html",
        {"lookup": lookup, "form": form, "payment_request": payment_request, "recent": recent},
    )


# --- agency admin: reconcile cash per period ---------------------------------------------------------


@admin_required
@require_http_methods(["GET", "POST"])
def cash_reconcile(request: HttpRequest) -> HttpResponse:
    agencies = agencies_administered_by(user=request.user)
    today = timezone.localdate()
    period = forms.ReconcileForm(
        request.GET or None, agencies=agencies, initial={"start": today.replace(day=1), "end": today}
    )
    remit = forms.RemitForm(request.POST or None)
    collections, total = [], 0
    if period.is_valid():
        data = period.cleaned_data
        collections = list(
            selectors.cash_collections_for_admin(user=request.user, agency_id=data["agency"].pk)
            .filter(collected_at__date__gte=data["start"], collected_at__date__lte=data["end"])
            .order_by("collected_at")
        )
        total = sum(c.amount for c in collections if c.reconciliation_id is None)
        if request.method == "POST" and remit.is_valid():
            try:
                result = cash.cash_reconcile(
                    admin=request.user,
                    agency=data["agency"],
                    start=data["start"],
                    end=data["end"],
                    remitted_total=remit.cleaned_data["remitted_total"],
                    note=remit.cleaned_data["note"],
                )
            except services.PaymentError as error:
                remit.add_error(None, error.message)
            else:
                if result.mismatches:
                    messages.warning(
                        request, f"Đã đối soát; chênh lệch {result.difference:,} đ.".replace(",", ".")
                    )
                else:
                    messages.success(request, "Đã đối soát: khớp.")
                return redirect(request.get_full_path())
    context = {
        "period": period,
        "remit": remit,
        "collections": collections,
        "total": total,
        "reconciliations": list(selectors.reconciliations_for_admin(user=request.user)[:50]),
    }
    return render(request, "payments/cash_reconcile.html", context)
