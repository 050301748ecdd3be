"""Booking an appointment: centre → procedure → day → slot → confirm; "Lịch hẹn của tôi", cancel, reschedule.

The choosing steps are GET forms (nothing changes, back and forward work, no JavaScript needed); each
step redirects to the next once its answer is valid. Only confirming, cancelling and rescheduling POST.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from dichvucong.core.ratelimit import hit
from dichvucong.counters import bookings, selectors
from dichvucong.counters.forms import ChoiceForm
from dichvucong.counters.models import Booking, BookingEvent, CentreSettings
from dichvucong.worktime.schedule import calendar_for

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
BOOKINGS_PER_USER_HOUR = 20


def day_label(day: datetime.date) -> str:
    return f"{WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y}"


def _parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


def _slot_start(settings: CentreSettings, day: datetime.date, hhmm: str) -> datetime.datetime:
    try:
        clock = datetime.datetime.strptime(hhmm, "%H%M").time()
    except ValueError:
        raise Http404 from None
    return calendar_for(settings.centre).at(day, clock)


def _choice_page(request: HttpRequest, template: str, form: ChoiceForm, **context) -> HttpResponse:
    return render(request, template, {"form": form, **context})


# --- the flow -----------------------------------------------------------------------------------------


def book_centre(request: HttpRequest) -> HttpResponse:
    centres = list(selectors.centres_for_booking())
    choices = [(s.centre.code, s.centre.name) for s in centres]
    form = ChoiceForm(
        request.GET or None,
        label="Bạn muốn đến trung tâm nào?",
        choices=choices,
        required_message="Hãy chọn trung tâm.",
    )
    if form.is_bound and form.is_valid():
        return redirect("counters:book_offering", code=form.cleaned_data["chon"])
    return _choice_page(request, "counters/book_centre.html", form, centres=centres)


def book_offering(request: HttpRequest, code: str) -> HttpResponse:
    settings = selectors.centre_settings(code=code, for_booking=True)
    offerings = list(selectors.offerings_for_centre(settings=settings))
    choices = [(str(o.pk), o.procedure.name) for o in offerings]
    form = ChoiceForm(
        request.GET or None,
        label="Bạn cần làm thủ tục nào?",
        choices=choices,
        required_message="Hãy chọn thủ tục.",
    )
    if form.is_bound and form.is_valid():
        return redirect("counters:book_day", code=code, offering_id=int(form.cleaned_data["chon"]))
    return _choice_page(request, "counters/book_offering.html", form, settings=settings, offerings=offerings)


def book_day(request: HttpRequest, code: str, offering_id: int) -> HttpResponse:
    settings = selectors.centre_settings(code=code, for_booking=True)
    offering = selectors.offering_at_centre(settings=settings, offering_id=offering_id)
    days = selectors.days_for_booking(settings=settings, offering=offering)
    choices = [(d.day.isoformat(), f"{day_label(d.day)} – còn {d.free} chỗ") for d in days if d.open_slots]
    form = ChoiceForm(
        request.GET or None,
        label="Bạn muốn đến ngày nào?",
        choices=choices,
        required_message="Hãy chọn ngày.",
    )
    if form.is_bound and form.is_valid():
        return redirect(
            "counters:book_slot", code=code, offering_id=offering_id, day=form.cleaned_data["chon"]
        )
    full = [d.day for d in days if not d.open_slots]
    context = {
        "settings": settings,
        "offering": offering,
        "full_days": full,
        "back_url": reverse("counters:book_offering", args=[code]),
    }
    return _choice_page(request, "counters/book_day.html", form, **context)


def book_slot(request: HttpRequest, code: str, offering_id: int, day: str) -> HttpResponse:
    settings = selectors.centre_settings(code=code, for_booking=True)
    offering = selectors.offering_at_centre(settings=settings, offering_id=offering_id)
    chosen_day = _parse_day(day)
    slots = selectors.slots_for_day(settings=settings, offering=offering, day=chosen_day)
    choices = [
        (s.key, f"{timezone.localtime(s.start):%H:%M} – {timezone.localtime(s.end):%H:%M} (còn {s.free} chỗ)")
        for s in slots
        if s.free > 0
    ]
    form = ChoiceForm(
        request.GET or None,
        label="Bạn muốn đến lúc mấy giờ?",
        choices=choices,
        required_message="Hãy chọn giờ hẹn.",
    )
    if form.is_bound and form.is_valid():
        return redirect(
            "counters:book_confirm",
            code=code,
            offering_id=offering_id,
            day=day,
            hhmm=form.cleaned_data["chon"],
        )
    context = {
        "settings": settings,
        "offering": offering,
        "day": chosen_day,
        "day_label": day_label(chosen_day),
        "full_slots": [s for s in slots if s.free <= 0],
        "back_url": reverse("counters:book_day", args=[code, offering_id]),
    }
    return _choice_page(request, "counters/book_slot.html", form, **context)


@require_http_methods(["GET", "POST"])
def book_confirm(request: HttpRequest, code: str, offering_id: int, day: str, hhmm: str) -> HttpResponse:
    settings = selectors.centre_settings(code=code, for_booking=True)
    offering = selectors.offering_at_centre(settings=settings, offering_id=offering_id)
    chosen_day = _parse_day(day)
    start = _slot_start(settings, chosen_day, hhmm)
    error = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if not hit(f"booking:{request.user.pk}", limit=BOOKINGS_PER_USER_HOUR, window_seconds=3600):
            return render(request, "accounts/rate_limited.html", status=429)
        try:
            booking = bookings.booking_create(
                citizen=request.user, settings=settings, offering=offering, start=start
            )
        except bookings.BookingError as refused:
            error = refused
        else:
            return redirect("counters:booking_detail", code=booking.code)
    context = {
        "settings": settings,
        "offering": offering,
        "start": start,
        "end": start + datetime.timedelta(minutes=settings.slot_minutes),
        "day_label": day_label(chosen_day),
        "error": error,
        "slot_url": reverse("counters:book_slot", args=[code, offering_id, day]),
    }
    return render(
        request, "counters/book_confirm.html", context, status=409 if error and error.is_conflict else 200
    )


def _local(iso: str) -> str:
    return f"{timezone.localtime(datetime.datetime.fromisoformat(iso)):%H:%M %d/%m/%Y}"


def _with_detail(event: BookingEvent) -> BookingEvent:
    changes = event.changes or {}
    event.detail = ""
    if event.action == BookingEvent.Action.RESCHEDULED and "old_slot_start" in changes:
        event.detail = f"từ {_local(changes['old_slot_start'])} sang {_local(changes['new_slot_start'])}"
    elif event.action == BookingEvent.Action.CHECKED_IN and changes.get("ticket"):
        event.detail = f"số thứ tự {changes['ticket']}"
    return event


# --- my bookings --------------------------------------------------------------------------------------


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    items = list(selectors.bookings_for_citizen(user=request.user)[:100])
    now = timezone.now()
    upcoming = [b for b in items if b.status == Booking.Status.BOOKED and b.slot_end > now]
    past = [b for b in items if b not in upcoming]
    return render(request, "counters/my_bookings.html", {"upcoming": upcoming[::-1], "past": past})


@login_required
def booking_detail(request: HttpRequest, code: str) -> HttpResponse:
    booking = selectors.booking_access(user=request.user, code=code)
    changeable = booking.status == Booking.Status.BOOKED and booking.slot_start > timezone.now()
    context = {
        "booking": booking,
        "events": [_with_detail(event) for event in booking.events.all()],
        "changeable": changeable,
        "day_label": day_label(booking.day),
        "ticket": getattr(booking, "ticket", None) if booking.status == Booking.Status.ATTENDED else None,
        "kiosk_url": reverse("counters:kiosk", args=[booking.centre.code]),
    }
    return render(request, "counters/booking_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, code: str) -> HttpResponse:
    booking = selectors.booking_access(user=request.user, code=code)
    error = None
    if request.method == "POST":
        try:
            bookings.booking_cancel(booking_id=booking.pk, citizen=request.user)
        except bookings.BookingError as refused:
            error = refused
        else:
            messages.success(request, f"Đã hủy lịch hẹn {booking.code}.")
            return redirect("counters:booking_detail", code=booking.code)
    return render(
        request,
        "counters/booking_cancel.html",
        {"booking": booking, "error": error, "day_label": day_label(booking.day)},
    )


@login_required
def reschedule_day(request: HttpRequest, code: str) -> HttpResponse:
    booking = selectors.booking_access(user=request.user, code=code)
    settings = selectors.centre_settings(code=booking.centre.code)
    days = selectors.days_for_booking(settings=settings, offering=booking.offering)
    choices = [(d.day.isoformat(), f"{day_label(d.day)} – còn {d.free} chỗ") for d in days if d.open_slots]
    form = ChoiceForm(
        request.GET or None,
        label="Bạn muốn đổi sang ngày nào?",
        choices=choices,
        required_message="Hãy chọn ngày.",
    )
    if form.is_bound and form.is_valid():
        return redirect("counters:reschedule_slot", code=booking.code, day=form.cleaned_data["chon"])
    context = {
        "booking": booking,
        "settings": settings,
        "offering": booking.offering,
        "full_days": [d.day for d in days if not d.open_slots],
        "back_url": reverse("counters:booking_detail", args=[booking.code]),
        "rescheduling": True,
    }
    return _choice_page(request, "counters/book_day.html", form, **context)


@login_required
@require_http_methods(["GET", "POST"])
def reschedule_slot(request: HttpRequest, code: str, day: str) -> HttpResponse:
    booking = selectors.booking_access(user=request.user, code=code)
    settings = selectors.centre_settings(code=booking.centre.code)
    chosen_day = _parse_day(day)
    slots = selectors.slots_for_day(settings=settings, offering=booking.offering, day=chosen_day)
    choices = [
        (s.key, f"{timezone.localtime(s.start):%H:%M} – {timezone.localtime(s.end):%H:%M} (còn {s.free} chỗ)")
        for s in slots
        if s.free > 0 and s.start != booking.slot_start
    ]
    form = ChoiceForm(
        request.POST or None,
        label="Bạn muốn đổi sang mấy giờ?",
        choices=choices,
        required_message="Hãy chọn giờ hẹn mới.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            bookings.booking_reschedule(
                booking_id=booking.pk,
                citizen=request.user,
                start=_slot_start(settings, chosen_day, form.cleaned_data["chon"]),
            )
        except bookings.BookingError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, f"Đã đổi lịch hẹn {booking.code}.")
            return redirect("counters:booking_detail", code=booking.code)
    context = {
        "booking": booking,
        "settings": settings,
        "offering": booking.offering,
        "day": chosen_day,
        "day_label": day_label(chosen_day),
        "full_slots": [s for s in slots if s.free <= 0],
        "back_url": reverse("counters:reschedule_day", args=[booking.code]),
        "rescheduling": True,
    }
    return _choice_page(request, "counters/book_slot.html", form, **context)
