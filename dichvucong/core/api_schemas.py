"""The error shapes every API operation shares, and the one answer to a request ninja cannot read.

A body, query or path that does not match the operation's schema answers 422 ``FormErrors`` (the same shape
as a form the service refuses: a sentence and the messages per field), and a body that is not JSON answers
400 ``Message``. :func:`document_request_errors` adds both to every operation that reads a request, so the
OpenAPI document says what the API does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.operation import Operation
from ninja.parser import Parser
from ninja.utils import normalize_path

NON_FIELD = "__all__"  # as Django forms name errors that belong to no one field
BODY_SOURCES = {"body", "form", "file"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
NUL_ERROR = "string_nul"


class Message(Schema):
    detail: str


class FormErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


class FieldError(Schema):
    detail: str
    field: str | None


def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("Trường này là bắt buộc.")
    if kind == NUL_ERROR:
        return _("Không được chứa ký tự NUL.")
    if kind == "string_too_long":
        return _("Tối đa %(count)s ký tự.") % {"count": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Tối thiểu %(count)s ký tự.") % {"count": ctx.get("min_length")}
    if kind in {"greater_than", "greater_than_equal"}:
        return _("Giá trị phải từ %(limit)s trở lên.") % {"limit": ctx.get("gt", ctx.get("ge"))}
    if kind in {"less_than", "less_than_equal"}:
        return _("Giá trị không được vượt quá %(limit)s.") % {"limit": ctx.get("lt", ctx.get("le"))}
    if kind.startswith(("int_", "float_", "decimal_")):
        return _("Phải là một số.")
    if kind.startswith("uuid_"):
        return _("Mã không hợp lệ.")
    if kind.startswith(("date_", "datetime_", "time_")):
        return _("Ngày giờ không hợp lệ (định dạng yyyy-mm-dd).")
    if kind.startswith("bool_"):
        return _("Phải là true hoặc false.")
    if kind in {"literal_error", "enum"}:
        return _("Giá trị không nằm trong danh sách cho phép.")
    if kind.startswith(("string_", "list_", "dict_", "model_")):
        return _("Sai kiểu dữ liệu.")
    return _("Giá trị không hợp lệ.")


def _field(loc: tuple | list) -> str:
    """("body", "phone") -> "phone"; ("query", "page") -> "page"; ("body",) -> __all__."""
    return ".".join(str(part) for part in loc[1:]) or NON_FIELD


def form_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Ninja's validation errors as ``FormErrors.errors``: the messages per field, in order, no repeats."""
    result: dict[str, list[str]] = {}
    for error in errors:
        loc = error.get("loc")
        field = _field(loc) if isinstance(loc, list | tuple) else NON_FIELD
        message = _message(error) if "type" in error else _("Giá trị không hợp lệ.")
        messages = result.setdefault(field, [])
        if message not in messages:
            messages.append(message)
    return result


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


class PortalParser(Parser):
    """JSON bodies, query strings and forms without NUL characters: PostgreSQL refuses them in text (a
    ``DataError``, so a 500), and no field of this API has a use for them."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if _has_nul(data):
            raise ValueError("NUL character in the body")  # ninja answers 400 "Cannot parse request body"
        return data

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict:
        result = super().parse_querydict(data, list_fields, request)
        source = "query" if data is request.GET else "form"
        errors = [
            {"type": NUL_ERROR, "loc": (source, str(key).replace("\x00", "")), "msg": "NUL character"}
            for key, value in result.items()
            if _has_nul(key) or _has_nul(value)
        ]
        if errors:
            raise ValidationError(errors)
        return result


class PortalAPI(NinjaAPI):
    """NinjaAPI answering a request it cannot read in the project's error shape (422 ``FormErrors``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parser", PortalParser())
        super().__init__(*args, **kwargs)
        self.add_exception_handler(ValidationError, self._invalid_request)

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        errors = []
        for context in error_contexts:
            single = getattr(context.model, "__read_from_single_attr__", None)
            for error in super().validation_error_from_error_contexts([context]).errors:
                loc = tuple(error["loc"])
                if single and loc[1:2] == (single,):
                    # a single schema body is read as {name: body}: its fields are not under that name
                    error["loc"] = loc[:1] + loc[2:]
                errors.append(error)
        return ValidationError(errors)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        """The OpenAPI document, built once per process and language (building it costs ~1–3 s of CPU: an
        anonymous request for /openapi.json must not be able to buy that at will)."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, get_language())
        cache = self.__dict__.setdefault("_openapi_cache", {})
        if key not in cache:
            cache[key] = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return cache[key]

    def _invalid_request(self, request: HttpRequest, exc: ValidationError) -> HttpResponse:
        body = {"detail": _("Dữ liệu gửi lên chưa hợp lệ."), "errors": form_errors(list(exc.errors))}
        return self.create_response(request, body, status=422)


def api_operations(api: NinjaAPI) -> Iterator[tuple[str, Operation]]:
    """Every operation the API serves (as mounted: child routers included, auth inherited), with its path
    under the API's root. Binds the routers: add every router first."""
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                yield normalize_path(f"/{bound.prefix}/{path}"), operation


def document_request_errors(api: NinjaAPI) -> list[str]:
    """Document what ninja itself answers: 422 ``FormErrors`` on every operation that reads a body, query
    or path, 400 ``Message`` when it parses a body, 404 when it takes a path parameter, 401 when it needs
    a credential, 403 when a session credential needs its CSRF token. Call after the routers are added.
    Returns the operations it changed."""
    changed = []
    for path, operation in api_operations(api):
        sources = {model.__ninja_param_source__ for model in operation.models}
        responses = operation.response_models
        # With one declared status ninja answers it by default; with more, 200: a view whose only status
        # is not 200 returns Status() (all do; one that did not would answer 500, which the schemathesis
        # suite reports).
        added = {}
        if sources and 422 not in responses:
            added[422] = FormErrors
        elif sources:
            declared = responses[422].model_fields["response"].annotation
            if declared is not FormErrors and FormErrors not in get_args(declared):
                added[422] = declared | FormErrors
        if sources & BODY_SOURCES and 400 not in responses:
            added[400] = Message
        if "path" in sources and 404 not in responses:
            added[404] = Message  # a path naming nothing (ninja's Http404 answer)
        if operation.auth_callbacks and 401 not in responses:
            added[401] = Message  # no or a wrong credential (ninja's answer)
        csrf = any(getattr(auth, "csrf", False) for auth in operation.auth_callbacks)
        if csrf and set(operation.methods) - SAFE_METHODS and 403 not in responses:
            added[403] = Message  # a session without its CSRF token ("CSRF check Failed")
        if added:
            responses.update(operation._create_response_model_multiple(added))
            changed.append(f"{'/'.join(operation.methods)} {path}")
    return changed
