"""Through the pages: the clerk issues the result, the citizen finds it signed, downloads it, and anyone
verifies the QR code and the file at /xac-minh/."""

import html
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dichvucong.esign.models import SignedResult
from dichvucong.esign.tests.conftest import RESULT_PDF, as_file
from dichvucong.processing.models import DossierResult
from dichvucong.processing.tests.conftest import accepted_dossier
from dichvucong.processing.tests.test_services import walk_to
from dichvucong.processing.tests.test_views import as_user, detail_url


def test_clerk_issues_citizen_downloads_anyone_verifies(pdata, django_capture_on_commit_callbacks):
    data = pdata
    dossier = accepted_dossier(data, delivery="online")
    walk_to(data, dossier, 4)

    with django_capture_on_commit_callbacks(execute=True):
        page = as_user(data["vanthu.a"]).post(
            detail_url(dossier),
            {
                "action": "issue",
                "position": 4,
                "result": "KQ.G15.000031|Giấy khai sinh (bản chính)",
                "number": "25/GCN-UBND",
                "signed_on": timezone.localdate().strftime("%d/%m/%Y"),
                "file": as_file(RESULT_PDF),
            },
            follow=True,
        )
    assert "Đã xử lý xong" in page.content.decode()
    signed = SignedResult.objects.get(result__dossier=dossier)

    citizen = Client()
    citizen.force_login(data["citizen"])
    results_page = citizen.get(
        reverse("processing:citizen_results", args=[dossier.public_id])
    ).content.decode()
    assert "Bản điện tử có chữ ký số của cơ quan ban hành và mã QR." in results_page
    link = html.unescape(re.search(r'href="(/xac-minh/\?[^"]+)"', results_page).group(1))

    result = DossierResult.objects.get(dossier=dossier)
    download = citizen.get(reverse("processing:citizen_result", args=[dossier.public_id, result.pk]))
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF-") and len(content) > len(RESULT_PDF)

    anyone = Client()
    assert "Hợp lệ" in anyone.get(link).content.decode()
    answer = anyone.post("/xac-minh/", {"payload": link, "file": as_file(content)}).content.decode()
    assert "chưa bị sửa đổi và khớp với mã QR" in answer and signed.dossier_code in answer

    # the public tracking timeline says the result was signed
    from dichvucong.dossiers.models import DossierEvent

    assert (
        DossierEvent.objects.get(dossier=dossier, action="result_signed").label
        == "Kết quả điện tử được ký số"
    )
