"""The importer stores what the national record says (issue 12): the shapes that used to go wrong,
and property tests that compose flattened tables from random rows and read them back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dichvucong.catalogue.importers.channels import parse_channels
from dichvucong.catalogue.importers.check import (
    CASE_IS_DOCUMENT,
    FORM_SPLIT,
    GLUED_ROWS,
    LEGAL_DUPLICATE,
    LEGAL_NUMBER,
    ROW_COUNT,
    ROW_TEXT,
    check_components,
    check_legal_bases,
)
from dichvucong.catalogue.importers.components import COMPONENT_TABLE_HEADER, parse_components
from dichvucong.catalogue.importers.legal import LEGAL_TABLE_HEADER, parse_legal_bases
from dichvucong.catalogue.importers.national import iter_national_folder, parse_national_record
from dichvucong.catalogue.importers.records import (
    CHANNEL_IN_PERSON,
    CHANNEL_ONLINE,
    UNIT_NO_DEADLINE,
    ComponentRecord,
    LegalBasisRecord,
    ProcedureRecord,
)

H = COMPONENT_TABLE_HEADER


def rows(text: str) -> list[tuple[str, str, int, int]]:
    components, _outcome = parse_components(text)
    return [(c.name, c.form_name, c.original_count, c.copy_count) for c in components]


# --------------------------------------------------------------------------------------------------
# Components: the shapes from the issue
# --------------------------------------------------------------------------------------------------
def test_a_vietnamese_capital_after_the_quantity_starts_a_new_row() -> None:
    text = (
        H + "Biên bản kiểm tra, xác minh, kết luận, kết quả giám định (nếu có)1 bản chính"
        "Đơn khiếu nại hoặc bản ghi nội dung khiếu nại1 bản chính"
        "Ủy quyền hợp lệ0 bản chính,1 bản sao"
        "Ảnh 4x6 cm1 bản chính"
    )
    assert rows(text) == [
        ("Biên bản kiểm tra, xác minh, kết luận, kết quả giám định (nếu có)", "", 1, 0),
        ("Đơn khiếu nại hoặc bản ghi nội dung khiếu nại", "", 1, 0),
        ("Ủy quyền hợp lệ", "", 0, 1),
        ("Ảnh 4x6 cm", "", 1, 0),
    ]


def test_a_zero_original_row_followed_by_a_capital_is_its_own_row() -> None:
    text = (
        H
        + "Trường hợp nộp theo hình thức trực tiếp:0 bản chính"
        + "Đối với giấy tờ xuất trình: bản chính1 bản chính"
    )
    names = [name for name, *_ in rows(text)]
    assert names == ["Trường hợp nộp theo hình thức trực tiếp:", "Đối với giấy tờ xuất trình: bản chính"]


def test_row_labels_a_b_and_lower_case_rows_are_recognised() -> None:
    text = (
        H
        + "Giấy chứng nhận hộ nghèo1 bản chính"
        + "a) Giấy chứng nhận hộ cận nghèo1 bản chính"
        + "b) ảnh màu 2x3 cm2 bản chính"
    )
    assert rows(text) == [
        ("Giấy chứng nhận hộ nghèo", "", 1, 0),
        ("a) Giấy chứng nhận hộ cận nghèo", "", 1, 0),
        ("b) ảnh màu 2x3 cm", "", 2, 0),
    ]


def test_no_row_starts_with_the_copies_of_the_previous_one() -> None:
    text = H + "Văn bản đề nghị1 bản chính,1 bản saoĐơn xin thường trú;1 bản chính"
    assert rows(text) == [("Văn bản đề nghị", "", 1, 1), ("Đơn xin thường trú;", "", 1, 0)]


def test_a_count_glued_to_a_year_is_read_as_the_count() -> None:
    text = (
        H
        + "Văn bản đề nghị theo Nghị định 56/2023/NĐ-CP ngày 28/8/20201 bản chínhDanh sách cán bộ2 bản chính"
    )
    assert rows(text) == [
        ("Văn bản đề nghị theo Nghị định 56/2023/NĐ-CP ngày 28/8/2020", "", 1, 0),
        ("Danh sách cán bộ", "", 2, 0),
    ]


def test_a_quantity_inside_a_name_does_not_split_it() -> None:
    text = (
        H + "Tờ khai gồm: 02 bản chính. Tại ô số 3 ghi rõ nơi cư trú1 bản chính"
        "Phiếu yêu cầu (01 bản chính hoặc 01 bản sao có chứng thực)1 bản chính"
        "Hồ sơ gốc1 bản chính01 bản chính Biên bản bàn giao1 bản chính"
    )
    assert [name for name, *_ in rows(text)] == [
        "Tờ khai gồm: 02 bản chính. Tại ô số 3 ghi rõ nơi cư trú",
        "Phiếu yêu cầu (01 bản chính hoặc 01 bản sao có chứng thực)",
        "Hồ sơ gốc",
        "01 bản chính Biên bản bàn giao",
    ]


def test_cases_keep_their_own_documents() -> None:
    text = (
        "* Trường hợp cấp mới:"
        + H
        + "Tờ khai1 bản chínhẢnh 4x62 bản chínhGiấy khai sinh0 bản chính,1 bản sao"
        "* Trường hợp cấp lại:" + H + "Tờ khai1 bản chínhThẻ cũ1 bản chínhĐơn trình báo mất1 bản chính"
    )
    components, outcome = parse_components(text)
    grouped = [(c.case, c.name) for c in components]
    assert grouped == [
        ("Trường hợp cấp mới", "Tờ khai"),
        ("Trường hợp cấp mới", "Ảnh 4x6"),
        ("Trường hợp cấp mới", "Giấy khai sinh"),
        ("Trường hợp cấp lại", "Tờ khai"),
        ("Trường hợp cấp lại", "Thẻ cũ"),
        ("Trường hợp cấp lại", "Đơn trình báo mất"),
    ]
    assert outcome.status == "parsed"


@pytest.mark.parametrize(
    ("glued", "name", "form"),
    [
        (
            "Đơn đề nghị theo mẫuMẫu số 10. QLT. buôn bán.docx",
            "Đơn đề nghị theo mẫu",
            "Mẫu số 10. QLT. buôn bán.docx",
        ),
        ("Đơn đề nghị (Mẫu số 03).Mẫu 03.TT41.doc", "Đơn đề nghị (Mẫu số 03).", "Mẫu 03.TT41.doc"),
        (
            "Báo cáo theo Thông tư 39/2025/TT-BNNMT;Mau_so_01_39.2025.TT-BNNMT_02.7.2025.docx",
            "Báo cáo theo Thông tư 39/2025/TT-BNNMT;",
            "Mau_so_01_39.2025.TT-BNNMT_02.7.2025.docx",
        ),
        ("Báo cáo kiểm tra2. BCKTAT (2.NVICC-ĐS.01).pdf", "Báo cáo kiểm tra2.", "BCKTAT (2.NVICC-ĐS.01).pdf"),
    ],
)
def test_form_file_names_with_dots_stay_whole(glued: str, name: str, form: str) -> None:
    assert rows(H + glued + "1 bản chính") == [(name, form, 1, 0)]


def test_a_row_with_no_document_name_is_reported_not_hidden() -> None:
    data = {
        "ma_thu_tuc": "1.000001",
        "ten_thu_tuc": "Thủ tục thử",
        "thanh_phan_ho_so": H + "Đơn1 bản chính1 bản chính",
    }
    result = parse_national_record(data, source="x.json")
    report = {f.name: f for f in result.fields}["thanh_phan_ho_so"]
    assert report.status == "partial"
    assert "check:" in report.detail
    assert ("components_count", "2 quantity cell(s) in the source, 1 row(s) stored") in result.mismatches


# --------------------------------------------------------------------------------------------------
# The checker can fail: it catches what the old parser stored
# --------------------------------------------------------------------------------------------------
def test_the_checker_finds_glued_rows_lost_rows_cut_forms_and_merged_cases() -> None:
    source = H + "Quyết định (nếu có)1 bản chínhĐơn khiếu nại1 bản chínhTờ khaiMẫu 03.TT41.doc1 bản chính"
    stored = ProcedureRecord(
        code="1.000001",
        name="x",
        components=[
            ComponentRecord(name="Quyết định (nếu có)1 bản chínhĐơn khiếu nại", quantity_text="1 bản chính"),
            ComponentRecord(name="Tờ khaiMẫu 03.", form_name="TT41.doc", quantity_text="1 bản chính"),
        ],
    )
    kinds = {m.kind for m in check_components(source, stored)}
    assert {GLUED_ROWS, ROW_COUNT, FORM_SPLIT} <= kinds
    merged = ProcedureRecord(
        code="1.000001",
        name="x",
        components=[ComponentRecord(name="Đơn", case="Tờ khai1 bản chínhẢnh", quantity_text="1 bản chính")],
    )
    kinds = {m.kind for m in check_components("Tờ khai1 bản chínhẢnh" + H + "Đơn1 bản chính", merged)}
    assert CASE_IS_DOCUMENT in kinds
    assert ROW_TEXT not in {m.kind for m in check_components(source, _parsed(source))}


def _parsed(source: str) -> ProcedureRecord:
    return ProcedureRecord(code="1.000001", name="x", components=parse_components(source)[0])


def test_the_checker_finds_numbers_that_occur_nowhere_and_bare_title_duplicates() -> None:
    source = (
        LEGAL_TABLE_HEADER + "Luật phí và lệ phí, có hiệu lực từ ngày 01/01/2017120/2016/NĐ-CP"
        "Thông tư số 66/2023/TT-BCA Sửa đổi, bổ sung Thông tư 55/2021/TT-BCA66/2023/TT-BCA"
    )
    old = ProcedureRecord(
        code="1.000001",
        name="x",
        legal_bases=[
            LegalBasisRecord(title="Luật phí", number="17120/2016/NĐ-CP"),
            LegalBasisRecord(title="Thông tư số", number="66/2023/TT-BCA"),
            LegalBasisRecord(title="Sửa đổi, bổ sung Thông tư 55/2021/TT-BCA", number="66/2023/TT-BCA"),
        ],
    )
    kinds = {m.kind for m in check_legal_bases(source, old)}
    assert {LEGAL_NUMBER, LEGAL_DUPLICATE} <= kinds
    bases, outcome = parse_legal_bases(source)
    assert [b.number for b in bases] == ["120/2016/NĐ-CP", "66/2023/TT-BCA"]
    assert bases[1].title.startswith("Thông tư số 66/2023/TT-BCA Sửa đổi")
    assert check_legal_bases(source, ProcedureRecord(code="1.000001", name="x", legal_bases=bases)) == []


# --------------------------------------------------------------------------------------------------
# Legal bases, channels, issuing body
# --------------------------------------------------------------------------------------------------
def test_legal_numbers_glued_to_the_next_number_or_a_department_tag() -> None:
    text = (
        LEGAL_TABLE_HEADER + "Nghị định sửa đổi, bổ sung bởi Nghị định số 07/2025/NĐ-CP280/2025/NĐ-CP"
        "Thông tư 21/2007/TT-BCA(X13) - Hướng dẫn thi hành21/2007/TT-BCA(X13)"
        "Quyết định Sơn La về chuỗi giá trị24/2024"
    )
    bases, _outcome = parse_legal_bases(text)
    assert [b.number for b in bases] == ["280/2025/NĐ-CP", "21/2007/TT-BCA", "24/2024"]
    assert bases[1].title.startswith("Thông tư 21/2007/TT-BCA(X13) - Hướng dẫn")


def test_channels_with_a_duration_in_words_keep_their_fee() -> None:
    text = (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyếnKhông phải trả kết quảMiễn phíNộp qua Cổng."
        "Trực tiếpHệ thống phản hồi tự động50.000 Việt Nam ĐồngNộp tại Bộ phận một cửa"
    )
    channels, fees, _outcome = parse_channels(text)
    assert [(c.channel, c.duration_text) for c in channels] == [
        (CHANNEL_ONLINE, "Không phải trả kết quả"),
        (CHANNEL_IN_PERSON, "Hệ thống phản hồi tự động"),
    ]
    assert channels[0].duration_unit == UNIT_NO_DEADLINE
    assert [(f.channel, f.amount, f.is_free) for f in fees] == [
        (CHANNEL_ONLINE, 0, True),
        (CHANNEL_IN_PERSON, 50000, False),
    ]


def test_an_unknown_ministry_folder_never_becomes_a_name_without_diacritics(tmp_path: Path) -> None:
    folder = tmp_path / "bo-nong-nghiep-mt"
    folder.mkdir()
    base = {"ma_thu_tuc": "1.000002", "ten_thu_tuc": "Thủ tục thử", "so_quyet_dinh": "12/QĐ-UBND"}
    (folder / "a.json").write_text(json.dumps(base), encoding="utf-8")
    (folder / "b.json").write_text(
        json.dumps({**base, "ma_thu_tuc": "1.000003", "so_quyet_dinh": "1234/QĐ-BNNMT"}), encoding="utf-8"
    )
    (folder / "c.json").write_text(
        json.dumps(
            {**base, "ma_thu_tuc": "1.000004", "co_quan_co_tham_quyen": "Bộ Nông nghiệp và Môi trường"}
        ),
        encoding="utf-8",
    )
    agencies = {r.record.code: r.record.issuing_agency for r in iter_national_folder(tmp_path)}
    assert agencies == {
        "1.000002": "",
        "1.000003": "Bộ Nông nghiệp và Môi trường",
        "1.000004": "Bộ Nông nghiệp và Môi trường",
    }


# --------------------------------------------------------------------------------------------------
# Property tests: random tables in the national flattened format are read back row by row
# --------------------------------------------------------------------------------------------------
CAPITALS = "ABCDGHKLMNPQRSTVXĐƠƯÂÊÔĂẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
WORDS = [
    "giấy",
    "tờ",
    "đơn",
    "đề",
    "nghị",
    "bản",
    "khai",
    "chứng",
    "nhận",
    "hộ",
    "khẩu",
    "văn",
    "cấp",
    "ước",
    "ở",
    "ủy",
    "quyền",
    "ảnh",
    "màu",
    "tạm",
    "trú",
    "xác",
    "minh",
    "của",
    "người",
    "nước",
    "ngoài",
    "thường",
    "trú",
    "hồ",
    "sơ",
    "kết",
    "quả",
    "ý",
    "kiến",
    "lý",
    "lịch",
    "tư",
    "pháp",
]
FORMS = (
    "Mẫu số 10. QLT. buôn bán.docx",
    "Mau_so_01_39.2025.TT-BNNMT_02.7.2025.docx",
    "NA5 (1).doc",
    "TK01.pdf",
    "MauDonDeNghi.docx",
)
INNER = ("", " (01 bản chính hoặc 01 bản sao có chứng thực)", " gồm: 02 bản chính. Tại ô số 3 ghi rõ")


@st.composite
def component_rows(draw) -> tuple[str, str, int, int]:
    label = draw(st.sampled_from(("", "", "a) ", "b) ", "- ", "+ ")))
    first = draw(st.sampled_from(CAPITALS)) + draw(st.sampled_from(WORDS))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))
    name = label + " ".join([first, *words]) + draw(st.sampled_from(INNER))
    ending = draw(st.sampled_from(("", "", " ngày 28/8/2020", " (nếu có)", ".")))
    form = draw(st.sampled_from(("",) * 3 + FORMS))
    if form:
        ending = ""  # a form file follows a word directly ("…theo mẫuMẫu số 10…")
        name = name + " " + draw(st.sampled_from(WORDS))
    original = draw(st.integers(0, 9))
    copies = draw(st.integers(0, 9))
    return name + ending, form, original, copies


def _quantity(original: int, copies: int) -> str:
    return f"{original} bản chính" + (f",{copies} bản sao" if copies else "")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ("", "* Trường hợp cấp mới:", "- Trường hợp cấp lại do mất:", "Giấy tờ phải xuất trình:")
            ),
            st.lists(component_rows(), min_size=1, max_size=5),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_component_tables_are_read_back_row_by_row(groups) -> None:
    text = ""
    expected = []
    for index, (heading, group) in enumerate(groups):
        heading = heading if index or heading else ""
        text += heading + H
        case = heading.strip("-* :").rstrip(":").strip()
        for name, form, original, copies in group:
            text += name + form + _quantity(original, copies)
            expected.append((case, name.lstrip("-+ ").strip(), form, original, copies))
    components, outcome = parse_components(text)
    got = [(c.case, c.name, c.form_name, c.original_count, c.copy_count) for c in components]
    assert got == expected
    record = ProcedureRecord(code="1.000001", name="x", components=components)
    assert check_components(text, record) == []
    assert outcome.status == "parsed"


SUFFIXES = ("NĐ-CP", "QH13", "QH14", "TT-BTP", "TT-BCA", "QĐ-TTg", "NQ-CP", "TTLT-BCA-BYT", "TT-BXD")
DOC_TYPES = ("Luật", "Nghị định", "Thông tư", "Quyết định", "Nghị quyết")


@st.composite
def legal_rows(draw) -> tuple[str, str]:
    number = f"{draw(st.integers(1, 399))}/{draw(st.integers(1995, 2026))}/{draw(st.sampled_from(SUFFIXES))}"
    if draw(st.booleans()):
        number = f"{draw(st.integers(1, 3999))}/QĐ-{draw(st.sampled_from(('BTP', 'BCA', 'BXD', 'TTg')))}"
    kind = draw(st.sampled_from(DOC_TYPES))
    words = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8)))
    shape = draw(st.sampled_from(("plain", "own-number", "date", "year")))
    if shape == "own-number":
        title = f"{kind} {number}"
    elif shape == "date":
        title = (
            f"{kind} {words} có hiệu lực từ ngày {draw(st.integers(1, 28))}/{draw(st.integers(1, 12))}/2017"
        )
    elif shape == "year":
        title = f"{kind} {words} năm 2019"
    else:
        title = f"{kind} {words}"
    return title, number


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(legal_rows(), min_size=1, max_size=6))
def test_legal_basis_tables_are_read_back_row_by_row(table) -> None:
    text = LEGAL_TABLE_HEADER + "".join(title + number for title, number in table)
    bases, outcome = parse_legal_bases(text)
    assert [(b.title, b.number) for b in bases] == table
    record = ProcedureRecord(code="1.000001", name="x", legal_bases=bases)
    assert check_legal_bases(text, record) == []
    assert outcome.status == "parsed"
