"""The operator's page of failed syncs and its "Gửi lại" action: who may see and act, what it shows, and that
a refused request changes nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.delivery.tests.conftest import submitted_dossier
from dichvucong.national.models import NationalSync, SyncAttempt

URL = "/he-thong/dong-bo-quoc-gia/"
State = NationalSync.State


def _rows(response) -> list[str]:
    return re.findall(r'<tr class="sync-row" id="dongbo-(\d+)">', response.content.decode())


@pytest.fixture
def dead(world, portal, committed):
    portal.fail(400)
    with committed():
        dossier = submitted_dossier(world)
    row = NationalSync.objects.get(dossier=dossier)
    assert row.state == State.DEAD
    return row


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_user(
        username="quantri", password="x", kind="staff", full_name="Quản Trị", is_staff=True, is_superuser=True
    )


def _snapshot(row: NationalSync) -> tuple:
    row.refresh_from_db()
    return row.state, row.attempts, row.last_error, row.pushed_event_id, SyncAttempt.objects.count()


def test_the_page_is_under_he_thong():
    assert reverse("national:failed_syncs") == URL


def test_the_operator_sees_the_failed_sync_with_its_error_and_resends_it(
    client, admin, dead, portal, committed
):
    login_with_second_factor(client, admin)

    response = client.get(URL)

    assert response.status_code == 200 and _rows(response) == [str(dead.pk)]
    page = response.content.decode()
    assert dead.dossier.code in page and "Cổng quốc gia từ chối (HTTP 400" in page and "Gửi lại" in page

    with committed():
        response = client.post(reverse("national:resend", args=[dead.pk]))
    response = client.get(response["Location"])

    dead.refresh_from_db()
    assert dead.state == State.SYNCED and portal.history(dead.dossier.code) == [("create", 1)]
    assert "Đã đưa hồ sơ vào hàng đợi gửi lại." in response.content.decode()
    assert _rows(client.get(URL)) == []
    assert SyncAttempt.objects.filter(sync=dead, operation="resend").exists()


def test_a_synced_dossier_is_not_listed_and_cannot_be_resent(client, admin, world, portal, committed):
    with committed():
        dossier = submitted_dossier(world)
    row = NationalSync.objects.get(dossier=dossier)
    login_with_second_factor(client, admin)
    before = _snapshot(row)

    response = client.post(reverse("national:resend", args=[row.pk]), follow=True)

    assert "không cần gửi lại" in response.content.decode()
    assert _snapshot(row) == before and len(portal.received) == 1


def test_anonymous_is_sent_to_sign_in_and_a_citizen_is_refused(client, world, dead):
    before = _snapshot(dead)
    response = client.post(reverse("national:resend", args=[dead.pk]))
    assert response.status_code == 302 and "/quan-tri/login/" in response["Location"]

    client.force_login(world["citizen"])
    assert client.get(URL).status_code == 403
    assert client.post(reverse("national:resend", args=[dead.pk])).status_code == 403
    assert _snapshot(dead) == before


def test_a_viewer_without_the_change_permission_sees_no_button_and_cannot_resend(client, world, dead):
    officer = world["leader"]
    officer.user_permissions.add(
        Permission.objects.get(codename="view_nationalsync", content_type__app_label="national")
    )
    login_with_second_factor(client, officer)
    before = _snapshot(dead)

    response = client.get(URL)
    assert response.status_code == 200 and _rows(response) == [str(dead.pk)]
    assert "/gui-lai/" not in response.content.decode()
    assert client.post(reverse("national:resend", args=[dead.pk])).status_code == 403
    assert _snapshot(dead) == before


def test_the_page_query_count_does_not_grow_with_rows(client, admin, world, portal, committed):
    portal.fail(400, times=6)
    for index in range(2):
        with committed():
            submitted_dossier(world, tag=f"a{index}")
    login_with_second_factor(client, admin)
    with CaptureQueriesContext(connection) as few:
        assert len(_rows(client.get(URL))) == 2
    for index in range(3):
        with committed():
            submitted_dossier(world, tag=f"b{index}")
    with CaptureQueriesContext(connection) as many:
        assert len(_rows(client.get(URL))) == 5
    assert len(many.captured_queries) == len(few.captured_queries)
