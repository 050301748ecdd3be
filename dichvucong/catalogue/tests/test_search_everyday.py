"""Search with the words people use: synonyms kept by the administrator, one typo, filters tucked away.

These run on SQLite by default and on PostgreSQL in CI (the rewriting happens before either database).
"""

import pytest
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.catalogue.models import SearchSynonym
from dichvucong.catalogue.query import Vocabulary, correct_spelling, expand_synonyms, within_one_edit
from dichvucong.catalogue.selectors import SearchFilters, procedure_search
from dichvucong.catalogue.services import synonyms_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(demo_data):
    synonyms_load()  # the migration seeds them; a flushed test database may have lost them
    return demo_data


def top_codes(query: str, count: int = 3) -> list[str]:
    result = procedure_search(filters=SearchFilters(query=query))
    return [procedure.code for procedure in result.page.object_list[:count]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cccd", "1.014061"),  # Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên
        ("lam can cuoc", "1.014061"),
        ("làm căn cước", "1.014061"),
        ("sao y", "2.000815"),  # Chứng thực bản sao từ bản chính
        ("xac nhan doc than", "1.004873"),  # Cấp Giấy xác nhận tình trạng hôn nhân
        ("ho khau", "1.004222"),  # Đăng ký thường trú
    ],
)
def test_everyday_words_find_the_official_procedure(catalogue, query, expected):
    assert expected in top_codes(query)


def test_one_typo_is_corrected_and_said(catalogue, client):
    result = procedure_search(filters=SearchFilters(query="khai sinhh"))

    assert result.page.object_list[0].code == "1.001193"
    assert result.suggestion == "khai sinh"
    assert not result.fuzzy
    page = client.get(reverse("catalogue:procedure_list"), {"q": "khai sinhh"}).content.decode()
    assert "Có phải bạn muốn tìm" in page
    assert "?q=khai+sinh" in page
    answer = client.get("/api/v1/procedures", {"q": "khai sinhh"}).json()
    assert answer["suggestion"] == "khai sinh"
    assert answer["results"][0]["code"] == "1.001193"


def test_a_correct_query_is_not_rewritten(catalogue, client):
    result = procedure_search(filters=SearchFilters(query="khai sinh"))

    assert result.suggestion == ""
    assert (
        "Có phải bạn muốn tìm"
        not in client.get(reverse("catalogue:procedure_list"), {"q": "khai sinh"}).content.decode()
    )


def test_a_synonym_added_by_the_administrator_is_used_at_once(catalogue, client, django_user_model):
    def exact(query: str) -> list[str]:
        """Codes found by the search itself (not PostgreSQL's similar-names fallback)."""
        result = procedure_search(filters=SearchFilters(query=query))
        return [] if result.fuzzy else [procedure.code for procedure in result.page.object_list]

    admin_user = django_user_model.objects.create_superuser(
        username="quantri", password="Hoa-Sen#2026xanh", kind="staff", full_name="Quản trị"
    )
    login_with_second_factor(client, admin_user)
    assert exact("giay chung sinh cho be") == []

    response = client.post(
        reverse("admin:catalogue_searchsynonym_add"),
        {"phrase": "giấy chứng sinh cho bé", "replacement": "đăng ký khai sinh", "is_active": "on"},
    )

    assert response.status_code == 302, response.content[:2000]
    assert exact("giay chung sinh cho be")[0] == "1.001193"
    synonym = SearchSynonym.objects.get(phrase="giấy chứng sinh cho bé")
    response = client.post(
        reverse("admin:catalogue_searchsynonym_change", args=[synonym.pk]),
        {"phrase": synonym.phrase, "replacement": synonym.replacement},  # "đang dùng" unticked
    )
    assert response.status_code == 302, response.content[:2000]
    assert exact("giay chung sinh cho be") == []
    assert client.get(reverse("admin:catalogue_searchsynonym_changelist")).status_code == 200


def test_synonyms_replace_whole_words_only_longest_first():
    table = [(("xac", "nhan", "doc", "than"), ("xac", "nhan", "tinh", "trang", "hon", "nhan"))]
    table += [(("doc", "than"), ("tinh", "trang", "hon", "nhan")), (("cccd",), ("can", "cuoc"))]

    assert expand_synonyms(["xac", "nhan", "doc", "than"], table) == ["xac", "nhan", "tinh", "trang", "hon"]
    assert expand_synonyms(["cccdx"], table) == ["cccdx"]
    assert expand_synonyms(["doi", "cccd"], table) == ["doi", "can", "cuoc"]


def test_spelling_correction_one_edit_from_an_indexed_word():
    vocab = Vocabulary.from_documents(["dang ky khai sinh", "dang ky ket hon", "chung thuc ban sao"])

    assert correct_spelling(["khai", "sinhh"], vocab=vocab) == ["khai", "sinh"]  # one letter too many
    assert correct_spelling(["khai", "snh"], vocab=vocab) is None  # too short to guess
    assert correct_spelling(["chung", "thcu"], vocab=vocab) == ["chung", "thuc"]  # transposition
    assert correct_spelling(["chnug", "thuc"], vocab=vocab) == ["chung", "thuc"]
    assert correct_spelling(["khai", "sinh"], vocab=vocab) is None  # nothing unknown
    assert correct_spelling(["chun"], vocab=vocab) is None  # still typing "chung": a prefix
    assert correct_spelling(["xyzw", "sinh"], vocab=vocab) is None  # nothing one edit away
    assert within_one_edit("ketn", "ket") and not within_one_edit("kten", "ket")


def test_filters_sit_behind_a_closed_disclosure_after_the_search_box(catalogue, client):
    page = client.get(
        reverse("catalogue:procedure_list"), {"q": "khai sinh", "field": "ho-tich"}
    ).content.decode()

    details = page.index('<details class="cat-filters">')
    assert page.index('id="filter-q"') < details < page.index('name="field"') < page.index('id="results"')
    assert '<details class="cat-filters" open' not in page
    assert "(1 đang chọn)" in page  # the closed disclosure still says a filter applies
    assert page.index("</details>") < page.index('class="results"')
