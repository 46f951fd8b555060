"""Reads of sources, outlets, rules and jobs. Selectors own the joins, so
query counts stay flat however many rows a page shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from sources.text.canonical import domain_of
from sources.text.errors import UrlError
from sources.text.extraction import RuleSpec, decode_bytes, rules_fingerprint

from .models import Excerpt, ExtractionRule, IngestBatch, IngestItem, Outlet, ReparseJob, Source

# Columns a list never needs: the raw input can be megabytes.
HEAVY_SOURCE_FIELDS = ("raw",)


def outlet_domain_key(text: str) -> str:
    """The domain an outlet is stored under, from a domain or a URL as a person
    typed it ("www.Example.com", "https://example.com/x" -> "example.com")."""
    try:
        return domain_of(text)
    except UrlError:
        return text.strip().lower()


def outlet_by_domain(*, domain: str) -> Outlet | None:
    return Outlet.objects.filter(domain=outlet_domain_key(domain)).first()


def source_search(qs: QuerySet[Source], q: str) -> QuerySet[Source]:
    """Full text over title and text: PostgreSQL's GIN-indexed tsvector, ranked;
    elsewhere a case-insensitive substring match on every word."""
    q = q.strip()
    if not q:
        return qs
    if connection.vendor == "postgresql":
        match = RawSQL(
            "sources_source.search_vector @@ websearch_to_tsquery('english', %s)",
            (q,),
            output_field=BooleanField(),
        )
        rank = RawSQL(
            "ts_rank(sources_source.search_vector, websearch_to_tsquery('english', %s))",
            (q,),
            output_field=FloatField(),
        )
        return (
            qs.alias(fts_match=match)
            .filter(fts_match=True)
            .annotate(rank=rank)
            .order_by(F("rank").desc(), "-id")
        )
    for word in q.split():
        qs = qs.filter(Q(title__icontains=word) | Q(text__icontains=word))
    return qs.order_by("-ingested_at", "-id")


def _evidence_count() -> Coalesce:
    """Evidence rows quoting a source, as a correlated subquery: computed for
    the rows of the page only, never grouped over the whole table."""
    per_source = (
        Excerpt.objects.filter(source=OuterRef("pk"))
        .order_by()
        .values("source")
        .annotate(n=Count("evidence"))
        .values("n")
    )
    return Coalesce(Subquery(per_source, output_field=IntegerField()), 0)


# Markers ts_headline puts around the words found; the snippet is escaped as
# text and the markers become <mark> only afterwards (article text is never HTML).
SNIPPET_START, SNIPPET_STOP = "\x02", "\x03"


def source_snippets(*, source_ids: Sequence[int], q: str) -> dict[int, str]:
    """A highlighted passage of each source around the words of ``q`` (plain
    text with ``SNIPPET_START``/``SNIPPET_STOP`` around the hits), for the
    rows of a result page: PostgreSQL's ``ts_headline``; elsewhere the text
    around the first word found."""
    q = q.strip()
    if not source_ids or not q:
        return {}
    if connection.vendor == "postgresql":
        options = (
            f"StartSel={SNIPPET_START}, StopSel={SNIPPET_STOP}, MaxWords=30, MinWords=12, "
            'MaxFragments=2, FragmentDelimiter=" … "'
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, ts_headline('english', text, websearch_to_tsquery('english', %s), %s) "
                "FROM sources_source WHERE id = ANY(%s)",
                [q, options, list(source_ids)],
            )
            return dict(cursor.fetchall())
    snippets = {}
    words = [w.lower() for w in q.split()]
    for pk, text in Source.objects.filter(pk__in=source_ids).values_list("pk", "text"):
        lowered = text.lower()
        at = min((i for i in (lowered.find(w) for w in words) if i >= 0), default=-1)
        if at < 0:
            continue
        word = next(w for w in words if lowered.find(w) == at)
        begin = max(0, at - 80)
        snippets[pk] = (
            ("…" if begin else "")
            + text[begin:at]
            + SNIPPET_START
            + text[at : at + len(word)]
            + SNIPPET_STOP
            + text[at + len(word) : at + len(word) + 120]
            + "…"
        )
    return snippets


def source_list(
    *,
    q: str = "",
    outlet: str = "",
    published_after: dt.datetime | None = None,
    published_before: dt.datetime | None = None,
    updated_since: dt.datetime | None = None,
    status: str = "",
) -> QuerySet[Source]:
    qs = (
        Source.objects.select_related("outlet")
        .defer(*HEAVY_SOURCE_FIELDS)
        .annotate(evidence_count=_evidence_count())
    )
    if outlet:
        qs = qs.filter(outlet__domain=outlet_domain_key(outlet))
    if published_after:
        qs = qs.filter(published_at__gte=published_after)
    if published_before:
        qs = qs.filter(published_at__lte=published_before)
    if updated_since:
        qs = qs.filter(updated_at__gte=updated_since)
    if status:
        qs = qs.filter(status=status)
    return source_search(qs, q) if q else qs.order_by("-ingested_at", "-id")


def source_detail(*, source_id: int) -> Source:
    return (
        Source.objects.select_related("outlet")
        .annotate(evidence_count=_evidence_count())
        .get(pk=source_id)
    )


def source_raw_text(source: Source) -> str:
    """The source's raw input as text, decoded as ingestion decoded it."""
    return decode_bytes(bytes(source.raw), declared_charset=source.raw_charset or None)


def source_find_duplicate(*, canonical_url: str | None, content_sha256: str) -> Source | None:
    condition = Q(content_sha256=content_sha256)
    if canonical_url:
        condition |= Q(url=canonical_url)
    return Source.objects.select_related("outlet").filter(condition).order_by("id").first()


def rule_specs(rules: Iterable[ExtractionRule]) -> list[RuleSpec]:
    return [
        RuleSpec(kind=r.kind, pattern=r.pattern, replacement=r.replacement, field=r.field)
        for r in rules
    ]


def rules_effective(*, outlet_id: int | None) -> list[ExtractionRule]:
    """The enabled rules that apply to a source of this outlet: global ones and
    the outlet's own, in order."""
    scope = Q(outlet__isnull=True)
    if outlet_id is not None:
        scope |= Q(outlet_id=outlet_id)
    return list(ExtractionRule.objects.filter(scope, enabled=True).order_by("position", "id"))


def rules_by_outlet(*, outlet_ids: Sequence[int | None]) -> dict[int | None, list[RuleSpec]]:
    """Effective rule specs for several outlets in one query."""
    wanted = {o for o in outlet_ids if o is not None}
    rows = list(
        ExtractionRule.objects.filter(
            Q(outlet__isnull=True) | Q(outlet_id__in=wanted), enabled=True
        ).order_by("position", "id")
    )
    result: dict[int | None, list[RuleSpec]] = {}
    for outlet_id in set(outlet_ids):
        result[outlet_id] = rule_specs(
            r for r in rows if r.outlet_id is None or r.outlet_id == outlet_id
        )
    return result


def fingerprint_for(specs: Sequence[RuleSpec]) -> str:
    return rules_fingerprint(specs)


def rule_list(*, outlet: str = "") -> QuerySet[ExtractionRule]:
    qs = ExtractionRule.objects.select_related("outlet")
    if outlet:
        qs = qs.filter(outlet__domain=outlet_domain_key(outlet))
    return qs.order_by("position", "id")


def outlet_list() -> QuerySet[Outlet]:
    return Outlet.objects.annotate(source_count=Count("sources")).order_by("name")


def outlet_choices() -> QuerySet[Outlet]:
    """Outlets for a filter menu: no per-outlet count (that groups every source)."""
    return Outlet.objects.only("id", "name", "domain").order_by("name")


def excerpt_orphans() -> QuerySet[Excerpt]:
    return (
        Excerpt.objects.filter(anchor_state="orphaned")
        .select_related("source", "source__outlet")
        .order_by("-updated_at")
    )


def reparse_job_active() -> QuerySet[ReparseJob]:
    return (
        ReparseJob.objects.filter(status__in=["queued", "running"])
        .select_related("outlet")
        .order_by("created_at")
    )


def reparse_job_focus(*, failed_within: dt.timedelta) -> QuerySet[ReparseJob]:
    """Jobs the rules page shows first: those still running, and those that
    failed recently and were not retried (with their reason)."""
    recently_failed = Q(
        status="failed",
        retried_by__isnull=True,
        finished_at__gte=timezone.now() - failed_within,
    )
    return (
        ReparseJob.objects.filter(Q(status__in=["queued", "running"]) | recently_failed)
        .select_related("outlet")
        .order_by("created_at")
    )


def reparse_job_recent(*, limit: int) -> list[ReparseJob]:
    return list(ReparseJob.objects.select_related("outlet", "created_by")[:limit])


def reparse_job_detail(*, job_id: int) -> ReparseJob | None:
    return ReparseJob.objects.select_related("outlet").filter(pk=job_id).first()


def ingest_batch_detail(*, batch_id: int) -> tuple[IngestBatch, list[IngestItem]]:
    """A URL batch and its items, in the order given (``IngestBatch.DoesNotExist``)."""
    batch = IngestBatch.objects.get(pk=batch_id)
    return batch, list(batch.items.select_related("source").order_by("id"))
