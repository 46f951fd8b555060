"""Pages of the sources app: the list and the ingest form. (The reader,
which shows evidence, lives in ``claims.views.reader``: sources know nothing of claims.)"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods

from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.paging import estimated_count, page_of
from claims_tracker.common.roles import is_analyst

from .. import batches, selectors, services
from ..models import IngestBatch, Source

PAGE_SIZE = 25


def _date(value: str | None, *, end: bool = False) -> dt.datetime | None:
    day = parse_date(value or "") if value else None
    if day is None:
        return None
    moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    return moment.replace(tzinfo=dt.UTC)


def snippet_html(snippet: str) -> SafeString:
    """A search snippet as HTML: the text escaped, the hits in <mark>."""
    html = escape(snippet)
    html = html.replace(selectors.SNIPPET_START, "<mark>").replace(
        selectors.SNIPPET_STOP, "</mark>"
    )
    return mark_safe(html)  # noqa: S308 - escaped above; only our markers became tags


def source_list_page(request: HttpRequest) -> HttpResponse:
    params = request.GET
    qs = selectors.source_list(
        q=params.get("q", ""),
        outlet=params.get("outlet", ""),
        published_after=_date(params.get("published_after")),
        published_before=_date(params.get("published_before"), end=True),
        status=params.get("status", "") if params.get("status") in {"parsed", "failed"} else "",
    ).defer("text")
    filtered = any(params.get(k) for k in ("q", "outlet", "published_after", "published_before"))
    page = page_of(
        qs,
        number=params.get("page"),
        size=PAGE_SIZE,
        estimated_total=None if filtered or params.get("status") else estimated_count(Source),
    )
    if params.get("q", "").strip():
        snippets = selectors.source_snippets(source_ids=[s.pk for s in page], q=params.get("q", ""))
        for source in page:
            source.snippet = snippet_html(snippets.get(source.pk, ""))
    query = params.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "outlets": selectors.outlet_choices(),
        "params": params,
        "query": query.urlencode(),
    }
    template = "sources/_list_rows.html" if request.htmx else "sources/list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def source_new_page(request: HttpRequest) -> HttpResponse:
    """Paste text or HTML, upload several files, or give URLs (one per line):
    every input gets its own result line; one failure does not stop the rest."""
    results: list[dict] = []
    if request.method == "POST":
        if not is_analyst(request.user):
            return render(
                request,
                "403.html",
                {"message": "Only analysts and editors may ingest sources."},
                status=403,
            )
        outlet = request.POST.get("outlet", "").strip() or None
        pasted = request.POST.get("raw", "")
        if pasted.strip():
            results.append(
                _attempt(
                    "Pasted text",
                    lambda: services.source_ingest(
                        raw=pasted,
                        content_type=request.POST.get("content_type") or None,
                        outlet_domain=outlet,
                        title=request.POST.get("title") or None,
                        user=request.user,
                    ),
                )
            )
        for upload in request.FILES.getlist("files"):
            results.append(
                _attempt(
                    upload.name,
                    lambda upload=upload: services.source_ingest_upload(
                        upload=upload, outlet_domain=outlet, user=request.user
                    ),
                )
            )
        urls = request.POST.get("urls", "").split()
        if len(urls) == 1:
            results.append(
                _attempt(
                    urls[0],
                    lambda: services.source_ingest_url(
                        url=urls[0], outlet_domain=outlet, user=request.user
                    ),
                )
            )
        elif urls:
            # Several URLs are fetched in the background, with a progress bar.
            try:
                batch = batches.ingest_batch_create(
                    urls=urls, outlet_domain=outlet, user=request.user
                )
            except ApplicationError as exc:
                results.append(
                    {"input": f"{len(urls)} URLs", "status": "error", "error": exc.message}
                )
            else:
                batch.refresh_from_db()  # eager mode (no broker) has already run it
                results.append({"input": f"{batch.total} URLs", "status": "queued", "batch": batch})
        if not results:
            results.append(
                {
                    "input": "",
                    "status": "error",
                    "error": "Paste text, choose files, or give a URL.",
                }
            )
    status = 400 if results and all(r["status"] == "error" for r in results) else 200
    return render(
        request, "sources/new.html", {"results": results, "post": request.POST}, status=status
    )


def ingest_batch_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A URL batch's progress; the fragment alone for htmx polling."""
    try:
        batch, items = selectors.ingest_batch_detail(batch_id=pk)
    except IngestBatch.DoesNotExist as exc:
        raise Http404("No such batch.") from exc
    template = "sources/_batch.html" if request.htmx else "sources/batch.html"
    return render(request, template, {"batch": batch, "items": items})


def _attempt(label: str, ingest) -> dict:
    try:
        result = ingest()
    except ApplicationError as exc:
        return {"input": label, "status": "error", "error": exc.message}
    return {
        "input": label,
        "status": "created" if result.created else "duplicate",
        "source": result.source,
    }
