"""The analyst's work on claims themselves: create, edit, merge, split, and the
claim list's bulk actions. Each view validates its form, calls one service
and renders or redirects; reads go through selectors."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.roles import is_analyst, page_requires

from .. import exports, selectors, services
from ..edit_merge import merge_edit
from ..forms import BulkForm, ClaimForm, MergeForm, SplitForm, form_messages, tag_names
from ..models import Claim, Evidence
from .base import claim_or_404

ANALYSTS_ONLY = "Only analysts and editors may create or change claims."
EXPORT_MAX = 500  # claims in one export of the list's selection


def _tags_of(claim: Claim) -> list[str]:
    return [t.name for t in claim.tags.all()]


@require_http_methods(["GET", "POST"])
@page_requires(is_analyst, ANALYSTS_ONLY)
def claim_new_page(request: HttpRequest) -> HttpResponse:
    """A claim on its own, not born from a selection; similar existing claims
    are shown as the analyst types (``claims:new-similar``)."""
    form = ClaimForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                claim = services.claim_create(
                    text=form.cleaned_data["text"],
                    tags=form.cleaned_data["tags"],
                    user=request.user,
                )
            except ApplicationError as exc:
                errors = [exc.message]
            else:
                messages.success(request, f"Claim #{claim.pk} created.")
                return redirect("claims:detail", claim.pk)
        else:
            errors = form_messages(form)
    text = request.POST.get("text", "")
    context = {
        "values": request.POST,
        "errors": errors,
        "similar": selectors.claim_similar(text=text) if text.strip() else [],
    }
    return render(request, "claims/new.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
@page_requires(is_analyst, ANALYSTS_ONLY)
def claim_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit text and tags. The form carries the version it was made from; when
    someone else saved in between, the answer is 409 with both edits combined
    (where they touch different words) for the analyst to check and save."""
    claim = claim_or_404(pk)
    if claim.merged_into_id:
        return redirect("claims:detail", claim.pk)
    context: dict = {
        "claim": claim,
        "text": claim.text,
        "tags": ", ".join(_tags_of(claim)),
        "version": claim.version,
        "base_text": claim.text,
        "base_tags": ", ".join(_tags_of(claim)),
    }
    if request.method == "GET":
        return render(request, "claims/edit.html", context)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        context.update(errors=form_messages(form), text=request.POST.get("text", ""))
        context["tags"] = request.POST.get("tags", "")
        return render(request, "claims/edit.html", context, status=400)
    data = form.cleaned_data
    try:
        services.claim_update(
            claim_id=claim.pk,
            user=request.user,
            version=data["version"],
            text=data["text"],
            tags=data["tags"],
        )
    except ApplicationError as exc:
        if exc.status != 409:
            context.update(errors=[exc.message], text=data["text"], tags=", ".join(data["tags"]))
            return render(request, "claims/edit.html", context, status=exc.status)
        current = claim_or_404(pk)
        merged = merge_edit(
            base_text=data["base_text"] or current.text,
            base_tags=tag_names(data["base_tags"]),
            their_text=current.text,
            their_tags=_tags_of(current),
            my_text=data["text"],
            my_tags=[t.lower() for t in data["tags"]],
        )
        context.update(
            claim=current,
            conflict=merged,
            mine=data["text"],
            text=merged.text,
            tags=", ".join(merged.tags),
            # A new save starts from what is there now.
            version=current.version,
            base_text=current.text,
            base_tags=", ".join(_tags_of(current)),
            errors=[exc.message],
        )
        return render(request, "claims/edit.html", context, status=409)
    messages.success(request, "Claim saved.")
    return redirect("claims:detail", claim.pk)


@require_http_methods(["GET", "POST"])
@page_requires(is_analyst, ANALYSTS_ONLY)
def claim_merge_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Both claims side by side with what the merge makes, before confirming.
    Without ``into``: candidates (similar claims, or a search)."""
    claim = claim_or_404(pk)
    if claim.merged_into_id:
        return redirect("claims:detail", claim.merged_into_id)
    source = request.POST if request.method == "POST" else request.GET
    form = MergeForm(source)
    if not source.get("into"):
        q = request.GET.get("q", "").strip()
        candidates = (
            [c for c in selectors.claim_search(q=q, limit=10) if c.pk != claim.pk]
            if q
            else [c for c, _ in selectors.claim_similar(text=claim.text, exclude_id=claim.pk)]
        )
        return render(
            request, "claims/merge_pick.html", {"claim": claim, "candidates": candidates, "q": q}
        )
    if not form.is_valid():
        return render(
            request,
            "claims/merge_pick.html",
            {"claim": claim, "candidates": [], "errors": form_messages(form)},
            status=400,
        )
    data = form.cleaned_data
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            into = services.claim_merge(
                claim_id=claim.pk,
                into_id=data["into"],
                version=data["version"],
                into_version=data["into_version"],
                user=request.user,
            )
        except ApplicationError as exc:
            errors, status = [exc.message], exc.status
        else:
            messages.success(request, f"Claim #{claim.pk} was merged into this one.")
            return redirect("claims:detail", into.pk)
    try:
        preview = selectors.claim_merge_preview(claim_id=claim.pk, into_id=data["into"])
    except Claim.DoesNotExist as exc:
        raise Http404("No such claim.") from exc
    return render(
        request, "claims/merge.html", {"preview": preview, "errors": errors}, status=status
    )


@require_POST
@page_requires(is_analyst, ANALYSTS_ONLY)
def claim_split_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticked evidence of a claim page moves to a new claim."""
    claim = claim_or_404(pk)
    form = SplitForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            new = services.claim_split(
                claim_id=claim.pk,
                evidence_ids=data["evidence"],
                text=data["text"],
                version=data["version"],
                user=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"{len(data['evidence'])} evidence moved here from claim #{claim.pk}."
            )
            return redirect("claims:detail", new.pk)
    else:
        for message in form_messages(form):
            messages.error(request, message)
    return redirect(reverse("claims:detail", args=[claim.pk]) + "#split")


@require_POST
@page_requires(is_analyst, ANALYSTS_ONLY)
def claim_bulk_page(request: HttpRequest) -> HttpResponse:
    """Tag, untag or merge the claims ticked on the list."""
    form = BulkForm(request.POST)
    back = reverse("claims:list") + (
        "?" + request.POST["query"] if request.POST.get("query") else ""
    )
    if not form.is_valid():
        for message in form_messages(form):
            messages.error(request, message)
        return redirect(back)
    data = form.cleaned_data
    try:
        if data["action"] == "merge":
            into = services.claims_merge(
                claim_ids=data["ids"], into_id=data["into"], user=request.user
            )
            messages.success(
                request, f"{len(set(data['ids'])) - 1} claim(s) merged into claim #{into.pk}."
            )
            return redirect("claims:detail", into.pk)
        tag = [data["tag"]]
        changed = services.claims_tag(
            claim_ids=data["ids"],
            add=tag if data["action"] == "tag" else (),
            remove=tag if data["action"] == "untag" else (),
            user=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    verb = "tagged" if data["action"] == "tag" else "untagged"
    messages.success(request, f"{len(changed)} claim(s) {verb} “{data['tag'].strip().lower()}”.")
    return redirect(back)


@require_http_methods(["GET", "POST"])
def claim_export(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    """The evidence of the ticked claims as CSV (the API export's columns).
    The list's bar posts (no CSRF token in a URL); a GET with ``ids`` works too."""
    given = request.POST.getlist("ids") if request.method == "POST" else request.GET.getlist("ids")
    ids = [int(v) for v in given if v.isdigit() and 0 < int(v) < 2**63]
    if not ids:
        messages.error(request, "Select at least one claim to export.")
        return redirect("claims:list")
    if len(ids) > EXPORT_MAX:
        messages.error(request, f"Export at most {EXPORT_MAX} claims at a time.")
        return redirect("claims:list")
    qs = Evidence.objects.filter(claim_id__in=ids)
    response = StreamingHttpResponse(exports.csv_stream(qs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="claims-evidence.csv"'
    return response


@require_GET
def claim_new_similar_fragment(request: HttpRequest) -> HttpResponse:
    """As the analyst types a new claim: existing claims that read alike."""
    text = request.GET.get("text", "")
    similar = selectors.claim_similar(text=text) if len(text.split()) >= 2 else []
    return render(request, "claims/_similar_links.html", {"similar": similar})
