"""Ratings over the API: the owner rates a returned dossier; staff read their own agencies' ratings.

``POST /ho-so/{id}/danh-gia``: the dossier's owner (bearer token or session). A dossier that is not the
caller's is 404; not returned or already rated is 409 ``{detail, code}``; bad input is 422.
``GET /danh-gia``: staff with a role at an agency and the second factor; only their agencies' ratings.
"""

from __future__ import annotations

import datetime
import math
import uuid

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from dichvucong.accounts.api import Message, has_second_factor, token_or_session
from dichvucong.core.api_schemas import FieldError
from dichvucong.dossiers import selectors as dossier_selectors
from dichvucong.ratings import selectors, services
from dichvucong.ratings.models import Rating

router = Router(tags=["Đánh giá mức độ hài lòng"], auth=token_or_session)

NOT_FOUND = "Không tìm thấy hồ sơ."
STAFF_ONLY = "Chức năng dành cho cán bộ đã xác thực hai lớp."


class RatingIn(Schema):
    level: int = Field(description="Mức độ hài lòng: 5 rất hài lòng … 1 rất không hài lòng")
    criteria: dict[str, int] = Field(
        default_factory=dict, description="Tiêu chí (khóa trong ratings.criteria) → 1..5; bỏ qua được"
    )
    comment: str = Field("", max_length=services.COMMENT_MAX)


class RatingOut(Schema):
    dossier_code: str | None
    agency_code: str
    level: int
    level_label: str
    criteria: dict[str, int]
    comment: str
    via: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_dossier_code(obj) -> str | None:
        return obj.dossier.code

    @staticmethod
    def resolve_agency_code(obj) -> str:
        return obj.agency.code

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(obj.get_level_display())


class RatingConflict(Schema):
    detail: str
    code: str = Field(description="not_returned: hồ sơ chưa trả kết quả; already: đã đánh giá")


class RatingCriterionAverageOut(Schema):
    key: str
    label: str
    average: float | None


class RatingAveragesOut(Schema):
    count: int
    level: float | None
    criteria: list[RatingCriterionAverageOut]


class RatingPageOut(Schema):
    count: int
    page: int
    pages: int
    averages: RatingAveragesOut
    results: list[RatingOut]


class RatingListParams(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=100)
    since: datetime.date | None = None
    until: datetime.date | None = None
    level: int | None = Field(None, ge=1, le=5)
    agency: str = Field("", max_length=40, description="Mã một cơ quan của bạn")


@router.post(
    "/ho-so/{public_id}/danh-gia",
    response={201: RatingOut, 401: Message, 404: Message, 409: RatingConflict, 422: FieldError},
    summary="Đánh giá hồ sơ đã trả kết quả",
    operation_id="dichvucong_ratings_api_rating_submit",
)
def rating_submit(request: HttpRequest, public_id: uuid.UUID, payload: RatingIn):
    try:
        dossier = dossier_selectors.dossier_access(user=request.auth, public_id=public_id)
        rating = services.rating_submit(
            dossier=dossier,
            level=payload.level,
            criteria=payload.criteria,
            comment=payload.comment,
            via=Rating.Via.ONLINE,
            rated_by=request.auth,
        )
    except Http404:
        return Status(404, {"detail": NOT_FOUND})
    except services.RatingError as error:
        if error.code == "not_found":
            return Status(404, {"detail": NOT_FOUND})
        if error.code in {"not_returned", "already"}:
            return Status(409, {"detail": error.message, "code": error.code})
        return Status(422, {"detail": error.message, "field": error.field})
    rating = Rating.objects.select_related("dossier", "agency").get(pk=rating.pk)
    return Status(201, rating)


@router.get(
    "/danh-gia",
    response={200: RatingPageOut, 401: Message, 403: Message},
    summary="Đánh giá của cơ quan tôi",
    operation_id="dichvucong_ratings_api_rating_list",
)
def rating_list(request: HttpRequest, params: Query[RatingListParams]):
    if not has_second_factor(request) or not selectors.rating_agencies(user=request.auth).exists():
        return Status(403, {"detail": STAFF_ONLY})
    filters = selectors.RatingFilter(
        since=params.since, until=params.until, level=params.level, agency_code=params.agency
    )
    queryset = selectors.rating_list_for_staff(user=request.auth, filters=filters)
    averages = selectors.rating_averages(queryset)
    start = (params.page - 1) * params.page_size
    return Status(
        200,
        {
            "count": averages["count"],
            "page": params.page,
            "pages": max(1, math.ceil(averages["count"] / params.page_size)),
            "averages": {
                **averages,
                "criteria": [{**c, "label": str(c["label"])} for c in averages["criteria"]],
            },
            "results": list(queryset[start : start + params.page_size]),
        },
    )
