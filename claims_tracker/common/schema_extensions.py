"""drf-spectacular extensions: how our API authenticates, and what every GET
may answer. Imported by ``claims_tracker.urls`` so that they are
registered before any schema is generated."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Token <key>`` with a named, revocable token created on
    the profile page or at ``/api/tokens/``."""

    target_class = "claims_tracker.common.tokens.ApiTokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A named API token: `Authorization: Token <key>`. Create one on your profile "
                "page or with `POST /api/tokens/`; it carries your role."
            ),
        }


def add_not_modified(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """Every successful JSON GET carries a weak ``ETag``; a request with a
    matching ``If-None-Match`` gets ``304`` with no body. Say so."""
    for path_item in result.get("paths", {}).values():
        operation = path_item.get("get")
        if not operation:
            continue
        responses = operation.setdefault("responses", {})
        ok = responses.get("200")
        if ok is None:
            continue
        ok.setdefault("headers", {})["ETag"] = {
            "description": "Weak validator of the body; send it back as `If-None-Match`.",
            "schema": {"type": "string"},
        }
        responses.setdefault(
            "304", {"description": "Not modified: the `If-None-Match` ETag still matches."}
        )
    return result
