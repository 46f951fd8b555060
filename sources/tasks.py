"""Celery tasks of the sources app: thin wrappers that take ids and call a
service. All are idempotent (recomputed from stored raw input)."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from billiard.exceptions import WorkerLostError
from celery import Task, shared_task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import Retry, SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection

from . import batches, copies, reparse

logger = logging.getLogger(__name__)

# Errors worth retrying: the database went away or a lock timed out. Anything
# else is a bug or bad data and retrying would only repeat it.
TRANSIENT = (OperationalError, InterfaceError)

# Every task here recomputes from stored input, so it may be acknowledged late
# and redelivered when its worker dies; transient errors are retried with backoff.
IDEMPOTENT_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
}
# The re-parse tasks retry by hand: a spent retry budget must end the job.
REPARSE_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "queue": "reparse",
    "bind": True,
    "max_retries": None,  # counted against REPARSE_CHUNK_RETRIES here
}


def _backoff(retries: int) -> int:
    return min(30, 2**retries)


def _fresh_connection() -> None:
    """After a database error the connection may be dead (a terminated
    backend): drop it, so the next query opens a new one. Not inside a
    transaction (a task run eagerly by a caller that holds one)."""
    if connection.in_atomic_block:
        return
    with contextlib.suppress(DatabaseError):
        connection.close()


class _FailureRecorded(DjangoTask):
    """A failure the task body could not catch (a bug, or the hard time limit,
    reported in the worker's main process after the pool killed the child)
    is recorded on the job, so the job ends instead of running forever."""

    abstract = True

    def record_failure(self, target_id: int, reason: str) -> None:  # pragma: no cover
        raise NotImplementedError

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        if isinstance(exc, Retry | WorkerLostError):
            return  # retried, or requeued for another worker
        target_id = args[0] if args else next(iter(kwargs.values()), None)
        if target_id is None:
            return
        if isinstance(exc, TimeLimitExceeded):
            reason = f"hit the hard time limit ({settings.CELERY_TASK_TIME_LIMIT} s)."
        else:
            reason = f"{exc.__class__.__name__}: {exc}"
        _fresh_connection()
        try:
            self.record_failure(int(target_id), reason)
        except DatabaseError:
            logger.exception("Could not record the failure of %s(%s)", self.name, target_id)


class ReparseJobStartTask(_FailureRecorded):
    abstract = True

    def record_failure(self, target_id: int, reason: str) -> None:
        reparse.reparse_job_fail(job_id=target_id, reason=f"Planning failed: {reason}")


class ReparseChunkTask(_FailureRecorded):
    abstract = True

    def record_failure(self, target_id: int, reason: str) -> None:
        reparse.reparse_chunk_fail(chunk_id=target_id, reason=reason)


@shared_task(name="sources.reparse_job_start", base=ReparseJobStartTask, **REPARSE_TASK)
def reparse_job_start(self: Task, job_id: int) -> int:
    """Plan the job into chunks and fan them out; returns the chunk count."""
    try:
        chunk_ids = reparse.reparse_job_plan(job_id=job_id)
    except TRANSIENT as exc:
        _fresh_connection()
        if self.request.retries >= settings.REPARSE_CHUNK_RETRIES:
            reparse.reparse_job_fail(
                job_id=job_id,
                reason=f"Planning failed {self.request.retries + 1} times: "
                f"{exc.__class__.__name__}: {exc}",
            )
            return 0
        raise self.retry(countdown=_backoff(self.request.retries)) from exc
    for chunk_id in chunk_ids:
        reparse_chunk.delay(chunk_id)
    return len(chunk_ids)


@shared_task(name="sources.reparse_chunk", base=ReparseChunkTask, **REPARSE_TASK)
def reparse_chunk(self: Task, chunk_id: int) -> dict[str, int] | None:
    """Re-parse one chunk. A database error or the soft time limit retries the
    whole chunk (its transaction rolled back); when the retries are spent, or
    the worker died ``REPARSE_MAX_DELIVERIES`` times on it, the chunk is
    failed with the reason and its sources, and the job ends."""
    try:
        outcome = reparse.reparse_chunk_process(chunk_id=chunk_id)
    except SoftTimeLimitExceeded as exc:
        return _retry_or_fail(
            self,
            chunk_id,
            f"ran past the soft time limit ({settings.CELERY_TASK_SOFT_TIME_LIMIT} s)",
            exc,
        )
    except TRANSIENT as exc:
        _fresh_connection()
        return _retry_or_fail(
            self, chunk_id, f"database error ({exc.__class__.__name__}: {exc})".strip(), exc
        )
    if outcome is None:
        return None
    return {
        "processed": outcome.processed,
        "changed": outcome.changed,
        "relocated": outcome.relocated,
        "orphaned": outcome.orphaned,
        "failed": outcome.failed,
    }


def _retry_or_fail(task: Task, chunk_id: int, why: str, exc: Exception) -> None:
    attempts = task.request.retries + 1
    if task.request.retries >= settings.REPARSE_CHUNK_RETRIES:
        reparse.reparse_chunk_fail(chunk_id=chunk_id, reason=f"{why}, {attempts} times.")
        return
    logger.warning("Re-parse chunk %s %s; retrying (attempt %s)", chunk_id, why, attempts)
    try:
        reparse.reparse_chunk_release(chunk_id=chunk_id)
    except DatabaseError:
        _fresh_connection()  # the next delivery counts a death it need not; harmless
    raise task.retry(countdown=_backoff(task.request.retries), exc=exc)


@shared_task(name="sources.reparse_resume", queue="reparse", ignore_result=True)
def reparse_resume() -> dict[str, Any]:
    """Enqueue again every queued job and pending chunk: run when a worker
    (re)connects to the broker, which may have lost its messages. Duplicates
    are harmless: a chunk is processed once."""
    queued, chunks = reparse.reparse_work_pending()
    for job_id in queued:
        reparse_job_start.delay(job_id)
    for chunk_id in chunks:
        reparse_chunk.delay(chunk_id)
    return {"jobs": len(queued), "chunks": len(chunks)}


@shared_task(
    name="sources.ingest_url",
    queue="ingest",
    **IDEMPOTENT_TASK,
    retry_kwargs={"max_retries": 3},
)
def ingest_url(item_id: int) -> str | None:
    """Fetch and ingest one URL of a batch; returns the item's status."""
    item = batches.ingest_item_process(item_id=item_id)
    return item.status if item else None


@shared_task(
    name="sources.copies_update",
    queue="ingest",
    ignore_result=True,
    **IDEMPOTENT_TASK,
    retry_kwargs={"max_retries": 5},
)
def copies_update(source_ids: list[int]) -> int:
    """Recompute copied text for sources whose text changed (a re-parse)."""
    return copies.sources_copies_update(source_ids=source_ids)
