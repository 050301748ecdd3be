"""Builders for catalogue test data: records go through the real services, as imports do."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import factory

from dichvucong.agencies.models import Agency
from dichvucong.catalogue.importers import records as r
from dichvucong.catalogue.services import offering_upsert, procedure_upsert_from_record

_codes = itertools.count(100)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.{n % 100:02d}.{n // 100 % 100:02d}.H99")
    name = factory.Sequence(lambda n: f"Ủy ban nhân dân xã Thử Nghiệm {n}")
    kind = Agency.Kind.COMMUNE_COMMITTEE
    level = Agency.Level.COMMUNE


def make_record(**overrides) -> r.ProcedureRecord:
    values = {
        "code": f"9.{next(_codes):06d}",
        "name": "Thủ tục thử nghiệm",
        "field_name": "Thử nghiệm",
        "levels": [r.LEVEL_COMMUNE],
        "channels": [
            r.ChannelRecord(
                channel=r.CHANNEL_ONLINE, duration_value=Decimal("5"), duration_unit=r.UNIT_WORKING_DAYS
            ),
            r.ChannelRecord(
                channel=r.CHANNEL_IN_PERSON, duration_value=Decimal("5"), duration_unit=r.UNIT_WORKING_DAYS
            ),
        ],
        "fees": [r.FeeRecord(name="Lệ phí", amount=15000)],
        "components": [r.ComponentRecord(name="Tờ khai", form_name="Mẫu 01.docx", original_count=1)],
        "results": [r.ResultRecord(name="Giấy chứng nhận", code="KQ.G15.000001")],
        "legal_bases": [r.LegalBasisRecord(title="Luật Hộ tịch", number="60/2014/QH13")],
        "effective_from": datetime.date(2025, 7, 1),
    }
    values.update(overrides)
    return r.ProcedureRecord(**values)


def make_procedure(**overrides):
    procedure, _outcome = procedure_upsert_from_record(record=make_record(**overrides))
    return procedure


def offer(procedure, agency=None, **kwargs):
    return offering_upsert(agency=agency or AgencyFactory(), procedure=procedure, **kwargs)
