from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import Router, Schema

from dichvucong.agencies import selectors

router = Router(tags=["Cơ quan, đơn vị hành chính"])


class ContactOut(Schema):
    role: str
    name: str
    phone: str
    email: str


class AgencyOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    parent_code: str | None = SchemaField(None, alias="parent.code")
    admin_unit_code: str | None = SchemaField(None, alias="admin_unit.code")
    address: str
    phone: str
    email: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class AgencyDetailOut(AgencyOut):
    website: str
    contacts: list[ContactOut]
    successors: list[str]
    predecessors: list[str]

    @staticmethod
    def resolve_successors(obj) -> list[str]:
        return [agency.code for agency in obj.successors.all()]

    @staticmethod
    def resolve_predecessors(obj) -> list[str]:
        return [agency.code for agency in obj.predecessors.all()]


class AdminUnitOut(Schema):
    code: str
    name: str
    short_name: str
    unit_type: str
    level: str
    parent_code: str | None = SchemaField(None, alias="parent.code")


@router.get("/agencies", response=list[AgencyOut], summary="Danh sách cơ quan")
def agency_list(request: HttpRequest, kind: str = "", parent: str = ""):
    return list(selectors.agency_list(kind=kind or None, parent_code=parent or None))


@router.get("/agencies/{code}", response=AgencyDetailOut, summary="Chi tiết cơ quan")
def agency_detail(request: HttpRequest, code: str):
    return selectors.agency_get(code=code)


@router.get("/admin-units", response=list[AdminUnitOut], summary="Đơn vị hành chính (tỉnh; xã theo tỉnh)")
def admin_unit_list(request: HttpRequest, parent: str = "", level: str = ""):
    """Without ``parent``: the 34 provinces. With ``parent=<province code>``: its communes."""
    if not parent and not level:
        level = "province"
    return list(
        selectors.admin_unit_list(parent_code=parent or None, level=level or None).select_related("parent")
    )
