import pytest

from dichvucong.accounts.models import AgencyMembership
from dichvucong.catalogue.models import FeeItem
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.tests.conftest import PDF, build_setup, pdf
from dichvucong.dossiers.tests.conftest import User as UserModel

PASSWORD = "Hoa-Sen#2026xanh"
FEE = 15000


def build_payment_setup() -> dict:
    data = build_setup()
    offering = data["offering"]
    FeeItem.objects.create(offering=offering, name="Lệ phí cấp bản sao trích lục", kind="le_phi", amount=FEE)
    FeeItem.objects.create(
        offering=offering,
        name="Phí sao y (mỗi bản)",
        kind="phi",
        amount=3000,
        per="per_copy",
        channel="in_person",
    )
    commune = data["commune"]
    for key, username, role, agency in (
        ("postal", "buudien.a", "postal", commune),
        ("admin", "quantri.a", "agency_admin", commune),
        ("specialist", "chuyenvien.a", "specialist", commune),
        ("outsider_postal", "buudien.b", "postal", data["outsider"].memberships.first().agency),
    ):
        user = UserModel.objects.create_user(
            username=username, password=PASSWORD, kind="staff", full_name=username
        )
        AgencyMembership.objects.create(user=user, agency=agency, role=role)
        data[key] = user
    return data


def submitted_dossier(data):
    dossier = dossier_services.dossier_create_draft(applicant=data["citizen"], offering=data["offering"])
    for component in dossier_services.components_for(dossier)[:2]:
        dossier_services.dossier_attach(
            dossier=dossier,
            applicant=data["citizen"],
            component=component,
            upload=pdf(content=PDF + component.name.encode() + str(dossier.pk).encode()),
        )
    return dossier_services.dossier_submit(dossier_id=dossier.pk, applicant=data["citizen"])


def accepted_dossier(data):
    dossier = submitted_dossier(data)
    return dossier_services.dossier_accept(dossier_id=dossier.pk, officer=data["receptionist"])


@pytest.fixture
def pay_setup(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DVC_PUBLIC_URL = "http://testserver"
    return build_payment_setup()


@pytest.fixture
def pay_setup_live(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_payment_setup()


@pytest.fixture
def requested(pay_setup):
    """An accepted dossier put in status 6 with the catalogue fee (15.000 đ)."""
    from dichvucong.payments.fees import fee_quote
    from dichvucong.payments.services import payment_request_create

    dossier = accepted_dossier(pay_setup)
    request = payment_request_create(
        dossier_id=dossier.pk,
        officer=pay_setup["receptionist"],
        quote=fee_quote(dossier=dossier),
        deadline=None,
    )
    return request


@pytest.fixture
def txn(requested, pay_setup):
    """A payment of ``requested`` started through the demo gateway (in demo mode, as tests run)."""
    from dichvucong.payments.services import payment_start

    transaction, _url = payment_start(
        request=requested,
        payer=pay_setup["citizen"],
        gateway_name="demo",
        client_ip="127.0.0.1",
        site_url="http://testserver",
    )
    return transaction
