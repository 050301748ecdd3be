"""The rating pages without JavaScript: the owner's form, the kiosk with its code, the counter's slip and the
staff list (only their own agency)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.ratings import services
from dichvucong.ratings.models import Rating, RatingCode
from dichvucong.ratings.tests.conftest import returned_dossier

SCRIPT = "<script>alert('x')</script>"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rate_url(dossier) -> str:
    return reverse("ratings:rate", args=[dossier.public_id])


# --- the owner ------------------------------------------------------------------------------------


def test_the_dossier_page_invites_then_shows_the_rating(rdata, returned):
    client = signed_in(rdata["citizen"])
    detail = reverse("dossiers:detail", args=[returned.public_id])

    page = client.get(detail).content.decode()
    assert "Đánh giá mức độ hài lòng" in page and rate_url(returned) in page

    form = client.get(rate_url(returned)).content.decode()
    assert form.count("<fieldset") == 10 and "<legend" in form  # the level and the nine criteria

    response = client.post(
        rate_url(returned),
        {"level": "5", "c_staff_attitude": "4", "comment": f"Rất tốt {SCRIPT}"},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == detail
    assert "Cảm ơn bạn đã đánh giá" in page and "Rất hài lòng" in page
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert rate_url(returned) not in page
    assert Rating.objects.get().criteria == {"staff_attitude": 4}


def test_errors_are_summarised_and_what_was_typed_is_kept(rdata, returned):
    client = signed_in(rdata["citizen"])

    response = client.post(rate_url(returned), {"c_total_time": "3", "comment": "Chờ hơi lâu"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page and "Hãy chọn mức độ hài lòng." in page
    assert 'href="#id_level_0"' in page
    assert 'value="3" id="id_c_total_time_2" checked>' in page
    assert "Chờ hơi lâu</textarea>" in page
    assert not Rating.objects.exists()


def test_a_second_visit_after_rating_goes_back_to_the_dossier(rdata, returned):
    client = signed_in(rdata["citizen"])
    client.post(rate_url(returned), {"level": "4"})

    response = client.post(rate_url(returned), {"level": "1"}, follow=True)

    assert "đã được đánh giá" in response.content.decode()
    assert Rating.objects.get().level == 4


def test_someone_else_gets_404_and_a_dossier_not_returned_is_not_rated(rdata, returned):
    assert signed_in(rdata["stranger"]).post(rate_url(returned), {"level": "1"}).status_code == 404
    Dossier.objects.filter(pk=returned.pk).update(status=Status.RESOLVED)
    response = signed_in(rdata["citizen"]).post(rate_url(returned), {"level": "1"}, follow=True)
    assert "Chỉ đánh giá được hồ sơ đã trả kết quả" in response.content.decode()
    assert not Rating.objects.exists()


# --- the kiosk ----------------------------------------------------------------------------------------


def test_the_kiosk_flow_with_a_one_time_code(rdata, returned):
    _row, code = services.rating_code_issue(dossier=returned, officer=rdata["receptionist"])
    kiosk = Client()

    prefilled = kiosk.get(reverse("ratings:kiosk") + f"?ho-so={returned.code}").content.decode()
    assert f'value="{returned.code}"' in prefilled

    step = kiosk.post(
        reverse("ratings:kiosk"), {"dossier_code": returned.code, "code": services.format_code(code)}
    )
    assert step.status_code == 302 and step["Location"] == reverse("ratings:kiosk_rate")
    form = kiosk.get(reverse("ratings:kiosk_rate")).content.decode()
    assert returned.code in form and form.count("<fieldset") == 10

    invalid = kiosk.post(reverse("ratings:kiosk_rate"), {"comment": "Nhanh"})
    assert invalid.status_code == 422 and "Nhanh</textarea>" in invalid.content.decode()
    done = kiosk.post(reverse("ratings:kiosk_rate"), {"level": "5", "comment": "Nhanh"}, follow=True)
    assert "Cảm ơn bạn đã đánh giá" in done.content.decode()
    rating = Rating.objects.get()
    assert (rating.via, rating.rated_by, rating.level) == ("kiosk", None, 5)

    again = Client().post(reverse("ratings:kiosk"), {"dossier_code": returned.code, "code": code})
    assert services.KIOSK_REFUSED in again.content.decode()
    assert kiosk.get(reverse("ratings:kiosk_rate")).status_code == 302  # the session step is closed


def test_the_kiosk_says_the_same_for_a_missing_dossier_and_a_wrong_code(rdata, returned):
    services.rating_code_issue(dossier=returned, officer=rdata["receptionist"])
    pages = [
        Client().post(reverse("ratings:kiosk"), {"dossier_code": dossier_code, "code": "ABCD-EFGH"})
        for dossier_code in (returned.code, "000.00.99.H56-000000-0009")
    ]
    assert {p.status_code for p in pages} == {422}
    bodies = [re.sub(r'value="[^"]*"|csrfmiddlewaretoken[^>]*', "", p.content.decode()) for p in pages]
    assert services.KIOSK_REFUSED in bodies[0] and bodies[0] == bodies[1]


def test_kiosk_attempts_are_limited_per_dossier_code_and_per_address(rdata, returned, settings):
    settings.DVC_RATING_KIOSK_PER_DOSSIER = 2
    _row, code = services.rating_code_issue(dossier=returned, officer=rdata["receptionist"])
    url = reverse("ratings:kiosk")
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{n}")
        .post(url, {"dossier_code": returned.code, "code": "WRONG123"})
        .status_code
        for n in range(3)
    ]
    assert statuses == [422, 422, 429]
    # Even the right code waits for the window: guessing cannot continue from another address.
    assert Client().post(url, {"dossier_code": returned.code, "code": code}).status_code == 429
    assert RatingCode.objects.get().used_at is None

    settings.DVC_RATING_KIOSK_PER_IP = 2
    tablet = Client(REMOTE_ADDR="198.51.100.7")
    responses = [tablet.post(url, {"dossier_code": f"X-{n}", "code": "WRONG123"}) for n in range(3)]
    assert [r.status_code for r in responses] == [422, 422, 429]
    # The tablet is told for how long and is led back to the form, not left on a dead end.
    page = responses[-1].content.decode()
    assert "thử lại sau 10 phút" in page and f'href="{url}"' in page


# --- the counter's slip -----------------------------------------------------------------------------


def test_the_counter_prints_a_slip_with_the_code_and_a_qr(rdata, returned):
    receptionist = login_with_second_factor(Client(), rdata["receptionist"])
    processing_page = receptionist.get(
        reverse("processing:detail", args=[returned.public_id])
    ).content.decode()
    assert reverse("ratings:code_issue", args=[returned.public_id]) in processing_page

    response = receptionist.post(reverse("ratings:code_issue", args=[returned.public_id]))

    page = response.content.decode()
    code = re.search(r'data-testid="slip-code">([A-Z0-9]{4}-[A-Z0-9]{4})<', page).group(1)
    assert "<svg" in page and returned.code in page and response["Cache-Control"] == "private, no-store"
    assert services.rating_code_check(dossier_code=returned.code, code=code) == Dossier.objects.get(
        pk=returned.pk
    )
    assert code.replace("-", "") not in RatingCode.objects.get().digest


def test_only_the_counter_of_the_dossier_issues_a_code(rdata, returned):
    url = reverse("ratings:code_issue", args=[returned.public_id])
    assert login_with_second_factor(Client(), rdata["outsider"]).post(url).status_code == 404
    assert login_with_second_factor(Client(), rdata["receptionist"]).get(url).status_code == 405
    assert login_with_second_factor(Client(), rdata["chuyenvien.a"]).post(url).status_code == 403
    assert not RatingCode.objects.exists()


# --- staff ------------------------------------------------------------------------------------------


def rate_some(rdata):
    first, second = returned_dossier(rdata, tag="1"), returned_dossier(rdata, tag="2")
    services.rating_submit(
        dossier=first,
        level=5,
        criteria={"total_time": 4},
        comment=SCRIPT,
        via="online",
        rated_by=rdata["citizen"],
    )
    services.rating_submit(
        dossier=second,
        level=2,
        criteria={"total_time": 3},
        comment="",
        via="online",
        rated_by=rdata["citizen"],
    )
    return first, second


def test_staff_see_their_agency_ratings_with_averages_and_filters(rdata, django_assert_max_num_queries):
    first, second = rate_some(rdata)
    client = login_with_second_factor(Client(), rdata["lanhdao.a"])
    url = reverse("ratings:staff_list")

    client.get(url)  # warm the session
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert first.code in page and second.code in page
    assert "2 đánh giá" in page and "3,5/5" in page and ">3,5<" in page  # (5+2)/2 and (4+3)/2
    assert SCRIPT not in page and "&lt;script&gt;" in page

    filtered = client.get(url, {"level": "2"}).content.decode()
    assert second.code in filtered and first.code not in filtered

    bad = client.get(url, {"since": "31/02/2026"}).content.decode()
    assert "error-summary" in bad and "Từ ngày: nhập ngày/tháng/năm" in bad and 'value="31/02/2026"' in bad


def test_staff_of_another_agency_see_none_of_them(rdata):
    first, _second = rate_some(rdata)
    client = login_with_second_factor(Client(), rdata["other_leader"])

    page = client.get(reverse("ratings:staff_list")).content.decode()
    assert first.code not in page and "Chưa có đánh giá nào." in page

    citizen = signed_in(rdata["citizen"])
    assert citizen.get(reverse("ratings:staff_list")).status_code in (302, 403)


@pytest.mark.parametrize("code", ["000.00.31.H56", "000.00.32.H56"])
def test_an_agency_filter_cannot_reach_outside_ones_own(rdata, code):
    first, _second = rate_some(rdata)
    client = login_with_second_factor(Client(), rdata["other_leader"])
    page = client.get(reverse("ratings:staff_list"), {"agency": code}).content.decode()
    assert first.code not in page
