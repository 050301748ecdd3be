"""Done-when of postal delivery in a real browser: a resolved dossier whose result goes by post gets an order
with the demo carrier, postal staff record the delivery on their pages, and the citizen's timeline shows it
with the status Đã trả kết quả."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from dichvucong.accounts.tests.conftest import latest_code
from dichvucong.delivery import services
from dichvucong.delivery.models import Shipment
from dichvucong.delivery.states import Kind, State
from dichvucong.delivery.tests.conftest import resolved_dossier
from dichvucong.dossiers.models import Status
from dichvucong.dossiers.tests.test_browser_dossiers import PASSWORD, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_result_delivered_by_the_demo_carrier_shows_on_the_citizens_timeline(
    live_server, browser_page, world_live
):
    page, url, world = browser_page, live_server.url, world_live
    citizen, postal = world["citizen"], world["postal"]
    for user in (citizen, postal):
        user.set_password(PASSWORD)
        user.save()
    device = StaticDevice.objects.create(user=postal, name="Mã dự phòng", confirmed=True)
    StaticToken.objects.create(device=device, token="bd000001")

    dossier = resolved_dossier(world)
    services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)  # the lead's hook
    shipment = Shipment.objects.get(dossier=dossier)
    assert shipment.state == State.ACCEPTED and shipment.waybill  # the demo carrier took it after commit

    sign_in(page, url, postal.username, lambda: "bd000001")
    page.goto(url + "/buu-chinh/")
    assert "Cần phát kết quả (1)" in page.content()
    page.get_by_role("link", name=shipment.waybill).click()
    page.get_by_role("button", name="Bắt đầu phát kết quả").click()
    assert "Đã ghi nhận: Bắt đầu phát kết quả." in page.content()
    page.get_by_text("Ghi nhận đã phát kết quả").click()
    page.get_by_label("Họ tên người ký nhận").fill("Nguyễn Văn An")
    page.get_by_label("Đã kiểm tra giấy tờ tùy thân").check()
    page.get_by_role("button", name="Xác nhận đã phát").click()
    page.wait_for_load_state()
    assert "Đã ghi nhận: Đã phát kết quả cho người nhận." in page.content()
    assert "Đã phát thành công" in page.content()
    sign_out(page, url)

    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    sign_in(page, url, citizen.username, lambda: latest_code("otp.login", citizen.phone))
    page.goto(f"{url}/ho-so/{dossier.public_id}/")
    body = page.locator("main").inner_text()
    assert "Đã trả kết quả" in body and "Trả kết quả" in body
    # The postal steps are on the timeline (by label once DossierEvent.label reads data["label"]).
    for label, action in (
        ("Bưu tá đang phát kết quả", "postal_out_for_delivery"),
        ("Bưu điện đã phát kết quả cho người nhận", "postal_delivered"),
    ):
        assert label in body or action in body, body
