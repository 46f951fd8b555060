"""The change log behind the evidence change feed, and the horizon of the
transactions still running (docs/API.md, "Sync", explains the design).

Every write that changes how a claim/source pair looks appends rows here *in
its own transaction*: ``evidence`` rows (a pair linked, edited, unlinked, or
its claim edited or reviewed) and ``excerpt`` rows (a quote re-anchored, or
its source's title or date changed by a re-parse; ``sources`` knows nothing of
claims, so the feed expands an excerpt into its pairs when it serves it).

A row's ``txid`` is its writing transaction's id on PostgreSQL. The feed is
ordered by ``(txid, id)`` and serves only rows whose transaction is older
than the oldest one still running in this database (``changes_horizon``):
those can no longer change, and any row committed later has a larger ``txid``, so it sorts after
every cursor already handed out. On SQLite one transaction writes at a time
and ``id`` alone gives the commit order (``txid`` stays 0).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, models
from django.utils import timezone


class ChangeSubject(models.TextChoices):
    EVIDENCE = "evidence", "Evidence (a claim/source pair)"
    EXCERPT = "excerpt", "Excerpt (every pair that quotes it)"


class ChangeLog(models.Model):
    """One change of a pair (or of an excerpt, for all its pairs). Append-only."""

    txid = models.BigIntegerField(
        default=0, help_text="The writing transaction's id (PostgreSQL); 0 on SQLite."
    )
    subject = models.CharField(max_length=10, choices=ChangeSubject.choices)
    subject_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "common"
        ordering = ["txid", "id"]
        indexes = [models.Index(fields=["txid", "id"], name="changelog_feed_order")]

    def __str__(self) -> str:
        return f"{self.subject} {self.subject_id} (tx {self.txid})"


def changes_record(*, subject: str, ids: Iterable[int]) -> None:
    """Append change rows for these ids, in the caller's transaction."""
    unique = sorted(set(ids))
    if not unique:
        return
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(ChangeLog._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (txid, subject, subject_id, created_at) "
                "SELECT pg_current_xact_id()::text::bigint, %s, unnest(%s::bigint[]), "
                "statement_timestamp()",
                [subject, unique],
            )
        return
    ChangeLog.objects.bulk_create([ChangeLog(subject=subject, subject_id=pk) for pk in unique])


def changes_horizon() -> int | None:
    """The id of the oldest transaction still running in this database
    (PostgreSQL): change rows below it are final. None on SQLite, where every
    committed row is.

    ``pg_snapshot_xmin(pg_current_snapshot())`` would do, but it counts the
    transactions of every database of the cluster, so a long one elsewhere
    would hold this feed back. Instead, in one statement: the snapshot's
    running transactions (``pg_snapshot_xip``, 64-bit) that belong to this
    database's sessions (``pg_stat_activity.backend_xid``, 32-bit), and the
    snapshot's ``xmax`` (every id from there on counts as running). Rows of
    the reading session's own open transaction are not served either: they
    are not committed."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_snapshot_xmax(snap.s)::text::bigint, "
            "ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(snap.s) AS x), "
            "ARRAY(SELECT backend_xid::text::bigint FROM pg_stat_activity "
            "WHERE datname = current_database() AND backend_xid IS NOT NULL) "
            "FROM (SELECT pg_current_snapshot() AS s) AS snap"
        )
        xmax, running, ours = cursor.fetchone()
    mine = set(ours)
    return min([xid for xid in running if xid % 2**32 in mine] + [xmax])


def sync_since_horizon() -> dt.datetime:
    """A time no change still to commit can be stamped before: the start of
    the oldest transaction open in this database (PostgreSQL), less a margin
    for the application servers' clocks (``SYNC_CLOCK_MARGIN`` seconds).

    ``updated_at`` is stamped while a transaction runs, so a long one (a
    re-parse chunk) can commit rows dated before the moment a client last
    asked; the next ``updated_since`` must reach back to here. Call it before
    reading the rows it covers. SQLite cannot see other transactions: the
    margin there is ``SYNC_SQLITE_MARGIN`` (longer than any transaction)."""
    margin = dt.timedelta(seconds=settings.SYNC_CLOCK_MARGIN)
    if connection.vendor != "postgresql":
        return timezone.now() - dt.timedelta(seconds=settings.SYNC_SQLITE_MARGIN)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT LEAST(clock_timestamp(), min(xact_start)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend' AND xact_start IS NOT NULL"
        )
        oldest = cursor.fetchone()[0]
    return oldest - margin
