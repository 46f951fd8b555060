"""Celery tasks of the sources app: thin wrappers that take ids and call a
service. All are idempotent (recomputed from stored raw input)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError

from . import batches, reparse

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


@shared_task(
    name="sources.reparse_job_start",
    queue="reparse",
    **IDEMPOTENT_TASK,
    retry_kwargs={"max_retries": 5},
)
def reparse_job_start(job_id: int) -> int:
    """Plan the job into chunks and fan them out; returns the chunk count."""
    chunk_ids = reparse.reparse_job_plan(job_id=job_id)
    for chunk_id in chunk_ids:
        reparse_chunk.delay(chunk_id)
    return len(chunk_ids)


@shared_task(
    name="sources.reparse_chunk",
    queue="reparse",
    **IDEMPOTENT_TASK,
    retry_kwargs={"max_retries": 5},
)
def reparse_chunk(chunk_id: int) -> dict[str, int] | None:
    try:
        outcome = reparse.reparse_chunk_process(chunk_id=chunk_id)
    except DatabaseError:
        logger.exception("Re-parse chunk %s failed", chunk_id)
        raise
    if outcome is None:
        return None
    return {
        "processed": outcome.processed,
        "changed": outcome.changed,
        "relocated": outcome.relocated,
        "orphaned": outcome.orphaned,
        "failed": outcome.failed,
    }


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
