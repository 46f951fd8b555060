"""Re-parsing sources under changed rules, and re-anchoring their excerpts.

A ``ReparseJob`` is split into ``ReparseChunk`` rows of source ids. Each
chunk is processed in one transaction that also marks it done and adds to the
job's counters, so a chunk whose worker died is redone from scratch when the
broker redelivers it, and a chunk delivered twice is skipped the second time:
every source is counted once, whatever happens to the workers.

Every job ends, ``done`` or ``failed`` with a reason:
- a newer job takes over exactly the pending sources it also covers; the
  older one keeps the rest and counts what it handed over (``handed_over``);
- a chunk whose worker dies ``REPARSE_MAX_DELIVERIES`` times (a poison chunk)
  is failed with its source ids instead of being redelivered forever;
- a chunk that keeps hitting database errors or the soft time limit is failed
  once its retries are spent (``sources.tasks``), and one that hits the hard
  time limit at once;
- ``total == processed + handed_over`` when a job ends, and ``failed`` counts
  the sources of failed chunks and the sources whose parse failed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone

from claims_tracker.common.changes import ChangeSubject, changes_record
from sources.text.anchoring import AnchorState, Quote, reanchor_all
from sources.text.extraction import extract

from .copies import copies_update_on_commit
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

ACTIVE = (ReparseStatus.QUEUED, ReparseStatus.RUNNING)
ENDED = (ReparseStatus.DONE, ReparseStatus.FAILED)
# Namespace of the advisory locks that say "a live worker is on this chunk".
_CHUNK_LOCK_NAMESPACE = 0x5250  # "RP"
_ERRORS_SHOWN = 3

# What a claim/source pair shows of its source, besides the quote.
SHOWN_WITH_QUOTES = frozenset({"title", "published_at"})

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
    failed_ids: list[int] = field(default_factory=list)

    def add(self, other: ChunkOutcome) -> None:
        for name in ("processed", "changed", "relocated", "orphaned", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.changed_ids.extend(other.changed_ids)
        self.failed_ids.extend(other.failed_ids)


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
    source_ids: Sequence[int] | None = None,
) -> ReparseJob:
    """Create a job for the sources of one outlet (or all, or exactly
    ``source_ids``) and, after commit, enqueue its start. Call inside the
    transaction that changed the rules."""
    job = ReparseJob.objects.create(
        outlet_id=outlet_id,
        scope_all=outlet_id is None,
        only_stale=only_stale,
        reason=reason[:300],
        source_ids=sorted(set(source_ids)) if source_ids is not None else None,
        created_by=user if user and user.is_authenticated else None,
    )
    if enqueue:
        from .tasks import reparse_job_start

        reparse_job_start.delay_on_commit(job.pk)
    return job


def reparse_failed_sources(*, job_id: int | None = None) -> list[int]:
    """The sources that ended jobs could not re-parse (failed chunks, failed
    parses) and that no later job retried: of one job, or of all."""
    jobs = ReparseJob.objects.filter(status__in=ENDED, retried_by__isnull=True)
    if job_id is not None:
        jobs = jobs.filter(pk=job_id)
    ids: set[int] = set()
    for failed in ReparseChunk.objects.filter(job__in=jobs).values_list(
        "failed_source_ids", flat=True
    ):
        ids.update(failed)
    return sorted(ids)


@transaction.atomic
def reparse_job_retry_failed(
    *, job_id: int | None = None, user: AbstractBaseUser | None = None, enqueue: bool = True
) -> ReparseJob | None:
    """A new job for the failed sources of one ended job (or of every ended
    job not retried yet); None when there is nothing to retry. The retried
    jobs point at it (``retried_by``), so a source is retried once per click."""
    jobs = ReparseJob.objects.select_for_update().filter(status__in=ENDED, retried_by__isnull=True)
    if job_id is not None:
        jobs = jobs.filter(pk=job_id)
    job_ids = list(jobs.values_list("pk", flat=True))
    source_ids = reparse_failed_sources(job_id=job_id)
    if not source_ids:
        return None
    label = f"job {job_id}" if job_id is not None else "earlier jobs"
    retry = reparse_job_create(
        only_stale=False,
        source_ids=source_ids,
        reason=f"Retry of {len(source_ids)} failed sources of {label}",
        user=user,
        enqueue=enqueue,
    )
    ReparseJob.objects.filter(pk__in=job_ids).update(retried_by=retry)
    return retry


def _job_sources(job: ReparseJob) -> QuerySet[Source]:
    if job.source_ids is not None:
        return Source.objects.filter(pk__in=job.source_ids)
    sources = Source.objects.filter(_scope(job))
    if job.only_stale:
        outlet_ids = list(sources.values_list("outlet_id", flat=True).distinct())
        sources = sources.filter(stale_condition(outlet_ids=outlet_ids))
    return sources


def reparse_job_plan(*, job_id: int) -> list[int]:
    """Split the job into chunks, once; returns the ids of its pending chunks.

    Called again (the start task redelivered after its worker died), it plans
    nothing new and returns the chunks still pending, to enqueue again: a
    chunk delivered twice is processed once. Older active jobs hand over the
    pending sources this one also covers (``_take_over``).

    Locks: this job's row, then the older jobs' pending chunks (in id order),
    waiting for a chunk a worker is processing to commit.
    """
    with transaction.atomic():
        job = ReparseJob.objects.select_for_update().get(pk=job_id)
        if job.status == ReparseStatus.RUNNING:
            return list(job.chunks.filter(done=False).values_list("pk", flat=True))
        if job.status != ReparseStatus.QUEUED:
            return []
        source_ids = list(_job_sources(job).order_by("pk").values_list("pk", flat=True))
        _take_over(job=job, source_ids=source_ids)
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


def _take_over(*, job: ReparseJob, source_ids: Sequence[int]) -> None:
    """Older active jobs give up the pending sources ``job`` also covers: it
    re-parses them under the same (current) rules, so doing them twice would
    only repeat the work. What ``job`` does not cover stays with the older job,
    which goes on and counts the rest in ``handed_over``."""
    covered = set(source_ids)
    if not covered:
        return
    pending = (
        ReparseChunk.objects.select_for_update(of=("self",))
        .filter(job__status__in=ACTIVE, job_id__lt=job.pk, done=False)
        .order_by("pk")
    )
    now = timezone.now()
    moved_by_job: dict[int, int] = {}
    emptied_by_job: dict[int, int] = {}
    changed: list[ReparseChunk] = []
    for chunk in pending:
        keep = [pk for pk in chunk.source_ids if pk not in covered]
        moved = len(chunk.source_ids) - len(keep)
        if not moved:
            continue
        chunk.source_ids = keep
        chunk.handed_over += moved
        if not keep:
            chunk.done, chunk.in_flight, chunk.finished_at = True, False, now
            emptied_by_job[chunk.job_id] = emptied_by_job.get(chunk.job_id, 0) + 1
        moved_by_job[chunk.job_id] = moved_by_job.get(chunk.job_id, 0) + moved
        changed.append(chunk)
    ReparseChunk.objects.bulk_update(
        changed, ["source_ids", "handed_over", "done", "in_flight", "finished_at"]
    )
    for older_id, moved in sorted(moved_by_job.items()):
        ReparseJob.objects.filter(pk=older_id).update(
            handed_over=F("handed_over") + moved,
            chunks_done=F("chunks_done") + emptied_by_job.get(older_id, 0),
            superseded_by=job,
        )
        _job_finish_if_complete(job_id=older_id)


def _job_finish_if_complete(*, job_id: int) -> None:
    """``done`` once every chunk is finished, ``failed`` (with the chunks'
    reasons) when some chunk failed. Call in the transaction that finished
    the last chunk, after it updated the job's row (which it locks)."""
    row = (
        ReparseJob.objects.filter(pk=job_id)
        .values("status", "chunks_done", "chunks_total", "chunks_failed")
        .first()
    )
    if row is None or row["status"] != ReparseStatus.RUNNING:
        return
    if row["chunks_done"] < row["chunks_total"]:
        return
    now = timezone.now()
    if not row["chunks_failed"]:
        ReparseJob.objects.filter(pk=job_id).update(status=ReparseStatus.DONE, finished_at=now)
        return
    errors = list(
        ReparseChunk.objects.filter(job_id=job_id)
        .exclude(error="")
        .order_by("index")
        .values_list("error", flat=True)[: _ERRORS_SHOWN + 1]
    )
    summary = f"{row['chunks_failed']} of {row['chunks_total']} chunks failed: " + " ".join(
        errors[:_ERRORS_SHOWN]
    )
    if row["chunks_failed"] > _ERRORS_SHOWN:
        summary += " …"
    ReparseJob.objects.filter(pk=job_id).update(
        status=ReparseStatus.FAILED, finished_at=now, error=summary
    )


@contextlib.contextmanager
def _chunk_claim(chunk_id: int) -> Iterator[bool]:
    """Whether no live worker is on this chunk, held for the block.

    A session-level advisory lock on PostgreSQL: it outlives the short
    transaction that marks the chunk in flight, and dies with its
    connection, so a worker that was killed holds nothing. A delivery that
    cannot take it is a duplicate of one in progress (whose own message is
    still unacknowledged): it may return at once. SQLite runs one writer."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", [_CHUNK_LOCK_NAMESPACE, chunk_id % 2**31]
        )
        claimed = cursor.fetchone()[0]
    try:
        yield claimed
    finally:
        if claimed:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s, %s)",
                        [_CHUNK_LOCK_NAMESPACE, chunk_id % 2**31],
                    )
            except DatabaseError:
                # The connection is gone, and the session's lock with it.
                connection.close()


def _chunk_begin(*, chunk_id: int) -> bool:
    """Mark the chunk in flight (committed before any work); False when there
    is nothing to do. A chunk still in flight from an earlier delivery lost
    its worker: that counts as a death, and at ``REPARSE_MAX_DELIVERIES``
    deaths the chunk is failed instead of tried again."""
    with transaction.atomic():
        chunk = ReparseChunk.objects.select_for_update().filter(pk=chunk_id).first()
        if chunk is None or chunk.done:
            return False
        if chunk.in_flight:
            chunk.deaths += 1
        limit = max(1, settings.REPARSE_MAX_DELIVERIES)
        if chunk.deaths >= limit:
            _chunk_fail(
                chunk,
                reason=f"the worker died {chunk.deaths} times while re-parsing them "
                f"(REPARSE_MAX_DELIVERIES={limit}); not tried again.",
            )
            return False
        chunk.in_flight = True
        chunk.deliveries += 1
        chunk.save(update_fields=["in_flight", "deaths", "deliveries"])
        return True


def _chunk_fail(chunk: ReparseChunk, *, reason: str) -> None:
    ids = list(chunk.source_ids)
    shown = ", ".join(str(pk) for pk in ids[:20]) + (" …" if len(ids) > 20 else "")
    chunk.done, chunk.in_flight, chunk.finished_at = True, False, timezone.now()
    chunk.failed_source_ids = ids
    chunk.error = f"Chunk {chunk.index} (sources {shown}): {reason}"
    chunk.save(
        update_fields=["done", "in_flight", "finished_at", "failed_source_ids", "error", "deaths"]
    )
    ReparseJob.objects.filter(pk=chunk.job_id).update(
        processed=F("processed") + len(ids),
        failed=F("failed") + len(ids),
        chunks_done=F("chunks_done") + 1,
        chunks_failed=F("chunks_failed") + 1,
    )
    _job_finish_if_complete(job_id=chunk.job_id)


def reparse_chunk_fail(*, chunk_id: int, reason: str) -> None:
    """Give the chunk up: its sources are failed with ``reason`` (retries
    spent, hard time limit, a bug) and the job ends when it was the last."""
    with transaction.atomic():
        chunk = ReparseChunk.objects.select_for_update().filter(pk=chunk_id).first()
        if chunk is not None and not chunk.done:
            _chunk_fail(chunk, reason=reason)


def reparse_chunk_release(*, chunk_id: int) -> None:
    """An attempt ended with an error its task caught (it will retry): the
    worker did not die, so the next delivery must not count a death."""
    ReparseChunk.objects.filter(pk=chunk_id, done=False).update(in_flight=False)


def reparse_job_fail(*, job_id: int, reason: str) -> None:
    """A job that could not even be planned ends failed, with the reason."""
    ReparseJob.objects.filter(pk=job_id, status__in=ACTIVE).update(
        status=ReparseStatus.FAILED, finished_at=timezone.now(), error=reason[:2000]
    )


def reparse_work_pending() -> tuple[list[int], list[int]]:
    """(queued job ids, pending chunk ids of running jobs): what a broker that
    lost its messages (restarted without persistence) must be told again."""
    queued = list(
        ReparseJob.objects.filter(status=ReparseStatus.QUEUED).values_list("pk", flat=True)
    )
    chunks = list(
        ReparseChunk.objects.filter(job__status=ReparseStatus.RUNNING, done=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return queued, chunks


def reparse_chunk_process(*, chunk_id: int) -> ChunkOutcome | None:
    """Re-parse one chunk's sources from their raw input and re-anchor the
    excerpts of every source whose text changed. Returns None when there was
    nothing to do (done already, another worker on it, or given up).

    Locks the chunk's row, then its sources (in id order), then the job's row.
    """
    with _chunk_claim(chunk_id) as claimed:
        if not claimed or not _chunk_begin(chunk_id=chunk_id):
            return None
        with transaction.atomic():
            chunk = ReparseChunk.objects.select_for_update().filter(pk=chunk_id).first()
            if chunk is None or chunk.done:
                return None
            job = ReparseJob.objects.only("id", "only_stale").get(pk=chunk.job_id)
            outcome = sources_reparse(source_ids=chunk.source_ids, only_stale=job.only_stale)
            chunk.done, chunk.in_flight = True, False
            chunk.finished_at = timezone.now()
            chunk.failed_source_ids = outcome.failed_ids
            chunk.save(update_fields=["done", "in_flight", "finished_at", "failed_source_ids"])
            ReparseJob.objects.filter(pk=job.pk).update(
                processed=F("processed") + outcome.processed,
                changed=F("changed") + outcome.changed,
                relocated=F("relocated") + outcome.relocated,
                orphaned=F("orphaned") + outcome.orphaned,
                failed=F("failed") + outcome.failed,
                chunks_done=F("chunks_done") + 1,
            )
            _job_finish_if_complete(job_id=job.pk)
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
    shown_changed: list[int] = []
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
        except SoftTimeLimitExceeded:
            # Not this source's fault: the whole chunk is retried (sources.tasks).
            raise
        except Exception as exc:
            logger.warning("Re-parse of source %s failed: %s", source.pk, exc)
            outcome.failed += 1
            outcome.failed_ids.append(source.pk)
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
            moved = {k for k in SOURCE_FIELDS if after[k] != before[k]}
            if moved - {"rules_fingerprint"}:
                outcome.changed += 1
                outcome.changed_ids.append(source.pk)
            if moved & SHOWN_WITH_QUOTES:
                shown_changed.append(source.pk)
            changed_sources.append(source)
    if changed_sources:
        now = timezone.now()
        for source in changed_sources:
            source.updated_at = now
        _write_rows(Source, changed_sources, [*SOURCE_FIELDS, "updated_at"])
        if shown_changed:
            # Pairs show their source's title and date: the feed sends them again.
            changes_record(
                subject=ChangeSubject.EXCERPT,
                ids=Excerpt.objects.filter(source_id__in=shown_changed).values_list(
                    "pk", flat=True
                ),
            )
    if new_texts:
        relocated, orphaned = excerpts_reanchor(texts=new_texts)
        outcome.relocated += relocated
        outcome.orphaned += orphaned
        copies_update_on_commit(source_ids=new_texts)
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
                if excerpt.anchor_state == state:
                    continue  # orphaned already: not this job's doing
                orphaned += 1
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
        changes_record(subject=ChangeSubject.EXCERPT, ids=[e.pk for e in updated])
    if to_check:
        excerpts_need_check.send(sender=Excerpt, excerpt_ids=to_check)
    return relocated, orphaned


def reparse_job_run_inline(
    *, job_id: int, on_chunk: Callable[[ChunkOutcome | None, int], None] | None = None
) -> ReparseJob:
    """Run a job in this process (``manage.py reparse --sync``)."""
    chunk_ids = reparse_job_plan(job_id=job_id)
    for chunk_id in chunk_ids:
        outcome = reparse_chunk_process(chunk_id=chunk_id)
        if on_chunk:
            on_chunk(outcome, len(chunk_ids))
    return ReparseJob.objects.get(pk=job_id)
