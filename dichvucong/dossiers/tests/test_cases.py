"""The wizard on the demo birth registration (1.001193): the general case without any special case, special
cases asked one yes/no question per page, the e-form standing for the declaration, the pickup address
checked where it is typed; the same rules through the API; the reception page's wording per delivery."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.accounts.models import AgencyMembership
from dichvucong.accounts.services import api_token_create
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.dossiers import cases, services
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.dossiers.tests.conftest import PDF, pdf

pytestmark = pytest.mark.django_db
User = get_user_model()

ABANDONED = "Trẻ em bị bỏ rơi"
SURROGACY = "Trẻ sinh ra do mang thai hộ"
PROXY = "Trường hợp ủy quyền"
ANSWERS = {
    "f_child_full_name": "Nguyễn Bảo Anh",
    "f_child_birth_date": "03/11/2026",
    "f_child_gender": "Nữ",
    "f_birth_place": "Bệnh viện Đa khoa tỉnh Thanh Hóa",
    "f_relationship": "Cha",
}


@pytest.fixture
def birth(demo_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    offering = (
        AgencyProcedure.objects.filter(procedure__code="1.001193", is_active=True)
        .select_related("procedure__current_version", "agency")
        .first()
    )
    citizen = User.objects.create_user(
        username="038090012345",
        password="Hoa-Sen#2026xanh",
        kind="citizen",
        id_type="cccd",
        id_number="038090012345",
        full_name="Nguyễn Văn An",
        phone="+84912345678",
    )
    return {"offering": offering, "citizen": citizen, "version": offering.procedure.current_version}


def component_names(dossier) -> list[str]:
    return [component.name for component in services.components_for(dossier)]


def start_and_answer(client, birth, answers: list[str]) -> Dossier:
    """Start the wizard and answer each special-case question in turn ("yes"/"no")."""
    client.force_login(birth["citizen"])
    response = client.post(reverse("dossiers:start", args=[birth["offering"].pk]))
    dossier = Dossier.objects.latest("pk")
    for number, answer in enumerate(answers, start=1):
        assert response["Location"] == reverse("dossiers:case_question", args=[dossier.public_id, number])
        response = client.post(response["Location"], {"answer": answer})
    assert response["Location"] == reverse("dossiers:edit", args=[dossier.public_id])
    dossier.refresh_from_db()
    return dossier


def test_demo_birth_registration_has_a_general_case_and_asks_special_cases_one_by_one(client, birth):
    plan = cases.case_plan(birth["version"])
    assert plan.special == [ABANDONED, SURROGACY, PROXY] and not plan.alternatives

    client.force_login(birth["citizen"])
    start_page = client.get(reverse("dossiers:start", args=[birth["offering"].pk])).content.decode()
    assert 'name="case"' not in start_page and "Giấy tờ mọi người đều nộp" in start_page

    dossier = start_and_answer(client, birth, ["no", "no", "no"])

    names = component_names(dossier)
    assert dossier.case == "" and len(names) == 3
    assert names[0].startswith("Tờ khai đăng ký khai sinh") and names[1].startswith("Giấy chứng sinh")
    assert names[2].startswith("Giấy tờ tùy thân")  # shown at the counter: part of the general case
    edit = client.get(reverse("dossiers:edit", args=[dossier.public_id])).content.decode()
    assert "trường hợp thông thường" in edit and "Biên bản về việc trẻ bị bỏ rơi" not in edit
    back = reverse("dossiers:case_question", args=[dossier.public_id, 3])
    assert f'href="{back}"' in edit


def test_a_yes_adds_that_case_and_its_papers_and_the_answers_can_be_changed(client, birth):
    dossier = start_and_answer(client, birth, ["no", "yes", "no"])

    assert cases.chosen_cases(dossier.case) == [SURROGACY]
    assert any(name.startswith("Văn bản xác nhận của cơ sở y tế") for name in component_names(dossier))
    assert not any(name.startswith("Biên bản") for name in component_names(dossier))
    surrogacy = next(c for c in services.components_for(dossier) if c.case == SURROGACY)
    services.dossier_attach(
        dossier=dossier, applicant=birth["citizen"], component=surrogacy, upload=pdf(content=PDF + b"y te")
    )
    question = reverse("dossiers:case_question", args=[dossier.public_id, 2])
    page = client.get(question).content.decode()
    assert re.search(r'value="yes"[^>]*checked', page)  # the answer given is shown again
    assert f'href="{reverse("dossiers:case_question", args=[dossier.public_id, 1])}"' in page  # back link

    client.post(reverse("dossiers:case_question", args=[dossier.public_id, 1]), {"answer": "yes"})
    client.post(question, {"answer": "no"})
    dossier.refresh_from_db()
    assert cases.chosen_cases(dossier.case) == [ABANDONED]
    assert not dossier.files.filter(component=surrogacy).exists()  # that case's paper left the draft
    review = client.get(reverse("dossiers:review", args=[dossier.public_id])).content.decode()
    assert ABANDONED in review and SURROGACY not in review


def test_a_question_left_unanswered_is_asked_again_and_changes_nothing(client, birth):
    dossier = start_and_answer(client, birth, ["yes", "no", "no"])
    question = reverse("dossiers:case_question", args=[dossier.public_id, 2])

    response = client.post(question, {})

    dossier.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 200 and "Hãy chọn “Có” hoặc “Không”." in page
    assert 'href="#id_answer_0"' in page and 'id="id_answer_0"' in page
    assert cases.chosen_cases(dossier.case) == [ABANDONED]
    assert client.get(reverse("dossiers:case_question", args=[dossier.public_id, 4])).status_code == 404


def test_the_e_form_stands_for_the_declaration_upload(client, birth):
    dossier = start_and_answer(client, birth, ["no", "no", "no"])
    declaration, certificate, identity = services.components_for(dossier)
    client.post(
        reverse("dossiers:edit", args=[dossier.public_id]),
        {
            "applicant_name": "Nguyễn Văn An",
            "applicant_phone": "0912345678",
            "owner_name": "Nguyễn Bảo Anh",
            "result_delivery": "online",
            **ANSWERS,
            f"file_{certificate.pk}": pdf(content=PDF + b"chung sinh"),
            f"file_{identity.pk}": pdf(content=PDF + b"cccd"),
        },
    )
    dossier.refresh_from_db()

    assert cases.eform_replaces_upload(declaration, dossier.version)
    assert services.missing_requirements(dossier) == []
    edit = client.get(reverse("dossiers:edit", args=[dossier.public_id])).content.decode()
    assert "không cần tải lên bản giấy" in edit
    client.post(reverse("dossiers:review", args=[dossier.public_id]))
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert not dossier.files.filter(component=declaration).exists()


def test_without_the_e_form_answers_the_declaration_is_still_missing(client, birth):
    dossier = start_and_answer(client, birth, ["no", "no", "no"])

    problems = dict(services.missing_requirements(dossier))

    assert "f_child_full_name" in problems  # the e-form is the declaration: it must be filled in
    assert not any(key == f"file_{services.components_for(dossier)[0].pk}" for key in problems)


def test_pickup_address_is_checked_on_the_delivery_part_and_the_typing_kept(client, birth):
    dossier = start_and_answer(client, birth, ["no", "no", "no"])
    url = reverse("dossiers:edit", args=[dossier.public_id])

    response = client.post(
        url,
        {
            "applicant_name": "Nguyễn Văn Anh",
            "applicant_phone": "0912345678",
            "owner_name": "Nguyễn Bảo Anh",
            "result_delivery": "counter",
            "home_pickup": "on",
            "pickup_address": "   ",
            **ANSWERS,
            "review": "1",
        },
    )

    page = response.content.decode()
    dossier.refresh_from_db()
    assert response.status_code == 200
    assert (
        '<a href="#id_pickup_address">Hãy nhập địa chỉ để bưu điện đến nhận hồ sơ giấy tại nhà.</a>' in page
    )
    assert 'value="Nguyễn Văn Anh"' in page and re.search(r'name="home_pickup"[^>]*checked', page)
    assert not dossier.home_pickup and dossier.applicant_name == "Nguyễn Văn An"  # nothing saved

    saved = client.post(
        url,
        {
            "applicant_name": "Nguyễn Văn Anh",
            "applicant_phone": "0912345678",
            "owner_name": "Nguyễn Bảo Anh",
            "result_delivery": "counter",
            "home_pickup": "on",
            "pickup_address": "12 Lê Lợi, phường Hạc Thành",
            **ANSWERS,
        },
    )
    assert saved.status_code == 302, re.findall(r'<li><a href="#[^"]+">[^<]+', saved.content.decode())
    dossier.refresh_from_db()
    assert dossier.home_pickup and dossier.pickup_address == "12 Lê Lợi, phường Hạc Thành"


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def submission(birth, *, special=(), files=True) -> dict:
    version = birth["version"]
    general = cases.case_plan(version).general
    body = {"offering_id": birth["offering"].pk, **ANSWERS, "result_delivery": "online"}
    if special:
        body["case"] = list(special)
    if files:
        for component in general[1:]:
            body[f"file_{component.pk}"] = pdf(content=PDF + component.name.encode())
    return body


def test_api_takes_the_general_case_and_special_cases(client, birth):
    auth = bearer(birth["citizen"])

    general = client.post("/api/v1/submissions", submission(birth), **auth)
    special = client.post("/api/v1/submissions", submission(birth, special=[SURROGACY, PROXY]), **auth)
    unknown = client.post("/api/v1/submissions", submission(birth, special=["Trẻ sinh đôi"]), **auth)

    assert general.status_code == 201, general.json()
    dossier = Dossier.objects.get(public_id=general.json()["id"])
    assert dossier.case == "" and dossier.status == Status.SUBMITTED
    assert special.status_code == 201, special.json()
    detail = client.get(f"/api/v1/dossiers/{special.json()['id']}", **auth).json()
    assert detail["cases"] == [SURROGACY, PROXY]
    assert detail["components"][0]["eform"] is True and detail["components"][0]["required"] is False
    assert unknown.status_code == 422
    assert unknown.json()["errors"]["case"] == ["Thủ tục này không có trường hợp “Trẻ sinh đôi”."]
    assert Dossier.objects.count() == 2

    draft = client.post(
        "/api/v1/dossiers", {"offering_id": birth["offering"].pk}, content_type="application/json", **auth
    )
    assert draft.status_code == 201 and draft.json()["cases"] == []
    changed = client.patch(
        f"/api/v1/dossiers/{draft.json()['id']}",
        {"cases": [ABANDONED], "fields": {k.removeprefix("f_"): v for k, v in ANSWERS.items()}},
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200 and changed.json()["cases"] == [ABANDONED]


def test_a_procedure_whose_cases_are_alternatives_asks_to_pick_one(client, demo_data, settings):
    offering = AgencyProcedure.objects.filter(procedure__code="1.003677", is_active=True).first()
    if offering is None:
        pytest.skip("the demo does not offer 1.003677")
    plan = cases.case_plan(offering.procedure.current_version)
    assert len(plan.alternatives) == 2 and plan.questions == 1
    citizen = User.objects.create_user(
        username="038090012345", password="x", kind="citizen", id_number="038090012345", full_name="An"
    )
    client.force_login(citizen)
    client.post(reverse("dossiers:start", args=[offering.pk]))
    dossier = Dossier.objects.get()
    question = reverse("dossiers:case_question", args=[dossier.public_id, 1])
    assert ("case", "Hãy chọn trường hợp của bạn.") in services.missing_requirements(dossier)

    refused = client.post(question, {})
    client.post(question, {"case": plan.alternatives[1]})

    dossier.refresh_from_db()
    assert "Hãy chọn một trường hợp của bạn." in refused.content.decode()
    assert cases.chosen_cases(dossier.case) == [plan.alternatives[1]]


def test_reception_offers_only_what_fits_the_result_delivery(client, birth):
    auth = bearer(birth["citizen"])
    by_post = client.post(
        "/api/v1/submissions",
        {**submission(birth), "result_delivery": "post", "delivery_address": "5 Trần Phú, Hạc Thành"},
        **auth,
    )
    at_counter = client.post(
        "/api/v1/submissions", {**submission(birth), "result_delivery": "counter"}, **auth
    )
    clerk = User.objects.create_user(username="tiepnhan.x", password="x", kind="staff", full_name="Bình")
    AgencyMembership.objects.create(user=clerk, agency=birth["offering"].agency, role="receptionist")
    staff = login_with_second_factor(client, clerk)

    posted = Dossier.objects.get(public_id=by_post.json()["id"])
    accepted = staff.post(
        reverse("dossiers:staff_detail", args=[posted.public_id]), {"action": "accept"}, follow=True
    ).content.decode()
    counter = Dossier.objects.get(public_id=at_counter.json()["id"])
    staff.post(reverse("dossiers:staff_detail", args=[counter.public_id]), {"action": "accept"})
    counter_page = staff.get(reverse("dossiers:staff_detail", args=[counter.public_id])).content.decode()

    assert "gửi kết quả qua bưu điện" in accepted and "5 Trần Phú" in accepted
    assert "tại Bộ phận một cửa" not in accepted and "trao cho người nộp" not in accepted
    assert "trả kết quả tại Bộ phận một cửa" in counter_page and "qua bưu điện" not in counter_page
