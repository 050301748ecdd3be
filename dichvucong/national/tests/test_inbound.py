"""Dossiers submitted on the national portal and sent to us over the signed endpoint: a valid one is created
and submitted under the right offering, for the owner's account, with its files, and is synced back; the
same national id again answers the same code; replays, stale or bad signatures, unknown offerings and bad
files are refused with a Vietnamese message and a machine code, and leave no rows and no files behind."""

from __future__ import annotations

import base64
import datetime
import json
import pathlib
import threading
import time
import uuid

import pytest
from django.db import connection, connections
from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.catalogue.models import Component
from dichvucong.delivery.tests.conftest import build_world
from dichvucong.documents.models import StoredDocument
from dichvucong.dossiers.models import Dossier, DossierFile, Status
from dichvucong.dossiers.tests.conftest import PDF
from dichvucong.national import inbound
from dichvucong.national.models import InboundDossier, InboundNonce, NationalSync

URL = "/api/v1/quoc-gia/ho-so"
SECRET = "khoa-nhan-ho-so-thu"
OWNER_NUMBER = "038195001122"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.DVC_NATIONAL_INBOUND_SECRET = SECRET


def _components(world) -> list[Component]:
    return list(Component.objects.filter(version=world["procedure"].current_version).order_by("pk"))


def _dossier(world, **changes) -> dict:
    required = [c for c in _components(world) if c.required]
    body = {
        "MaHoSo": "G22.99-251207-0001",
        "MaTTHC": world["procedure"].code,
        "MaDonVi": world["commune"].code,
        "ChuHoSo": "Lê Thị Mai",
        "SoGiayToChuHoSo": OWNER_NUMBER,
        "LoaiDoiTuong": 1,
        "SoDienThoai": "+84911222333",
        "Email": "mai@example.vn",
        "DiaChi": "Số 5 phố Trần Phú, phường Hạc Thành, tỉnh Thanh Hóa",
        "HinhThuc": 0,
        "TaiLieuNop": [
            {
                "MaThanhPhanHoSo": str(component.pk),
                "TenTepDinhKem": f"thanh-phan-{index}.pdf",
                "NoiDung": base64.b64encode(PDF + f"{index}".encode()).decode(),
            }
            for index, component in enumerate(required)
        ],
    }
    body.update(changes)
    return body


def _post(client, body, *, secret=SECRET, timestamp=None, nonce=None, signature=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or uuid.uuid4().hex
    if signature is None:
        signature = inbound.signature_for(
            secret=secret, method="POST", path=URL, timestamp=stamp, nonce=nonce, body=raw
        )
    return client.post(
        URL,
        data=raw,
        content_type="application/json",
        HTTP_X_DVCQG_SIGNATURE=signature,
        HTTP_X_DVCQG_TIMESTAMP=stamp,
        HTTP_X_DVCQG_NONCE=nonce,
    )


def _state(settings) -> tuple:
    """Everything a refused request must leave as it was (nonces apart)."""
    files = sorted(str(p) for p in pathlib.Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    return (
        Dossier.objects.count(),
        DossierFile.objects.count(),
        StoredDocument.objects.count(),
        User.objects.count(),
        InboundDossier.objects.count(),
        NationalSync.objects.count(),
        files,
    )


def _refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    answer = response.json()
    assert answer["error_code"] == code
    assert answer["message"]
    assert answer.get("MaHoSoDiaPhuong") is None
    return answer


def test_a_valid_dossier_is_created_submitted_for_a_new_owner_and_synced(
    client, world, portal, committed, settings
):
    with committed():
        response = _post(client, _dossier(world))
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["error_code"] == "0"
    assert answer["MaHoSo"] == "G22.99-251207-0001"
    assert answer["DaTonTai"] is False
    dossier = Dossier.objects.get(code=answer["MaHoSoDiaPhuong"])
    assert dossier.status == Status.SUBMITTED
    assert dossier.offering == world["offering"]
    assert dossier.agency == world["commune"]
    assert dossier.owner_id_number == OWNER_NUMBER
    assert dossier.applicant_phone == "+84911222333"
    assert dossier.client_ref == "dvcqg:G22.99-251207-0001"
    assert dossier.national_inbound.national_id == "G22.99-251207-0001"
    # the owner has a new unverified account without a usable password
    owner = dossier.applicant
    assert owner.id_number == OWNER_NUMBER and owner.id_type == "cccd" and owner.kind == "citizen"
    assert owner.full_name == "Lê Thị Mai"
    assert not owner.has_usable_password()
    assert owner.identity_verified_at is None
    # the files are in the owner's store and attached to their components
    required = [c for c in _components(world) if c.required]
    files = list(dossier.files.select_related("document").order_by("component_id"))
    assert [f.component_id for f in files] == [c.pk for c in required]
    assert all(f.document.owner_id == owner.pk for f in files)
    assert all(f.document.file.storage.exists(f.document.file.name) for f in files)
    # and the dossier's state goes back to the national portal under the portal's own id (not a second copy
    # under our code)
    sync = NationalSync.objects.get(dossier=dossier)
    assert sync.state == NationalSync.State.SYNCED
    assert portal.history("G22.99-251207-0001") == [("create", 1)]  # schema-valid, status 1 "Mới đăng ký"
    assert portal.history(dossier.code) == []


def test_the_owner_account_with_that_id_number_is_used(client, world, committed):
    citizen = world["citizen"]
    users = User.objects.count()
    with committed():
        response = _post(
            client, _dossier(world, SoGiayToChuHoSo=citizen.id_number, ChuHoSo=citizen.full_name)
        )
    assert response.status_code == 200, response.content
    assert Dossier.objects.get(code=response.json()["MaHoSoDiaPhuong"]).applicant == citizen
    assert User.objects.count() == users


def test_the_local_offering_code_chooses_the_offering(client, world):
    body = _dossier(world, MaTTHCDP=world["offering"].local_code)
    del body["MaTTHC"], body["MaDonVi"]
    response = _post(client, body)
    assert response.status_code == 200, response.content
    assert Dossier.objects.get(code=response.json()["MaHoSoDiaPhuong"]).offering == world["offering"]


def test_the_same_national_id_again_answers_the_same_code_and_creates_nothing(client, world, settings):
    first = _post(client, _dossier(world))
    assert first.status_code == 200
    before = _state(settings)
    again = _post(client, _dossier(world, ChuHoSo="Tên khác"))
    assert again.status_code == 200, again.content
    assert again.json()["MaHoSoDiaPhuong"] == first.json()["MaHoSoDiaPhuong"]
    assert again.json()["DaTonTai"] is True
    assert _state(settings) == before


def test_a_replayed_nonce_is_refused(client, world, settings):
    nonce = uuid.uuid4().hex
    assert _post(client, _dossier(world), nonce=nonce).status_code == 200
    before = _state(settings)
    answer = _refused(_post(client, _dossier(world, MaHoSo="G22.99-251207-0002"), nonce=nonce), 401, "replay")
    assert "đã được gửi" in answer["message"]
    assert _state(settings) == before


def test_a_stale_timestamp_is_refused(client, world, settings):
    before = _state(settings)
    answer = _refused(_post(client, _dossier(world), timestamp=int(time.time()) - 301), 401, "stale")
    assert "lệch quá 5 phút" in answer["message"]
    _refused(_post(client, _dossier(world), timestamp=int(time.time()) + 301), 401, "stale")
    assert _state(settings) == before
    assert InboundNonce.objects.count() == 0


@pytest.mark.parametrize(
    "how",
    ["wrong secret", "tampered body", "no signature"],
)
def test_a_bad_signature_is_refused(client, world, settings, how):
    before = _state(settings)
    body = json.dumps(_dossier(world)).encode()
    if how == "wrong secret":
        response = _post(client, body, secret="khoa-khac")
    elif how == "tampered body":
        stamp, nonce = str(int(time.time())), uuid.uuid4().hex
        signature = inbound.signature_for(
            secret=SECRET, method="POST", path=URL, timestamp=stamp, nonce=nonce, body=body
        )
        response = _post(
            client, body.replace(b"0001", b"0009"), timestamp=stamp, nonce=nonce, signature=signature
        )
    else:
        response = client.post(URL, data=body, content_type="application/json")
    _refused(response, 401, "unsigned" if how == "no signature" else "bad_signature")
    assert _state(settings) == before
    assert InboundNonce.objects.count() == 0


def test_without_a_configured_secret_nothing_is_accepted(client, world, settings):
    settings.DVC_NATIONAL_INBOUND_SECRET = ""
    before = _state(settings)
    _refused(_post(client, _dossier(world), secret=""), 401, "inbound_off")
    assert _state(settings) == before


@pytest.mark.parametrize(
    "changes",
    [{"MaTTHC": "9.999999"}, {"MaDonVi": "000.00.99.H56"}, {"MaDonVi": "000.00.32.H56"}],
    ids=["unknown procedure", "unknown agency", "agency that does not offer it"],
)
def test_an_unknown_offering_is_refused(client, world, settings, changes):
    before = _state(settings)
    answer = _refused(_post(client, _dossier(world, **changes)), 422, "unknown_offering")
    assert "Không tìm thấy thủ tục" in answer["message"]
    assert _state(settings) == before


def test_a_file_that_fails_the_upload_checks_is_refused_and_nothing_is_written(client, world, settings):
    body = _dossier(world)
    body["TaiLieuNop"][1]["NoiDung"] = base64.b64encode(b"MZ\x90\x00 not a pdf at all").decode()
    body["TaiLieuNop"][1]["TenTepDinhKem"] = "chuong-trinh.exe"
    before = _state(settings)
    answer = _refused(_post(client, body), 422, "bad_file")
    assert answer["errors"][0]["field"] == "TaiLieuNop[1]"
    assert "chuong-trinh.exe" in answer["errors"][0]["message"]
    assert _state(settings) == before
    assert not User.objects.filter(id_number=OWNER_NUMBER).exists()


def test_a_missing_required_file_is_refused_and_nothing_is_written(client, world, settings):
    body = _dossier(world)
    body["TaiLieuNop"] = body["TaiLieuNop"][:1]
    before = _state(settings)
    answer = _refused(_post(client, body), 422, "incomplete")
    assert "Còn thiếu giấy tờ" in answer["message"]
    assert _state(settings) == before


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"MaHoSo": ""}).encode(),
        json.dumps({"MaHoSo": 5, "TaiLieuNop": "x"}).encode(),
    ],
    ids=["not json", "not an object", "no national id", "bad documents"],
)
def test_an_unreadable_body_is_refused(client, world, settings, body):
    before = _state(settings)
    response = _post(client, body)
    assert response.status_code in (400, 422), response.content
    assert response.json()["error_code"] in {"invalid", "unknown_offering"}
    assert _state(settings) == before


def _item(world, **changes) -> dict:
    item = {"MaThanhPhanHoSo": str(_components(world)[0].pk), "TenTepDinhKem": "a.pdf", "NoiDung": "JVBERg=="}
    item.update(changes)
    return item


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("owner kind not a number", 400, "invalid"),
        ("result delivery unknown", 400, "invalid"),
        ("document not an object", 400, "invalid"),
        ("content not base64", 422, "bad_file"),
        ("component of nothing", 422, "unknown_component"),
        ("cases not a list", 400, "invalid"),
        ("form answers not an object", 400, "invalid"),
        ("owner number malformed", 400, "invalid"),
        ("owner name missing", 400, "invalid"),
    ],
)
def test_a_malformed_field_is_refused_with_its_code(client, world, settings, case, status, code):
    changes = {
        "owner kind not a number": {"LoaiDoiTuong": "công dân"},
        "result delivery unknown": {"HinhThuc": 7},
        "document not an object": {"TaiLieuNop": ["tệp"]},
        "content not base64": {"TaiLieuNop": [_item(world, NoiDung="không phải base64!")]},
        "component of nothing": {"TaiLieuNop": [_item(world, MaThanhPhanHoSo="999999")]},
        "cases not a list": {"TruongHop": "uy-quyen"},
        "form answers not an object": {"ToKhai": ["a"]},
        "owner number malformed": {"SoGiayToChuHoSo": "12' OR 1=1"},
        "owner name missing": {"ChuHoSo": ""},
    }[case]
    before = _state(settings)
    _refused(_post(client, _dossier(world, **changes)), status, code)
    assert _state(settings) == before


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, world, settings):
    settings.DVC_NATIONAL_INBOUND_MAX_BYTES = 1000
    before = _state(settings)
    _refused(_post(client, _dossier(world)), 413, "too_large")
    assert _state(settings) == before
    assert InboundNonce.objects.count() == 0


def test_old_nonces_are_pruned(client, world):
    InboundNonce.objects.create(nonce="cu" * 10, created_at=timezone.now() - datetime.timedelta(hours=1))
    assert _post(client, _dossier(world)).status_code == 200
    assert list(InboundNonce.objects.values_list("nonce", flat=True)) != ["cu" * 10]
    assert not InboundNonce.objects.filter(nonce="cu" * 10).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_same_national_id_twice_at_once_makes_one_dossier(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    raw = json.dumps(_dossier(world)).encode()
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def receive():
        try:
            barrier.wait()
            answers.append(inbound.inbound_dossier_receive(body=raw))
        except Exception as error:  # noqa: BLE001  reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=receive) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(answer.created for answer in answers) == [False, True]
    assert answers[0].code == answers[1].code
    assert Dossier.objects.filter(client_ref="dvcqg:G22.99-251207-0001").count() == 1
    assert InboundDossier.objects.count() == 1
    assert User.objects.filter(id_number=OWNER_NUMBER).count() == 1
    required = [c for c in _components(world) if c.required]
    assert len([p for p in pathlib.Path(tmp_path).rglob("*") if p.is_file()]) == len(required)
