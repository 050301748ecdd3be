"""What every route of the dossiers API shares: the errors it answers with, paging, reading a body."""

from __future__ import annotations

import json
import math
import uuid

import pydantic
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Status

from dichvucong.accounts.api import Message
from dichvucong.dossiers import forms, selectors
from dichvucong.dossiers.api.schemas import FormErrors, PageParams
from dichvucong.dossiers.errors import DossierError
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.workflow import TransitionRefused

NOT_FOUND = "Không tìm thấy hồ sơ."
DRAFT_FORM_FIELDS = tuple(forms.DraftForm.base_fields)  # the draft fields plus "request" (kept in form_data)

HANDLED = (Http404, PermissionDenied, DossierError, TransitionRefused)

# A malformed path, query or body is answered 422 FormErrors too (core.api_schemas).
AUTHED = {401: Message, 404: Message, 422: FormErrors}


def error_status(exc: Exception) -> Status:
    if isinstance(exc, DossierError):
        return Status(422, {"detail": exc.message, "field": exc.field})
    if isinstance(exc, TransitionRefused) and exc.code != "forbidden":
        return Status(409, {"detail": exc.message, "code": exc.code})
    return Status(404, {"detail": NOT_FOUND})


def mine(request: HttpRequest, public_id: uuid.UUID) -> Dossier:
    return selectors.dossier_access(user=request.auth, public_id=public_id)


def page_of(queryset, params: PageParams) -> dict:
    count = queryset.count()
    start = (params.page - 1) * params.page_size
    return {
        "count": count,
        "page": params.page,
        "pages": max(1, math.ceil(count / params.page_size)),
        "results": list(queryset[start : start + params.page_size]),
    }


def body_fields(request: HttpRequest) -> dict:
    """The fields of a JSON or form body (multipart or urlencoded)."""
    if request.content_type == "application/json":
        data = json.loads(request.body or b"{}")  # ValueError when it is not JSON
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return data
    return request.POST.dict()


def schema_errors(error: pydantic.ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in error.errors():
        errors.setdefault(str(item["loc"][0]) if item["loc"] else "__all__", []).append(item["msg"])
    return errors
