"""API plumbing shared by every app: pagination, errors, throttling, conditional GET."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

import django_filters
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import InvalidPage
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views.decorators.csrf import csrf_exempt
from django_filters.fields import IsoDateTimeField
from rest_framework import exceptions, status
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.utils.urls import replace_query_param

from .changes import sync_since_horizon
from .errors import ApplicationError
from .uploads import UploadTooLarge

#: The largest id a client may send: bigger numbers cannot be any row's id
#: (and SQLite cannot even compare them), so they are refused as input.
MAX_ID = 2**63 - 1


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """An aware date-time in UTC. Python accepts offsets up to ±24h, PostgreSQL
    only up to ±16h: sending UTC avoids a database error on odd but valid input.
    Dates beyond what UTC can hold are clamped."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        return (
            dt.datetime.max.replace(tzinfo=dt.UTC)
            if value.year > 1
            else dt.datetime.min.replace(tzinfo=dt.UTC)
        )


class UtcDateTimeField(IsoDateTimeField):
    def clean(self, value):
        return as_utc(super().clean(value))


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time filter that queries in UTC (see ``as_utc``)."""

    field_class = UtcDateTimeField


def parse_iso_datetime(raw: str, *, name: str) -> dt.datetime:
    """A required ISO 8601 date-time query parameter, in UTC, or a 400."""
    try:
        value = UtcDateTimeField().clean(raw)
    except DjangoValidationError:
        value = None
    if value is None:
        raise ApplicationError(
            f"{name} must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z.", code="invalid"
        )
    return value


def _page_size_parameter(paginator: Any) -> dict[str, Any]:
    """The OpenAPI description of ``?page_size=``, the same for every list."""
    return {
        "name": paginator.page_size_query_param,
        "required": False,
        "in": "query",
        "description": f"Results per page (default {paginator.page_size}, at most "
        f"{paginator.max_page_size}; larger values are capped).",
        "schema": {"type": "integer", "minimum": 1},
    }


class Pagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}``; ``?page_size=`` up to 500
    (larger values are capped, not refused). A ``page`` that is not a number
    is a 400; a number past the last page is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def page_number(self, request, *, allow_last: bool = True) -> int | None:
        """The page asked for: a whole number from 1, or None for "last" when
        ``allow_last``; anything else is a 400."""
        raw_page = request.query_params.get(self.page_query_param, "1")
        if allow_last and raw_page in self.last_page_strings:
            return None
        try:
            number = int(raw_page)
        except (TypeError, ValueError):
            raise ApplicationError(
                f"page must be a whole number (1 or more), not “{raw_page[:40]}”.",
                code="invalid_page",
            ) from None
        if number < 1:
            raise ApplicationError("page starts at 1.", code="invalid_page")
        return number

    def paginate_queryset(self, queryset, request, view=None):
        self.page_number(request)
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as exc:
            raise ApplicationError(str(exc.detail), code="not_found", status=404) from exc
        except InvalidPage as exc:  # pragma: no cover - DRF wraps it as NotFound
            raise ApplicationError(str(exc), code="not_found", status=404) from exc

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            _page_size_parameter(self),
        ]


def _first_message(data: Any) -> str:
    """The first human message in a DRF error structure."""
    if isinstance(data, dict):
        for key, value in data.items():
            message = _first_message(value)
            if message:
                if key in ("detail", "non_field_errors", api_settings.NON_FIELD_ERRORS_KEY):
                    return message
                return f"{key}: {message}"
        return ""
    if isinstance(data, list):
        for item in data:
            message = _first_message(item)
            if message:
                return message
        return ""
    return str(data)


def _code_of(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return getattr(exc, "default_code", "error")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error is JSON: ``{"detail": str, "code": str, ...}``.

    Validation errors keep DRF's per-field lists next to ``detail`` (which
    summarises the first one), so clients can show a message or map fields.
    """
    # Imported here: rest_framework.views reads DEFAULT_THROTTLE_CLASSES (this
    # module) while it is imported, so a module-level import would be circular.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, UploadTooLarge):
        return Response(
            {"detail": str(exc), "code": "too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(
            {"detail": f"The request body is larger than {limit:,} bytes.", "code": "too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, TooManyFieldsSent):
        return Response({"detail": str(exc), "code": "invalid"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    data = response.data
    if isinstance(data, list):
        data = {"detail": _first_message(data) or "Invalid input."}
    elif isinstance(data, dict):
        data = dict(data)
        detail = data.get("detail")
        if not isinstance(detail, str):
            data["detail"] = _first_message(data) or "Invalid input."
    else:
        data = {"detail": str(data)}
    data.setdefault("code", _code_of(exc))
    response.data = data
    return response


class TokenRateThrottle(SimpleRateThrottle):
    """Per-token (or per-user for sessions) request rate.

    The rate is ``settings.API_TOKEN_RATE`` when set, else the ``token`` rate
    in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (from the ``API_TOKEN_RATE``
    environment variable); both are read per request so tests can override them.
    Keyed by the token itself, so each of a user's tokens has its own budget.
    """

    scope = "token"

    def get_rate(self) -> str | None:
        rate = getattr(settings, "API_TOKEN_RATE", None)
        if rate:
            return rate
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        auth = request.auth
        ident = f"t{auth.pk}" if getattr(auth, "pk", None) else f"u{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any other path under /api/: a JSON 404 (whatever the method), like
    every API error."""
    return JsonResponse(
        {"detail": f"No API endpoint at {request.path}.", "code": "not_found"}, status=404
    )


class ConditionalGetMixin:
    """A weak ETag (a digest of the rendered body) on every successful GET;
    ``If-None-Match`` answers ``304 Not Modified``. A digest of the body is
    never stale, unlike ``updated_at``, which misses changes of nested
    objects (a pair's re-anchored quote, a source's evidence count) and has a
    resolution of one second in ``Last-Modified``. Streaming answers are left
    alone.

    Django does the comparing (``get_conditional_response``). Its
    ``ConditionalGetMiddleware`` would also put strong ETags on every HTML
    page and its ``condition`` decorator needs the ETag before the body is
    rendered; neither fits without changing what clients see."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != status.HTTP_200_OK
            or getattr(response, "streaming", False)
            or not isinstance(response, Response)
        ):
            return response
        response.render()
        digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
        response["ETag"] = f'W/"{digest}"'
        return get_conditional_response(request, etag=response["ETag"], response=response)


class KeysetPagination(BasePagination):
    """Keyset pages: ``{"next", "previous", "results"}``, where ``next`` and
    ``previous`` carry an opaque ``cursor`` (the last row's ordering values,
    the last of which must be unique, e.g. ``id``).

    Unlike offset pages, a row deleted or inserted between two requests
    shifts nothing: the next page starts after the last row served, by value.
    ``?page_size=`` up to 500, like the other lists.
    """

    page_size = Pagination.page_size
    max_page_size = Pagination.max_page_size
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def __init__(
        self,
        ordering: Sequence[str] = ("-created_at", "-id"),
        key: Callable[[Any], Sequence[Any]] | None = None,
        with_count: bool = False,
    ) -> None:
        self.ordering = tuple(ordering)
        self.with_count = with_count
        self.count: int | None = None
        self.fields = tuple(name.lstrip("-") for name in self.ordering)
        self.key = key or (lambda row: tuple(getattr(row, name) for name in self.fields))

    # --- cursors -------------------------------------------------------------------

    def _encode(self, *, back: bool, position: Sequence[Any]) -> str:
        values = [{"t": v.isoformat()} if isinstance(v, dt.datetime) else v for v in position]
        raw = json.dumps({"b": int(back), "p": values}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, value: str) -> tuple[bool, list[Any]]:
        try:
            raw = base64.urlsafe_b64decode((value + "=" * (-len(value) % 4)).encode())
            data = json.loads(raw)
            position = [
                dt.datetime.fromisoformat(v["t"]) if isinstance(v, dict) else int(v)
                for v in data["p"]
            ]
            if len(position) != len(self.fields):
                raise ValueError("wrong length")
            return bool(data["b"]), position
        except (ValueError, TypeError, KeyError, binascii.Error, json.JSONDecodeError):
            raise ApplicationError(
                "cursor must be one this list handed out (follow `next` or `previous`).",
                code="invalid_cursor",
            ) from None

    @staticmethod
    def _beyond(ordering: Sequence[str], position: Sequence[Any]) -> Q:
        """Rows after ``position`` in ``ordering`` (a lexicographic comparison)."""
        condition = Q(pk__in=[])
        equal = Q()
        for name, value in zip(ordering, position, strict=True):
            field = name.lstrip("-")
            lookup = "lt" if name.startswith("-") else "gt"
            condition |= equal & Q(**{f"{field}__{lookup}": value})
            equal &= Q(**{field: value})
        return condition

    # --- DRF's pagination interface ---------------------------------------------------

    def get_page_size(self, request) -> int:
        try:
            size = int(request.query_params.get(self.page_size_query_param, self.page_size))
        except (TypeError, ValueError):
            size = self.page_size
        return max(1, min(size, self.max_page_size))

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        raw = request.query_params.get(self.cursor_query_param)
        back, position = self._decode(raw) if raw else (False, None)
        if self.with_count:
            self.count = queryset.count()
        ordering = (
            [name[1:] if name.startswith("-") else f"-{name}" for name in self.ordering]
            if back
            else list(self.ordering)
        )
        queryset = queryset.order_by(*ordering)
        if position is not None:
            queryset = queryset.filter(self._beyond(ordering, position))
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if back:
            rows.reverse()
        # Going forward, there is more ahead when the query found it, and
        # something behind when we started from a position; backward, the same
        # the other way round.
        ahead, behind = (position is not None, more) if back else (more, position is not None)
        self._next = self._previous = None
        if rows:
            if ahead:
                self._next = self._encode(back=False, position=self.key(rows[-1]))
            if behind:
                self._previous = self._encode(back=True, position=self.key(rows[0]))
        elif position is not None:  # past either end: only the way back
            if back:
                self._next = self._encode(back=False, position=position)
            else:
                self._previous = self._encode(back=True, position=position)
        return rows

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_next_link(self) -> str | None:
        return self._link(self._next)

    def get_previous_link(self) -> str | None:
        return self._link(self._previous)

    def get_paginated_response(self, data: list[Any], **extra: Any) -> Response:
        counted = {"count": self.count} if self.with_count else {}
        return Response(
            {
                **counted,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
                **extra,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        counted = Pagination.get_paginated_response_schema(self, schema)
        del counted["properties"]["count"]
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                **counted["properties"],
                "next_since": {
                    "type": "string",
                    "format": "date-time",
                    "description": "With `updated_since`: the `updated_since` to use next round.",
                },
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position: follow `next` / `previous`.",
                "schema": {"type": "string"},
            },
            _page_size_parameter(self),
        ]


class SyncPaginationMixin:
    """A list clients sync from: with ``updated_since`` it is served in keyset
    pages in ``sync_ordering`` (oldest change first), and every page says
    ``next_since``: the ``updated_since`` to use next round, taken before the
    rows were read (see ``sync_since_horizon``). Without it, the usual pages."""

    sync_ordering: tuple[str, ...] = ("updated_at", "id")

    def sync_mode(self) -> bool:
        return bool(self.request.query_params.get("updated_since"))

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            if self.sync_mode():
                self._paginator = self.keyset_paginator()
            else:
                # Imported here: rest_framework.generics imports this module's
                # throttle (through its settings) while it loads.
                from rest_framework.generics import GenericAPIView

                self._paginator = GenericAPIView.paginator.fget(self)
        return self._paginator

    def keyset_paginator(self) -> KeysetPagination:
        # Keeps the list's `count`, so its pages have one shape in both modes.
        return KeysetPagination(self.sync_ordering, with_count=True)

    def paginate_queryset(self, queryset):
        if self.sync_mode():
            self._next_since = sync_since_horizon()
        return super().paginate_queryset(queryset)

    def get_paginated_response(self, data):
        if self.sync_mode() and isinstance(self.paginator, KeysetPagination):
            return self.paginator.get_paginated_response(
                data, next_since=self._next_since.isoformat().replace("+00:00", "Z")
            )
        return super().get_paginated_response(data)
