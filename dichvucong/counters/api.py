"""Appointments and queue numbers over the API (mobile app, centre kiosks, integrations).

Public (no sign-in): centres, their procedures, free slots, taking a queue number, the hall board.
Signed in (bearer token or session): the caller's bookings, booking, cancelling, rescheduling.
Counter staff (receptionist role at the centre, second factor): call the next number.

Errors follow the dossier API: a booking or counter the caller may not see is 404; a refusal caused by the
current state (slot full, already booked that day, booking already cancelled or past) is 409 with a
``code``; bad input (a past slot, a time outside working hours, a procedure the centre does not take)
is 422 ``{detail, field}``; every ``detail`` is Vietnamese and can be shown to the person as is.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status

from dichvucong.accounts.api import Message, has_second_factor, token_or_session
from dichvucong.core.api_schemas import FieldError, FormErrors
from dichvucong.core.ratelimit import client_ip, hit
from dichvucong.counters import bookings, selectors, tickets
from dichvucong.counters.models import Booking, QueueTicket

router = Router(tags=["Lịch hẹn và số thứ tự"], auth=token_or_session)

BOOKINGS_PER_USER_HOUR = 20
TICKETS_PER_IP_MINUTE = 60
NOT_FOUND = "Không tìm thấy lịch hẹn."
STAFF_ONLY = "Chức năng dành cho cán bộ tiếp nhận đã xác thực hai lớp."


# --- schemas -------------------------------------------------------------------------------------------


class BookingConflict(Schema):
    detail: str
    code: str = SchemaField(
        description="full: khung giờ hết chỗ; duplicate: đã có lịch hẹn thủ tục này trong ngày; "
        "state: lịch hẹn đã hủy, đã qua hoặc đã đến"
    )


class CentreOut(Schema):
    code: str = SchemaField(alias="centre.code")
    name: str = SchemaField(alias="centre.name")
    address: str = SchemaField(alias="centre.address")
    phone: str = SchemaField(alias="centre.phone")
    slot_minutes: int
    days_ahead: int
    booking_enabled: bool
    kiosk_enabled: bool


class CentreOfferingOut(Schema):
    offering_id: int = SchemaField(alias="pk")
    procedure_code: str = SchemaField(alias="procedure.code")
    procedure_name: str = SchemaField(alias="procedure.name")
    field: str | None = SchemaField(None, alias="procedure.field.name")
    agency_code: str = SchemaField(alias="agency.code")


class SlotQuery(Schema):
    offering_id: int
    date: datetime.date = SchemaField(description="Ngày, dạng YYYY-MM-DD")


class SlotOut(Schema):
    start: datetime.datetime
    end: datetime.datetime
    free: int = SchemaField(description="Số chỗ còn trống cho thủ tục này")


class DayOut(Schema):
    date: datetime.date = SchemaField(alias="day")
    free: int
    open_slots: int


class BookingIn(Schema):
    centre: str = SchemaField(description="Mã định danh của trung tâm, ví dụ 000.01.31.H56")
    offering_id: int
    slot_start: datetime.datetime = SchemaField(description="Giờ bắt đầu khung giờ (ISO 8601, có múi giờ)")


class RescheduleIn(Schema):
    slot_start: datetime.datetime


class BookingOut(Schema):
    code: str
    status: str
    status_label: str
    centre_code: str = SchemaField(alias="centre.code")
    centre_name: str = SchemaField(alias="centre.name")
    offering_id: int
    procedure_code: str = SchemaField(alias="offering.procedure.code")
    procedure_name: str = SchemaField(alias="offering.procedure.name")
    counter: int = SchemaField(alias="counter.number")
    slot_start: datetime.datetime
    slot_end: datetime.datetime
    created_at: datetime.datetime
    cancelled_at: datetime.datetime | None
    checked_in_at: datetime.datetime | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(Booking.Status(obj.status).label)


class TicketIn(Schema):
    centre: str
    field_id: int | None = SchemaField(
        None, description="Lĩnh vực, khi các quầy của trung tâm chia theo lĩnh vực"
    )


class TicketOut(Schema):
    id: str
    label: str
    status: str
    priority: bool
    day: datetime.date
    issued_at: datetime.datetime
    field: str | None = SchemaField(None, alias="field.name")
    counter: int | None = SchemaField(None, alias="counter.number")
    called_at: datetime.datetime | None

    @staticmethod
    def resolve_id(obj) -> str:
        return str(obj.public_id)


class CallOut(Schema):
    ticket: TicketOut | None = SchemaField(description="Số vừa gọi; null khi không còn ai chờ")
    waiting: int


class BoardRowOut(Schema):
    counter: int
    name: str
    serving: str | None


class BoardOut(Schema):
    rows: list[BoardRowOut]
    waiting: int


# --- helpers ---------------------------------------------------------------------------------------------


def _refused(error: bookings.BookingError | tickets.TicketError) -> Status:
    if isinstance(error, bookings.BookingError) and error.is_conflict:
        return Status(409, {"detail": error.message, "code": error.code})
    return Status(422, {"detail": error.message, "field": error.field})


def _booking(request: HttpRequest, code: str) -> Booking:
    return selectors.booking_access(user=request.auth, code=code)


def _centre(code: str, *, for_booking: bool = False, for_kiosk: bool = False):
    try:
        return selectors.centre_settings(code=code, for_booking=for_booking, for_kiosk=for_kiosk)
    except Http404:
        return None


# --- public: centres, procedures, slots ------------------------------------------------------------------

PUBLIC = {404: Message, 422: FormErrors}


@router.get("/bookings/centres", auth=None, response=list[CentreOut], summary="Trung tâm nhận đặt lịch hẹn")
def centre_list(request: HttpRequest):
    return list(selectors.centres_for_booking())


@router.get(
    "/bookings/centres/{code}/offerings",
    auth=None,
    response={200: list[CentreOfferingOut], **PUBLIC},
    summary="Thủ tục đặt lịch được tại trung tâm",
)
def offering_list(request: HttpRequest, code: str):
    settings = _centre(code, for_booking=True)
    if settings is None:
        return Status(404, {"detail": "Không có trung tâm này."})
    return Status(200, list(selectors.offerings_for_centre(settings=settings)))


@router.get(
    "/bookings/centres/{code}/days",
    auth=None,
    response={200: list[DayOut], **PUBLIC},
    summary="Ngày còn chỗ trong thời gian nhận đặt lịch",
)
def day_list(request: HttpRequest, code: str, offering_id: int):
    settings = _centre(code, for_booking=True)
    if settings is None:
        return Status(404, {"detail": "Không có trung tâm này."})
    try:
        offering = selectors.offering_at_centre(settings=settings, offering_id=offering_id)
    except Http404 as missing:
        return Status(404, {"detail": str(missing)})
    return Status(200, selectors.days_for_booking(settings=settings, offering=offering))


@router.get(
    "/bookings/centres/{code}/slots",
    auth=None,
    response={200: list[SlotOut], **PUBLIC},
    summary="Khung giờ của một ngày, với số chỗ còn trống",
)
def slot_list(request: HttpRequest, code: str, query: Query[SlotQuery]):
    settings = _centre(code, for_booking=True)
    if settings is None:
        return Status(404, {"detail": "Không có trung tâm này."})
    try:
        offering = selectors.offering_at_centre(settings=settings, offering_id=query.offering_id)
    except Http404 as missing:
        return Status(404, {"detail": str(missing)})
    return Status(200, selectors.slots_for_day(settings=settings, offering=offering, day=query.date))


# --- the caller's bookings -----------------------------------------------------------------------------

AUTHED = {401: Message, 404: Message, 422: FieldError | FormErrors}


@router.get("/bookings", response={200: list[BookingOut], 401: Message}, summary="Lịch hẹn của tôi")
def booking_list(request: HttpRequest):
    return Status(200, list(selectors.bookings_for_citizen(user=request.auth)[:100]))


@router.post(
    "/bookings",
    response={
        201: BookingOut,
        401: Message,
        409: BookingConflict,
        422: FieldError | FormErrors,
        429: Message,
    },
    summary="Đặt lịch hẹn",
    description="409 khi khung giờ hết chỗ (code=full) hoặc đã có lịch hẹn cùng thủ tục trong ngày "
    "(code=duplicate); 422 khi khung giờ đã qua, ngoài giờ làm việc, quá xa "
    "hoặc thủ tục không nhận lịch hẹn.",
)
def booking_create(request: HttpRequest, payload: BookingIn):
    if not hit(f"booking:{request.auth.pk}", limit=BOOKINGS_PER_USER_HOUR, window_seconds=3600):
        return Status(429, {"detail": "Bạn đặt lịch quá nhiều lần. Vui lòng thử lại sau."})
    settings = _centre(payload.centre, for_booking=True)
    if settings is None:
        return Status(422, {"detail": "Trung tâm không nhận đặt lịch hẹn.", "field": "centre"})
    offering = selectors.offerings_for_centre(settings=settings).filter(pk=payload.offering_id).first()
    if offering is None:
        return Status(
            422, {"detail": "Trung tâm không nhận lịch hẹn cho thủ tục này.", "field": "offering_id"}
        )
    if payload.slot_start.tzinfo is None:
        return Status(
            422, {"detail": "Giờ hẹn cần có múi giờ, ví dụ 2026-11-24T09:00:00+07:00.", "field": "slot_start"}
        )
    try:
        booking = bookings.booking_create(
            citizen=request.auth, settings=settings, offering=offering, start=payload.slot_start
        )
    except bookings.BookingError as error:
        return _refused(error)
    return Status(201, _booking(request, booking.code))


@router.get("/bookings/{code}", response={200: BookingOut, **AUTHED}, summary="Chi tiết lịch hẹn")
def booking_detail(request: HttpRequest, code: str):
    try:
        return Status(200, _booking(request, code))
    except Http404:
        return Status(404, {"detail": NOT_FOUND})


@router.post(
    "/bookings/{code}/cancel",
    response={200: BookingOut, **AUTHED, 409: BookingConflict},
    summary="Hủy lịch hẹn (gọi lại lần nữa không đổi gì)",
)
def booking_cancel(request: HttpRequest, code: str):
    try:
        booking = _booking(request, code)
        bookings.booking_cancel(booking_id=booking.pk, citizen=request.auth)
    except Http404:
        return Status(404, {"detail": NOT_FOUND})
    except bookings.BookingError as error:
        return _refused(error)
    return Status(200, _booking(request, code))


@router.post(
    "/bookings/{code}/reschedule",
    response={200: BookingOut, **AUTHED, 409: BookingConflict},
    summary="Đổi giờ hẹn (giữ mã lịch hẹn; lịch sử giữ giờ cũ)",
)
def booking_reschedule(request: HttpRequest, code: str, payload: RescheduleIn):
    if payload.slot_start.tzinfo is None:
        return Status(
            422, {"detail": "Giờ hẹn cần có múi giờ, ví dụ 2026-11-24T09:00:00+07:00.", "field": "slot_start"}
        )
    try:
        booking = _booking(request, code)
        bookings.booking_reschedule(booking_id=booking.pk, citizen=request.auth, start=payload.slot_start)
    except Http404:
        return Status(404, {"detail": NOT_FOUND})
    except bookings.BookingError as error:
        return _refused(error)
    return Status(200, _booking(request, code))


# --- queue numbers ----------------------------------------------------------------------------------------


@router.post(
    "/queue/tickets",
    auth=None,
    response={201: TicketOut, 422: FieldError | FormErrors, 429: Message},
    summary="Lấy số thứ tự (máy lấy số)",
)
def ticket_take(request: HttpRequest, payload: TicketIn):
    if not hit(f"kiosk:take:{client_ip(request)}", limit=TICKETS_PER_IP_MINUTE, window_seconds=60):
        return Status(429, {"detail": "Quá nhiều yêu cầu lấy số từ địa chỉ mạng này. Vui lòng thử lại sau."})
    settings = _centre(payload.centre, for_kiosk=True)
    if settings is None:
        return Status(422, {"detail": "Trung tâm không cấp số thứ tự.", "field": "centre"})
    try:
        ticket = tickets.ticket_take(settings=settings, field_id=payload.field_id)
    except tickets.TicketError as error:
        return _refused(error)
    return Status(201, ticket)


@router.get(
    "/queue/centres/{code}/board",
    auth=None,
    response={200: BoardOut, 404: Message},
    summary="Màn hình gọi số",
)
def board(request: HttpRequest, code: str):
    settings = _centre(code, for_kiosk=True)
    if settings is None:
        return Status(404, {"detail": "Không có trung tâm này."})
    data = selectors.display_board(centre=settings.centre, day=tickets.today_at(settings.centre))
    rows = [
        {"counter": r.counter.number, "name": r.counter.name, "serving": r.ticket.label if r.ticket else None}
        for r in data["rows"]
    ]
    return Status(200, {"rows": rows, "waiting": data["waiting"]})


@router.post(
    "/queue/counters/{counter_id}/call-next",
    response={200: CallOut, 401: Message, 403: Message, 404: Message},
    summary="Quầy gọi số tiếp theo (số đang phục vụ được ghi là đã xong)",
)
def call_next(request: HttpRequest, counter_id: int):
    if not has_second_factor(request) or not selectors.centres_for_staff(user=request.auth).exists():
        return Status(403, {"detail": STAFF_ONLY})
    try:
        counter = selectors.counter_access(user=request.auth, counter_id=counter_id)
    except Http404:
        return Status(404, {"detail": "Không tìm thấy quầy."})
    called = tickets.ticket_call_next(counter=counter, officer=request.auth)
    if called is not None:
        called = QueueTicket.objects.select_related("field", "counter").get(pk=called.pk)
    waiting = selectors.waiting_for_counter(counter=counter, day=tickets.today_at(counter.centre)).count()
    return Status(200, {"ticket": called, "waiting": waiting})
