import datetime

import pytest

from dichvucong.agencies.models import Agency
from dichvucong.catalogue.tests.factories import make_procedure, offer
from dichvucong.dossiers.models import Channel, Status
from dichvucong.feedback.models import Feedback
from dichvucong.payments.models import OnlinePayment
from dichvucong.reports.tests import builders as b
from dichvucong.reports.tests.builders import at

AFTER = b.at(15, month=12)  # "now" for the tests: November 2026 is over
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}


@pytest.fixture
def immediate_tasks(settings):
    """The facts refresh a commit queues (reports.triggers) runs at once; test_triggers also checks that the
    database backend only queues it."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def tree(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    province = Agency.objects.create(
        code="000.00.00.H99", name="UBND tỉnh Thử", kind="province_committee", level="tinh"
    )
    a = Agency.objects.create(
        code="000.00.01.H99", name="UBND xã An", kind="commune_committee", level="xa", parent=province
    )
    other = Agency.objects.create(
        code="000.00.02.H99", name="UBND xã Bình", kind="commune_committee", level="xa", parent=province
    )
    procedure = make_procedure(
        name="Đăng ký khai sinh"
    )  # a 15.000 đ fee and a paper result (Giấy chứng nhận)
    return {
        "province": province,
        "a": a,
        "other": other,
        "procedure": procedure,
        "offering": offer(procedure, a, service_level="toan_trinh"),
        "other_offering": offer(procedure, other, service_level="toan_trinh"),
    }  # fmt: skip


@pytest.fixture
def november(tree):
    """The hand-computed set (Vietnam time; 2/11/2026 is a Monday; a working day is 8 h)."""
    o = tree["offering"]
    d = {}
    d["d1"] = b.dossier(
        o,
        received=at(2),
        due=at(9),
        finished=at(6),
        e_result=True,
        files=[False],
        paid=OnlinePayment.NATIONAL,
        vneid=True,
        synced=True,
    )
    d["d2"] = b.dossier(
        o,
        channel=Channel.IN_PERSON,
        received=at(2),
        due=at(5),
        finished=at(10),
        files=[True],
        paid=OnlinePayment.NOT_ONLINE,
        rating=1,
    )
    # supplement 4/11 9:00 → 8/11 9:00 subtracted: 13/11 9:00 − 4 days = 9/11 9:00 ≤ due 10/11 ⇒ on time
    d["d3"] = b.dossier(
        o,
        received=at(3),
        due=at(10),
        finished=at(13),
        supplements=[(at(4), at(8))],
        e_result=True,
        files=[False],
        paid=OnlinePayment.PROVINCE,
    )
    # two supplement requests ⇒ late although it finished long before its due date
    d["d4"] = b.dossier(
        o,
        status=Status.RESOLVED,
        received=at(3),
        due=at(30),
        finished=at(12),
        e_result=True,
        supplements=[(at(4), at(5)), (at(6), at(7))],
    )
    # one supplement still awaited: the request (18/11) is the end, before the due date 23/11 ⇒ on time
    d["d5"] = b.dossier(
        o, status=Status.SUPPLEMENT_REQUESTED, received=at(16), due=at(23), supplements=[(at(18), None)]
    )
    # accepted, then withdrawn: ends at the request (11/11) ≤ due 12/11 ⇒ on time (the approval came 14/11)
    d["d6"] = b.dossier(
        o,
        status=Status.STOPPED,
        received=at(10),
        due=at(12),
        finished=at(14),
        withdrawal=(at(11), b.APPROVED),
    )
    # withdrawn before it was ever accepted: in no indicator
    d["d7"] = b.dossier(
        o, status=Status.STOPPED, received=None, finished=at(11), withdrawal=(at(11), b.APPROVED)
    )
    # still processing at the end of the period, due 25/11 ⇒ pending and late; online but no e-result yet
    d["d8"] = b.dossier(o, status=Status.PROCESSING, received=at(20), due=at(25), feedback=True)
    # refused at intake (never received): in no indicator
    d["d9"] = b.dossier(o, status=Status.REFUSED, received=None, finished=at(4))
    # received in October, returned 2/11 after its due date 30/10 ⇒ in 2.1 (late) but not "received"
    d["d10"] = b.dossier(o, received=at(26, month=10), due=at(30, month=10), finished=at(2))
    # another agency: outside the scope of agency A
    d["d11"] = b.dossier(tree["other_offering"], received=at(5), due=at(9), finished=at(20))
    fb = Feedback.objects.get(dossier=d["d8"])
    Feedback.objects.filter(pk=fb.pk).update(created_at=at(21), received_at=at(21), sla={"resolve": False})
    Feedback.objects.create(
        code="PA-X1",
        subject="agency",
        agency=tree["a"],
        title="Tốt",
        content="Tốt",
        sender_name="Dân",
        likes=2,
        sla={"resolve": True},
    )
    Feedback.objects.filter(code="PA-X1").update(created_at=at(5), received_at=at(5))
    Feedback.objects.create(
        code="PA-X2", subject="agency", agency=tree["a"], title="Mới", content="Mới", sender_name="Dân"
    )
    Feedback.objects.filter(code="PA-X2").update(created_at=at(25))
    return d  # fmt: skip


NOVEMBER = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
