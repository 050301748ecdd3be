"""Group labels, notes and cut form names (user walk of 2026-12): tables headed "* Giấy tờ phải nộp:",
"* Giấy tờ phải xuất trình:" and "* Lưu ý:" are groups, not cases; form file names glued to the document
name are cut where the file name starts; the checker proves the old cuts wrong. The texts are the
national records' own (trimmed to the rows that matter)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dichvucong.catalogue.importers.check import (
    CASE_IS_LABEL,
    CHANNEL_LOST,
    FORM_SPLIT,
    LEGAL_CHANNEL_ROWS,
    ROW_COUNT,
    check_components,
    check_record,
)
from dichvucong.catalogue.importers.components import (
    COMPONENT_NOTES_HEADING,
    COMPONENT_TABLE_HEADER,
    PRESENT_CASE,
    parse_components,
)
from dichvucong.catalogue.importers.national import parse_national_record
from dichvucong.catalogue.importers.records import (
    ChannelRecord,
    ComponentRecord,
    LegalBasisRecord,
    ProcedureRecord,
)

H = COMPONENT_TABLE_HEADER
SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "national-tthc"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="shared national-tthc data not found")

# 1.004873 (cấp Giấy xác nhận tình trạng hôn nhân), bo-tu-phap: the three groups, a few rows of each.
MARRIAGE_STATUS = (
    "* Giấy tờ phải nộp:" + H + "- Văn bản ủy quyền theo quy định của pháp luật trong trường hợp ủy quyền "
    "thực hiện việc cấp Giấy xác nhận tình trạng hôn nhân.1 bản chính"
    "* Giấy tờ phải xuất trình:" + H + "- Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước/Căn cước điện tử/Giấy "
    "chứng nhận căn cước hoặc các giấy tờ khác có dán ảnh và thông tin cá nhân do cơ quan có thẩm quyền cấp, "
    "còn giá trị sử dụng (sau đây gọi tắt là giấy tờ tùy thân) để chứng minh về nhân thân khi làm thủ tục "
    "trực tiếp tại cơ quan đăng ký hộ tịch.1 bản chính"
    "Trường hợp các thông tin cá nhân trong các giấy tờ này đã có trong Cơ sở dữ liệu quốc gia về dân cư, "
    "Cơ sở dữ liệu hộ tịch điện tử, được hệ thống điền tự động thì không phải tải lên (theo hình thức trực "
    "tuyến)0 bản chính"
    "* Lưu ý:" + H + "- Giấy tờ do cơ quan có thẩm quyền của nước ngoài cấp, công chứng hoặc xác nhận để sử "
    "dụng cho việc đăng ký hộ tịch tại Việt Nam phải được hợp pháp hóa lãnh sự theo quy định của pháp luật, "
    "trừ trường hợp được miễn theo điều ước quốc tế mà Việt Nam là thành viên.0 bản chính"
    "- Đối với giấy tờ nộp, xuất trình nếu người yêu cầu nộp hồ sơ theo hình thức trực tiếp:0 bản chính"
    "--" + H + "- Người có yêu cầu cấp Giấy xác nhận tình trạng hôn nhân thực hiện việc nộp/xuất trình (theo "
    "hình thức trực tiếp) hoặc tải lên (theo hình thức trực tuyến) các giấy tờ sau:0 bản chính"
    "- Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình "
    "thức trực tiếp);1 bản chính"
)


def _record(components: list[ComponentRecord]) -> ProcedureRecord:
    return ProcedureRecord(code="1.004873", name="x", components=components)


# --------------------------------------------------------------------------------------------------
# 1. Group labels and notes
# --------------------------------------------------------------------------------------------------
def test_group_labels_are_not_cases_and_notes_are_not_documents() -> None:
    # When
    components, outcome = parse_components(MARRIAGE_STATUS)
    # Then "Giấy tờ phải nộp" is no case, the documents to show keep the one label the dossier wizard
    # reads as "for everyone, shown at the counter", and neither "Lưu ý" nor an instruction is a document
    assert [(c.case, c.name[:30], c.required) for c in components] == [
        ("", "Văn bản ủy quyền theo quy định", True),
        (PRESENT_CASE, "Hộ chiếu/Thẻ căn cước công dân", False),
        ("", "Tờ khai cấp Giấy xác nhận tình", True),
    ]
    assert not any(c.case in ("Giấy tờ phải nộp", "Lưu ý") for c in components)
    assert outcome.status == "parsed"
    assert check_components(MARRIAGE_STATUS, _record(components)) == []


def test_the_notes_go_to_the_conditions_one_a_line() -> None:
    # Given the record with its components only
    data = {"ma_thu_tuc": "1.004873", "ten_thu_tuc": "Cấp Giấy xác nhận tình trạng hôn nhân"}
    data |= {"thanh_phan_ho_so": MARRIAGE_STATUS, "yeu_cau_dieu_kien": "Không có thông tin"}
    # When
    result = parse_national_record(data, source="bo-tu-phap/1.004873.json")
    # Then the notes and instructions are readable with the conditions, not lost
    assert result.record is not None
    lines = result.record.conditions.split("\n")
    assert lines[0] == COMPONENT_NOTES_HEADING
    assert lines[1].startswith("- Trường hợp các thông tin cá nhân") and lines[1].endswith(
        "(theo hình thức trực tuyến)"
    )
    assert lines[2].startswith("- Giấy tờ do cơ quan có thẩm quyền của nước ngoài cấp")
    assert (
        lines[3] == "- Đối với giấy tờ nộp, xuất trình nếu người yêu cầu nộp hồ sơ theo hình thức trực tiếp:"
    )
    assert lines[4].endswith("các giấy tờ sau:")
    assert len(lines) == 5
    assert result.mismatches == []


def test_the_checker_proves_a_label_stored_as_a_case_wrong() -> None:
    # Given what the parser stored before: the labels as cases, the notes as documents
    stored = _record(
        [
            ComponentRecord(name="Văn bản ủy quyền", case="Giấy tờ phải nộp", quantity_text="1 bản chính"),
            ComponentRecord(name="Giấy tờ do cơ quan …", case="Lưu ý", quantity_text="0 bản chính"),
        ]
    )
    # When / Then
    kinds = {m.kind for m in check_components(MARRIAGE_STATUS, stored)}
    assert CASE_IS_LABEL in kinds and ROW_COUNT in kinds


def test_a_label_row_inside_a_case_keeps_the_case_and_marks_the_rows_shown() -> None:
    # Given 1.013205 (bo-xay-dung): "Giấy tờ phải xuất trình:" as a row of "Trường hợp kiểm định định kỳ"
    text = (
        "* Trường hợp kiểm định định kỳ" + H + "- Giấy tờ phải xuất trình:0 bản chính"
        "Bản chà số khung, số động cơ của xe (đối với xe có thay đổi số khung, số động cơ)1 bản chính"
        "- Giấy tờ phải nộp:0 bản chính"
        "Văn bản đề nghị kiểm định ngoài cơ sở đăng kiểm1 bản chính"
    )
    # When
    components, _outcome = parse_components(text)
    # Then the case stays (the dossier asks for it); the shown document is not a required upload
    assert [(c.case, c.required) for c in components] == [
        ("Trường hợp kiểm định định kỳ", False),
        ("Trường hợp kiểm định định kỳ", True),
    ]
    assert check_components(text, _record(components)) == []


def test_a_case_heading_row_ending_with_a_colon_stays_a_row() -> None:
    # Given a row that heads the rows after it (not an instruction)
    text = H + "Trường hợp nộp theo hình thức trực tiếp:0 bản chính" + "Đơn đề nghị1 bản chính"
    # When / Then
    assert [c.name for c in parse_components(text)[0]] == [
        "Trường hợp nộp theo hình thức trực tiếp:",
        "Đơn đề nghị",
    ]


@needs_shared
def test_the_whole_marriage_status_record() -> None:
    # Given / When
    data = json.loads((SHARED / "bo-tu-phap/1.004873.json").read_text(encoding="utf-8"))
    result = parse_national_record(data, source="bo-tu-phap/1.004873.json")
    # Then no label is a case, no note a document, and the checker agrees
    assert result.record is not None
    cases = {c.case for c in result.record.components}
    assert cases == {"", PRESENT_CASE}
    assert len(result.record.components) == 8
    assert not any(
        "không phải tải lên" in c.name or c.name.endswith("các giấy tờ sau:")
        for c in result.record.components
    )
    assert result.mismatches == []
    assert COMPONENT_NOTES_HEADING in result.record.conditions


# --------------------------------------------------------------------------------------------------
# 2. Form file names
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("row", "name_end", "form"),
    [
        # 1.003220 (bo-tu-phap)
        (
            "Công văn đề nghị (mẫu 8A) kèm theo danh sách đối tượng B, C, K được hưởng chế độ một lần "
            "(mẫu 9B)."
            "47-Mẫu 8A-Công văn đề nghị trợ cấp một lần (1).doc",
            "(mẫu 9B).",
            "47-Mẫu 8A-Công văn đề nghị trợ cấp một lần (1).doc",
        ),
        (
            "Bản trích sao lý lịch có xác nhận của thủ trưởng cơ quan quản lý hồ sơ (mẫu 2C)."
            "38-Mẫu 2C-Trích sao lý lịch.doc",
            "(mẫu 2C).",
            "38-Mẫu 2C-Trích sao lý lịch.doc",
        ),
        # 1.000469 (bo-xay-dung)
        (
            "- Bản chính hoặc biểu mẫu điện tử Đơn đề nghị của chủ tàu theo mẫumaudondenghi_BCC (1).doc",
            "của chủ tàu theo mẫu",
            "maudondenghi_BCC (1).doc",
        ),
        # 1.004055 (bo-cong-an)
        (
            "XÃ NƠI ĐĂNG KÝ THƯỜNG TRÚ,33-Mẫu số 02-Sơ yếu lý lịch.doc",
            "THƯỜNG TRÚ,",
            "33-Mẫu số 02-Sơ yếu lý lịch.doc",
        ),
        # 1.001280 (bo-cong-an)
        (
            "tờ khai do cha, mẹ, người đại diện hợp pháp khai và ký tên.m01a.pdf",
            "khai và ký tên.",
            "m01a.pdf",
        ),
        # 1.012533 (bo-cong-an)
        (
            "Đơn đề nghị (Mẫu số 01 ban hành kèm theo Thông tư số 14/2024/TT-BCA)."
            "Mẫu số 01 - Đơn tham gia lực lượng ANTT cơ sở (TT14.2024.BCA).docx",
            "14/2024/TT-BCA).",
            "Mẫu số 01 - Đơn tham gia lực lượng ANTT cơ sở (TT14.2024.BCA).docx",
        ),
        # 1.001666, 1.013260, 1.004724, 1.009453, 1.002046 (bo-xay-dung)
        ("Văn bản đề nghị theo quy địnhvăn bản đề nghị.docx", "theo quy định", "văn bản đề nghị.docx"),
        ("Giấy đề nghị theo mẫuđơn đề nghị.docx", "theo mẫu", "đơn đề nghị.docx"),
        (
            "Đơn đề nghị cấp Giấy chứng nhận đăng ký cảng hàng không, sân bay"
            "1.004724_1.004719_1.002880_cấp chứng nhận đăng ký cảng.docx",
            "sân bay",
            "1.004724_1.004719_1.002880_cấp chứng nhận đăng ký cảng.docx",
        ),
        (
            "Đơn đề nghị theo Mẫu số 10 tại Phụ lục ban hành kèm theo Nghị định số 08/2021/NĐ-CP"
            "Mẫu Đơn đề nghị thỏa thuận thông số kỹ thuật xây dựng bến thủy nội địa.docx",
            "08/2021/NĐ-CP",
            "Mẫu Đơn đề nghị thỏa thuận thông số kỹ thuật xây dựng bến thủy nội địa.docx",
        ),
        ("Giấy đề nghị gia hạn theo Hiện định GMSGMS - Gia hạn.docx", "Hiện định GMS", "GMS - Gia hạn.docx"),
    ],
)
def test_form_file_names_start_where_the_file_name_starts(row: str, name_end: str, form: str) -> None:
    # When
    text = H + row + "1 bản chính"
    components, outcome = parse_components(text)
    # Then the whole file name is the form, the document name keeps its own words
    assert [c.form_name for c in components] == [form]
    assert components[0].name.endswith(name_end)
    assert outcome.status == "parsed"
    assert check_components(text, _record(components)) == []


@pytest.mark.parametrize(
    ("row", "name", "form"),
    [
        (  # 1.003220: the old cut, "… trợ cấp một" + "lần (1).doc"
            "(mẫu 9B).47-Mẫu 8A-Công văn đề nghị trợ cấp một lần (1).doc",
            "(mẫu 9B).47-Mẫu 8A-Công văn đề nghị trợ cấp một",
            "lần (1).doc",
        ),
        ("(mẫu 2C).38-Mẫu 2C-Trích sao lý lịch.doc", "(mẫu 2C).38-Mẫu 2C-Trích sao lý", "lịch.doc"),
        (  # 1.000469: "… của chủ tàu theo" + "mẫumaudondenghi_BCC (1).doc"
            "Đơn đề nghị của chủ tàu theo mẫumaudondenghi_BCC (1).doc",
            "Đơn đề nghị của chủ tàu theo",
            "mẫumaudondenghi_BCC (1).doc",
        ),
    ],
)
def test_the_checker_proves_a_form_name_cut_inside_a_phrase_wrong(row: str, name: str, form: str) -> None:
    # Given the old parser's cut
    text = H + row + "1 bản chính"
    stored = _record([ComponentRecord(name=name, form_name=form, quantity_text="1 bản chính")])
    # When / Then
    assert FORM_SPLIT in {m.kind for m in check_components(text, stored)}


def test_a_file_name_after_theo_mau_with_no_space_is_not_called_cut() -> None:
    # Given 1.013261 as the parser now stores it ("…theo mẫu" + "văn bản đề nghị.docx", glued in the source)
    text = H + "Giấy đề nghị cấp Giấy phép theo mẫuvăn bản đề nghị.docx1 bản chính"
    stored = _record(
        [
            ComponentRecord(
                name="Giấy đề nghị cấp Giấy phép theo mẫu",
                form_name="văn bản đề nghị.docx",
                quantity_text="1 bản chính",
            )
        ]
    )
    # When / Then
    assert check_components(text, stored) == []


# --------------------------------------------------------------------------------------------------
# 3. A channel table cut by the words "Căn cứ pháp lý" of a fee description (3.000337, bo-cong-an)
# --------------------------------------------------------------------------------------------------
LAW = (
    "Thông tư 269/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính quy định mức thu, chế độ thu, nộp, quản lý "
    "và sử dụng phí và lệ phí thuộc lĩnh vực an toàn thông tin."
)
NAMING_CERTIFICATE = {
    "ma_thu_tuc": "3.000337",
    "ten_thu_tuc": "Cấp lại Giấy chứng nhận tên định danh",
    "trinh_tu_thuc_hien": "Bước 1: cá nhân, tổ chức, doanh nghiệp đăng nhập hệ thống dịch vụ công.\n"
    "\tBước 2: cá nhân, tổ chức, doanh nghiệp tìm kiếm, lựa chọn thủ tục hành chính và chọn Nộp trực tuyến.",
    "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1 Ngày100 VNĐ(",
    "can_cu_phap_ly": f": {LAW})Dịch vụ bưu chính1 Ngày100 VNĐ(Căn cứ pháp lý: {LAW})"
    f"Trực tiếp1 Ngày100 VNĐ(Căn cứ pháp lý: {LAW})",
    "raw_text": "Cách Thức Thực HiệnHình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1 Ngày100 VNĐ("
    f"Căn cứ pháp lý: {LAW})Dịch vụ bưu chính1 Ngày100 VNĐ(Căn cứ pháp lý: {LAW})"
    f"Trực tiếp1 Ngày100 VNĐ(Căn cứ pháp lý: {LAW})Thành phần hồ sơ--Tên giấy tờMẫu đơn, tờ khaiSố lượng"
    "Bản khai Cấp tên định danh (theo Mẫu)1 bản chínhCăn cứ pháp lýKhông có thông tinCơ quan thực hiện"
    "Cục an ninh mạng",
}


def test_channel_rows_in_the_legal_field_go_back_to_the_channel_table() -> None:
    # When
    result = parse_national_record(dict(NAMING_CERTIFICATE), source="bo-cong-an/3.000337.json")
    # Then the three channels are stored, no legal basis is made of channel rows, both fields say why
    record = result.record
    assert record is not None
    assert [c.channel for c in record.channels] == ["online", "postal", "in_person"]
    assert record.legal_bases == []
    assert record.steps.count("Bước") == 2
    reports = {f.name: f for f in result.fields}
    for key in ("cach_thuc_thuc_hien", "can_cu_phap_ly"):
        assert reports[key].status == "partial"
        assert "ran on into can_cu_phap_ly" in reports[key].detail
    assert result.mismatches == []


def test_the_checker_proves_the_old_reading_of_the_cut_table_wrong() -> None:
    # Given what the parser stored before: the online channel only, a basis made of channel rows
    stored = ProcedureRecord(
        code="3.000337",
        name="x",
        channels=[ChannelRecord(channel="online")],
        legal_bases=[
            LegalBasisRecord(
                title=NAMING_CERTIFICATE["can_cu_phap_ly"][2:300].strip(), number="269/2016/TT-BTC"
            )
        ],
    )
    # When
    kinds = {m.kind for m in check_record(dict(NAMING_CERTIFICATE), stored)}
    # Then
    assert {CHANNEL_LOST, LEGAL_CHANNEL_ROWS} <= kinds


def test_a_whole_record_is_not_mended() -> None:
    # Given a legal field that only cites a law
    data = dict(NAMING_CERTIFICATE)
    data["cach_thuc_thuc_hien"] = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1 Ngày100 VNĐ"
    data["can_cu_phap_ly"] = "Số ký hiệuTrích yếuNgày ban hànhCơ quan ban hành269/2016/TT-BTC" + LAW
    # When
    result = parse_national_record(data, source="bo-cong-an/x.json")
    # Then nothing is moved, and the report says nothing of mending
    assert result.record is not None
    assert [c.channel for c in result.record.channels] == ["online"]
    assert "mended" not in " ".join(f.detail for f in result.fields)
