"""The tracking card through a shared Redis cache (as in production), when a Redis server answers."""

import socket

import pytest
from django.core.cache import cache

from dichvucong.dossiers import reception, services
from dichvucong.dossiers.tracking import tracking_card

pytestmark = pytest.mark.django_db


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.3):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis server on 127.0.0.1:6379")
def test_card_round_trips_through_redis_and_is_dropped_on_change(
    settings, ready_draft, setup, django_capture_on_commit_callbacks, django_assert_num_queries
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": f"dvc-test-{ready_draft.pk}",
        }
    }
    cache.clear()
    dossier = services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])
    first = tracking_card(code=dossier.code, proof=dossier.tracking_secret)

    with django_assert_num_queries(0):
        cached = tracking_card(code=dossier.code.lower(), proof=" 038090012345 ")
    with django_capture_on_commit_callbacks(execute=True):
        reception.dossier_accept(dossier_id=dossier.pk, officer=setup["receptionist"])
    after = tracking_card(code=dossier.code, proof="038090012345")
    cache.clear()

    assert first == cached and cached.status_value == "submitted"
    assert after.status_value == "accepted" and [e.label for e in after.timeline] == [
        "Nộp hồ sơ",
        "Tiếp nhận",
    ]
