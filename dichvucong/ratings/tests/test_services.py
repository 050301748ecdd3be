"""The rules of rating a dossier: only a returned one, only by its owner (or a valid counter code), once;
every refusal changes nothing."""

import datetime

import pytest
from django.utils import timezone

from dichvucong.dossiers.models import Dossier, Status
from dichvucong.ratings import services
from dichvucong.ratings.criteria import CRITERIA, KEYS
from dichvucong.ratings.models import Rating, RatingCode
from dichvucong.ratings.tests.conftest import returned_dossier

ONLINE = Rating.Via.ONLINE
KIOSK = Rating.Via.KIOSK


def submit(dossier, user, **changes):
    values = {
        "dossier": dossier,
        "level": 4,
        "criteria": {"total_time": 5, "staff_attitude": 4},
        "comment": "Cán bộ hướng dẫn tận tình.",
        "via": ONLINE,
        "rated_by": user,
    }
    values.update(changes)
    return services.rating_submit(**values)


def snapshot():
    return (
        list(Rating.objects.values_list("dossier_id", "level", "comment", "via")),
        list(RatingCode.objects.values_list("id", "used_at", "revoked_at")),
        list(Dossier.objects.values_list("id", "status")),
    )


def test_nine_national_criteria_with_vietnamese_labels():
    assert len(CRITERIA) == 9 and len(KEYS) == 9
    assert all(str(c.label) for c in CRITERIA)


def test_the_owner_rates_a_returned_dossier_once(rdata, returned):
    rating = submit(returned, rdata["citizen"])

    assert (rating.level, rating.via, rating.rated_by, rating.agency) == (
        4,
        ONLINE,
        rdata["citizen"],
        rdata["commune"],
    )
    assert rating.criteria == {"total_time": 5, "staff_attitude": 4}
    assert rating.comment == "Cán bộ hướng dẫn tận tình."


def test_rating_twice_is_refused_and_keeps_the_first(rdata, returned):
    submit(returned, rdata["citizen"], level=5)
    before = snapshot()

    with pytest.raises(services.RatingError) as refused:
        submit(returned, rdata["citizen"], level=1)

    assert refused.value.code == "already" and "đã được đánh giá" in refused.value.message
    assert snapshot() == before
    assert Rating.objects.get().level == 5


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.PROCESSING, Status.RESOLVED, Status.REFUSED])
def test_a_dossier_not_returned_cannot_be_rated(rdata, status):
    dossier = returned_dossier(rdata)
    Dossier.objects.filter(pk=dossier.pk).update(status=status)
    dossier.refresh_from_db()
    before = snapshot()

    with pytest.raises(services.RatingError) as refused:
        submit(dossier, rdata["citizen"])

    assert refused.value.code == "not_returned"
    assert snapshot() == before


@pytest.mark.parametrize("who", ["stranger", "receptionist", "lanhdao.a", None])
def test_only_the_owner_rates_online(rdata, returned, who):
    before = snapshot()

    with pytest.raises(services.RatingError) as refused:
        submit(returned, rdata[who] if who else None)

    assert refused.value.code == "not_found"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"level": 0}, "level"),
        ({"level": "năm"}, "level"),
        ({"criteria": {"total_time": 6}}, "total_time"),
        ({"criteria": {"total_time": True}}, "total_time"),
        ({"criteria": {"unknown": 3}}, "criteria"),
        ({"criteria": ["total_time"]}, "criteria"),
        ({"comment": "x" * 2001}, "comment"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_is_written(rdata, returned, changes, field):
    before = snapshot()

    with pytest.raises(services.RatingError) as refused:
        submit(returned, rdata["citizen"], **changes)

    assert refused.value.field == field
    assert snapshot() == before


def test_the_comment_is_stored_as_typed_text(rdata, returned):
    rating = submit(returned, rdata["citizen"], comment="  <script>alert(1)</script>\r\n=SUM(A1)\x00  ")

    assert rating.comment == "<script>alert(1)</script>\n=SUM(A1)"


# --- the counter's one-time code -----------------------------------------------------------------


def test_a_code_is_stored_hashed_and_opens_the_dossier_once(rdata, returned):
    row, code = services.rating_code_issue(dossier=returned, officer=rdata["receptionist"])

    assert (
        len(code) == 8
        and code not in row.digest
        and row.expires_at > timezone.now() + datetime.timedelta(days=29)
    )
    assert (
        services.rating_code_check(dossier_code=returned.code, code=services.format_code(code).lower())
        == returned
    )

    rating = submit(returned, None, via=KIOSK, kiosk_code=code, rated_by=rdata["stranger"])

    assert (rating.via, rating.rated_by) == (KIOSK, None)
    row.refresh_from_db()
    assert row.used_at is not None
    assert services.rating_code_check(dossier_code=returned.code, code=code) is None


def test_a_used_code_cannot_rate_again(rdata):
    first, second = returned_dossier(rdata, tag="1"), returned_dossier(rdata, tag="2")
    _row, code = services.rating_code_issue(dossier=first, officer=rdata["receptionist"])
    submit(first, None, via=KIOSK, kiosk_code=code)
    Rating.objects.filter(dossier=first).delete()  # even if the rating were gone, the code is spent
    before = snapshot()

    for dossier in (first, second):
        with pytest.raises(services.RatingError) as refused:
            submit(dossier, None, via=KIOSK, kiosk_code=code)
        assert refused.value.code == "code" and refused.value.message == services.KIOSK_REFUSED
    assert snapshot() == before


def test_wrong_expired_and_revoked_codes_are_refused_alike(rdata, returned):
    old_row, old_code = services.rating_code_issue(dossier=returned, officer=rdata["receptionist"])
    row, code = services.rating_code_issue(dossier=returned, officer=rdata["receptionist"])
    old_row.refresh_from_db()
    assert old_row.revoked_at is not None

    wrong = "AAAA-AAAA" if code != "AAAAAAAA" else "BBBB-BBBB"
    assert services.rating_code_check(dossier_code=returned.code, code=wrong) is None
    assert services.rating_code_check(dossier_code=returned.code, code=old_code) is None
    assert services.rating_code_check(dossier_code="000.00.99.H56-000000-0001", code=code) is None
    RatingCode.objects.filter(pk=row.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert services.rating_code_check(dossier_code=returned.code, code=code) is None
    before = snapshot()

    for attempt in (wrong, old_code, code, ""):
        with pytest.raises(services.RatingError) as refused:
            submit(returned, None, via=KIOSK, kiosk_code=attempt)
        assert refused.value.message == services.KIOSK_REFUSED
    assert snapshot() == before


def test_a_code_is_issued_only_for_a_returned_unrated_dossier(rdata, returned):
    submit(returned, rdata["citizen"])
    with pytest.raises(services.RatingError) as refused:
        services.rating_code_issue(dossier=returned, officer=rdata["receptionist"])
    assert refused.value.code == "already"

    other = returned_dossier(rdata, tag="n")
    Dossier.objects.filter(pk=other.pk).update(status=Status.RESOLVED)
    with pytest.raises(services.RatingError):
        services.rating_code_issue(dossier=other, officer=rdata["receptionist"])
    assert not RatingCode.objects.exists()


def test_a_code_of_one_dossier_does_not_open_another(rdata):
    first, second = returned_dossier(rdata, tag="1"), returned_dossier(rdata, tag="2")
    _row, code = services.rating_code_issue(dossier=first, officer=rdata["receptionist"])

    assert services.rating_code_check(dossier_code=second.code, code=code) is None
    with pytest.raises(services.RatingError):
        submit(second, None, via=KIOSK, kiosk_code=code)
    assert not Rating.objects.exists()


# --- the invitation ----------------------------------------------------------------------------------


def test_a_counter_return_sends_one_message_with_the_rating_link(rdata, django_capture_on_commit_callbacks):
    from dichvucong.notifications.models import Message
    from dichvucong.ratings.tests.conftest import returned_at_counter

    with django_capture_on_commit_callbacks(execute=True):
        dossier = returned_at_counter(rdata)

    returned = Message.objects.filter(event="dossier.returned", channel="email").get()
    assert f"/ho-so/{dossier.public_id}/danh-gia/" in returned.body
    assert not Message.objects.filter(event="dossier.rating_invite").exists()


def test_an_online_return_invites_the_owner_to_rate(rdata, django_capture_on_commit_callbacks):
    from dichvucong.notifications.models import Message
    from dichvucong.processing import results as result_services
    from dichvucong.processing.models import DossierResult
    from dichvucong.processing.tests.conftest import accepted_dossier
    from dichvucong.processing.tests.test_results import issue
    from dichvucong.processing.tests.test_services import walk_to

    dossier = accepted_dossier(rdata, delivery="online")
    walk_to(rdata, dossier, 4)
    issue(rdata, dossier)
    result = DossierResult.objects.get(dossier=dossier)
    dossier.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        result_services.result_for_applicant(dossier=dossier, applicant=rdata["citizen"], result_id=result.pk)

    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED
    invites = Message.objects.filter(event="dossier.rating_invite")
    assert invites.exists() and not Message.objects.filter(event="dossier.returned").exists()
    assert all(f"/ho-so/{dossier.public_id}/danh-gia/" in m.body for m in invites)
