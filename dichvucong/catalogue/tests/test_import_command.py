import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from dichvucong.catalogue.models import Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "national-tthc"
needs_shared = pytest.mark.skipif(
    not SHARED.exists(), reason=f"shared national records not found at {SHARED}"
)


@pytest.fixture
def folder(tmp_path):
    """Two real records under an unknown ministry's folder, one broken file and one record without a code."""
    ministry = tmp_path / "bo-ngoai-giao"
    ministry.mkdir()
    for code in ("1.001193", "2.000815"):
        shutil.copy(SHARED / "bo-tu-phap" / f"{code}.json", ministry / f"{code}.json")
    (ministry / "broken.json").write_text('{"ma_thu_tuc": "1.000001", ', encoding="utf-8")
    (ministry / "no-code.json").write_text(json.dumps({"ten_thu_tuc": "Không có mã"}), encoding="utf-8")
    return tmp_path


def run(path, *args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_national_catalogue", str(path), "--no-progress", *args, stdout=out)
    return out.getvalue()


@needs_shared
def test_import_reports_every_record_and_keeps_going_past_bad_ones(folder, tmp_path):
    report = tmp_path / "report.jsonl"

    output = run(folder, "--report", str(report))

    assert "tạo mới: 2" in output and "lỗi: 2" in output
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 4
    failed = [line for line in lines if line["outcome"] == "failed"]
    assert len(failed) == 2 and all(line["error"] for line in failed)
    birth = next(line for line in lines if line["code"] == "1.001193")
    assert birth["fields"]["cach_thuc_thuc_hien"]["status"] in {"parsed", "partial"}
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.name == "Thủ tục đăng ký khai sinh"
    assert procedure.current_version.results.filter(code="KQ.G15.000031").exists()
    assert procedure.current_version.channels.filter(channel="online").exists()


@needs_shared
def test_reimport_updates_nothing_and_duplicates_nothing(folder):
    run(folder)

    output = run(folder)

    assert "không đổi: 2" in output
    assert Procedure.objects.count() == 2
    assert ProcedureVersion.objects.count() == 2


@needs_shared
def test_dry_run_writes_nothing(folder):
    output = run(folder, "--dry-run")

    assert "đã phân tích: 2" in output
    assert not Procedure.objects.exists()


def test_excel_list_import_adds_missing_procedures_only(tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách TTHC"
    sheet.append(["Danh sách thủ tục hành chính"])
    sheet.append(["Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"])
    sheet.append(["1.001193", "Thủ tục đăng ký khai sinh", "Bộ Tư pháp", "UBND cấp xã", "Hộ tịch"])
    sheet.append([None, None, None, None, None])
    sheet.append(["không-phải-mã", "Dòng lỗi", "", "", ""])
    book.save(path)

    first = run(path)
    second = run(path)

    assert "tạo mới: 1" in first and "lỗi: 1" in first
    assert "không đổi: 1" in second
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.field.name == "Hộ tịch" and procedure.issuing_agency == "Bộ Tư pháp"


def test_missing_path_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không tìm thấy"):
        run(tmp_path / "khong-co")


@needs_shared
def test_a_field_we_have_no_place_for_is_reported_as_not_imported_not_as_parsed(tmp_path):
    record = json.loads((SHARED / "bo-tu-phap" / "1.001193.json").read_text(encoding="utf-8"))
    record["dia_chi_tiep_nhan"] = "Bộ phận Một cửa UBND xã"
    (tmp_path / "bo-tu-phap").mkdir()
    (tmp_path / "bo-tu-phap" / "1.001193.json").write_text(json.dumps(record), encoding="utf-8")
    report = tmp_path / "report.jsonl"

    output = run(tmp_path, "--report", str(report))

    assert "Không nhập (hệ thống chưa có trường tương ứng, nguồn có dữ liệu): dia_chi_tiep_nhan" in output
    assert not any(line.strip().startswith("dia_chi_tiep_nhan") for line in output.splitlines())
    line = json.loads(report.read_text(encoding="utf-8").splitlines()[0])
    assert line["fields"]["dia_chi_tiep_nhan"]["status"] == "skipped"
    assert "100,0%" in output  # shares written with a decimal comma
