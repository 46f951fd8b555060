"""The editors' review pages: the queue of contested claims and the verdict form.

The verdict form posts with htmx (and works as a plain form without
JavaScript). Every verdict goes through ``claims.services.claim_review``,
which locks the claim and refuses a stale version; the refusal is shown with
the claim's new state so the editor can decide again knowingly.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh, retarget

from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.paging import page_of
from claims_tracker.common.roles import is_editor, page_requires

from .. import review_selectors, selectors, services
from ..models import Claim, Verdict
from .base import int_or_none

PAGE_SIZE = 10
# Where the verdict form sits: the queue (the card leaves the queue on
# success) or the claim page (the page reloads to show the new verdict).
QUEUE, CLAIM_PAGE = "queue", "claim"


editors_only = page_requires(is_editor, "Only editors may review claims and set verdicts.")


@require_GET
@editors_only
def review_queue_page(request: HttpRequest) -> HttpResponse:
    # Most independent voices first (issue 14); each card's summary stays
    # bounded (issue 15's ``review_cards``).
    page = page_of(
        selectors.review_queue_by_voices(), number=request.GET.get("page"), size=PAGE_SIZE
    )
    cards = review_selectors.review_cards(claims=list(page))
    count = review_selectors.review_queue_count()
    return render(
        request,
        "review/queue.html",
        {"page": page, "cards": cards, "queue_count": count, "where": QUEUE},
    )


def _form_context(
    claim: Claim,
    *,
    where: str,
    error: str = "",
    conflict: bool = False,
    submitted: dict | None = None,
    next_url: str = "",
) -> dict[str, Any]:
    return {
        "claim": claim,
        "where": where,
        "verdict_error": error,
        "conflict": conflict,
        "submitted": submitted or {},
        "next_url": next_url,
    }


@require_POST
@editors_only
def review_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a verdict. Answers 200 (htmx: the card's or form's new state),
    400 on invalid input, 409 when someone else changed the claim first, with
    the claim's current state and the form refreshed to its new version."""
    where = CLAIM_PAGE if request.POST.get("where") == CLAIM_PAGE else QUEUE
    submitted = {
        "verdict": request.POST.get("verdict", ""),
        "rationale": request.POST.get("rationale", ""),
    }
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    # The evidence the editor saw: evidence added meanwhile makes this a 409.
    evidence_revision = int_or_none(request.POST.get("evidence_revision"))
    try:
        if version is None:
            raise ApplicationError("The form lacks the claim's version; reload the page.")
        claim = services.claim_review(
            claim_id=pk,
            verdict=submitted["verdict"],
            rationale=submitted["rationale"],
            version=version,
            evidence_revision=evidence_revision,
            user=request.user,
        )
    except ApplicationError as exc:
        current = review_selectors.claim_review_state(claim_id=pk)
        if current is None:
            raise Http404("No such claim.") from exc
        conflict = exc.status == 409
        context = _form_context(
            current,
            where=where,
            error=exc.message,
            conflict=conflict,
            submitted=submitted,
            next_url=_next_url(request, ""),
        )
        template = "review/_verdict_form.html" if request.htmx else "review/verdict_page.html"
        return render(request, template, context, status=exc.status)
    return _recorded(request, claim, where=where)


def _recorded(request: HttpRequest, claim: Claim, *, where: str) -> HttpResponse:
    label = Verdict(claim.verdict).label
    # The claim page's address is fixed by the contract; its URLconf is not ours.
    claim_url = f"/claims/{claim.pk}/"
    if not request.htmx:
        messages.success(request, f"Verdict “{label}” recorded.")
        default = claim_url if where == CLAIM_PAGE else reverse("claims:review")
        return redirect(_next_url(request, default))
    if where == CLAIM_PAGE:
        messages.success(request, f"Verdict “{label}” recorded.")
        return HttpResponseClientRefresh()
    response = render(
        request,
        "review/_recorded.html",
        {
            "claim": claim,
            "verdict_label": label,
            "claim_url": claim_url,
            "queue_count": review_selectors.review_queue_count(),
        },
    )
    return retarget(response, f"#review-card-{claim.pk}")


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
