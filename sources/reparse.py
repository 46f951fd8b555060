"""Re-parsing sources under changed rules, and re-anchoring their excerpts.

A ``ReparseJob`` is split into ``ReparseChunk`` rows of source ids. Each
chunk is processed in one transaction that also marks it done and adds to the
job's counters, so a chunk whose worker died is redone from scratch when the
broker redelivers it, and a chunk delivered twice is skipped the second time:
every source is counted once, whatever happens to the workers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from sources.text.anchoring import AnchorState, Quote, reanchor_all
from sources.text.extraction import extract

from .models import (
    Excerpt,
    ReparseChunk,
    ReparseJob,
    ReparseStatus,
    Source,
    SourceStatus,
)
from .selectors import fingerprint_for, rules_by_outlet, source_raw_text
from .services import source_fields
from .signals import excerpts_need_check

logger = logging.getLogger(__name__)

SOURCE_FIELDS = (
    "title",
    "authors",
    "published_at",
    "language",
    "site_name",
    "metadata_provenance",
    "text",
    "status",
    "parse_error",
    "rules_fingerprint",
)


@dataclass
class ChunkOutcome:
    processed: int = 0
    changed: int = 0
    relocated: int = 0
    orphaned: int = 0
    failed: int = 0
    changed_ids: list[int] = field(default_factory=list)

    def add(self, other: ChunkOutcome) -> None:
        for name in ("processed", "changed", "relocated", "orphaned", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.changed_ids.extend(other.changed_ids)


def _scope(job: ReparseJob) -> Q:
    return Q() if job.scope_all else Q(outlet_id=job.outlet_id)


def stale_condition(*, outlet_ids: Sequence[int | None]) -> Q:
    """Sources whose fingerprint differs from their outlet's current one."""
    specs = rules_by_outlet(outlet_ids=outlet_ids)
    condition = Q(pk__in=[])
    for outlet_id, outlet_specs in specs.items():
        fingerprint = fingerprint_for(outlet_specs)
        outlet_q = Q(outlet__isnull=True) if outlet_id is None else Q(outlet_id=outlet_id)
        condition |= outlet_q & ~Q(rules_fingerprint=fingerprint)
    return condition


def reparse_job_create(
    *,
    outlet_id: int | None = None,
    only_stale: bool = True,
    reason: str = "",
    user: AbstractBaseUser | None = None,
    enqueue: bool = True,
) -> ReparseJob:
    """Create a job for the sources of one outlet (or all) and, after commit,
    enqueue its start. Call inside the transaction that changed the rules."""
    job = ReparseJob.objects.create(
        outlet_id=outlet_id,
        scope_all=outlet_id is None,
        only_stale=only_stale,
        reason=reason[:300],
        created_by=user if user and user.is_authenticated else None,
    )
    if enqueue:
        from .tasks import reparse_job_start

        reparse_job_start.delay_on_commit(job.pk)
    return job


def reparse_job_plan(*, job_id: int) -> list[int]:
    """Split the job into chunks, once; returns the ids of its pending chunks.

    Called again (the start task redelivered after its worker died), it plans
    nothing new and returns the chunks still pending, to enqueue again: a
    chunk delivered twice is processed once. Older active jobs over the same sources give their pending chunks up to
    this one, so no source is processed twice for the same change.
    """
    with transaction.atomic():
        job = ReparseJob.objects.select_for_update().get(pk=job_id)
        if job.status == ReparseStatus.RUNNING:
            return list(job.chunks.filter(done=False).values_list("pk", flat=True))
        if job.status != ReparseStatus.QUEUED:
            return []
        older = ReparseJob.objects.filter(
            status__in=[ReparseStatus.QUEUED, ReparseStatus.RUNNING], pk__lt=job.pk
        )
        if not job.scope_all:
            older = older.filter(outlet_id=job.outlet_id)
        older_ids = list(older.values_list("pk", flat=True))
        if older_ids:
            ReparseChunk.objects.filter(job_id__in=older_ids, done=False).update(
                done=True, finished_at=timezone.now()
            )
            now = timezone.now()
            ReparseJob.objects.filter(pk__in=older_ids).update(
                status=ReparseStatus.DONE,
                finished_at=now,
                superseded_by=job,
                error=f"Superseded by job {job.pk}, which took over its pending sources.",
            )
        sources = Source.objects.filter(_scope(job))
        if job.only_stale:
            outlet_ids = list(sources.values_list("outlet_id", flat=True).distinct())
            sources = sources.filter(stale_condition(outlet_ids=outlet_ids))
        source_ids = list(sources.order_by("pk").values_list("pk", flat=True))
        size = max(1, settings.REPARSE_CHUNK_SIZE)
        chunks = [
            ReparseChunk(job=job, index=i, source_ids=source_ids[start : start + size])
            for i, start in enumerate(range(0, len(source_ids), size))
        ]
        ReparseChunk.objects.bulk_create(chunks)
        job.total = len(source_ids)
        job.chunks_total = len(chunks)
        job.started_at = timezone.now()
        job.status = ReparseStatus.RUNNING if chunks else ReparseStatus.DONE
        if not chunks:
            job.finished_at = job.started_at
        job.save()
        return [chunk.pk for chunk in chunks]


def reparse_chunk_process(*, chunk_id: int) -> ChunkOutcome | None:
    """Re-parse one chunk's sources from their raw input and re-anchor the
    excerpts of every source whose text changed. Returns None when the chunk
    was already done (a redelivery)."""
    with transaction.atomic():
        chunk = ReparseChunk.objects.select_for_update().filter(pk=chunk_id).first()
        if chunk is None or chunk.done:
            return None
        job = ReparseJob.objects.only("id", "only_stale").get(pk=chunk.job_id)
        outcome = sources_reparse(source_ids=chunk.source_ids, only_stale=job.only_stale)
        chunk.done = True
        chunk.finished_at = timezone.now()
        chunk.save(update_fields=["done", "finished_at"])
        ReparseJob.objects.filter(pk=job.pk).update(
            processed=F("processed") + outcome.processed,
            changed=F("changed") + outcome.changed,
            relocated=F("relocated") + outcome.relocated,
            orphaned=F("orphaned") + outcome.orphaned,
            failed=F("failed") + outcome.failed,
            chunks_done=F("chunks_done") + 1,
        )
        ReparseJob.objects.filter(
            pk=job.pk, chunks_done=F("chunks_total"), status=ReparseStatus.RUNNING
        ).update(status=ReparseStatus.DONE, finished_at=timezone.now())
        return outcome


def sources_reparse(*, source_ids: Sequence[int], only_stale: bool = True) -> ChunkOutcome:
    """Re-extract these sources under their current rules; write only what
    changed, in bulk. Locks the sources (in id order) for the transaction."""
    outcome = ChunkOutcome()
    sources = list(
        Source.objects.select_for_update(of=("self",)).filter(pk__in=source_ids).order_by("pk")
    )
    specs_by_outlet = rules_by_outlet(outlet_ids=[s.outlet_id for s in sources])
    fingerprints = {o: fingerprint_for(specs) for o, specs in specs_by_outlet.items()}
    changed_sources: list[Source] = []
    new_texts: dict[int, str] = {}
    for source in sources:
        outcome.processed += 1
        fingerprint = fingerprints[source.outlet_id]
        if only_stale and source.rules_fingerprint == fingerprint and source.status == "parsed":
            continue
        before = {name: getattr(source, name) for name in SOURCE_FIELDS}
        try:
            decoded = source_raw_text(source)
            result = extract(
                decoded,
                content_type=source.content_type,
                url=source.url,
                rules=specs_by_outlet[source.outlet_id],
                reference_time=source.ingested_at,
            )
        except Exception as exc:
            logger.warning("Re-parse of source %s failed: %s", source.pk, exc)
            outcome.failed += 1
            # Keep the last good text, so its excerpts stay valid.
            source.status = SourceStatus.FAILED
            source.parse_error = f"{exc.__class__.__name__}: {exc}"
            source.rules_fingerprint = fingerprint
        else:
            for name, value in source_fields(result, source.overrides or {}).items():
                setattr(source, name, value)
            source.rules_fingerprint = fingerprint
            if source.text != before["text"]:
                new_texts[source.pk] = source.text
        after = {name: getattr(source, name) for name in SOURCE_FIELDS}
        if after != before:
            if {k for k in SOURCE_FIELDS if after[k] != before[k]} - {"rules_fingerprint"}:
                outcome.changed += 1
                outcome.changed_ids.append(source.pk)
            changed_sources.append(source)
    if changed_sources:
        now = timezone.now()
        for source in changed_sources:
            source.updated_at = now
        _write_rows(Source, changed_sources, [*SOURCE_FIELDS, "updated_at"])
    if new_texts:
        relocated, orphaned = excerpts_reanchor(texts=new_texts)
        outcome.relocated += relocated
        outcome.orphaned += orphaned
    return outcome


def _write_rows(model: type[Model], objs: Sequence[Model], field_names: Sequence[str]) -> None:
    """One parameterised UPDATE per row, sent as a batch (psycopg pipelines
    ``executemany``): far cheaper than ``bulk_update``'s CASE expression over
    whole article texts, which Django builds and PostgreSQL parses per batch."""
    fields = [model._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608 - names from model meta; values are parameters
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _selection(excerpt: Excerpt) -> Quote:
    """What re-anchoring starts from: the analyst's words and context (never
    the last fuzzy result), at the quote's last position."""
    selected = excerpt.selected or excerpt.exact  # rows made before selections were kept
    prefix = excerpt.selected_prefix if excerpt.selected else excerpt.prefix
    suffix = excerpt.selected_suffix if excerpt.selected else excerpt.suffix
    return Quote(
        exact=selected,
        prefix=prefix,
        suffix=suffix,
        start=excerpt.start,
        end=excerpt.start + len(selected),
    )


_TO_CHECK = {AnchorState.CHANGED.value, AnchorState.ORPHANED.value}


def excerpts_reanchor(*, texts: dict[int, str]) -> tuple[int, int]:
    """Re-anchor every excerpt of these sources in their new texts; returns
    (relocated, orphaned). Excerpts are updated, never deleted; their
    selection is never written. Excerpts whose quote stopped (or started
    again) showing the analyst's words are announced with
    ``excerpts_need_check``, in this transaction."""
    excerpts = list(Excerpt.objects.filter(source_id__in=texts.keys()).order_by("source_id", "pk"))
    by_source: dict[int, list[Excerpt]] = {}
    for excerpt in excerpts:
        by_source.setdefault(excerpt.source_id, []).append(excerpt)
    updated: list[Excerpt] = []
    to_check: list[int] = []
    relocated = orphaned = 0
    now = timezone.now()
    for source_id, items in by_source.items():
        selections = [_selection(e) for e in items]
        for excerpt, anchor in zip(items, reanchor_all(selections, texts[source_id]), strict=True):
            state = anchor.state.value
            before = (excerpt.anchor_state, excerpt.exact)
            if state == AnchorState.ORPHANED.value:
                orphaned += 1
                if excerpt.anchor_state == state:
                    continue
                excerpt.anchor_state = state
                excerpt.anchor_score = anchor.score
            else:
                new = anchor.quote
                if state == AnchorState.RELOCATED.value:
                    relocated += 1
                unchanged = (
                    excerpt.anchor_state == state
                    and (excerpt.start, excerpt.end, excerpt.exact)
                    == (new.start, new.end, new.exact)
                    and (excerpt.prefix, excerpt.suffix) == (new.prefix, new.suffix)
                )
                if unchanged:
                    continue
                excerpt.exact, excerpt.prefix, excerpt.suffix = new.exact, new.prefix, new.suffix
                excerpt.start, excerpt.end = new.start, new.end
                excerpt.anchor_state = state
                excerpt.anchor_score = anchor.score
            needs_check = state in _TO_CHECK or before[0] in _TO_CHECK
            if needs_check and before != (excerpt.anchor_state, excerpt.exact):
                to_check.append(excerpt.pk)
            excerpt.updated_at = now
            updated.append(excerpt)
    if updated:
        _write_rows(
            Excerpt,
            updated,
            [
                "exact",
                "prefix",
                "suffix",
                "start",
                "end",
                "anchor_state",
                "anchor_score",
                "updated_at",
            ],
        )
        Excerpt.history.bulk_history_create(
            updated,
            update=True,
            default_change_reason="re-anchored after re-parse",
            default_date=now,
        )
    if to_check:
        excerpts_need_check.send(sender=Excerpt, excerpt_ids=to_check)
    return relocated, orphaned


def reparse_job_run_inline(
    *, job_id: int, on_chunk: Callable[[ChunkOutcome | None, int], None] | None = None
) -> ReparseJob:
    """Run a job in this process (``manage.py reparse --sync``, eager mode)."""
    chunk_ids = reparse_job_plan(job_id=job_id)
    for chunk_id in chunk_ids:
        outcome = reparse_chunk_process(chunk_id=chunk_id)
        if on_chunk:
            on_chunk(outcome, len(chunk_ids))
    return ReparseJob.objects.get(pk=job_id)
