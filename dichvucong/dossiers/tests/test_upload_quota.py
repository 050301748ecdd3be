"""The account's upload quota (issue 11, finding 12) holds for a dossier's papers too: nothing is kept."""

import pytest

from dichvucong.documents.models import StoredDocument
from dichvucong.dossiers import services
from dichvucong.dossiers.models import DossierFile
from dichvucong.dossiers.tests.conftest import PDF, pdf

pytestmark = pytest.mark.django_db


def test_attaching_over_the_quota_is_refused_and_keeps_nothing(setup, settings):
    settings.DVC_UPLOAD_QUOTA_BYTES = len(PDF) + 10
    dossier = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
    first, second = services.components_for(dossier)[:2]
    services.dossier_attach(dossier=dossier, applicant=setup["citizen"], component=first, upload=pdf())
    on_disk = sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())

    with pytest.raises(services.DossierError) as refused:
        services.dossier_attach(
            dossier=dossier, applicant=setup["citizen"], component=second, upload=pdf(content=PDF + b"0" * 20)
        )

    assert refused.value.code == "quota" and refused.value.field == f"file_{second.pk}"
    assert "Kho giấy tờ của bạn đã dùng" in refused.value.message
    assert DossierFile.objects.filter(dossier=dossier).count() == 1
    assert StoredDocument.objects.count() == 1
    assert sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == on_disk
