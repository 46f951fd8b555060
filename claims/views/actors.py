"""The actors pages: who says things, and everything each one said across claims."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.roles import is_analyst, page_requires

from .. import actor_selectors, actor_services
from ..forms import ActorForm, ActorMergeForm, form_messages
from ..models import ActorKind

ANALYSTS_ONLY = "Only analysts and editors may change actors."

PAGE_SIZE = 50


@require_GET
def actor_list_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    page = Paginator(actor_selectors.actor_list(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(actor, actor_selectors.actor_other_names(actor)) for actor in page.object_list]
    return render(request, "claims/actors.html", {"page": page, "rows": rows, "q": q})


def _actor_or_404(pk: int):
    actor = actor_selectors.actor_detail(actor_id=pk)
    if actor is None:
        raise Http404("No such actor.")
    return actor


def _detail(request: HttpRequest, actor, *, status: int = 200, **extra: object) -> HttpResponse:
    by_claim: dict[int, list] = defaultdict(list)
    claims = {}
    for e in actor_selectors.actor_evidence(actor_id=actor.pk):
        by_claim[e.claim_id].append(e)
        claims[e.claim_id] = e.claim
    aliases = actor_selectors.actor_other_names(actor)
    context = {
        "actor": actor,
        "aliases": aliases,
        "groups": [(claims[cid], items) for cid, items in by_claim.items()],
        "can_edit": is_analyst(request.user) and actor.merged_into_id is None,
        "kinds": ActorKind.choices,
        "form": {
            "name": actor.name,
            "kind": actor.kind,
            "aliases": "\n".join(aliases),
            "version": actor.version,
        },
        "merge_into": "",
    }
    context.update(extra)
    return render(request, "claims/actor.html", context, status=status)


@require_GET
def actor_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _actor_or_404(pk))


@require_POST
@page_requires(is_analyst, ANALYSTS_ONLY)
def actor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename, re-kind or re-alias from the actor's page. The form carries the
    version it was made from: if someone else saved in between, nothing is
    changed and the page shows their names beside what was typed."""
    actor = _actor_or_404(pk)
    form = ActorForm(request.POST)
    typed = {k: request.POST.get(k, "") for k in ("name", "kind", "aliases", "version")}
    if not form.is_valid():
        return _detail(request, actor, status=400, edit_errors=form_messages(form), form=typed)
    data = form.cleaned_data
    try:
        actor_services.actor_update(
            actor_id=actor.pk,
            user=request.user,
            name=data["name"],
            kind=data["kind"],
            aliases=data["aliases"],
            version=data["version"],
        )
    except ApplicationError as exc:
        current = _actor_or_404(pk)
        # A new save starts from the version there now; what was typed is kept.
        typed["version"] = current.version
        return _detail(request, current, status=exc.status, edit_errors=[exc.message], form=typed)
    messages.success(request, "Actor saved.")
    return redirect("claims:actor", actor.pk)


@require_POST
@page_requires(is_analyst, ANALYSTS_ONLY)
def actor_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this actor into another, named by any of its names."""
    actor = _actor_or_404(pk)
    form = ActorMergeForm(request.POST)
    typed = request.POST.get("into", "")
    if not form.is_valid():
        return _detail(
            request, actor, status=400, merge_errors=form_messages(form), merge_into=typed
        )
    into = actor_services.actor_find(name=form.cleaned_data["into"])
    if into is None:
        return _detail(
            request,
            actor,
            status=400,
            merge_errors=[f"No actor goes by “{form.cleaned_data['into']}”."],
            merge_into=typed,
        )
    try:
        kept = actor_services.actor_merge(actor_id=actor.pk, into_id=into.pk, user=request.user)
    except ApplicationError as exc:
        return _detail(
            request,
            _actor_or_404(pk),
            status=exc.status,
            merge_errors=[exc.message],
            merge_into=typed,
        )
    messages.success(request, f"{actor.name} merged into {kept.name}.")
    return redirect("claims:actor", kept.pk)
