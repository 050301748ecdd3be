from django.urls import path

from dichvucong.counters.views import booking, queue

app_name = "counters"

urlpatterns = [
    # Booking an appointment (lịch hẹn) and the citizen's own appointments.
    path("dat-lich/", booking.book_centre, name="book_centre"),
    path("dat-lich/<str:code>/", booking.book_offering, name="book_offering"),
    path("dat-lich/<str:code>/<int:offering_id>/", booking.book_day, name="book_day"),
    path("dat-lich/<str:code>/<int:offering_id>/<str:day>/", booking.book_slot, name="book_slot"),
    path(
        "dat-lich/<str:code>/<int:offering_id>/<str:day>/<str:hhmm>/",
        booking.book_confirm,
        name="book_confirm",
    ),
    path("lich-hen/", booking.my_bookings, name="my_bookings"),
    path("lich-hen/<str:code>/", booking.booking_detail, name="booking_detail"),
    path("lich-hen/<str:code>/huy/", booking.booking_cancel, name="booking_cancel"),
    path("lich-hen/<str:code>/doi-lich/", booking.reschedule_day, name="reschedule_day"),
    path("lich-hen/<str:code>/doi-lich/<str:day>/", booking.reschedule_slot, name="reschedule_slot"),
    # Queue numbers (số thứ tự): kiosk, ticket, hall display.
    path("xep-hang/so/<uuid:public_id>/", queue.ticket, name="ticket"),
    path("xep-hang/<str:code>/", queue.kiosk, name="kiosk"),
    path("xep-hang/<str:code>/co-hen/", queue.kiosk_check_in, name="kiosk_check_in"),
    path("xep-hang/<str:code>/man-hinh/", queue.display, name="display"),
    # Counter staff.
    path("mot-cua/quay/", queue.counter_list, name="counter"),
    path("mot-cua/quay/<int:counter_id>/", queue.counter_desk, name="counter_desk"),
    path("mot-cua/quay/<int:counter_id>/thao-tac/", queue.counter_action, name="counter_action"),
    path("mot-cua/lich-hen/<str:code>/", queue.bookings_today, name="bookings_today"),
]
