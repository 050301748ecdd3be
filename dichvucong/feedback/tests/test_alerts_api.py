"""The periodic alerts (once per clock and deadline) and the API."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from conftest import login_with_second_factor
from dichvucong.feedback import services
from dichvucong.feedback.alerts import alerts_send
from dichvucong.feedback.models import Feedback, FeedbackStatus
from dichvucong.feedback.tests.conftest import submitted
from dichvucong.feedback.tests.test_services import publish, snapshot
from dichvucong.notifications.models import Message


def test_alerts_due_soon_then_overdue_each_once(fdata, clock):
    clock.set(2026, 1, 9, 16, 0)
    feedback = submitted(fdata)  # refuse clock: Tue 13/01 16:00
    clock.set(2026, 1, 12, 15, 0)  # more than one working day left
    assert alerts_send(now=clock.now) == {"due_soon": 0, "overdue": 0}
    clock.set(2026, 1, 13, 8, 0)
    assert alerts_send(now=clock.now) == {"due_soon": 1, "overdue": 0}
    assert alerts_send(now=clock.now) == {"due_soon": 0, "overdue": 0}  # idempotent
    recipients = set(Message.objects.filter(event="feedback.due_soon").values_list("recipient", flat=True))
    assert "chuyenvien.pa@example.vn" in recipients
    clock.set(2026, 1, 13, 16, 1)
    call_command("feedback_alerts", stdout=io.StringIO())
    assert Message.objects.filter(event="feedback.overdue").count() == len(recipients)
    assert alerts_send(now=clock.now) == {"due_soon": 0, "overdue": 0}
    feedback.refresh_from_db()
    assert feedback.overdue_alerted.startswith("refuse:")


def test_a_paused_clock_is_not_alerted(fdata, clock):
    feedback = submitted(fdata)
    services.feedback_receive(feedback_id=feedback.pk, officer=fdata["receptionist"])
    services.feedback_request_info(feedback_id=feedback.pk, officer=fdata["receptionist"], question="?")
    clock.set(2026, 3, 1, 9, 0)
    assert alerts_send(now=clock.now) == {"due_soon": 0, "overdue": 0}


def test_api_published_list_is_public_and_masked(client, fdata):
    feedback = publish(fdata, submitted(fdata, content="Số 0912345678"))
    submitted(fdata)
    body = client.get("/api/v1/phan-anh-kien-nghi").json()
    assert body["count"] == 1 and body["items"][0]["code"] == feedback.code
    assert body["items"][0]["content"] == "Số ***"
    assert client.get(f"/api/v1/phan-anh-kien-nghi/{feedback.code}").status_code == 200


def test_api_submission_needs_a_verified_account(client, fdata):
    payload = {"subject": "procedure", "procedure_code": "1.001193", "title": "T", "content": "N"}
    assert (
        client.post("/api/v1/phan-anh-kien-nghi", payload, content_type="application/json").status_code == 401
    )
    client.force_login(fdata["stranger"])
    response = client.post("/api/v1/phan-anh-kien-nghi", payload, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "unverified"
    client.force_login(fdata["citizen"])
    response = client.post("/api/v1/phan-anh-kien-nghi", payload, content_type="application/json")
    assert response.status_code == 201
    assert Feedback.objects.get(code=response.json()["code"]).agency == fdata["commune"]


def test_api_staff_actions_and_other_agencies(client, fdata, clock):
    clock.set(2026, 1, 5, 9, 0)
    feedback = submitted(fdata)
    base = f"/api/v1/phan-anh-kien-nghi/can-bo/{feedback.public_id}"
    login_with_second_factor(client, fdata["outsider"])
    before = snapshot(feedback)
    assert client.post(f"{base}/receive", {}, content_type="application/json").status_code == 404
    assert snapshot(feedback) == before
    client.logout()
    login_with_second_factor(client, fdata["receptionist"])
    detail = client.get(base).json()
    assert (
        detail["clock"]["due_at"] == "2026-01-07T02:00:00Z"
    )  # 09:00 in Hà Nội and "receive" in detail["actions"]
    response = client.post(f"{base}/receive", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == FeedbackStatus.PROCESSING
    again = client.post(f"{base}/receive", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "illegal"
    empty = client.post(f"{base}/request_info", json.dumps({"question": ""}), content_type="application/json")
    assert empty.status_code == 422 and "question" in empty.json()["errors"]
    queue = client.get("/api/v1/phan-anh-kien-nghi/can-bo/danh-sach?tab=processing").json()
    assert [item["code"] for item in queue] == [feedback.code]
    assert queue[0]["clock"]["due_at"] == "2026-01-26T02:00:00Z"  # received Mon 05/01 09:00 + 15 working days
