"""The queue: kiosk (public: take a number, check in a booking), hall display (public), counter page (staff).

The kiosk and display pages are meant for a screen at the centre: big buttons, no sign-in, no site menu, no
JavaScript needed (the display refreshes itself with htmx, or with a meta refresh when scripts are off). The
kiosk is shared by strangers one after another: its pages are never cached (the Back button reloads them), the
ticket page goes back to the start by itself and answers only for a short while after the number was taken,
and a half-typed check-in form is cleared after a minute and a half.
"""

from __future__ import annotations

import datetime

from django.conf import settings as django_settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.accounts.decorators import staff_required
from dichvucong.core.ratelimit import client_ip, hit
from dichvucong.counters import bookings, selectors, tickets
from dichvucong.counters.forms import CheckInForm, StaffCheckInForm
from dichvucong.counters.models import QueueTicket

DISPLAY_REFRESH_SECONDS = 5
CHECK_IN_IDLE_SECONDS = 90


def _ticket_screen_seconds() -> int:
    """How long the kiosk shows a new ticket before it returns to the start page."""
    return getattr(django_settings, "DVC_KIOSK_TICKET_SECONDS", 20)


def _kiosk_limit() -> int:
    # A kiosk is one machine, so one address takes many numbers: the limit only stops a runaway script.
    return getattr(django_settings, "DVC_KIOSK_TICKETS_PER_IP_MINUTE", 60)


def _limited(request: HttpRequest, action: str) -> bool:
    return not hit(f"kiosk:{action}:{client_ip(request)}", limit=_kiosk_limit(), window_seconds=60)


# --- kiosk --------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, code: str) -> HttpResponse:
    settings = selectors.centre_settings(code=code, for_kiosk=True)
    fields = selectors.kiosk_fields(centre=settings.centre)
    error = None
    if request.method == "POST":
        if _limited(request, "take"):
            return render(request, "accounts/rate_limited.html", status=429)
        raw = request.POST.get("field", "")
        try:
            ticket = tickets.ticket_take(settings=settings, field_id=int(raw) if raw.isdigit() else None)
        except tickets.TicketError as refused:
            error = refused.message
        else:
            return redirect("counters:ticket", public_id=ticket.public_id)
    return render(request, "counters/kiosk.html", {"settings": settings, "fields": fields, "error": error})


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_check_in(request: HttpRequest, code: str) -> HttpResponse:
    settings = selectors.centre_settings(code=code, for_kiosk=True)
    form = CheckInForm(request.POST or None)
    if request.method == "POST":
        if _limited(request, "check_in"):
            return render(request, "accounts/rate_limited.html", status=429)
        if form.is_valid():
            try:
                ticket = bookings.booking_check_in(
                    settings=settings,
                    code=form.cleaned_data["code"],
                    id_number=form.cleaned_data["id_number"],
                )
            except bookings.BookingError as refused:
                form.add_error(None, refused.message)
            else:
                return redirect("counters:ticket", public_id=ticket.public_id)
    context = {"settings": settings, "form": form, "idle_seconds": CHECK_IN_IDLE_SECONDS}
    return render(request, "counters/kiosk_check_in.html", context)


@never_cache
def ticket(request: HttpRequest, public_id) -> HttpResponse:
    found = get_object_or_404(
        QueueTicket.objects.select_related("centre", "field", "booking__offering__procedure"),
        public_id=public_id,
    )
    seconds = _ticket_screen_seconds()
    if timezone.now() > found.issued_at + datetime.timedelta(seconds=seconds):
        # The person took their printed number and left: the screen belongs to the next one now.
        return redirect("counters:kiosk", code=found.centre.code)
    ahead = selectors.tickets_ahead(ticket=found)
    context = {"ticket": found, "ahead": ahead, "screen_seconds": seconds}
    return render(request, "counters/ticket.html", context)


# --- hall display -------------------------------------------------------------------------------------


@never_cache
def display(request: HttpRequest, code: str) -> HttpResponse:
    settings = selectors.centre_settings(code=code, for_kiosk=True)
    board = selectors.display_board(centre=settings.centre, day=tickets.today_at(settings.centre))
    template = "counters/_board.html" if request.htmx else "counters/display.html"
    context = {"settings": settings, "board": board, "refresh": DISPLAY_REFRESH_SECONDS}
    return render(request, template, context)


# --- counter page (receptionists, second factor) ------------------------------------------------------

counter_staff_required = staff_required(lambda user: selectors.centres_for_staff(user=user))


@counter_staff_required
def counter_list(request: HttpRequest) -> HttpResponse:
    counters = list(selectors.counters_for_staff(user=request.user))
    centres = list(selectors.centres_for_staff(user=request.user))
    return render(request, "counters/counter_list.html", {"counters": counters, "centres": centres})


@counter_staff_required
def counter_desk(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = selectors.counter_access(user=request.user, counter_id=counter_id)
    day = tickets.today_at(counter.centre)
    context = {
        "counter": counter,
        "current": selectors.current_ticket(counter=counter, day=day),
        "waiting": selectors.waiting_for_counter(counter=counter, day=day).count(),
        "check_in_form": StaffCheckInForm(),
    }
    return render(request, "counters/counter_desk.html", context)


@counter_staff_required
@require_POST
def counter_action(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = selectors.counter_access(user=request.user, counter_id=counter_id)
    action = request.POST.get("action", "")
    try:
        if action == "next":
            called = tickets.ticket_call_next(counter=counter, officer=request.user)
            if called is None:
                messages.info(request, "Không còn ai chờ.")
            else:
                messages.success(request, f"Mời số {called.label} đến {counter}.")
        elif action == "recall":
            called = tickets.ticket_recall(counter=counter, officer=request.user)
            messages.success(request, f"Đã gọi lại số {called.label}.")
        elif action in {"served", "skipped"}:
            done = tickets.ticket_finish(counter=counter, officer=request.user, outcome=action)
            messages.success(request, f"Số {done.label}: {done.get_status_display().lower()}.")
        elif action == "check_in":
            form = StaffCheckInForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Nhập mã lịch hẹn.")
            else:
                settings = selectors.centre_settings(code=counter.centre.code)
                issued = bookings.booking_check_in(
                    settings=settings, code=form.cleaned_data["code"], officer=request.user
                )
                messages.success(
                    request, f"Đã cấp số ưu tiên {issued.label} cho lịch hẹn {form.cleaned_data['code']}."
                )
        else:
            messages.error(request, "Thao tác không hợp lệ.")
    except (tickets.TicketError, bookings.BookingError) as refused:
        messages.error(request, refused.message)
    return redirect("counters:counter_desk", counter_id=counter.pk)


@counter_staff_required
def bookings_today(request: HttpRequest, code: str) -> HttpResponse:
    settings = selectors.centre_settings(code=code)
    day = tickets.today_at(settings.centre)
    rows = list(selectors.bookings_for_staff_day(user=request.user, centre=settings.centre, day=day))
    return render(
        request, "counters/bookings_today.html", {"settings": settings, "day": day, "bookings": rows}
    )
