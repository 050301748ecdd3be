from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from ninja import Field as SchemaField
from ninja import Query, Router, Schema

from dichvucong.catalogue import caching, selectors

router = Router(tags=["Thủ tục hành chính"])


class FieldOut(Schema):
    slug: str
    name: str
    procedure_count: int | None = None


class ProcedureSummaryOut(Schema):
    code: str
    name: str
    field: str | None = SchemaField(None, alias="field.name")
    levels: list[str]
    service_level: str
    status: str

    @staticmethod
    def resolve_levels(obj) -> list[str]:
        return [level.code for level in obj.levels.all()]


class SearchOut(Schema):
    count: int
    page: int
    pages: int
    fuzzy: bool
    suggestion: str = SchemaField("", description="Từ khóa đã sửa chính tả, khi kết quả là của từ khóa này")
    results: list[ProcedureSummaryOut]


class SearchParams(Schema):
    q: str = SchemaField("", max_length=2000, description="Từ khóa, có hoặc không dấu")
    field: str = ""
    agency: str = ""
    level: str = ""
    service_level: str = ""
    life_event: str = ""
    page: int = SchemaField(1, ge=1, le=100000)
    page_size: int = SchemaField(20, ge=1, le=100)


class ChannelOut(Schema):
    channel: str
    duration_value: Decimal | None
    duration_unit: str
    duration_text: str
    description: str


class FeeOut(Schema):
    channel: str
    kind: str
    name: str
    amount: int | None
    currency: str
    per: str
    is_free: bool
    note: str


class ProcedureComponentOut(Schema):
    case: str
    name: str
    form_name: str
    original_count: int
    copy_count: int
    required: bool
    form_code: str = SchemaField("", description="Mẫu tờ khai tải về: /mau-to-khai/<form_code>.pdf")
    eform_replaces_upload: bool = SchemaField(
        False, description="Nộp trực tuyến: biểu mẫu điện tử thay cho việc tải tờ khai lên"
    )


class ComponentCaseOut(Schema):
    case: str = SchemaField(..., description="Trường hợp; rỗng: giấy tờ chung cho mọi trường hợp")
    components: list[ProcedureComponentOut]


class ProcedureResultOut(Schema):
    name: str
    code: str


class LegalBasisOut(Schema):
    title: str
    number: str


class VersionOut(Schema):
    number: int
    effective_from: datetime.date | None
    effective_to: datetime.date | None
    decision_number: str
    procedure_type: str
    target_groups: list[str]
    competent_authority: str
    implementing_agency: str
    coordinating_agency: str
    steps: str
    conditions: str
    no_appointment_date: bool
    channels: list[ChannelOut]
    fees: list[FeeOut]
    components: list[ProcedureComponentOut]
    cases: list[ComponentCaseOut] = SchemaField(
        [],
        alias="component_groups",
        description="Thành phần hồ sơ theo trường hợp, theo thứ tự của nguồn: các thành phần liền nhau "
        "cùng một trường hợp là một nhóm",
    )
    results: list[ProcedureResultOut]
    legal_bases: list[LegalBasisOut]


class ProcedureOfferingOut(Schema):
    local_code: str
    agency_code: str = SchemaField(..., alias="agency.code")
    agency_name: str = SchemaField(..., alias="agency.name")
    service_level: str
    online_duration_value: Decimal | None
    online_duration_unit: str
    fees: list[FeeOut]


class ProcedureDetailOut(ProcedureSummaryOut):
    issuing_agency: str
    life_events: list[str]
    version: VersionOut | None = SchemaField(None, alias="version_in_force")
    offerings: list[ProcedureOfferingOut] = SchemaField(..., alias="offering_list")

    @staticmethod
    def resolve_life_events(obj) -> list[str]:
        return [event.slug for event in obj.life_events.all()]


@router.get("/procedures", response=SearchOut, summary="Tìm kiếm thủ tục hành chính")
def procedure_search(request: HttpRequest, params: Query[SearchParams]):
    filters = selectors.SearchFilters(
        query=params.q,
        field=params.field,
        agency=params.agency,
        level=params.level,
        service_level=params.service_level,
        life_event=params.life_event,
    )
    page_size = min(params.page_size, settings.DVC_API_MAX_PAGE_SIZE)

    def build() -> dict:
        result = selectors.procedure_search(filters=filters, page_number=params.page, page_size=page_size)
        payload = {
            "count": result.total,
            "page": result.page.number,
            "pages": result.page.paginator.num_pages,
            "fuzzy": result.fuzzy,
            "suggestion": result.suggestion,
            "results": list(result.page.object_list),
        }
        return SearchOut.model_validate(payload).model_dump(mode="json")

    # Identical searches within a minute are answered from the cache (plain JSON-ready data).
    # The cached data was validated against SearchOut when built, so it is sent as it is.
    data = caching.cached("api-search", (repr(filters), params.page, page_size), build)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@router.get("/procedures/{code}", response=ProcedureDetailOut, summary="Chi tiết thủ tục hành chính")
def procedure_detail(request: HttpRequest, code: str):
    detail = selectors.procedure_detail(code=code)
    procedure = detail.procedure
    procedure.version_in_force = detail.version
    if detail.version is not None:
        detail.version.component_groups = detail.component_groups
    procedure.offering_list = detail.offerings
    return procedure


@router.get("/fields", response=list[FieldOut], summary="Lĩnh vực")
def field_list(request: HttpRequest):
    return list(selectors.field_list())
