"""Error bodies, described once for the OpenAPI schema.

Every error is JSON ``{"detail": str, "code": str, ...}`` (see
``claims_tracker.common.api.exception_handler``). A validation error also
carries DRF's per-field messages next to ``detail``, e.g.
``{"detail": "exact: This field is required.", "code": "invalid",
"exact": ["This field is required."]}``.
"""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(help_text="What went wrong, for a person."),
        "code": serializers.CharField(help_text="A short machine-readable identifier."),
    },
)

ValidationErrorSerializer = inline_serializer(
    name="ValidationError",
    fields={
        "detail": serializers.CharField(help_text="The first problem, for a person."),
        "code": serializers.CharField(help_text="`invalid`, or a more specific identifier."),
    },
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


BAD_REQUEST = {
    400: OpenApiResponse(
        ValidationErrorSerializer,
        description=(
            "Invalid input. `detail` says what to fix; every other key is a field "
            "with its list of messages."
        ),
    )
}
AUTH_ERRORS = {
    401: _error("Not signed in: send a session cookie or `Authorization: Token <key>`."),
    403: _error("Your role may not do this (or the CSRF check of a session failed)."),
    429: _error("Too many requests for this token (`API_TOKEN_RATE`); retry after `Retry-After`."),
}
NOT_FOUND = {404: _error("No such object (or no such page).")}
CONFLICT = {409: _error("Someone else changed it first; nothing was changed.")}
TOO_LARGE = {413: _error("The input is larger than `INGEST_MAX_BYTES`.")}
UNSUPPORTED_MEDIA = {415: _error("Unsupported content type of the request body.")}

#: Reads: bad filters (400), auth, missing objects or pages.
ERROR_RESPONSES = {**BAD_REQUEST, **AUTH_ERRORS, **NOT_FOUND}
#: Writes: everything a read may answer, plus a body in an unsupported type.
WRITE_ERRORS = {**ERROR_RESPONSES, **UNSUPPORTED_MEDIA}
