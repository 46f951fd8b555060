"""The claim list and the claim page: evidence grouped by stance, timeline,
history, verdict, JSON-LD, and "find more" passages to link in one step."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.paging import estimated_count, page_of
from sources.models import ANCHOR_STATES_TO_CHECK

from .. import selectors, services
from ..claimreview import claim_review_jsonld
from ..figures import stored_voices
from ..forms import PassageLinkForm, form_messages
from ..models import Claim, Evidence, Stance, Verdict
from ..passages import significant_words
from ..provenance_graph import GraphEvidence, provenance_svg
from ..timeline import TimelinePoint, timeline_svg
from ..voices import copies_for_claim_page
from .base import analyst_required, claim_or_404, error_response, int_or_none

PAGE_SIZE = 25
_SLOT = re.compile(r"passage-\d{1,3}")  # the find-more row a link error goes to


@require_GET
def claim_list_page(request: HttpRequest) -> HttpResponse:
    params = request.GET
    contested = {"true": True, "false": False}.get(params.get("contested", ""))
    verdict = params.get("verdict", "")
    qs = selectors.claim_list(
        q=params.get("q", ""),
        verdict=verdict if verdict in Verdict.values else "",
        contested=contested,
        tag=params.get("tag", ""),
    )
    filtered = any(params.get(k) for k in ("q", "verdict", "contested", "tag"))
    page = page_of(
        qs,
        number=params.get("page"),
        size=PAGE_SIZE,
        estimated_total=None if filtered else estimated_count(Claim),
    )
    query = params.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "params": params,
        "query": query.urlencode(),
        "verdicts": Verdict.choices,
    }
    template = "claims/_list_rows.html" if request.htmx else "claims/list.html"
    return render(request, template, context)


_ID = 987654321  # stands for a source id while the reader's address is resolved once


def _reader_href(source_id: int, evidence_id: int) -> str:
    """``reverse("claims:reader", args=[source_id])`` and the quote's anchor,
    the URLconf resolved once per script prefix: a claim's timeline and graph
    link a few hundred quotes."""
    prefix = get_script_prefix()
    parts = _READER_URL.get(prefix)
    if parts is None:
        parts = _READER_URL[prefix] = reverse("claims:reader", args=[_ID]).split(str(_ID))
    return f"{parts[0]}{source_id}{parts[1]}#ev-{evidence_id}"


_READER_URL: dict[str, list[str]] = {}


def _timeline(evidence: Sequence[Evidence]) -> SafeString:
    points = []
    for e in evidence:
        source = e.excerpt.source
        day = source.published_at.date() if source.published_at else None
        where = source.outlet.name if source.outlet else "no outlet"
        speaker = f" — {e.attributed_to}" if e.attributed_to else ""
        when = day.isoformat() if day else "undated"
        # Only the analyst's own words are quoted; a changed quote says so.
        words = f"“{(e.excerpt.selected or e.excerpt.exact)[:140]}”"
        if e.excerpt.anchor_state in ANCHOR_STATES_TO_CHECK:
            words += f" ({e.excerpt.anchor_state} after a re-parse: check it)"
        points.append(
            TimelinePoint(
                stance=e.stance,
                date=day,
                label=f"{e.stance}, {when}, {where}{speaker}: {words}",
                href=_reader_href(source.pk, e.pk),
            )
        )
    return mark_safe(timeline_svg(points))  # noqa: S308 - timeline_svg escapes every value


def _provenance(evidence: Sequence[Evidence], pairs, groups) -> SafeString:
    first_of_group: dict[int, Evidence] = {}
    for e in evidence:
        group = groups.get(e.excerpt.source_id, e.excerpt.source_id)
        first_of_group.setdefault(group, e)
    items = []
    for e in evidence:
        source = e.excerpt.source
        outlet = source.outlet.name if source.outlet else "no outlet"
        where = f"{outlet} · {source.published_at:%-d %b}" if source.published_at else outlet
        if e.speaker_id:
            key, label, kind = f"actor:{e.speaker_id}", e.speaker.name, e.speaker.kind
        else:
            group = groups.get(source.pk, source.pk)
            first = first_of_group[group].excerpt.source
            key = f"source:{group}"
            label = f"{first.outlet.name if first.outlet else 'no outlet'} (own reporting)"
            kind = "source"
        items.append(
            GraphEvidence(
                evidence_id=e.pk,
                stance=e.stance,
                origin_key=key,
                origin_label=label,
                origin_kind=kind,
                via=tuple(e.via or ()),
                source_id=source.pk,
                source_label=where,
                href=_reader_href(source.pk, e.pk),
            )
        )
    return mark_safe(provenance_svg(items, pairs))  # noqa: S308 - provenance_svg escapes every value


def evidence_context(claim: Claim) -> dict:
    """The claim page's evidence: each stance column's first page (the rest
    comes with "more"), the voices behind each, the timeline and the
    provenance graph: a bounded number of rows whatever the claim's size."""
    # Counted whenever the evidence changed; read afresh, as the caller may
    # just have linked or unlinked some.
    claim.stance_figures = (
        Claim.objects.filter(pk=claim.pk).values_list("stance_figures", flat=True).first()
    )
    voices = stored_voices(claim)
    first_pages = selectors.evidence_columns(claim_id=claim.pk)
    total = sum(v["quotes"] for v in voices.values())
    complete = not any(more for _, more in first_pages.values())
    if complete:  # the columns hold every quote already
        timeline = [e for items, _ in first_pages.values() for e in items]
    else:
        timeline = selectors.evidence_timeline(claim_id=claim.pk, total=total)
    # Independent voices count the whole claim; the graph draws the quotes
    # the timeline does (all of them, or an even sample).
    pairs, groups = copies_for_claim_page(claim_id=claim.pk, shown=timeline)
    columns = []
    for value, label in Stance.choices:
        items, more = first_pages[value]
        columns.append(
            {
                "stance": value,
                "label": label,
                "items": items,
                "more": more,
                "next_offset": len(items),
                "count": voices[value]["quotes"],
                "voices": {
                    "quotes": voices[value]["quotes"],
                    "outlets": voices[value]["outlets"],
                    "speakers": voices[value]["speakers"],
                    "sources": voices[value]["sources"],
                    "independent": voices[value]["voices"],
                },
            }
        )
    return {
        "claim": claim,
        "evidence_count": total,
        "timeline_count": len(timeline),
        "columns": columns,
        "timeline": _timeline(timeline),
        "provenance": _provenance(timeline, pairs, groups),
        "stances": Stance.choices,
    }


@require_GET
def evidence_column_fragment(request: HttpRequest, pk: int, stance: str) -> HttpResponse:
    """The next page of one stance column ("more", over htmx)."""
    claim = claim_or_404(pk)
    if stance not in Stance.values:
        return error_response(["No such stance."], status=400)
    offset = min(max(int_or_none(request.GET.get("offset")) or 0, 0), 10**6)
    items, more = selectors.evidence_column(claim_id=claim.pk, stance=stance, offset=offset)
    col = {"stance": stance, "items": items, "more": more, "next_offset": offset + len(items)}
    return render(
        request,
        "claims/_column_items.html",
        {"claim": claim, "col": col, "stances": Stance.choices},
    )


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _jsonld(request: HttpRequest, claim: Claim, evidence: list[Evidence]) -> SafeString | None:
    if claim.verdict == Verdict.UNREVIEWED:
        return None
    data = claim_review_jsonld(
        claim=claim,
        evidence=evidence,
        claim_url=request.build_absolute_uri(reverse("claims:detail", args=[claim.pk])),
    )
    # As django's json_script does, but inside our own <script type="application/ld+json">.
    encoded = json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(encoded)  # noqa: S308 - "<", ">" and "&" are escaped above


@require_GET
def claim_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_or_404(pk)
    context = evidence_context(claim)
    context.update(
        history=selectors.claim_history(claim_id=claim.pk),
        reviews=selectors.claim_reviews(claim_id=claim.pk),
        jsonld=_jsonld(request, claim, context["columns"][0]["items"]),
        find_query=" ".join(significant_words(claim.text)),
    )
    return render(request, "claims/detail.html", context)


@require_GET
def find_more_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """Passages of any source that use the claim's words, best first, each
    linkable to the claim in one step."""
    claim = claim_or_404(pk)
    q = request.GET.get("q", "").strip()
    words, passages = selectors.claim_passages(claim=claim, q=q)
    return render(
        request,
        "claims/_find_more.html",
        {"claim": claim, "passages": passages, "words": words, "q": q},
    )


@require_POST
@analyst_required
def find_more_link(request: HttpRequest, pk: int) -> HttpResponse:
    """One step from a found passage to evidence of the claim."""
    claim = claim_or_404(pk)
    slot = request.POST.get("slot", "")
    retarget = f"#{slot} .passage-errors" if _SLOT.fullmatch(slot) else ""
    form = PassageLinkForm(request.POST)
    if not form.is_valid():
        return error_response(form_messages(form), status=400, retarget=retarget)
    data = form.cleaned_data
    try:
        evidence = services.evidence_link(
            claim_id=claim.pk,
            source_id=data["source"],
            stance=data["stance"],
            exact=data["exact"],
            start=data["start"],
            attributed_to=data["attributed_to"],
            user=request.user,
        )
    except ApplicationError as exc:
        return error_response([exc.message], status=exc.status, retarget=retarget)
    context = evidence_context(claim)
    context.update(linked=evidence, oob=True)
    return render(request, "claims/_find_more_linked.html", context)
