"""Pages of the claims app: the reader (a source with its evidence
highlighted), the claim list and the claim page, and the htmx endpoints they
call. Views validate input, call services, render; reads go through selectors.
"""

from __future__ import annotations

import heapq
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
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
from sources.extraction import decode_bytes
from sources.models import Source, SourceStatus

from . import selectors, services
from .attribution import cue_sentences, sentence_around, speaker_suggestions
from .claimreview import claim_review_jsonld
from .forms import EvidenceEditForm, LinkForm, PassageLinkForm, form_messages
from .models import Claim, Evidence, Stance, Verdict
from .timeline import TimelinePoint, timeline_svg

PAGE_SIZE = 25
SEARCH_RESULTS = 8
ERROR_HEADER = "X-Show-Error"  # reader.js lets htmx swap 4xx responses carrying it


# --- highlighting (pure) ------------------------------------------------------------
#
# The article is one element whose textContent is exactly ``source.text``: the
# text is cut at every highlight boundary and each piece escaped. Evidence
# spans that nest (or coincide) become nested <mark>s, each wrapping exactly its
# quote. Two spans that *cross* cannot both be single elements of one tree: the
# one that starts later is split where the earlier one ends, and every part
# carries ``data-evidence`` and ``data-part`` (1, 2, ...), so the parts' text,
# concatenated in document order, is the quote. Cue sentences (attribution or
# denial candidates) are <span class="cue"> cut at evidence boundaries first,
# so they never split a highlight.


@dataclass(frozen=True)
class Highlight:
    start: int
    end: int
    evidence_id: int
    stance: str
    tip: str  # shown on hover: the claim


def _escape_text(text: str) -> str:
    # The HTML parser turns a carriage return into a newline; a character
    # reference keeps it, so textContent stays equal to the source text.
    return str(escape(text)).replace("\r", "&#13;")


def _mark_open(h: Highlight, part: int) -> str:
    anchor = f' id="ev-{h.evidence_id}"' if part <= 1 else ""
    part_attr = f' data-part="{part}"' if part else ""
    return (
        f'<mark{anchor} data-evidence="{h.evidence_id}" data-stance="{escape(h.stance)}"'
        f'{part_attr} title="{escape(h.tip)}" data-tip="{escape(h.tip)}">'
    )


def highlighted_text(
    text: str, highlights: Sequence[Highlight], cues: Sequence[tuple[int, int]] = ()
) -> SafeString:
    """``text`` as escaped HTML with a <mark> per highlight and a span per cue."""
    boundaries = sorted({h.start for h in highlights} | {h.end for h in highlights})
    # (start, -end, kind, seq, end, highlight, part): outer spans first, evidence
    # before cues on equal spans; part 0 means "not split (yet)".
    heap: list[tuple] = []
    seq = 0
    for h in highlights:
        if 0 <= h.start < h.end <= len(text):
            heap.append((h.start, -h.end, 0, seq, h.end, h, 0))
            seq += 1
    for cue_start, cue_end in cues:
        cuts = [b for b in boundaries if cue_start < b < cue_end]
        for piece_start, piece_end in zip([cue_start, *cuts], [*cuts, cue_end], strict=True):
            heap.append((piece_start, -piece_end, 1, seq, piece_end, None, 0))
            seq += 1
    heapq.heapify(heap)

    out: list[str] = []
    pos = 0
    open_ends: list[tuple[int, str]] = []  # (end, closing tag) of open elements, innermost last

    def emit(upto: int) -> None:
        nonlocal pos
        if upto > pos:
            out.append(_escape_text(text[pos:upto]))
            pos = upto

    def close_until(position: int) -> None:
        while open_ends and open_ends[-1][0] <= position:
            end, closing = open_ends.pop()
            emit(end)
            out.append(closing)

    while heap:
        start, _, kind, _, end, highlight, part = heapq.heappop(heap)
        close_until(start)
        if open_ends and end > open_ends[-1][0]:
            # Crosses the innermost open element: render up to its end now and
            # the rest as a further part once that element is closed.
            inner_end = open_ends[-1][0]
            seq += 1
            heapq.heappush(heap, (inner_end, -end, kind, seq, end, highlight, max(part, 1) + 1))
            end, part = inner_end, max(part, 1)
        emit(start)
        if highlight is None:
            out.append('<span class="cue">')
            open_ends.append((end, "</span>"))
        else:
            out.append(_mark_open(highlight, part))
            open_ends.append((end, "</mark>"))
    close_until(len(text))
    emit(len(text))
    return mark_safe("".join(out))  # noqa: S308 - every text piece is escaped above


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


def _trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


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
    start, end = _trimmed_span(text, start, end)
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


# --- find more evidence ---------------------------------------------------------------

_STOPWORDS_TEXT = """a about above after again against all also am an and any are as at be
    because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your said says say claim claims"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_WORD = re.compile(r"[\w\u2019'-]+")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*[\"\u201d\u2019']?")
MAX_SEARCH_WORDS = 4
MAX_PASSAGES = 20
MAX_SOURCES = 10
PASSAGES_PER_SOURCE = 3
MAX_PASSAGE_CHARS = 400
_SLOT = re.compile(r"passage-\d{1,3}")


def significant_words(text: str, *, limit: int = MAX_SEARCH_WORDS) -> list[str]:
    """The claim's rarest-looking words (long, not stopwords), in its order:
    a few words, because the SQLite fallback requires every one of them."""
    words: list[str] = []
    for word in _WORD.findall(text.lower()):
        word = word.strip("\u2019'-")
        if len(word) > 2 and word not in STOPWORDS and word not in words:
            words.append(word)
    keep = set(sorted(words, key=len, reverse=True)[:limit])
    return [w for w in words if w in keep]


@dataclass
class Passage:
    source: Source
    start: int
    end: int
    exact: str
    snippet: SafeString
    score: int
    suggestion: str


def _word_pattern(words: Sequence[str]) -> re.Pattern[str]:
    # A word's start is enough: "vaccine" also finds "vaccines".
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)


def _passages(
    source: Source, words: Sequence[str], taken: set[tuple[int, int]], *, min_score: int = 1
) -> list[Passage]:
    text = source.text
    pattern = _word_pattern(words)
    found = []
    for match in _SENTENCE.finditer(text):
        start, end = _trimmed_span(text, match.start(), match.end())
        if end - start < 3 or any(s < end and start < e for s, e in taken):
            continue
        hits = list(pattern.finditer(text, start, end))
        score = len({h.group(0).lower() for h in hits})
        if score < min_score:
            continue
        if end - start > MAX_PASSAGE_CHARS:  # a window around the first hit, on word edges
            first = hits[0].start()
            left = max(start, first - 120)
            if left > start:
                space = text.find(" ", left, first)
                left = space + 1 if space != -1 else left
            right = min(end, left + MAX_PASSAGE_CHARS)
            if right < end:
                space = text.rfind(" ", first, right)
                right = space if space > first else right
            start, end = _trimmed_span(text, left, right)
            hits = [h for h in hits if h.start() >= start and h.end() <= end]
        pieces, pos = [], start
        for hit in hits:
            pieces.append(_escape_text(text[pos : hit.start()]))
            pieces.append(f'<b class="hit">{_escape_text(hit.group(0))}</b>')
            pos = hit.end()
        pieces.append(_escape_text(text[pos:end]))
        suggestions = speaker_suggestions(text[start:end])
        found.append(
            Passage(
                source=source,
                start=start,
                end=end,
                exact=text[start:end],
                snippet=mark_safe("".join(pieces)),  # noqa: S308 - pieces are escaped
                score=score,
                suggestion=suggestions[0] if suggestions else "",
            )
        )
    found.sort(key=lambda p: (-p.score, p.start))
    return found[:PASSAGES_PER_SOURCE]


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
        passages.extend(_passages(source, words, taken.get(source.pk, set()), min_score=min_score))
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
