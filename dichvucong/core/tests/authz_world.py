"""The fixture world of the authorisation matrix: agency X, where citizen A's dossiers are handled, agency Y,
a member of each staff role at both, and one object of every kind a route takes in its URL (a dossier, a
file, a draft and an issued result, notices, a payment request and transaction, a shipment, a booking, a
queue ticket, a counter, a stored document). Built once per test module through the services where they are
cheap, otherwise straight through the ORM: only ownership and agency matter here."""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.utils import timezone

from dichvucong.accounts.models import AgencyMembership
from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import FeeItem
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.tests.conftest import PDF, build_setup, pdf

User = get_user_model()

STAFF_ROLES = (
    "receptionist",
    "specialist",
    "head_of_unit",
    "leader",
    "clerk",
    "postal",
    "agency_admin",
)
# Every actor of the matrix; ``x_<role>`` works at agency X (the dossier's), ``y_<role>`` at agency Y.
ACTORS = (
    "anonymous",
    "citizen_a",
    "citizen_b",
    *(f"x_{r}" for r in STAFF_ROLES),
    *(f"y_{r}" for r in STAFF_ROLES),
)
PASSWORD = "Hoa-Sen#2026xanh"


def _staff(username: str, agency: Agency, role: str):
    user = User.objects.create_user(username=username, password=PASSWORD, kind="staff", full_name=username)
    AgencyMembership.objects.create(user=user, agency=agency, role=role)
    return user


def _dossier(world: dict, tag: str, *, submit: bool = True, accept: bool = False):
    dossier = dossier_services.dossier_create_draft(applicant=world["citizen_a"], offering=world["offering"])
    for component in dossier_services.components_for(dossier)[:2]:
        dossier_services.dossier_attach(
            dossier=dossier,
            applicant=world["citizen_a"],
            component=component,
            upload=pdf(content=PDF + f"{tag}{component.pk}".encode()),
        )
    if submit:
        dossier = dossier_services.dossier_submit(dossier_id=dossier.pk, applicant=world["citizen_a"])
    if accept:
        dossier = dossier_services.dossier_accept(dossier_id=dossier.pk, officer=world["x_receptionist"])
    return dossier


def build_world() -> dict:
    from dichvucong.counters import tickets
    from dichvucong.counters.models import Booking, CentreSettings, Counter
    from dichvucong.delivery.models import Shipment
    from dichvucong.documents.tests.factories import make_document
    from dichvucong.payments.fees import fee_quote
    from dichvucong.payments.models import Transaction
    from dichvucong.payments.services import payment_request_create
    from dichvucong.processing import workflows
    from dichvucong.processing.models import DossierResult, DraftResult, LateNotice, StopNotice

    base = build_setup()
    x = base["commune"]
    y = Agency.objects.get(code="000.00.32.H56")
    world: dict = {
        "agency_x": x,
        "agency_y": y,
        "procedure": base["procedure"],
        "offering": base["offering"],
        "citizen_a": base["citizen"],
        "citizen_b": base["stranger"],
        "x_receptionist": base["receptionist"],
        "y_receptionist": base["outsider"],
    }
    for role in STAFF_ROLES:
        for side, agency in (("x", x), ("y", y)):
            key = f"{side}_{role}"
            if key not in world:
                world[key] = _staff(f"{side}.{role}", agency, role)
    FeeItem.objects.create(offering=base["offering"], name="Lệ phí", kind="le_phi", amount=15000)

    # A's dossiers: a draft, one submitted (waiting at reception), one accepted with everything attached.
    world["draft"] = _dossier(world, "draft", submit=False)
    world["draft_file"] = world["draft"].files.order_by("pk").first()
    world["submitted"] = _dossier(world, "submitted")
    dossier = _dossier(world, "accepted", accept=True)
    world["dossier"] = dossier
    world["dossier_file"] = dossier.files.order_by("pk").first()
    now = timezone.now()
    document = make_document(world["citizen_a"])
    world["document"] = document
    result_doc = make_document(
        world["citizen_a"], content=PDF + b"result", name="ket-qua.pdf", title="Kết quả"
    )
    world["result"] = DossierResult.objects.create(
        dossier=dossier, name="Giấy khai sinh", document=result_doc, issued_by=world["x_clerk"], issued_at=now
    )
    draft_doc = make_document(
        world["x_specialist"], content=PDF + b"draft", name="du-thao.pdf", title="Dự thảo"
    )
    world["draft_result"] = DraftResult.objects.create(
        dossier=dossier, name="Dự thảo", document=draft_doc, drafted_by=world["x_specialist"], drafted_at=now
    )
    world["late_notice"] = LateNotice.objects.create(
        dossier=dossier,
        reason="Chậm",
        new_due_at=now + datetime.timedelta(days=3),
        drafted_by=world["x_specialist"],
        drafted_at=now,
        state="approved",
    )
    world["stop_notice"] = StopNotice.objects.create(
        dossier=dossier, reasons=["Thiếu"], drafted_by=world["x_specialist"], drafted_at=now, state="approved"
    )
    request = payment_request_create(
        dossier_id=world["submitted"].pk,
        officer=world["x_receptionist"],
        quote=fee_quote(dossier=world["submitted"]),
        deadline=None,
    )
    world["payment_request"] = request
    world["transaction"] = Transaction.objects.create(
        reference=f"T{uuid.uuid4().hex[:12]}",
        payment_request=request,
        payer=world["citizen_a"],
        gateway="demo",
        amount=request.amount,
        order_info="Lệ phí",
    )
    world["shipment"] = Shipment.objects.create(
        dossier=dossier,
        kind="delivery",
        carrier="demo",
        reference=f"S{uuid.uuid4().hex[:12]}",
        sender_name="UBND",
        sender_address="Số 1",
        recipient_name="Nguyễn Văn An",
        recipient_address="Số 12 Lê Lợi",
    )

    centre_settings = CentreSettings.objects.create(
        centre=x, slot_minutes=30, seats_per_counter=2, days_ahead=14
    )
    centre_settings.served_agencies.set([x])
    world["counter"] = Counter.objects.create(centre=x, number=1, name="Hộ tịch")
    CentreSettings.objects.create(centre=y)
    world["counter_y"] = Counter.objects.create(centre=y, number=1)
    tomorrow = now + datetime.timedelta(days=1)
    world["booking"] = Booking.objects.create(
        code="LH000001",
        citizen=world["citizen_a"],
        centre=x,
        offering=base["offering"],
        counter=world["counter"],
        day=tomorrow.date(),
        slot_start=tomorrow,
        slot_end=tomorrow + datetime.timedelta(minutes=30),
    )
    world["ticket"] = tickets.ticket_issue(centre=x)
    workflows.workflow_for(dossier)  # the agency type's default workflow, created on first use
    world.update(_feedback(world))
    return world


def _feedback(world: dict) -> dict:
    """A's feedback at agency X: one waiting to be received, one answered and published."""
    from dichvucong.feedback.models import Feedback

    common = {
        "subject": "procedure",
        "procedure": world["procedure"],
        "agency": world["agency_x"],
        "sender": world["citizen_a"],
        "sender_name": "Nguyễn Văn An",
        "content": "Nội dung",
    }
    published = {
        "status": "published",
        "public_title": "Đã trả lời",
        "answer": "<p>Trả lời</p>",
        "public_answer": "<p>Trả lời</p>",
        "published_at": timezone.now(),
    }
    return {
        "feedback_new": Feedback.objects.create(code="PAKN-260105-AAAAAA", title="Mới", **common),
        "feedback_published": Feedback.objects.create(
            code="PAKN-260105-BBBBBB", title="Đã trả lời", **published, **common
        ),
    }
