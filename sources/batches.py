"""Ingesting several URLs in the background: a batch of items, one task each
on the ``ingest`` queue, counters for the progress bar.

A task fetches outside any transaction (a fetch can take seconds), then
records its result under the item's row lock only if the item is still
queued: a task delivered twice fetches twice at worst (the ingest service
deduplicates by URL) but is counted once.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from claims_tracker.common.errors import ApplicationError

from .models import IngestBatch, IngestItem, IngestItemStatus
from .services import source_ingest_url

MAX_BATCH_URLS = 200


def ingest_batch_create(
    *, urls: list[str], outlet_domain: str | None = None, user: AbstractBaseUser | None = None
) -> IngestBatch:
    """Queue these URLs (duplicates in the list dropped) for ingestion."""
    unique = list(dict.fromkeys(u.strip() for u in urls if u.strip()))
    if not unique:
        raise ApplicationError("Give at least one URL.")
    if len(unique) > MAX_BATCH_URLS:
        raise ApplicationError(f"At most {MAX_BATCH_URLS} URLs at once (got {len(unique)}).")
    from .tasks import ingest_url

    with transaction.atomic():
        batch = IngestBatch.objects.create(
            created_by=user if user and user.is_authenticated else None,
            outlet_domain=outlet_domain or "",
            total=len(unique),
        )
        items = IngestItem.objects.bulk_create(IngestItem(batch=batch, url=url) for url in unique)
        for item in items:
            ingest_url.delay_on_commit(item.pk)
    return batch


def ingest_item_process(*, item_id: int) -> IngestItem | None:
    """Fetch and ingest one item's URL; None when it was already done."""
    item = IngestItem.objects.select_related("batch").filter(pk=item_id).first()
    if item is None or item.status != IngestItemStatus.QUEUED:
        return None
    source, error, status = None, "", IngestItemStatus.ERROR
    try:
        result = source_ingest_url(
            url=item.url, outlet_domain=item.batch.outlet_domain or None, user=item.batch.created_by
        )
    except ApplicationError as exc:
        error = exc.message
    else:
        source = result.source
        status = IngestItemStatus.CREATED if result.created else IngestItemStatus.DUPLICATE
    with transaction.atomic():
        locked = IngestItem.objects.select_for_update().get(pk=item_id)
        if locked.status != IngestItemStatus.QUEUED:
            return None
        locked.status, locked.source, locked.error = status, source, error
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "source", "error", "finished_at"])
        failed = 1 if status == IngestItemStatus.ERROR else 0
        IngestBatch.objects.filter(pk=locked.batch_id).update(
            done=F("done") + 1, failed=F("failed") + failed
        )
        IngestBatch.objects.filter(pk=locked.batch_id, done=F("total"), finished_at=None).update(
            finished_at=timezone.now()
        )
    return locked
