"""Parsing of national portal records and Excel lists (no database, no Django settings needed)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from dichvucong.catalogue.importers.channels import parse_channels
from dichvucong.catalogue.importers.components import parse_components
from dichvucong.catalogue.importers.excel_list import parse_excel_list
from dichvucong.catalogue.importers.legal import parse_legal_bases
from dichvucong.catalogue.importers.ministries import ministry_from_slug
from dichvucong.catalogue.importers.national import SOURCE_FIELDS, iter_national_folder, parse_national_record
from dichvucong.catalogue.importers.records import (
    CHANNEL_IN_PERSON,
    CHANNEL_ONLINE,
    CHANNEL_POSTAL,
    FEE_KIND_CHARGE,
    FEE_KIND_FEE,
    FEE_PER_CASE,
    LEVEL_COMMUNE,
    LEVEL_MINISTRY,
    LEVEL_PROVINCE,
    SERVICE_NONE,
    UNIT_HOURS,
    UNIT_NO_DEADLINE,
    UNIT_UNSTATED,
    UNIT_WORKING_DAYS,
    ProcedureRecord,
)
from dichvucong.catalogue.importers.results import parse_results

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "national-tthc"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"shared national-tthc data not found at {SHARED.resolve()}"
)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Overrides the root conftest's autouse cache fixture: these tests never touch Django (they also
    run with ``-p no:django``, where no settings are configured)."""
    yield


def load_shared(relative: str) -> dict:
    return json.loads((SHARED / relative).read_text(encoding="utf-8"))


def parse_shared(relative: str) -> ProcedureRecord:
    result = parse_national_record(load_shared(relative), source=relative)
    assert result.ok, result.error
    assert result.record is not None
    return result.record


def status_of(result, name: str) -> str:
    return next(f.status for f in result.fields if f.name == name)


def minimal_record(**overrides: object) -> dict:
    data: dict[str, object] = {"ma_thu_tuc": "1.000001", "ten_thu_tuc": "Thủ tục thử"}
    data.update(overrides)
    return data


# --------------------------------------------------------------------------------------------------
# Real records
# --------------------------------------------------------------------------------------------------
@needs_shared
def test_birth_registration_has_three_channels_with_unstated_duration_and_free_fees() -> None:
    # Given the real record of "Thủ tục đăng ký khai sinh"
    # When it is parsed
    record = parse_shared("bo-tu-phap/1.001193.json")
    # Then each channel lasts "1" with no unit, and every fee is free
    assert record.code == "1.001193"
    assert record.name == "Thủ tục đăng ký khai sinh"
    assert [c.channel for c in record.channels] == [CHANNEL_ONLINE, CHANNEL_POSTAL, CHANNEL_IN_PERSON]
    assert all(c.duration_value == Decimal(1) and c.duration_unit == UNIT_UNSTATED for c in record.channels)
    assert all(c.duration_text == "1" for c in record.channels)
    assert len(record.fees) == 3
    assert all(f.is_free and f.amount == 0 for f in record.fees)


@needs_shared
def test_birth_registration_identity_fields_results_and_ministry() -> None:
    # Given / When
    record = parse_shared("bo-tu-phap/1.001193.json")
    # Then
    assert record.levels == [LEVEL_COMMUNE]
    assert record.decision_number == "163/QĐ-BTP"
    assert record.issuing_agency == "Bộ Tư pháp"
    assert record.field_name == "Hộ tịch"
    assert record.procedure_type == "TTHC được giao luật quy định chi tiết"
    assert record.target_groups == ["Công dân Việt Nam", "Người Việt Nam định cư ở nước ngoài"]
    assert record.source_url.startswith("https://dichvucong.gov.vn/")
    assert record.implementing_agency == ""  # "Không có thông tin"
    assert [(r.name, r.code) for r in record.results] == [("Giấy khai sinh", "KQ.G15.000031")]
    assert record.service_level == SERVICE_NONE


@needs_shared
def test_birth_registration_legal_bases_have_numbers() -> None:
    # Given / When
    record = parse_shared("bo-tu-phap/1.001193.json")
    numbers = [b.number for b in record.legal_bases]
    # Then the flattened table yields each document number, including a law glued to its own title
    for expected in ("123/2015/NĐ-CP", "08/2025/TT-BTP", "60/2014/QH13", "66.7/2025/NQ-CP", "85/2019/TT-BTC"):
        assert expected in numbers
    law = next(b for b in record.legal_bases if b.number == "60/2014/QH13")
    assert law.title == "Luật 60/2014/QH13"
    assert all(b.title for b in record.legal_bases)


@needs_shared
def test_birth_registration_components_are_grouped_by_submit_and_show() -> None:
    # Given / When
    record = parse_shared("bo-tu-phap/1.001193.json")
    to_submit = [c for c in record.components if c.case == ""]
    to_show = [c for c in record.components if c.case == "Giấy tờ phải xuất trình"]
    # Then "Giấy tờ phải nộp" is no case (everyone submits them); documents to show keep the label the
    # dossier wizard reads as "for everyone, shown at the counter" and are never required submissions;
    # conditional ones are optional
    assert to_submit and to_show
    assert not any(c.required for c in to_show)
    birth_certificate = next(c for c in to_submit if c.name.startswith("Giấy chứng sinh"))
    assert birth_certificate.required and birth_certificate.original_count == 1
    abandoned = next(c for c in to_submit if "bị bỏ rơi" in c.name)
    assert not abandoned.required  # "Trường hợp trẻ em bị bỏ rơi ..."


@needs_shared
def test_fee_in_vietnam_dong_with_stated_fee_and_charge_items() -> None:
    # Given a record with "800,000 Việt Nam Đồng(/hồ sơ)Phí: 800.000 ... Lệ phí: 100.000 đồng/hồ sơ."
    # When
    record = parse_shared("bo-tu-phap/1.002681.json")
    online = [f for f in record.fees if f.channel == CHANNEL_ONLINE]
    # Then both the phí and the lệ phí are read, per dossier
    assert {(f.kind, f.amount, f.currency) for f in online} == {
        (FEE_KIND_FEE, 800_000, "VND"),
        (FEE_KIND_CHARGE, 100_000, "VND"),
    }
    assert all(f.per == FEE_PER_CASE for f in online)
    assert all(c.duration_value == 6 and c.duration_unit == UNIT_WORKING_DAYS for c in record.channels)


@needs_shared
def test_fee_in_usd() -> None:
    # Given "Trực tuyến5 Ngày làm việc10 USD..." (visa procedure)
    # When
    record = parse_shared("bo-cong-an/1.001146.json")
    # Then
    assert {(f.channel, f.amount, f.currency) for f in record.fees} == {
        (CHANNEL_ONLINE, 10, "USD"),
        (CHANNEL_POSTAL, 10, "USD"),
        (CHANNEL_IN_PERSON, 10, "USD"),
    }


@needs_shared
def test_record_with_three_levels() -> None:
    # Given / When
    record = parse_shared("bo-cong-an/1.013065.json")
    # Then
    assert record.levels == [LEVEL_MINISTRY, LEVEL_PROVINCE, LEVEL_COMMUNE]


@needs_shared
def test_components_with_form_file_names_and_counts() -> None:
    # Given a record whose rows end with "...NA15.pdf1 bản chính,1 bản sao"
    # When
    record = parse_shared("bo-cong-an/1.000931.json")
    # Then
    first, second, third = record.components
    assert first.form_name == "NA15.pdf"
    assert (first.original_count, first.copy_count) == (1, 1)
    assert first.quantity_text == "1 bản chính,1 bản sao"
    assert first.name.startswith("Đơn xin phép cho thân nhân")
    assert second.form_name == "12-Mẫu NA14 2015.doc"
    assert (second.original_count, second.copy_count) == (1, 0)
    assert third.name == "Kèm theo hộ chiếu của người nước ngoài" and third.form_name == ""


@needs_shared
def test_whole_shared_folder_parses_without_unusable_records() -> None:
    # Given the shared crawl of three ministries
    # When every record is parsed
    results = list(iter_national_folder(SHARED))
    # Then all are usable and every source field has a report
    assert len(results) >= 1000
    assert all(r.ok for r in results)
    assert all({f.name for f in r.fields} == set(SOURCE_FIELDS) for r in results)
    channels_parsed = sum(status_of(r, "cach_thuc_thuc_hien") == "parsed" for r in results)
    assert channels_parsed / len(results) > 0.9


@needs_shared
def test_excel_list_export_is_read_from_found_header() -> None:
    # Given the portal's own Excel list of Bộ Tư pháp
    # When
    results = list(parse_excel_list(SHARED / "lists" / "danh-sach-tthc-BoTuPhap.xlsx"))
    # Then every data row becomes a record with the list's columns
    assert len(results) > 200 and all(r.ok for r in results)
    first = results[0].record
    assert first is not None
    assert first.code == "1.014966"
    assert first.issuing_agency == "Bộ Tư pháp"
    assert first.implementing_agency == "Chủ tịch ủy ban nhân dân cấp tỉnh, Sở Tư Pháp"
    assert first.field_name == "Quản tài viên"


# --------------------------------------------------------------------------------------------------
# Synthetic input
# --------------------------------------------------------------------------------------------------
def test_fee_amount_is_corrected_from_description_when_thousands_were_lost() -> None:
    # Given "100 VNĐ" in the cell but "100.000 đồng/lần" in the description
    text = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việc100 VNĐ(Lệ phí: 100.000 đồng/lần)"
    # When
    _channels, fees, outcome = parse_channels(text)
    # Then the description's amount wins and the field is flagged partial with the reason
    assert [(f.amount, f.kind) for f in fees] == [(100_000, FEE_KIND_CHARGE)]
    assert outcome.status == "partial"
    assert "corrected" in " ".join(outcome.notes)


def test_negative_and_absurd_fees_are_rejected_into_the_report() -> None:
    # Given a negative fee online and an absurd fee in person
    text = (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến2 Ngày-5,000 Việt Nam Đồng"
        "Trực tiếp2 Ngày5,000,000,000 Việt Nam Đồng"
    )
    # When
    channels, fees, outcome = parse_channels(text)
    # Then no fee is kept, the channels are, and the report says why
    assert fees == []
    assert len(channels) == 2
    assert outcome.status == "partial"
    detail = " ".join(outcome.notes)
    assert "negative" in detail and "absurd" in detail


def test_unknown_unit_is_unstated_and_hours_and_no_deadline_are_mapped() -> None:
    # Given three rows: an unknown unit word, hours, and no deadline stated in the description
    text = (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến3 Fortnights Miễn phí"
        "Dịch vụ bưu chính4 GiờMiễn phí"
        "Trực tiếpKhông có thông tinKhông có thông tinKhông quy định thời hạn"
    )
    # When
    channels, _fees, _outcome = parse_channels(text)
    # Then
    assert (channels[0].duration_value, channels[0].duration_unit) == (Decimal(3), UNIT_UNSTATED)
    assert (channels[1].duration_value, channels[1].duration_unit) == (Decimal(4), UNIT_HOURS)
    assert channels[2].duration_value is None and channels[2].duration_unit == UNIT_NO_DEADLINE


def test_no_appointment_date_when_the_only_channel_has_no_deadline() -> None:
    # Given
    data = minimal_record(
        cach_thuc_thuc_hien=(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếpKhông có thông tinMiễn phíKhông quy định"
        )
    )
    # When
    result = parse_national_record(data, source="synthetic")
    # Then
    assert result.record is not None and result.record.no_appointment_date


def test_components_with_case_heading_and_old_quantity_format() -> None:
    # Given a group heading, a conditional row and a "Bản chính: 1 Bản sao: 0" quantity
    text = (
        "Trường hợp nộp trực tiếp:Tên giấy tờMẫu đơn, tờ khaiSố lượng"
        "Tờ khai theo mẫuMau CT01.docxBản chính: 1 Bản sao: 0"
        "Giấy ủy quyền (nếu có)0 bản chính,1 bản sao"
    )
    # When
    components, outcome = parse_components(text)
    # Then
    assert outcome.status == "parsed"
    form, proxy = components
    assert form.case == "Trường hợp nộp trực tiếp"
    assert (form.name, form.form_name, form.original_count, form.copy_count) == (
        "Tờ khai theo mẫu",
        "Mau CT01.docx",
        1,
        0,
    )
    assert form.required
    assert (proxy.copy_count, proxy.required) == (1, False)


def test_results_strip_page_noise() -> None:
    # Given
    text = "Giấy phépMã: KQ.G04.000508Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiện"
    # When
    results, outcome = parse_results(text)
    # Then
    assert [(r.name, r.code) for r in results] == [("Giấy phép", "KQ.G04.000508")]
    assert outcome.status == "parsed"


def test_legal_basis_numbers_from_glued_table() -> None:
    # Given titles glued to number cells, including a decision without year and a typo'd separator
    text = (
        "Tên văn bản pháp lýMã văn bảnQuyết định công bố163/QĐ-BTPLuật Hộ tịch năm 201460/2014/QH13"
        "Thông tư về phí198/2016/TT/BTC"
    )
    # When
    bases, outcome = parse_legal_bases(text)
    # Then
    assert [(b.title, b.number) for b in bases] == [
        ("Quyết định công bố", "163/QĐ-BTP"),
        ("Luật Hộ tịch năm 2014", "60/2014/QH13"),
        ("Thông tư về phí", "198/2016/TT-BTC"),
    ]
    assert outcome.status == "parsed"


def test_missing_fields_and_none_values_give_empty_reports() -> None:
    # Given a record with only code and name, and explicit None values
    data = minimal_record(cach_thuc_thuc_hien=None, thanh_phan_ho_so=None, linh_vuc="Không có thông tin")
    # When
    result = parse_national_record(data, source="synthetic")
    # Then
    assert result.ok
    assert status_of(result, "cach_thuc_thuc_hien") == "empty"
    assert status_of(result, "linh_vuc") == "empty"
    assert status_of(result, "can_cu_phap_ly") == "empty"
    assert result.record is not None and result.record.channels == []


def test_wrong_types_are_reported_not_raised() -> None:
    # Given numbers, lists and dicts where text is expected
    data = minimal_record(cap_thuc_hien=["Cấp tỉnh", "Cấp xã"], linh_vuc=12, thanh_phan_ho_so={"x": 1})
    # When
    result = parse_national_record(data, source="synthetic")
    # Then
    assert result.record is not None
    assert result.record.levels == [LEVEL_PROVINCE, LEVEL_COMMUNE]
    assert status_of(result, "linh_vuc") == "partial"
    assert status_of(result, "thanh_phan_ho_so") == "failed"


def test_unknown_level_is_partial() -> None:
    # When
    result = parse_national_record(minimal_record(cap_thuc_hien="Cấp tỉnh, Cấp huyện"), source="synthetic")
    # Then
    assert result.record is not None and result.record.levels == [LEVEL_PROVINCE]
    assert status_of(result, "cap_thuc_hien") == "partial"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"ten_thu_tuc": "Không có mã"}, "no procedure code"),
        ({"ma_thu_tuc": "1.001193"}, "no procedure name"),
        ({"ma_thu_tuc": "TTHC-1", "ten_thu_tuc": "Mã sai"}, "does not match"),
        ({"ma_thu_tuc": None, "ten_thu_tuc": None}, "no procedure code"),
    ],
)
def test_unusable_records_return_an_error(data: dict, reason: str) -> None:
    # When
    result = parse_national_record(data, source="synthetic")
    # Then
    assert result.record is None and not result.ok
    assert reason in result.error


def test_non_dict_record_is_an_error() -> None:
    # When
    result = parse_national_record(["not", "a", "record"], source="list.json")  # type: ignore[arg-type]
    # Then
    assert result.record is None and "not an object" in result.error


def test_folder_with_malformed_json_list_and_unknown_ministry(tmp_path: Path) -> None:
    # Given a ministry folder absent from the shared data, with good, malformed and non-object files
    folder = tmp_path / "bo-ngoai-giao"
    folder.mkdir()
    (folder / "1.000002.json").write_text(
        json.dumps(minimal_record(ma_thu_tuc="1.000002", so_quyet_dinh="12/QĐ-UBND")), encoding="utf-8"
    )
    (folder / "broken.json").write_text('{"ma_thu_tuc": "1.0', encoding="utf-8")
    (folder / "scalar.json").write_text("42", encoding="utf-8")
    (folder / "many.json").write_text(
        json.dumps([minimal_record(ma_thu_tuc="2.000003"), "junk"]), encoding="utf-8"
    )
    # When
    results = {r.source: r for r in iter_national_folder(tmp_path)}
    # Then nothing raises; the good records get the ministry from the folder name
    good = results["bo-ngoai-giao/1.000002.json"]
    assert good.record is not None and good.record.issuing_agency == "Bộ Ngoại giao"
    assert "unreadable JSON" in results["bo-ngoai-giao/broken.json"].error
    assert "not an object" in results["bo-ngoai-giao/scalar.json"].error
    assert results["bo-ngoai-giao/many.json#0"].ok
    assert results["bo-ngoai-giao/many.json#1"].record is None


def test_ministry_in_decision_number_wins_over_folder(tmp_path: Path) -> None:
    # Given a Bộ Y tế decision in a folder of another ministry
    folder = tmp_path / "bo-khac"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(minimal_record(so_quyet_dinh="5/QĐ-BYT")), encoding="utf-8")
    # When
    (result,) = list(iter_national_folder(folder / "a.json"))
    # Then
    assert result.record is not None and result.record.issuing_agency == "Bộ Y tế"


def test_generic_slug_to_ministry_name() -> None:
    assert ministry_from_slug("bo-tu-phap") == "Bộ Tư pháp"
    assert ministry_from_slug("bo-chua-biet") == ""  # never a name without diacritics


def test_excel_list_tolerates_title_block_extra_columns_and_blank_rows(tmp_path: Path) -> None:
    # Given a workbook with a title, a shifted header with an extra column, a blank and a bad row
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách TTHC"
    sheet.append(["DANH SÁCH THỦ TỤC HÀNH CHÍNH"])
    sheet.append([])
    sheet.append([None, "STT", "Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"])
    sheet.append([None, 1, "1.000001", "Thủ tục A", "Bộ Tư pháp", "Sở Tư pháp\n\nUBND cấp xã", "Hộ tịch"])
    sheet.append([])
    sheet.append([None, 2, "sai mã", "Thủ tục B", "Bộ Tư pháp", "", ""])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    # When
    results = list(parse_excel_list(path))
    # Then
    assert len(results) == 2
    record = results[0].record
    assert record is not None
    assert (record.code, record.name, record.implementing_agency) == (
        "1.000001",
        "Thủ tục A",
        "Sở Tư pháp, UBND cấp xã",
    )
    assert results[1].record is None and "bad procedure code" in results[1].error


def test_excel_list_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip")
    (result,) = list(parse_excel_list(path))
    assert result.record is None and "unreadable" in result.error


text_or_none = st.one_of(st.none(), st.text(max_size=300))


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(SOURCE_FIELDS), text_or_none, max_size=len(SOURCE_FIELDS)),
    st.sampled_from(
        ["", "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp", "Tên giấy tờMẫu đơn, tờ khaiSố lượng"]
    ),
)
def test_parse_national_record_never_raises_on_arbitrary_strings(data: dict, prefix: str) -> None:
    # Given arbitrary text (sometimes starting like a real table) in any field
    for key in ("cach_thuc_thuc_hien", "thanh_phan_ho_so"):
        if isinstance(data.get(key), str):
            data[key] = prefix + data[key]
    # When
    result = parse_national_record(data, source="fuzz")
    # Then it returns a result with either a record or an error
    assert (result.record is None) == bool(result.error)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=20), st.text(max_size=50)))
def test_parse_national_record_never_raises_on_arbitrary_keys(data: dict) -> None:
    result = parse_national_record(data, source="fuzz")
    assert result.record is None or result.record.code
