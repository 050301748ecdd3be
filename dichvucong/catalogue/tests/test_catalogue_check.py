"""manage.py catalogue_check and the import's check against the source text (importers.check).

The records are built here from a copy of a real portal record (bo-tu-phap/1.000627, "Đăng ký hoạt động
của Trung tâm tư vấn pháp luật"; ``raw_text`` shortened), so that only the whole-folder test needs the
shared data.
"""

import copy
import dataclasses
import datetime
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dichvucong.catalogue.importers import check
from dichvucong.catalogue.importers.check import check_record
from dichvucong.catalogue.importers.national import iter_national_folder, parse_national_record
from dichvucong.catalogue.importers.records import ComponentRecord
from dichvucong.catalogue.models import (
    ChannelOption,
    Component,
    LegalBasis,
    Procedure,
    ProcedureVersion,
)
from dichvucong.catalogue.services import ensure_levels, procedure_upsert_from_record

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "national-tthc"
needs_shared = pytest.mark.skipif(
    not SHARED.exists(), reason=f"shared national records not found at {SHARED}"
)

CODE = "1.000627"
# A component table with a quantity cell that has no document name before it (the portal's own gap).
NAMELESS_QUANTITY = "--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị1 bản chính1 bản chính"

REAL_RECORD = {
    "ma_thu_tuc": "1.000627",
    "detail_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fa9-7372-90fd-8901c2e22177",
    "formality_id": "",
    "ten_thu_tuc": "Đăng ký hoạt động của Trung tâm tư vấn pháp luật",
    "so_quyet_dinh": "516/QĐ-BTP",
    "cap_thuc_hien": "Cấp tỉnh",
    "loai_thu_tuc": "TTHC được giao luật quy định chi tiết",
    "linh_vuc": "Tư vấn pháp luật",
    "doi_tuong_thuc_hien": "Tổ chức (không bao gồm doanh nghiệp, HTX)",
    "co_quan_co_tham_quyen": "",
    "dia_chi_tiep_nhan": "",
    "co_quan_duoc_uy_quyen": "",
    "co_quan_phoi_hop": "",
    "thu_tuc_lien_quan": "Không có thông tin",
    "trinh_tu_thuc_hien": (
        "- Tổ chức chủ quản ra Quyết định thành lập Trung tâm tư vấn pháp luật. Quyết định thành lập "
        "Trung tâm tư vấn pháp luật do người đứng đầu của tổ chức chủ quản ký.\n- Trung tâm tư vấn "
        "pháp luật đăng ký hoạt động tại Sở Tư pháp, nơi đặt trụ sở của Trung tâm.\n- Trong thời hạn "
        "05 ngày làm việc, kể từ ngày nhận đủ hồ sơ hợp lệ, Sở Tư pháp có trách nhiệm cấp Giấy đăng "
        "ký hoạt động cho Trung tâm tư vấn pháp luật; trong trường hợp từ chối, phải thông báo lý do "
        "bằng văn bản."
    ),
    "cach_thuc_thuc_hien": (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5 Ngày làm việcMiễn phíDịch vụ bưu chính5 "
        "Ngày làm việcMiễn phíTrực tiếp5 Ngày làm việcMiễn phí"
    ),
    "thanh_phan_ho_so": (
        "--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đăng ký hoạt độngMẫu TP-TVPL-01-sđ.doc1 bản chínhDự "
        "thảo quy chế tổ chức, hoạt động của Trung tâm tư vấn do tổ chức chủ quản ban hành1 bản "
        "chínhQuyết định của tổ chức chủ quản về việc thành lập Trung tâm tư vấn pháp luật; về việc "
        "cử Giám đốc của Trung tâm tư vấn pháp luật1 bản chính"
    ),
    "can_cu_phap_ly": (
        "Tên văn bản pháp lýMã văn bảnThông tư số 08/2025/TT-BTP ngày 12/6/2025 của Bộ trưởng Bộ Tư "
        "pháp quy định về phân định thẩm quyền của chính quyền địa phương 02 cấp và phân cấp trong "
        "lĩnh vực quản lý nhà nước của Bộ Tư pháp08/2025/TT-BTPNghị định sửa đổi, bổ sung một số nghị "
        "định để cắt giảm, đơn giản hóa thủ tục hành chính, điều kiện kinh doanh  thuộc phạm vi quản "
        "lý của Bộ Tư pháp18/2026/NĐ-CPsửa đổi, bổ sung một số quy định về thủ tục hành chính của "
        "Thông tư số 05/2008/TT-BTP ngày 23/9/2008; Thông tư số 03/2008/TT-BTP ngày 25/8/2008 và "
        "Thông tư số 01/2010/TT-BTP ngày 09/02/2010 của Bộ trưởng Bộ Tư phápThông tư số "
        "19/2011/TT-BTPsửa đổi, bổ sung một số điều của các Nghị định về đăng ký giao "
        "dịch bảo đảm, trợ giúp pháp lý, luật sư, tư vấn pháp luậtNghị định số "
        "05/2012/NĐ-CPThông tư số 03/2024/TT-BTP ngày 15/5/2024 của Bộ trưởng Bộ Tư pháp sửa đổi, bổ "
        "sung 08 thông tư liên quan đến thủ tục hành chính trong lĩnh vực bổ trợ tư "
        "pháp.03/2024/TT-BTPtư vấn pháp luậtNghị định số 77/2008/NĐ-CPQuy định chi tiết và hướng dẫn "
        "thi hành một số điều của Nghị định số 77/2008/NĐ-CP ngày 16/7/2008 của Chính phủ về tư vấn "
        "pháp luật.Thông tư số 01/2010/TT-BTP"
    ),
    "co_quan_thuc_hien": "Sở Tư pháp",
    "yeu_cau_dieu_kien": "không",
    "ket_qua_xu_ly": (
        "Giấy đăng ký hoạt động của Trung tâm tư vấn pháp luậtMã: KQ.G15.000075Từ khóaKhông "
        "có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn "
        "Tỉnh/ Thành phố --Phường/ XãSở-- Chọn Phường/ Xã --Hệ thống chỉ hiển thị những cơ quan đã áp "
        "dụng dịch vụ công trực tuyếnNộp hồ sơ"
    ),
    "raw_text": (
        "Đăng ký hoạt động của Trung tâm tư vấn pháp luậtTên thủ tụcĐăng ký hoạt động của Trung tâm "
        "tư vấn pháp luậtMã thủ tục1.000627Số quyết định516/QĐ-BTPCấp thực hiệnCấp tỉnhLoại thủ "
        "tụcTTHC được giao luật quy định chi tiếtLĩnh vựcTư vấn pháp luậtĐối tượng thực hiệnTổ chức "
        "(không bao gồm doanh nghiệp, HTX)Cơ quan có thẩm quyềnĐịa chỉ tiếp nhận HSCơ quan được ủy "
        "quyềnCơ quan phối hợpThủ tục hành chính l"
    ),
}


def record(code: str = CODE, **changes) -> dict:
    data = copy.deepcopy(REAL_RECORD)
    data["ma_thu_tuc"] = code
    data["raw_text"] = data["raw_text"].replace(CODE, code)
    data.update(changes)
    return data


def write(folder: Path, data: dict, ministry: str = "bo-tu-phap") -> Path:
    path = folder / ministry / f"{data['ma_thu_tuc']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def run(command: str, *args) -> str:
    out = StringIO()
    extra = ("--no-progress",) if command == "import_national_catalogue" else ()
    call_command(command, *map(str, args), *extra, stdout=out)
    return out.getvalue()


def share_line(output: str) -> tuple[int, int, float]:
    match = re.search(r"Đã đối chiếu (\d+) thủ tục: (\d+) có sai lệch \((\d+,\d\d)%\)\.", output)
    assert match, output
    return int(match[1]), int(match[2]), float(match[3].replace(",", "."))


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def stored_rows(code: str = CODE) -> list[tuple]:
    version = Procedure.objects.get(code=code).current_version
    return [
        (c.case, c.name, c.form_name, c.quantity_text, c.original_count, c.copy_count)
        for c in version.components.order_by("position", "id")
    ]


def parsed_rows(data: dict) -> list[tuple]:
    result = parse_national_record(data, source="x.json")
    return [
        (c.case, c.name, c.form_name, c.quantity_text, c.original_count, c.copy_count)
        for c in result.record.components
    ]


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Procedure, ProcedureVersion, Component, LegalBasis, ChannelOption)
    }


# --------------------------------------------------------------------------------------------------
# 1. The parser's output (no database)
# --------------------------------------------------------------------------------------------------
def test_clean_record_has_no_mismatch_and_passes_a_zero_threshold(tmp_path):
    write(tmp_path / "src", record())
    report = tmp_path / "mismatches.jsonl"

    output = run("catalogue_check", tmp_path / "src", "--max-share", "0", "--json", report)

    assert share_line(output) == (1, 0, 0.0)
    assert "bo-tu-phap" in output and "Theo loại lỗi" not in output
    assert report.read_text(encoding="utf-8") == ""


def test_nameless_quantity_cell_is_a_row_count_mismatch_and_fails_the_threshold(tmp_path):
    source = tmp_path / "src"
    write(source, record())
    write(source, record("1.999001", thanh_phan_ho_so=NAMELESS_QUANTITY))
    report = tmp_path / "mismatches.jsonl"

    output = run("catalogue_check", source, "--json", report)
    with pytest.raises(CommandError, match="vượt ngưỡng"):
        run("catalogue_check", source, "--max-share", "1", "--json", report)

    assert share_line(output) == (2, 1, 50.0)
    assert "components_count: 1" in output
    lines = read_lines(report)
    assert {line["code"] for line in lines} == {"1.999001"}
    assert {line["source"] for line in lines} == {"bo-tu-phap/1.999001.json"}
    assert check.ROW_COUNT in {line["kind"] for line in lines}
    count = next(line for line in lines if line["kind"] == check.ROW_COUNT)
    assert count["detail"] == "2 quantity cell(s) in the source, 1 row(s) stored"


def test_threshold_is_a_share_not_a_count(tmp_path):
    source = tmp_path / "src"
    write(source, record())
    write(source, record("1.999001", thanh_phan_ho_so=NAMELESS_QUANTITY))

    output = run("catalogue_check", source, "--max-share", "50")

    assert share_line(output) == (2, 1, 50.0)


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy"):
        run("catalogue_check", tmp_path / "khong-co")


# --------------------------------------------------------------------------------------------------
# 2. --database: the rows citizens see
# --------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_database_mode_reports_each_kind_of_corruption_and_counts_missing_procedures_apart(tmp_path):
    source = tmp_path / "src"
    write(source, record())
    write(source, record("1.999002"))
    run("import_national_catalogue", source)
    before = run("catalogue_check", source, "--database", "--max-share", "0")
    assert share_line(before) == (2, 0, 0.0)

    version = Procedure.objects.get(code=CODE).current_version
    first, second, _third = version.components.order_by("position")
    first.name = f"{first.name}{first.form_name}{first.quantity_text}{second.name}"  # the old parser's row
    first.save()
    second.delete()
    basis = version.legal_bases.first()
    basis.number = "17120/2016/NĐ-CP"
    basis.save()
    version.channels.all().delete()
    Procedure.objects.filter(code=CODE).update(issuing_agency="Bo Nong Nghiep Mt")
    write(source, record("1.999003"))  # in the folder, never imported
    report = tmp_path / "mismatches.jsonl"

    output = run("catalogue_check", source, "--database", "--json", report)
    with pytest.raises(CommandError, match="vượt ngưỡng"):
        run("catalogue_check", source, "--database", "--max-share", "1")

    assert share_line(output) == (2, 1, 50.0)
    assert "1 thủ tục chưa có trong cơ sở dữ liệu" in output
    lines = read_lines(report)
    assert {line["code"] for line in lines} == {CODE}
    kinds = {line["kind"] for line in lines}
    assert {
        check.GLUED_ROWS,
        check.ROW_COUNT,
        check.LEGAL_NUMBER,
        check.CHANNEL_LOST,
        check.AGENCY_NAME,
    } <= kinds
    legal = next(line for line in lines if line["kind"] == check.LEGAL_NUMBER)
    assert "17120/2016/NĐ-CP" in legal["detail"]
    # The parse mode (what the importer would store now) still finds nothing wrong.
    assert share_line(run("catalogue_check", source)) == (3, 0, 0.0)


@pytest.mark.django_db
def test_database_mode_with_nothing_imported_counts_every_record_as_missing(tmp_path):
    source = tmp_path / "src"
    write(source, record())
    write(source, record("1.999001", thanh_phan_ho_so=NAMELESS_QUANTITY))

    output = run("catalogue_check", source, "--database")

    assert share_line(output) == (0, 0, 0.0)
    assert "2 thủ tục chưa có trong cơ sở dữ liệu" in output
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_threshold_fails_when_nothing_was_compared(tmp_path):
    source = tmp_path / "src"
    write(source, record())

    with pytest.raises(CommandError):
        run("catalogue_check", source, "--database", "--max-share", "1")


# --------------------------------------------------------------------------------------------------
# 3. Upgrade: a version stored by the old parser is rewritten, once
# --------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_reimport_rewrites_a_version_stored_by_the_old_parser_in_place(tmp_path):
    source = tmp_path / "src"
    data = record()
    write(source, data)
    ensure_levels()
    parsed = parse_national_record(data, source="x.json", ministry_hint="bo-tu-phap").record
    first, second, third = parsed.components
    glued = ComponentRecord(
        name=f"{first.name}{first.form_name}{first.quantity_text}{second.name}",
        original_count=1,
        quantity_text="1 bản chính",
    )
    old = dataclasses.replace(parsed, components=[glued, third])
    effective = datetime.date(2025, 7, 1)
    procedure_upsert_from_record(record=old, effective_from=effective)
    assert check.GLUED_ROWS in run("catalogue_check", source, "--database")
    counts_before = row_counts()
    old_version_id = Procedure.objects.get(code=CODE).current_version_id

    upgrade = run("import_national_catalogue", source)

    assert "cập nhật: 1" in upgrade and "không đổi" not in upgrade
    procedure = Procedure.objects.get(code=CODE)
    version = procedure.current_version
    assert version.pk == old_version_id and version.number == 1
    assert version.effective_from == effective and version.effective_to is None
    assert stored_rows() == parsed_rows(data)
    assert Procedure.objects.filter(code=CODE).count() == 1
    assert ProcedureVersion.objects.filter(procedure=procedure).count() == 1
    assert row_counts() == {**counts_before, "Component": 3}
    assert share_line(run("catalogue_check", source, "--database")) == (1, 0, 0.0)

    counts_after_upgrade = row_counts()
    again = run("import_national_catalogue", source)

    assert "không đổi: 1" in again and "cập nhật" not in again
    assert row_counts() == counts_after_upgrade
    assert stored_rows() == parsed_rows(data)


# --------------------------------------------------------------------------------------------------
# 4. The import's own report
# --------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_import_report_flags_a_nameless_quantity_cell_as_partial_with_the_mismatch(tmp_path):
    source = tmp_path / "src"
    write(source, record())
    write(source, record("1.999001", thanh_phan_ho_so=NAMELESS_QUANTITY))
    report = tmp_path / "report.jsonl"

    output = run("import_national_catalogue", source, "--report", report)

    lines = {line["code"]: line for line in read_lines(report)}
    bad, clean = lines["1.999001"], lines[CODE]
    components = bad["fields"]["thanh_phan_ho_so"]
    assert components["status"] == "partial" and "check:" in components["detail"]
    assert bad["mismatches"] and check.ROW_COUNT in {m["kind"] for m in bad["mismatches"]}
    assert all(set(m) == {"kind", "detail"} for m in bad["mismatches"])
    assert clean["mismatches"] == [] and clean["fields"]["thanh_phan_ho_so"]["status"] == "parsed"
    assert bad["outcome"] == "created"  # the importer still stores what it could read
    summary = next(line for line in output.splitlines() if line.startswith("Đối chiếu với văn bản gốc"))
    assert summary.startswith("Đối chiếu với văn bản gốc: 1 thủ tục (50,00%) có trường không khớp nguồn")
    assert "components_count: 1" in summary


@pytest.mark.django_db
def test_import_summary_of_a_clean_folder_reports_no_mismatch(tmp_path):
    source = tmp_path / "src"
    write(source, record())

    output = run("import_national_catalogue", source)

    assert (
        "Đối chiếu với văn bản gốc: 0 thủ tục (0,00%) có trường không khớp nguồn, đã ghi là partial."
        in output
    )


# --------------------------------------------------------------------------------------------------
# 5. The whole shared folder (parse only; about 15 s)
# --------------------------------------------------------------------------------------------------
@needs_shared
def test_shared_folder_mismatches_stay_rare_and_are_never_reported_parsed():
    total = flawed = 0
    for result in iter_national_folder(SHARED):
        if not result.ok:
            continue
        total += 1
        data = json.loads((SHARED / result.source).read_text(encoding="utf-8-sig"))
        mismatches = check_record(data, result.record)
        assert [(m.kind, m.detail) for m in mismatches] == result.mismatches, result.source
        if not mismatches:
            continue
        flawed += 1
        status = {item.name: item.status for item in result.fields}
        for mismatch in mismatches:
            assert mismatch.field == check.FIELD_OF_KIND[mismatch.kind]
            assert status[mismatch.field] != "parsed", (result.source, mismatch)
    assert total > 1000
    assert 100 * flawed / total <= 1

    output = run("catalogue_check", SHARED, "--max-share", "1")

    assert share_line(output) == (total, flawed, round(100 * flawed / total, 2))
