"""What the claims pages share: the 404 lookups, the analysts-only guard of
htmx actions and the 4xx answer that carries a message for htmx to show."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string

from claims_tracker.common.roles import is_analyst, page_requires
from sources import selectors as source_selectors
from sources.models import Source

from .. import selectors
from ..models import Claim

ERROR_HEADER = "X-Show-Error"  # reader.js lets htmx swap 4xx responses carrying it


def source_or_404(pk: int) -> Source:
    try:
        return source_selectors.source_detail(source_id=pk)
    except Source.DoesNotExist as exc:
        raise Http404("No such source.") from exc


def claim_or_404(pk: int) -> Claim:
    try:
        return selectors.claim_detail(claim_id=pk)
    except Claim.DoesNotExist as exc:
        raise Http404("No such claim.") from exc


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def error_response(errors: list[str], *, status: int, retarget: str = "") -> HttpResponse:
    """A 4xx answer carrying the message; ``retarget`` (a CSS selector) makes
    htmx show it there instead of replacing what the request targeted."""
    response = HttpResponse(
        render_to_string("claims/_error.html", {"errors": errors}),
        status=status,
        content_type="text/html; charset=utf-8",
    )
    response[ERROR_HEADER] = "1"
    if retarget:
        response["HX-Retarget"] = retarget
        response["HX-Reswap"] = "innerHTML"
    return response


def _refuse_fragment(request: HttpRequest, message: str) -> HttpResponse:
    return error_response([message], status=403)


# Writes are for analysts and editors: others get a 403 with a message the
# panel can show.
analyst_required = page_requires(
    is_analyst,
    "Only analysts and editors may link or change evidence.",
    refuse=_refuse_fragment,
)
