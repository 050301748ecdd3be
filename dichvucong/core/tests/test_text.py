import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from dichvucong.core.text import fold, nfc, search_terms


def test_fold_removes_vietnamese_marks_and_d_bar():
    assert fold("Thủ tục Đăng ký khai sinh") == "thu tuc dang ky khai sinh"
    assert fold("Chứng thực bản sao; (1.001193)") == "chung thuc ban sao 1 001193"


def test_fold_treats_composed_and_decomposed_input_alike():
    composed = unicodedata.normalize("NFC", "Hộ tịch")
    decomposed = unicodedata.normalize("NFD", "Hộ tịch")
    assert composed != decomposed
    assert fold(composed) == fold(decomposed) == "ho tich"


def test_nfc_collapses_white_space_and_composes():
    assert nfc("  Hộ\u00a0\n tịch ") == "Hộ tịch"
    assert nfc(unicodedata.normalize("NFD", "Kết hôn")) == unicodedata.normalize("NFC", "Kết hôn")
    assert nfc(None) == ""


def test_search_terms_drop_metacharacters_and_duplicates():
    assert search_terms("'; DROP TABLE x; -- <script>khai sinh</script>") == [
        "drop",
        "table",
        "x",
        "script",
        "khai",
        "sinh",
    ]
    assert search_terms("khai khai sinh") == ["khai", "sinh"]
    assert search_terms("😀🎉") == []
    assert search_terms("") == []


def test_search_terms_bound_length_and_count():
    terms = search_terms("a" * 2000 + " b" * 100)
    assert len(terms) <= 12
    assert all(len(term) <= 40 for term in terms)


@given(st.text(max_size=3000))
def test_search_terms_only_ever_yield_safe_words(text):
    for term in search_terms(text):
        assert re.fullmatch(r"[0-9a-z]{1,40}", term)
