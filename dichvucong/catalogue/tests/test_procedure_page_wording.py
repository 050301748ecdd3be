"""What an imported procedure page says where the national record is thin (walk of issue 12 at 360 px):
no fee information is not "free", an amount we could not read is not a bare label, a note is bracketed
once, "(nếu có)" once, a number without unit once, and an empty agency section says so."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from dichvucong.catalogue.importers import records as r
from dichvucong.catalogue.tests.factories import make_procedure

pytestmark = pytest.mark.django_db


def render(client, **record) -> str:
    procedure = make_procedure(**record)
    response = client.get(reverse("catalogue:procedure_detail", args=[procedure.code]))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_record_without_fee_information_does_not_say_free(client):
    html = render(client, fees=[])

    assert "Không thu" not in html
    assert "Chưa có thông tin về phí, lệ phí." in html


def test_a_free_fee_still_says_free(client):
    html = render(client, fees=[r.FeeRecord(name="Lệ phí", amount=0, is_free=True)])

    assert "Miễn phí" in html and "Chưa có thông tin về phí" not in html


def test_a_fee_without_a_readable_amount_says_so_instead_of_a_bare_label(client):
    html = render(client, fees=[r.FeeRecord(name="Phí, lệ phí", amount=None)])

    assert "Lệ phí – Phí, lệ phí: chưa xác định được mức thu, hỏi cơ quan giải quyết" in html


def test_a_note_the_source_put_in_brackets_is_bracketed_once(client):
    html = render(
        client, fees=[r.FeeRecord(name="Lệ phí", amount=15000, note="(Mức lệ phí áp dụng từ 01/7)")]
    )

    assert "(Mức lệ phí áp dụng từ 01/7)" in html
    assert "((" not in html and "))" not in html


def test_a_name_that_already_says_if_any_gets_no_second_one(client):
    html = render(
        client,
        components=[
            r.ComponentRecord(name="Biên bản tổ chức đối thoại (nếu có)", required=False, original_count=1),
            r.ComponentRecord(name="Giấy ủy quyền", required=False, copy_count=1),
        ],
    )

    assert "(nếu có) (nếu có)" not in html
    assert "Biên bản tổ chức đối thoại (nếu có)" in html
    assert re.search(r"Giấy ủy quyền <span class=\"muted\">\(nếu có\)</span>", html)


def test_a_duration_without_unit_is_shown_once(client):
    channel = r.ChannelRecord(
        channel=r.CHANNEL_ONLINE,
        duration_value=Decimal("3"),
        duration_unit=r.UNIT_UNSTATED,
        duration_text="3",
    )
    html = render(client, channels=[channel])

    card = re.search(r'data-channel="online">(.*?)</li>', html).group(1)
    assert card.count(">3<") + card.count(" 3 ") + card.count(">3 ") == 1, card
    assert '<span class="muted">3</span>' not in card


def test_an_agency_section_with_nothing_known_says_so(client):
    html = render(client, effective_from=datetime.date(2025, 7, 1))

    section = re.search(r'id="s-agencies">(.*?)</section>', html).group(1)
    assert "Chưa có thông tin." in section


def test_documents_to_present_are_not_called_optional(client):
    html = render(
        client,
        components=[
            r.ComponentRecord(name="Tờ khai", original_count=1),
            r.ComponentRecord(
                name="Căn cước của người yêu cầu", case="Giấy tờ phải xuất trình", required=False
            ),
        ],
    )

    assert "Giấy tờ phải xuất trình</h3>" in html
    row = html.split("Căn cước của người yêu cầu", 1)[1].split("</li>", 1)[0]
    assert "nếu có" not in row
