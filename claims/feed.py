"""The evidence change feed: ``GET /api/evidence/changes/?since=<cursor>``.

One ordered stream of upserts and deletions built from the change log
(``claims_tracker.common.changes``). A page takes change rows in
``(txid, id)`` order below the horizon of running transactions, turns
excerpt rows into the pairs that quote the excerpt, and sends each pair's
*current* state (or its deletion). The cursor is the last row it consumed,
so every change committed after a cursor was handed out sorts after it: a
change may be delivered twice, never zero times.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from claims_tracker.common.changes import ChangeLog, ChangeSubject, changes_horizon
from claims_tracker.common.errors import ApplicationError

from .evidence_rows import LOOKUPS
from .models import Evidence, EvidenceTombstone
from .selectors import evidence_list
from .serializers import evidence_from_row, iso_datetime

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
_PREFIX = "c1:"


@dataclass(frozen=True)
class FeedCursor:
    txid: int = 0
    id: int = 0

    def encode(self) -> str:
        raw = f"{_PREFIX}{self.txid}:{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> FeedCursor:
        try:
            padded = value + "=" * (-len(value) % 4)
            text = base64.urlsafe_b64decode(padded.encode()).decode()
            if not text.startswith(_PREFIX):
                raise ValueError(text)
            txid, row_id = (int(part) for part in text[len(_PREFIX) :].split(":"))
            if txid < 0 or row_id < 0:
                raise ValueError(text)
        except (ValueError, UnicodeError, binascii.Error):
            raise ApplicationError(
                "since must be a cursor this feed handed out (or absent, to start from the "
                "beginning).",
                code="invalid_cursor",
            ) from None
        return cls(txid, row_id)


@dataclass(frozen=True)
class FeedPage:
    results: list[dict]
    cursor: str
    has_more: bool


def evidence_feed_page(*, since: str | None, limit: int = DEFAULT_LIMIT) -> FeedPage:
    """The changes after ``since`` (a cursor; None: from the beginning).

    At most ``limit`` results; an excerpt row is never split across pages, so
    a page may stop short of ``limit`` (one excerpt has few pairs). Queries:
    the horizon, the change rows, the excerpts' pairs, the pairs, the
    tombstones — five, whatever the page size.
    """
    limit = max(1, min(limit, MAX_LIMIT))
    after = FeedCursor.decode(since) if since else FeedCursor()
    horizon = changes_horizon()  # before reading: rows below it are final
    rows = ChangeLog.objects.filter(
        Q(txid__gt=after.txid) | Q(txid=after.txid, id__gt=after.id)
    ).order_by("txid", "id")
    if horizon is not None:
        rows = rows.filter(txid__lt=horizon)
    changes = list(
        rows.values_list("txid", "id", "subject", "subject_id", "created_at")[: limit + 1]
    )

    excerpt_ids = {sid for _, _, subject, sid, _ in changes if subject == ChangeSubject.EXCERPT}
    quoting: dict[int, list[int]] = {}
    if excerpt_ids:
        for evidence_id, excerpt_id in Evidence.objects.filter(
            excerpt_id__in=excerpt_ids
        ).values_list("id", "excerpt_id"):
            quoting.setdefault(excerpt_id, []).append(evidence_id)

    order: dict[int, dt.datetime] = {}  # evidence id -> when the change was logged
    cursor, consumed = after, 0
    for txid, row_id, subject, subject_id, created_at in changes:
        ids = [subject_id] if subject == ChangeSubject.EVIDENCE else quoting.get(subject_id, [])
        new = [pk for pk in ids if pk not in order]
        if consumed and len(order) + len(new) > limit:
            break
        for pk in new:
            order[pk] = created_at
        cursor, consumed = FeedCursor(txid, row_id), consumed + 1

    results = _current_state(order)
    return FeedPage(results=results, cursor=cursor.encode(), has_more=consumed < len(changes))


def _current_state(order: dict[int, dt.datetime]) -> list[dict]:
    if not order:
        return []
    tz = timezone.get_current_timezone()
    rows = {row[0]: row for row in evidence_list().filter(pk__in=list(order)).values_list(*LOOKUPS)}
    missing = [pk for pk in order if pk not in rows]
    deleted_at = (
        dict(
            EvidenceTombstone.objects.filter(evidence_id__in=missing).values_list(
                "evidence_id", "deleted_at"
            )
        )
        if missing
        else {}
    )
    results = []
    for pk, logged_at in order.items():
        if pk in rows:
            results.append({"op": "upsert", "id": pk, "evidence": evidence_from_row(rows[pk], tz)})
        else:
            # Unlinked (a tombstone says when), or removed with its claim.
            when = deleted_at.get(pk, logged_at)
            results.append({"op": "delete", "id": pk, "deleted_at": iso_datetime(when, tz)})
    return results
