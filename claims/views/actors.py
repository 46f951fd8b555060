"""The actors pages: who says things, and everything each one said across claims."""

from __future__ import annotations

from collections import defaultdict

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import actor_selectors

PAGE_SIZE = 50


@require_GET
def actor_list_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    page = Paginator(actor_selectors.actor_list(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(actor, actor_selectors.actor_other_names(actor)) for actor in page.object_list]
    return render(request, "claims/actors.html", {"page": page, "rows": rows, "q": q})


@require_GET
def actor_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_selectors.actor_detail(actor_id=pk)
    if actor is None:
        raise Http404("No such actor.")
    by_claim: dict[int, list] = defaultdict(list)
    claims = {}
    for e in actor_selectors.actor_evidence(actor_id=actor.pk):
        by_claim[e.claim_id].append(e)
        claims[e.claim_id] = e.claim
    groups = [(claims[cid], items) for cid, items in by_claim.items()]
    context = {
        "actor": actor,
        "aliases": actor_selectors.actor_other_names(actor),
        "groups": groups,
    }
    return render(request, "claims/actor.html", context)
