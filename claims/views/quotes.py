"""Quotes to check (``/quotes/``): every piece of evidence whose quote a
re-parse left ``changed`` or ``orphaned``, with the analyst's selected words
against the words now there, and what a person can do about it: confirm the
new words, select the passage again in the reader, or unlink it."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.roles import is_analyst
from sources.models import AnchorStateChoices
from sources.text.diff import word_diff

from .. import selectors, services
from ..models import Evidence
from .base import analyst_required, error_response

PAGE_SIZE = 25


def quote_diff(evidence: Evidence) -> str:
    """The selected words against the words the quote points at now."""
    excerpt = evidence.excerpt
    selected = excerpt.selected or excerpt.exact
    return mark_safe(word_diff(selected, excerpt.exact))  # noqa: S308 - word_diff escapes all text


@require_GET
def quotes_page(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in (AnchorStateChoices.CHANGED, AnchorStateChoices.ORPHANED):
        state = ""
    page = Paginator(selectors.quotes_to_check(state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = [{"evidence": e, "diff": quote_diff(e)} for e in page]
    return render(
        request,
        "claims/quotes.html",
        {
            "page": page,
            "items": items,
            "state": state,
            "total": selectors.quotes_to_check_count(),
            "can_fix": is_analyst(request.user),
        },
    )


def _act(request: HttpRequest, pk: int, service: Callable[..., object], done: str) -> HttpResponse:
    """Run one service on the pair; htmx gets the item's new state (or the
    message, in the item), a plain form goes back to the list."""
    try:
        service(evidence_id=pk, user=request.user)
    except ApplicationError as exc:
        return error_response([exc.message], status=exc.status, retarget=f"#quote-{pk} .errors")
    if request.htmx:
        return render(request, "claims/_quote_done.html", {"message": done})
    return redirect(reverse("claims:quotes"))


@require_POST
@analyst_required
def quote_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    done = "Confirmed: the quote now shows the new words (relocated)."
    return _act(request, pk, services.evidence_confirm, done)


@require_POST
@analyst_required
def quote_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    done = "Unlinked: the pair is gone from the claim (the excerpt stays)."
    return _act(request, pk, services.evidence_unlink, done)
