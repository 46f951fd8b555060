"""Copied text between sources: kept up to date on ingest and re-parse.

``source_copies_update`` (the write) stores a source's LSH band keys, looks up
the sources that share a key, verifies each candidate with the exact
alignment of ``sources.text.copying`` and stores one ``SharedText`` row per
pair that really shares passages (dropping pairs that no longer do). It is
idempotent: it recomputes everything from the current texts.
``source_related`` and ``copy_groups`` (the reads) serve the API, the reader
and the independent-voice counts.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Q

from .models import SharedText, Source, SourceBand, SourceStatus
from .signals import copies_changed
from .text.copying import Tokens, band_keys, coverage, shared_passages, tokenize

# Candidates verified per source at most, the most shared band keys first: a
# wire story repeated by hundreds of outlets links each copy to its closest
# fifty, and the copy groups (connected components) still join them all.
MAX_CANDIDATES = 50


def _order_key(source: Source) -> tuple:
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return (source.published_at or far, source.ingested_at or far, source.pk)


@functools.lru_cache(maxsize=MAX_CANDIDATES + 14)
def _tokens(text: str) -> Tokens:
    """A text tokenised, with its shingle index built once, however many
    sources it is verified against. Kept for the most recently used texts (a
    wire story arriving from its hundredth outlet is verified against the
    same closest copies as the ninety-ninth); keyed by the text itself, so an
    edited or re-parsed text is never served stale. Each entry is a few
    hundred KB for a long article."""
    return tokenize(text)


def _band_table() -> str:
    return connection.ops.quote_name(SourceBand._meta.db_table)


def _candidate_ids(source_id: int, keys: set[int]) -> list[int]:
    """Sources sharing band keys with this one, the most shared first."""
    if connection.vendor == "postgresql":
        # One array parameter instead of a thousand: parsed and planned once.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT source_id FROM {_band_table()} "  # noqa: S608 - the table name from model meta
                "WHERE key = ANY(%s::bigint[]) AND source_id <> %s "
                "GROUP BY source_id ORDER BY count(*) DESC, source_id LIMIT %s",
                [list(keys), source_id, MAX_CANDIDATES],
            )
            return [row[0] for row in cursor.fetchall()]
    return list(
        SourceBand.objects.filter(key__in=list(keys))
        .exclude(source_id=source_id)
        .values("source_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "source_id")
        .values_list("source_id", flat=True)[:MAX_CANDIDATES]
    )


def _bands_store(source_id: int, keys: set[int]) -> None:
    """Make the source's stored band keys exactly ``keys``: on PostgreSQL in
    two statements over arrays, touching only keys that changed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {_band_table()} WHERE source_id = %s AND NOT key = ANY(%s::bigint[])",  # noqa: S608 - table name from model meta
                [source_id, list(keys)],
            )
            cursor.execute(
                f"INSERT INTO {_band_table()} (source_id, key) "
                "SELECT %s, unnest(%s::bigint[]) ON CONFLICT DO NOTHING",
                [source_id, list(keys)],
            )
        return
    SourceBand.objects.filter(source_id=source_id).delete()
    SourceBand.objects.bulk_create(
        [SourceBand(source_id=source_id, key=key) for key in keys], ignore_conflicts=True
    )


def _update(source: Source, changed: set[tuple[int, int]]) -> int:
    """Recompute one source's band keys and pairs; adds the pairs that
    appeared or went to ``changed``."""
    text = source.text if source.status == SourceStatus.PARSED else ""
    keys = band_keys(text) if text else set()
    _bands_store(source.pk, keys)
    stored = SharedText.objects.filter(Q(earlier_id=source.pk) | Q(later_id=source.pk))
    before = set(stored.values_list("earlier_id", "later_id"))
    stored.delete()
    if not keys:
        changed |= before
        return 0
    others = Source.objects.filter(
        pk__in=_candidate_ids(source.pk, keys), status=SourceStatus.PARSED
    ).only("id", "text", "published_at", "ingested_at")
    mine_tokens = _tokens(source.text)
    rows = []
    for other in others:
        # This source as ``b``: its shingle index is built once for all candidates.
        passages = shared_passages(_tokens(other.text), mine_tokens)
        if not passages:
            continue
        mine = [[p.b_start, p.b_end] for p in sorted(passages, key=lambda p: p.b_start)]
        theirs = [[p.a_start, p.a_end] for p in passages]
        if _order_key(source) < _order_key(other):
            earlier, later, earlier_spans, later_spans = source, other, mine, theirs
        else:
            earlier, later, earlier_spans, later_spans = other, source, theirs, mine
        rows.append(
            SharedText(
                earlier_id=earlier.pk,
                later_id=later.pk,
                earlier_spans=earlier_spans,
                later_spans=later_spans,
                earlier_shared_chars=coverage(map(tuple, earlier_spans)),
                later_shared_chars=coverage(map(tuple, later_spans)),
            )
        )
    SharedText.objects.bulk_create(rows, ignore_conflicts=True)
    changed |= before ^ {(r.earlier_id, r.later_id) for r in rows}
    return len(rows)


def _announce(changed: set[tuple[int, int]]) -> None:
    """Tell ``copies_changed`` receivers, once per batch, which sources
    gained or lost a copy pair (nothing when the pairs came out as they
    were): a claim quoting many of the batch's sources counts again once."""
    if changed:
        ids = sorted({pk for pair in changed for pk in pair})
        copies_changed.send(sender=SharedText, source_ids=ids)


def sources_copies_update(*, source_ids: Iterable[int]) -> int:
    """Recompute which sources share passages with each of these; returns
    how many pairs were stored. Idempotent: safe to run twice, late, or after
    the texts changed again (it reads the texts as they are now)."""
    ids = sorted(set(source_ids))
    if not ids:
        return 0
    stored = 0
    sources = Source.objects.filter(pk__in=ids).only(
        "id", "text", "status", "published_at", "ingested_at"
    )
    changed: set[tuple[int, int]] = set()
    for source in sources.order_by("pk"):
        with transaction.atomic():
            stored += _update(source, changed)
    with transaction.atomic():
        _announce(changed)
    return stored


def source_copies_update(*, source_id: int) -> int:
    """``sources_copies_update`` for one source; returns how many sources
    share passages with it."""
    return sources_copies_update(source_ids=[source_id])


def copies_update_on_commit(*, source_ids: Iterable[int]) -> None:
    """Recompute copies of these sources in the background once the caller's
    transaction commits (re-parse chunks: derived data, allowed to lag)."""
    ids = sorted(set(source_ids))
    if not ids:
        return
    from .tasks import copies_update

    copies_update.delay_on_commit(ids)


@dataclass(frozen=True)
class Related:
    source: Source
    shared_chars: int
    shared_fraction: float
    relation: str  # "copies" (this source copies the other) | "copied_by"
    spans: list[list[int]]  # shared passages in *this* source's text


def source_related(*, source_id: int, text_length: int | None = None) -> list[Related]:
    """Other sources sharing passages with this one, most shared first (one
    query; two when ``text_length``, this source's text length, is not given)."""
    rows = SharedText.objects.filter(Q(earlier_id=source_id) | Q(later_id=source_id))
    rows = rows.select_related("earlier", "later", "earlier__outlet", "later__outlet").defer(
        "earlier__raw", "later__raw", "earlier__text", "later__text"
    )
    length = text_length
    if length is None:
        length = len(Source.objects.values_list("text", flat=True).get(pk=source_id) or "")
    related = []
    for row in rows:
        if row.later_id == source_id:
            other, chars, spans, relation = (
                row.earlier,
                row.later_shared_chars,
                row.later_spans,
                "copies",
            )
        else:
            other, chars, spans, relation = (
                row.later,
                row.earlier_shared_chars,
                row.earlier_spans,
                "copied_by",
            )
        related.append(
            Related(
                source=other,
                shared_chars=chars,
                shared_fraction=round(chars / length, 3) if length else 0.0,
                relation=relation,
                spans=spans,
            )
        )
    related.sort(key=lambda r: (-r.shared_chars, r.source.pk))
    return related


def copy_pairs(*, source_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(earlier, later) for each pair of these sources that share text (one query)."""
    ids = list(set(source_ids))
    if not ids:
        return []
    return list(
        SharedText.objects.filter(earlier_id__in=ids, later_id__in=ids)
        .order_by("earlier_id", "later_id")
        .values_list("earlier_id", "later_id")
    )


def copy_groups(
    *, source_ids: Sequence[int], pairs: Sequence[tuple[int, int]] | None = None
) -> dict[int, int]:
    """Each source id mapped to its copy group: the smallest id among the
    sources, of these, that copy each other directly or through others of
    these. One query, none when ``pairs`` (from ``copy_pairs``) are given."""
    ids = set(source_ids)
    parent = {i: i for i in ids}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in copy_pairs(source_ids=sorted(ids)) if pairs is None else pairs:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in ids}
