"""Thành phần hồ sơ on the procedure page: grouped by case (trường hợp) exactly as the source lists them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dichvucong.catalogue.importers import records as r
from dichvucong.catalogue.models import FormTemplate
from dichvucong.catalogue.selectors import component_groups
from dichvucong.catalogue.tests.factories import make_procedure

pytestmark = pytest.mark.django_db

COMMON = "Giấy tờ chung cho mọi trường hợp"


def components_section(client, code: str, *, view: str = "catalogue:procedure_detail") -> str:
    response = client.get(reverse(view, args=[code]))
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('id="s-components"')
    return page[start : page.index("</section>", start)]


def groups_on_page(section: str) -> list[tuple[str | None, list[str]]]:
    """(heading or None, [row names]) for each list of documents, in page order."""
    found = []
    for match in re.finditer(
        r'(?:<h3 class="cat-case">([^<]*)</h3>\s*)?<ul class="cat-docs">(.*?)</ul>', section, re.S
    ):
        rows = [row.strip() for row in re.findall(r"<li>([^<]*)", match.group(2))]
        found.append((match.group(1), rows))
    return found


def component(name: str, case: str = "", **kwargs) -> r.ComponentRecord:
    return r.ComponentRecord(name=name, case=case, **kwargs)


def test_two_cases_each_come_under_their_heading_with_their_rows_in_order(client):
    first, second = "Trường hợp đăng ký đúng hạn", "Trường hợp đăng ký lại"
    procedure = make_procedure(
        components=[
            component("Tờ khai đúng hạn", first, original_count=1),
            component("Giấy chứng sinh", first, original_count=1),
            component("Văn bản ủy quyền", first, copy_count=1, required=False),
            component("Tờ khai đăng ký lại", second, original_count=1),
            component("Bản sao giấy tờ cũ", second, copy_count=1),
            component("Giấy tờ chứng minh nơi cư trú", second, original_count=1, copy_count=1),
        ]
    )

    section = components_section(client, procedure.code)

    assert groups_on_page(section) == [
        (first, ["Tờ khai đúng hạn", "Giấy chứng sinh", "Văn bản ủy quyền"]),
        (second, ["Tờ khai đăng ký lại", "Bản sao giấy tờ cũ", "Giấy tờ chứng minh nơi cư trú"]),
    ]
    assert section.count("<h3") == 2
    assert COMMON not in section


def test_a_procedure_without_cases_has_no_case_heading(client):
    procedure = make_procedure(
        components=[component("Tờ khai", original_count=1), component("Giấy tờ tùy thân", copy_count=1)]
    )

    section = components_section(client, procedure.code)

    assert groups_on_page(section) == [(None, ["Tờ khai", "Giấy tờ tùy thân"])]
    assert "<h3" not in section
    assert COMMON not in section


def test_groups_follow_the_source_order_and_a_case_listed_again_later_stays_apart(client):
    case = "Trường hợp người nước ngoài"
    procedure = make_procedure(
        components=[
            component("Tờ khai", original_count=1),
            component("Hộ chiếu", case, copy_count=1),
            component("Thị thực", case, copy_count=1),
            component("Giấy ủy quyền", required=False, original_count=1),
            component("Bản dịch hộ chiếu", case, original_count=1),
        ]
    )

    section = components_section(client, procedure.code)

    assert groups_on_page(section) == [
        (COMMON, ["Tờ khai"]),
        (case, ["Hộ chiếu", "Thị thực"]),
        (COMMON, ["Giấy ủy quyền"]),
        (case, ["Bản dịch hộ chiếu"]),
    ]


def test_the_print_page_groups_the_same_way(client):
    procedure = make_procedure(
        components=[component("Tờ khai", "Trường hợp A", original_count=1), component("Ảnh", "Trường hợp B")]
    )

    section = components_section(client, procedure.code, view="catalogue:procedure_print")

    assert groups_on_page(section) == [("Trường hợp A", ["Tờ khai"]), ("Trường hợp B", ["Ảnh"])]


def test_each_row_shows_its_quantity_its_form_and_whether_it_is_required(client):
    FormTemplate.objects.create(
        code="tk-thu-nghiem", name="Tờ khai thử nghiệm", fields=[{"label": "Họ, chữ đệm, tên"}]
    )
    procedure = make_procedure(
        components=[
            component(
                "Tờ khai", original_count=1, copy_count=1, form_name="Mẫu 01", form_code="tk-thu-nghiem"
            ),
            component("Bản sao giấy khai sinh", copy_count=2),
            component(
                "Giấy tờ xuất trình", original_count=0, copy_count=0, quantity_text="Bản chính: 0, Bản sao: 0"
            ),
            component("Văn bản ủy quyền", original_count=1, required=False),
            component("Ghi chú không có số lượng", required=False),
        ]
    )

    section = components_section(client, procedure.code)
    rows = dict(
        (re.match(r"[^<]*", row).group(0).strip(), row)
        for row in re.findall(r"<li>(.*?)</li>", section, re.S)
    )

    assert "Số lượng: 1 bản chính, 1 bản sao" in rows["Tờ khai"]
    link = reverse("catalogue:form_download", args=["tk-thu-nghiem"])
    assert f'<a href="{link}" download>Tờ khai thử nghiệm (PDF)</a>' in rows["Tờ khai"]
    assert "Số lượng: 2 bản sao" in rows["Bản sao giấy khai sinh"]
    assert "bản chính" not in rows["Bản sao giấy khai sinh"]
    # A row asking for nothing shows the source's own words, not a wording of ours.
    assert "Số lượng" not in rows["Giấy tờ xuất trình"]  # "0 bản chính" is a note, not a quantity to ask for
    assert "Không yêu cầu" not in section
    assert "Số lượng" not in rows["Ghi chú không có số lượng"]
    assert "(nếu có)" in rows["Văn bản ủy quyền"]
    assert "(nếu có)" not in rows["Tờ khai"]


def test_the_page_costs_the_same_queries_for_two_or_ten_components(client):
    FormTemplate.objects.create(code="tk-thu-nghiem", name="Tờ khai thử nghiệm", fields=[{"label": "Họ tên"}])

    def procedure_with(count: int):
        return make_procedure(
            components=[
                component(
                    f"Giấy tờ {number}",
                    f"Trường hợp {number % 3}",
                    original_count=1,
                    form_name="Mẫu 01",
                    form_code="tk-thu-nghiem",
                )
                for number in range(count)
            ]
        )

    small, large = procedure_with(2), procedure_with(10)

    counts = []
    for procedure in (small, large):
        with CaptureQueriesContext(connection) as queries:
            section = components_section(client, procedure.code)
        counts.append(len(queries))
        assert section.count("<li>") >= 2
    assert counts[0] == counts[1], counts


def test_the_api_lists_components_by_case_as_well_as_flat(client):
    procedure = make_procedure(
        components=[
            component("Tờ khai", original_count=1),
            component("Hộ chiếu", "Trường hợp người nước ngoài", copy_count=1),
            component("Thị thực", "Trường hợp người nước ngoài", copy_count=1),
        ]
    )

    version = client.get(f"/api/v1/procedures/{procedure.code}").json()["version"]

    assert [item["name"] for item in version["components"]] == ["Tờ khai", "Hộ chiếu", "Thị thực"]
    assert [
        (group["case"], [item["name"] for item in group["components"]]) for group in version["cases"]
    ] == [
        ("", ["Tờ khai"]),
        ("Trường hợp người nước ngoài", ["Hộ chiếu", "Thị thực"]),
    ]


def test_grouping_takes_consecutive_rows_of_one_case():
    class Row:
        def __init__(self, case: str, name: str) -> None:
            self.case, self.name = case, name

    rows = [Row("A", "1"), Row("A", "2"), Row("", "3"), Row("A", "4")]

    groups = component_groups(rows)

    assert [(group.case, [row.name for row in group.components]) for group in groups] == [
        ("A", ["1", "2"]),
        ("", ["3"]),
        ("A", ["4"]),
    ]
    assert component_groups([]) == []
