"""The reader: a source's clean text with its evidence highlighted by stance,
the panel a selection opens, and linking the selected passage to a claim."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.roles import is_analyst
from sources import selectors as source_selectors
from sources.copies import source_related
from sources.models import Source, SourceStatus
from sources.text.speakers import suggest_speaker

from .. import selectors, services
from ..attribution import cue_sentences
from ..forms import LinkForm, form_messages
from ..highlighting import Highlight, highlighted_text, trimmed_span
from ..models import Evidence, Stance
from .base import ERROR_HEADER, analyst_required, error_response, int_or_none, source_or_404

SEARCH_RESULTS = 8


def _tip(evidence: Evidence) -> str:
    speaker = f" — {evidence.attributed_to}" if evidence.attributed_to else ""
    tip = f"{evidence.get_stance_display()}: {evidence.claim.text}{speaker}"
    if evidence.excerpt.anchor_state == "changed":
        tip += f" · CHANGED after a re-parse; selected: “{evidence.excerpt.selected}”"
    return tip


def reader_context(request: HttpRequest, source: Source) -> dict:
    evidence = selectors.evidence_for_source(source_id=source.pk)
    text = source.text
    anchored = [e for e in evidence if selectors.evidence_is_anchored(e, text)]
    changed = [e for e in anchored if e.excerpt.anchor_state == "changed"]
    orphaned = [e for e in evidence if not selectors.evidence_is_anchored(e, text)]
    highlights = [
        Highlight(
            e.excerpt.start,
            e.excerpt.end,
            e.pk,
            e.stance,
            _tip(e),
            "changed" if e.excerpt.anchor_state == "changed" else "",
        )
        for e in anchored
    ]
    related = source_related(source_id=source.pk, text_length=len(text))
    shared = [tuple(span) for r in related for span in r.spans]
    return {
        "source": source,
        "related": related,
        "article_html": highlighted_text(text, highlights, cue_sentences(text), shared),
        "anchored": anchored,
        "changed": changed,
        "orphaned": orphaned,
        "can_link": is_analyst(request.user) and source.status == SourceStatus.PARSED,
    }


@require_GET
def source_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    source = source_or_404(pk)
    return render(request, "claims/reader.html", reader_context(request, source))


@require_GET
def source_article_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    source = source_or_404(pk)
    return render(request, "claims/_article.html", reader_context(request, source))


@require_GET
def source_raw_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    source = source_or_404(pk)
    raw = source_selectors.source_raw_text(source)
    return render(request, "claims/_raw.html", {"raw": raw})


@require_GET
@analyst_required
def link_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel opened by a selection in the reader: the passage, claim search,
    stance, and speaker suggestions from the sentence around it."""
    source = source_or_404(pk)
    text = source.text
    try:
        start, end = int(request.GET.get("start", "")), int(request.GET.get("end", ""))
    except ValueError:
        start = end = -1
    if not (0 <= start < end <= len(text)):
        return error_response(["The selection is not inside the article's text."], status=400)
    start, end = trimmed_span(text, start, end)
    if start == end:
        return error_response(["Select some words, not only spaces."], status=400)
    suggestion = suggest_speaker(text, start, end)
    suggestions = [n for n in (suggestion.speaker, *suggestion.via) if n]
    context = {
        "source": source,
        "exact": text[start:end],
        "start": start,
        "suggestion": suggestion,
        "suggestions": list(dict.fromkeys(suggestions)),
        "values": {
            "attributed_to": suggestion.speaker or "",
            "via": "; ".join(suggestion.via),
            "mode": "existing",
            # Chosen with the reader's a/d/m keys.
            "stance": request.GET.get("stance")
            if request.GET.get("stance") in Stance.values
            else "",
        },
        "results": selectors.claim_search(q="", limit=SEARCH_RESULTS),
        "stances": Stance.choices,
    }
    relink = int_or_none(request.GET.get("relink"))
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


@require_POST
@analyst_required
def link_passage(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the panel (``services.passage_link``) and return the re-rendered
    article and evidence list, so the highlight appears at once."""
    source = source_or_404(pk)
    form = LinkForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            evidence = services.passage_link(
                source_id=source.pk,
                stance=data["stance"],
                exact=data["exact"],
                start=data["start"],
                claim_id=None if data["mode"] == "new" else data["claim"],
                new_claim=data["new_claim"],
                attributed_to=data["attributed_to"],
                via=data["via"],
                note=data["note"],
                replaces=data.get("replaces"),
                user=request.user,
            )
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
    context = reader_context(request, source)
    context.update(linked=evidence, claim=selectors.claim_detail(claim_id=evidence.claim_id))
    return render(request, "claims/_link_done.html", context)


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
