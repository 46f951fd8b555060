"""Pages of the claims app: the reader (a source with its evidence
highlighted), the claim list and the claim page, and the htmx endpoints they
call. Views validate input, call services, render; reads go through selectors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import wraps

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.roles import is_analyst
from sources import selectors as source_selectors
from sources.models import Source, SourceStatus
from sources.text.extraction import decode_bytes

from . import selectors, services
from .attribution import cue_sentences, sentence_around, speaker_suggestions
from .claimreview import claim_review_jsonld
from .forms import EvidenceEditForm, LinkForm, PassageLinkForm, form_messages
from .highlighting import Highlight, highlighted_text, trimmed_span
from .models import Claim, Evidence, Stance, Verdict
from .passages import (
    MAX_PASSAGES,
    MAX_SOURCES,
    Passage,
    significant_words,
    source_passages,
)
from .timeline import TimelinePoint, timeline_svg

PAGE_SIZE = 25
SEARCH_RESULTS = 8
_SLOT = re.compile(r"passage-\d{1,3}")  # the find-more row a link error goes to
ERROR_HEADER = "X-Show-Error"  # reader.js lets htmx swap 4xx responses carrying it


def _is_anchored(evidence: Evidence, text: str) -> bool:
    excerpt = evidence.excerpt
    return excerpt.anchor_state != "orphaned" and text[excerpt.start : excerpt.end] == excerpt.exact


def _tip(evidence: Evidence) -> str:
    speaker = f" — {evidence.attributed_to}" if evidence.attributed_to else ""
    return f"{evidence.get_stance_display()}: {evidence.claim.text}{speaker}"


def _reader_context(request: HttpRequest, source: Source) -> dict:
    evidence = selectors.evidence_for_source(source_id=source.pk)
    text = source.text
    anchored = [e for e in evidence if _is_anchored(e, text)]
    orphaned = [e for e in evidence if not _is_anchored(e, text)]
    highlights = [
        Highlight(e.excerpt.start, e.excerpt.end, e.pk, e.stance, _tip(e)) for e in anchored
    ]
    return {
        "source": source,
        "article_html": highlighted_text(text, highlights, cue_sentences(text)),
        "anchored": anchored,
        "orphaned": orphaned,
        "can_link": is_analyst(request.user) and source.status == SourceStatus.PARSED,
    }


def _source_or_404(pk: int) -> Source:
    try:
        return source_selectors.source_detail(source_id=pk)
    except Source.DoesNotExist as exc:
        raise Http404("No such source.") from exc


def _claim_or_404(pk: int) -> Claim:
    try:
        return selectors.claim_detail(claim_id=pk)
    except Claim.DoesNotExist as exc:
        raise Http404("No such claim.") from exc


def analyst_required(view):
    """Writes are for analysts and editors: others get a 403 with a message
    the panel can show."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_analyst(request.user):
            response = render(
                request,
                "claims/_error.html",
                {"errors": ["Only analysts and editors may link or change evidence."]},
                status=403,
            )
            response[ERROR_HEADER] = "1"
            return response
        return view(request, *args, **kwargs)

    return wrapper


# --- the reader ---------------------------------------------------------------------


@require_GET
def source_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source_or_404(pk)
    return render(request, "claims/reader.html", _reader_context(request, source))


@require_GET
def source_article_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source_or_404(pk)
    return render(request, "claims/_article.html", _reader_context(request, source))


@require_GET
def source_raw_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source_or_404(pk)
    raw = decode_bytes(bytes(source.raw), declared_charset=source.raw_charset or None)
    return render(request, "claims/_raw.html", {"raw": raw})


@require_GET
@analyst_required
def link_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel opened by a selection in the reader: the passage, claim search,
    stance, and speaker suggestions from the sentence around it."""
    source = _source_or_404(pk)
    text = source.text
    try:
        start, end = int(request.GET.get("start", "")), int(request.GET.get("end", ""))
    except ValueError:
        start = end = -1
    if not (0 <= start < end <= len(text)):
        return _error(["The selection is not inside the article's text."], status=400)
    start, end = trimmed_span(text, start, end)
    if start == end:
        return _error(["Select some words, not only spaces."], status=400)
    suggestions = speaker_suggestions(sentence_around(text, start, end))
    context = {
        "source": source,
        "exact": text[start:end],
        "start": start,
        "suggestions": suggestions,
        "values": {"attributed_to": suggestions[0] if suggestions else "", "mode": "existing"},
        "results": selectors.claim_search(q="", limit=SEARCH_RESULTS),
        "stances": Stance.choices,
    }
    relink = _int(request.GET.get("relink"))
    if relink:
        old = next((e for e in selectors.evidence_for_source(source_id=pk) if e.pk == relink), None)
        if old is not None:
            context["replaces"] = old
            context["values"].update(
                claim=old.claim_id,
                stance=old.stance,
                attributed_to=old.attributed_to,
                note=old.note,
                claim_text=old.claim.text,
            )
    return render(request, "claims/_link_panel.html", context)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _error(errors: list[str], *, status: int, retarget: str = "") -> HttpResponse:
    """A 4xx answer carrying the message; ``retarget`` (a CSS selector) makes
    htmx show it there instead of replacing what the request targeted."""
    response = HttpResponse(
        render_error_html(errors), status=status, content_type="text/html; charset=utf-8"
    )
    response[ERROR_HEADER] = "1"
    if retarget:
        response["HX-Retarget"] = retarget
        response["HX-Reswap"] = "innerHTML"
    return response


def render_error_html(errors: list[str]) -> str:
    items = "".join(f"<li>{escape(e)}</li>" for e in errors)
    return f'<div class="form-errors" role="alert"><ul>{items}</ul></div>'


@require_POST
@analyst_required
def link_passage(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the panel: (create the claim,) link the passage, and return the
    re-rendered article and evidence list so the highlight appears at once."""
    source = _source_or_404(pk)
    form = LinkForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a failed link leaves no new claim behind
                if data["mode"] == "new":
                    claim = services.claim_create(text=data["new_claim"], user=request.user)
                    claim_id = claim.pk
                else:
                    claim_id = data["claim"]
                evidence = services.evidence_link(
                    claim_id=claim_id,
                    source_id=source.pk,
                    stance=data["stance"],
                    exact=data["exact"],
                    start=data["start"],
                    attributed_to=data["attributed_to"],
                    note=data["note"],
                    user=request.user,
                )
                _unlink_replaced(data.get("replaces"), source=source, user=request.user)
        except ApplicationError as exc:
            errors.append(exc.message)
            status = exc.status
    else:
        errors = form_messages(form)
        status = 400
    if errors:
        context = {
            "source": source,
            "exact": request.POST.get("exact", ""),
            "start": request.POST.get("start", ""),
            "values": request.POST,
            "errors": errors,
            "suggestions": [],
            "stances": Stance.choices,
            "results": selectors.claim_search(q=request.POST.get("q", ""), limit=SEARCH_RESULTS),
        }
        response = render(request, "claims/_link_panel.html", context, status=status)
        response[ERROR_HEADER] = "1"
        return response
    context = _reader_context(request, source)
    context.update(linked=evidence, claim=selectors.claim_detail(claim_id=evidence.claim_id))
    return render(request, "claims/_link_done.html", context)


def _unlink_replaced(evidence_id: int | None, *, source: Source, user) -> None:
    """ "Select again": the new link takes over from an orphaned one."""
    if not evidence_id:
        return
    old = next(
        (e for e in selectors.evidence_for_source(source_id=source.pk) if e.pk == evidence_id),
        None,
    )
    if old is not None and not _is_anchored(old, source.text):
        services.evidence_unlink(evidence_id=old.pk, user=user)


@require_GET
def claim_search_fragment(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    return render(
        request,
        "claims/_claim_results.html",
        {"results": selectors.claim_search(q=q, limit=SEARCH_RESULTS), "q": q},
    )


@require_GET
def claim_similar_fragment(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("new_claim", "")
    similar = selectors.claim_similar(text=text) if len(text.split()) >= 2 else []
    return render(request, "claims/_similar.html", {"similar": similar})


# --- claim list and claim page --------------------------------------------------------


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
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
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


def _timeline(evidence: Sequence[Evidence]) -> SafeString:
    points = []
    for e in evidence:
        source = e.excerpt.source
        day = source.published_at.date() if source.published_at else None
        where = source.outlet.name if source.outlet else "no outlet"
        speaker = f" — {e.attributed_to}" if e.attributed_to else ""
        when = day.isoformat() if day else "undated"
        points.append(
            TimelinePoint(
                stance=e.stance,
                date=day,
                label=f"{e.stance}, {when}, {where}{speaker}: “{e.excerpt.exact[:140]}”",
                href=reverse("source-detail", args=[source.pk]) + f"#ev-{e.pk}",
            )
        )
    return mark_safe(timeline_svg(points))  # noqa: S308 - timeline_svg escapes every value


def _evidence_context(claim: Claim) -> dict:
    evidence = selectors.evidence_for_claim(claim_id=claim.pk)
    voices = selectors.distinct_voices(evidence)
    columns = [
        {
            "stance": value,
            "label": label,
            "items": [e for e in evidence if e.stance == value],
            "voices": voices[value],
        }
        for value, label in Stance.choices
    ]
    return {
        "claim": claim,
        "evidence": evidence,
        "columns": columns,
        "timeline": _timeline(evidence),
        "stances": Stance.choices,
    }


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _jsonld(request: HttpRequest, claim: Claim, evidence: list[Evidence]) -> SafeString | None:
    if claim.verdict == Verdict.UNREVIEWED:
        return None
    data = claim_review_jsonld(
        claim=claim,
        evidence=evidence,
        claim_url=request.build_absolute_uri(reverse("claim-detail", args=[claim.pk])),
    )
    # As django's json_script does, but inside our own <script type="application/ld+json">.
    encoded = json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(encoded)  # noqa: S308 - "<", ">" and "&" are escaped above


@require_GET
def claim_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(pk)
    context = _evidence_context(claim)
    context.update(
        history=selectors.claim_history(claim_id=claim.pk),
        reviews=selectors.claim_reviews(claim_id=claim.pk),
        jsonld=_jsonld(request, claim, context["evidence"]),
        find_query=" ".join(significant_words(claim.text)),
    )
    return render(request, "claims/detail.html", context)


def _evidence_section(request: HttpRequest, claim_id: int, *, oob: bool = False) -> HttpResponse:
    context = _evidence_context(_claim_or_404(claim_id))
    context["oob"] = oob
    return render(request, "claims/_evidence.html", context)


@require_POST
@analyst_required
def evidence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    form = EvidenceEditForm(request.POST)
    if not form.is_valid():
        return _error(form_messages(form), status=400, retarget="#claim-evidence-errors")
    changes = {}
    if form.cleaned_data["stance"]:
        changes["stance"] = form.cleaned_data["stance"]
    if "attributed_to" in request.POST:
        changes["attributed_to"] = form.cleaned_data["attributed_to"]
    try:
        evidence = services.evidence_update(evidence_id=pk, user=request.user, **changes)
    except ApplicationError as exc:
        return _error([exc.message], status=exc.status, retarget="#claim-evidence-errors")
    return _evidence_section(request, evidence.claim_id)


@require_POST
@analyst_required
def evidence_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        tombstone = services.evidence_unlink(evidence_id=pk, user=request.user)
    except ApplicationError as exc:
        where = (
            "#reader-evidence-errors"
            if request.POST.get("from") == "reader"
            else "#claim-evidence-errors"
        )
        return _error([exc.message], status=exc.status, retarget=where)
    if request.POST.get("from") == "reader":
        source = _source_or_404(tombstone.source_id)
        return render(request, "claims/_reader_refresh.html", _reader_context(request, source))
    return _evidence_section(request, tombstone.claim_id)


@require_GET
def find_more_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """Passages of any source that use the claim's words, best first, each
    linkable to the claim in one step."""
    claim = _claim_or_404(pk)
    q = request.GET.get("q", "").strip()
    words = significant_words(q or claim.text)
    # All the words first (best ranked), then each word alone to widen recall:
    # both the SQLite fallback and websearch_to_tsquery require every word
    # given. At most 1 + MAX_SEARCH_WORDS queries; passages are then ranked by
    # how many of the words they use.
    searches = [" ".join(words)] + (words if len(words) > 1 else [])
    sources: dict[int, Source] = {}
    for search in searches:
        qs = source_selectors.source_list(q=search, status=SourceStatus.PARSED)
        for source in qs[:MAX_SOURCES]:
            sources.setdefault(source.pk, source)
        if len(sources) >= MAX_SOURCES:
            break
    taken: dict[int, set[tuple[int, int]]] = {}
    for e in selectors.evidence_for_claim(claim_id=claim.pk):
        taken.setdefault(e.excerpt.source_id, set()).add((e.excerpt.start, e.excerpt.end))
    passages: list[Passage] = []
    min_score = 1 if len(words) <= 2 else 2
    for source in list(sources.values())[:MAX_SOURCES]:
        passages.extend(
            source_passages(source, words, taken.get(source.pk, set()), min_score=min_score)
        )
    passages.sort(key=lambda p: -p.score)
    return render(
        request,
        "claims/_find_more.html",
        {"claim": claim, "passages": passages[:MAX_PASSAGES], "words": words, "q": q},
    )


@require_POST
@analyst_required
def find_more_link(request: HttpRequest, pk: int) -> HttpResponse:
    """One step from a found passage to evidence of the claim."""
    claim = _claim_or_404(pk)
    slot = request.POST.get("slot", "")
    retarget = f"#{slot} .passage-errors" if _SLOT.fullmatch(slot) else ""
    form = PassageLinkForm(request.POST)
    if not form.is_valid():
        return _error(form_messages(form), status=400, retarget=retarget)
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
        return _error([exc.message], status=exc.status, retarget=retarget)
    context = _evidence_context(claim)
    context.update(linked=evidence, oob=True)
    return render(request, "claims/_find_more_linked.html", context)
