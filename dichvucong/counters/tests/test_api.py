"""The bookings and queue API: slots, book (201/409/422), cancel, reschedule, tickets, call-next (staff)."""

import pytest

from dichvucong.accounts.services import api_token_create
from dichvucong.counters import tickets
from dichvucong.counters.models import Booking, QueueTicket
from dichvucong.counters.tests.conftest import make_citizen
from dichvucong.counters.tests.test_views import CENTRE, future_slot

API = "/api/v1"


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="test")
    return {"Authorization": f"Bearer {key}"}


def post(client, url, data, headers=None):
    return client.post(API + url, data, content_type="application/json", headers=headers or {})


def test_public_reads_centres_offerings_days_and_slots(client, setup):
    day, slot = future_slot(setup)
    offering = setup["birth"].pk

    centres = client.get(f"{API}/bookings/centres").json()
    offerings = client.get(f"{API}/bookings/centres/{CENTRE}/offerings").json()
    days = client.get(f"{API}/bookings/centres/{CENTRE}/days", {"offering_id": offering}).json()
    slots = client.get(
        f"{API}/bookings/centres/{CENTRE}/slots", {"offering_id": offering, "date": day}
    ).json()

    assert CENTRE in [c["code"] for c in centres]
    assert {o["procedure_code"] for o in offerings} == {"1.001193", "1.004222"}
    assert day.isoformat() in [d["date"] for d in days]
    assert slots[0]["free"] == 2 and len(slots) == 16
    assert client.get(f"{API}/bookings/centres/000.09.99.H56/offerings").status_code == 404
    missing = client.get(
        f"{API}/bookings/centres/{CENTRE}/slots", {"offering_id": setup["unserved"].pk, "date": day}
    )
    assert missing.status_code == 404


def test_book_then_list_cancel(client, setup):
    _day, slot = future_slot(setup)
    auth = bearer(setup["citizen"])

    created = post(
        client,
        "/bookings",
        {"centre": CENTRE, "offering_id": setup["birth"].pk, "slot_start": slot.start.isoformat()},
        auth,
    )
    code = created.json()["code"]
    mine = client.get(f"{API}/bookings", headers=auth).json()
    cancelled = post(client, f"/bookings/{code}/cancel", {}, auth)

    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "booked" and created.json()["counter"] == 1
    assert [b["code"] for b in mine] == [code]
    assert cancelled.status_code == 200 and cancelled.json()["status_label"] == "Đã hủy"


def test_full_duplicate_and_past_slots_are_409_or_422_and_change_nothing(client, setup):
    from dichvucong.counters import bookings

    day, slot = future_slot(setup)
    for n in range(2):
        bookings.booking_create(
            citizen=make_citizen(n), settings=setup["settings"], offering=setup["birth"], start=slot.start
        )
    auth = bearer(setup["citizen"])
    body = {"centre": CENTRE, "offering_id": setup["birth"].pk}
    later = slot.start.replace(hour=14, minute=0)
    mine = post(client, "/bookings", {**body, "slot_start": later.isoformat()}, auth)
    before = Booking.objects.count()

    full = post(client, "/bookings", {**body, "slot_start": slot.start.isoformat()}, auth)
    duplicate = post(client, "/bookings", {**body, "slot_start": later.replace(hour=15).isoformat()}, auth)
    past = post(client, "/bookings", {**body, "slot_start": "2025-07-01T09:00:00+07:00"}, auth)
    lunch = post(client, "/bookings", {**body, "slot_start": later.replace(hour=12).isoformat()}, auth)
    naive = post(client, "/bookings", {**body, "slot_start": "2026-12-01T09:00:00"}, auth)
    unserved = post(
        client,
        "/bookings",
        {**body, "offering_id": setup["unserved"].pk, "slot_start": later.isoformat()},
        auth,
    )

    assert mine.status_code == 201
    assert (full.status_code, full.json()["code"]) == (409, "full")
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "duplicate")
    assert past.status_code == 422 and past.json() == {
        "detail": "Khung giờ này đã qua. Hãy chọn khung giờ khác.",
        "field": "slot_start",
    }
    assert lunch.status_code == 422 and "giờ làm việc" in lunch.json()["detail"]
    assert naive.status_code == 422 and "múi giờ" in naive.json()["detail"]
    assert unserved.status_code == 422 and unserved.json()["field"] == "offering_id"
    assert Booking.objects.count() == before


def test_reschedule_and_someone_elses_booking(client, setup):
    day, slot = future_slot(setup)
    auth = bearer(setup["citizen"])
    code = post(
        client,
        "/bookings",
        {"centre": CENTRE, "offering_id": setup["birth"].pk, "slot_start": slot.start.isoformat()},
        auth,
    ).json()["code"]
    later = slot.start.replace(hour=15, minute=30)

    moved = post(client, f"/bookings/{code}/reschedule", {"slot_start": later.isoformat()}, auth)
    other = bearer(setup["neighbour"])
    hidden = client.get(f"{API}/bookings/{code}", headers=other)
    not_cancelled = post(client, f"/bookings/{code}/cancel", {}, other)

    assert moved.status_code == 200 and moved.json()["slot_start"].startswith(later.date().isoformat())
    assert hidden.status_code == 404 and not_cancelled.status_code == 404
    assert Booking.objects.get(code=code).status == "booked"
    assert client.get(f"{API}/bookings").status_code == 401


def test_take_a_ticket_and_read_the_board(client, setup):
    taken = post(client, "/queue/tickets", {"centre": CENTRE, "field_id": setup["birth"].procedure.field_id})
    no_field = post(client, "/queue/tickets", {"centre": CENTRE})
    tickets.ticket_call_next(counter=setup["civil"], officer=setup["receptionist"])
    board = client.get(f"{API}/queue/centres/{CENTRE}/board").json()

    assert taken.status_code == 201 and taken.json()["label"] == "001"
    assert (
        no_field.status_code == 422 and no_field.json()["detail"] == "Hãy chọn lĩnh vực bạn cần giải quyết."
    )
    assert board == {
        "rows": [
            {"counter": 1, "name": "Hộ tịch", "serving": "001"},
            {"counter": 2, "name": "Cư trú", "serving": None},
        ],
        "waiting": 0,
    }


@pytest.mark.parametrize("who", ["citizen", "session_without_second_factor", "outsider"])
def test_call_next_is_for_the_centres_receptionists_with_two_factors(client, setup, who):
    tickets.ticket_take(settings=setup["settings"], field_id=setup["birth"].procedure.field_id)
    url = f"{API}/queue/counters/{setup['civil'].pk}/call-next"
    if who == "citizen":
        response = client.post(url, headers=bearer(setup["citizen"]))
    elif who == "session_without_second_factor":
        client.force_login(setup["receptionist"])
        response = client.post(url)
    else:
        response = client.post(url, headers=bearer(setup["outsider"]))

    assert response.status_code == (404 if who == "outsider" else 403)
    assert QueueTicket.objects.get().status == QueueTicket.Status.WAITING


def test_call_next_with_a_token(client, setup):
    tickets.ticket_take(settings=setup["settings"], field_id=setup["birth"].procedure.field_id)
    auth = bearer(setup["receptionist"])
    url = f"{API}/queue/counters/{setup['civil'].pk}/call-next"

    first = client.post(url, headers=auth).json()
    second = client.post(url, headers=auth).json()

    assert first["ticket"]["label"] == "001" and first["ticket"]["counter"] == 1 and first["waiting"] == 0
    assert second == {"ticket": None, "waiting": 0}


def test_openapi_documents_the_refusals(client, setup):
    schema = client.get(f"{API}/openapi.json").json()

    create = schema["paths"]["/api/v1/bookings"]["post"]["responses"]
    assert {"201", "409", "422", "429"} <= set(create)
    assert {"200", "404", "409"} <= set(
        schema["paths"]["/api/v1/bookings/{code}/cancel"]["post"]["responses"]
    )
