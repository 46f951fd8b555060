"""The sync torture test: writers race two syncing clients for at least 20 s
on PostgreSQL, Redis and a real Celery worker, then both mirrors must equal
the server's pairs field for field (0 missing, 0 stale, 0 ghosts).

Writers: analysts link pairs, re-stance and unlink them, edit claims and give
verdicts; an editor turns an extraction rule on and off every few seconds, so
re-parse jobs re-anchor quotes on the worker while the clients sync. Clients:
scripts/sync_example.py's feed client, and the updated_since + /deleted/
procedure of docs/API.md, both over HTTP against the live server.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter

import httpx
import pytest
from django.contrib.auth.models import User
from django.db import close_old_connections, connection, transaction

from claims.evidence_rows import LOOKUPS
from claims.models import Claim, Evidence
from claims.serializers import evidence_from_row
from claims.services import (
    claim_create,
    claim_review,
    claim_update,
    evidence_link,
    evidence_unlink,
    evidence_update,
)
from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.tokens import api_token_create
from sources.models import ExtractionRule, ReparseJob
from sources.rule_services import rule_create, rule_update
from tests.support import corpus
from tests.support.sync_clients import UpdatedSinceClient, compare, load_sync_example, mirror_of

pytestmark = [pytest.mark.services, pytest.mark.slow]

SECONDS = float(os.environ.get("SYNC_TORTURE_SECONDS", "20"))
SOURCES = 40
# Quotes of corpus.article: one above the line the rule drops, two below it.
QUOTES = (
    "voted on Tuesday to end a nine-day strike",
    "loading would resume at dawn",
    corpus.QUOTE,
)


def _server_pairs() -> dict[int, dict]:
    rows = Evidence.objects.values_list(*LOOKUPS)
    return {row[0]: evidence_from_row(row) for row in rows}


class Writers:
    """Threads that change pairs until told to stop, counting what they did."""

    def __init__(self, *, source_ids: list[int], claim_ids: list[int], analyst, editor) -> None:
        self.source_ids = source_ids
        self.claim_ids = claim_ids
        self.analyst, self.editor = analyst, editor
        self.stop = threading.Event()
        self.done: Counter[str] = Counter()
        self.errors: list[str] = []
        self.threads: list[threading.Thread] = []

    def _loop(self, step, seed: int) -> None:
        rng = random.Random(seed)
        try:
            while not self.stop.is_set():
                try:
                    step(rng)
                except ApplicationError:
                    self.done["refused"] += 1  # a duplicate link, a pair gone meanwhile
                except Exception as exc:  # a deadlock victim is retried by the next step
                    self.errors.append(f"{exc.__class__.__name__}: {exc}")
                    close_old_connections()
        finally:
            connection.close()

    def pair_step(self, rng: random.Random) -> None:
        roll = rng.random()
        existing = list(Evidence.objects.values_list("pk", flat=True)[:400])
        if roll < 0.5 or not existing:
            evidence_link(
                claim_id=rng.choice(self.claim_ids),
                source_id=rng.choice(self.source_ids),
                stance=rng.choice(["asserts", "disputes", "mentions"]),
                exact=rng.choice(QUOTES),
                user=self.analyst,
            )
            self.done["link"] += 1
        elif roll < 0.75:
            evidence_update(
                evidence_id=rng.choice(existing),
                user=self.analyst,
                stance=rng.choice(["asserts", "disputes", "mentions"]),
            )
            self.done["restance"] += 1
        elif roll < 0.93:
            evidence_unlink(evidence_id=rng.choice(existing), user=self.analyst)
            self.done["unlink"] += 1
        elif roll < 0.97:
            claim = Claim.objects.get(pk=rng.choice(self.claim_ids))
            claim_update(
                claim_id=claim.pk,
                user=self.analyst,
                version=claim.version,
                text=f"Claim {claim.pk} rev {rng.random():.6f}",
            )
            self.done["claim edit"] += 1
        else:
            claim = Claim.objects.get(pk=rng.choice(self.claim_ids))
            claim_review(
                claim_id=claim.pk,
                verdict=rng.choice(["supported", "refuted", "mixed"]),
                rationale="Checked against the minutes.",
                version=claim.version,
                user=self.editor,
            )
            self.done["verdict"] += 1

    def rule_step(self, rng: random.Random) -> None:
        time.sleep(rng.uniform(1.5, 3.0))
        rule = ExtractionRule.objects.get(name="Drop desk lines")
        with transaction.atomic():
            change = rule_update(rule_id=rule.pk, user=self.editor, enabled=not rule.enabled)
        if change.reparse_job:
            self.done["rule change + re-parse"] += 1

    def start(self) -> None:
        steps = [(self.pair_step, 1), (self.pair_step, 2), (self.rule_step, 3)]
        for step, seed in steps:
            thread = threading.Thread(target=self._loop, args=(step, seed), daemon=True)
            thread.start()
            self.threads.append(thread)

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)


class Syncer:
    """A client thread syncing again and again until told to stop."""

    def __init__(self, sync_once) -> None:
        self.sync_once = sync_once
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                self.sync_once()
            except Exception as exc:
                self.errors.append(f"{exc.__class__.__name__}: {exc}")
            time.sleep(0.1)

    def join(self) -> None:
        self.stop.set()
        self.thread.join(60)


def _wait_jobs_ended(timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while ReparseJob.objects.filter(status__in=["queued", "running"]).exists():
        assert time.monotonic() < deadline, list(
            ReparseJob.objects.filter(status__in=["queued", "running"]).values()
        )
        time.sleep(0.2)


def test_both_sync_procedures_end_with_exactly_the_servers_pairs(
    celery_worker_factory, live_server, analyst, editor, tmp_path, settings
):
    settings.API_TOKEN_RATE = "100000/minute"
    source_ids = corpus.sources_bulk(SOURCES, paragraphs=3)
    claim_ids = [claim_create(text=f"Claim {i}", user=analyst).pk for i in range(12)]
    with transaction.atomic():
        rule_create(
            user=editor,
            name="Drop desk lines",
            kind="drop_lines",
            pattern=corpus.DESK_PATTERN,
            outlet=corpus.OUTLET,
            enabled=False,
        )
    celery_worker_factory(env={"REPARSE_CHUNK_SIZE": "8"})
    client_user = User.objects.create_user("mirror-client")
    headers = {"Authorization": f"Token {api_token_create(user=client_user, name='sync')[1]}"}

    sync_example = load_sync_example()
    feed_path = str(tmp_path / "feed.sqlite3")
    feed_http = httpx.Client(base_url=live_server.url, headers=headers, timeout=30)
    feed_progress = sync_example.Progress(started=time.monotonic())
    local = threading.local()

    def feed_once() -> None:
        if not hasattr(local, "db"):  # SQLite connections stay in their thread
            local.db = sync_example.open_mirror(feed_path)
        sync_example.sync(feed_http, local.db, limit=200, progress=feed_progress)

    since_client = UpdatedSinceClient(
        httpx.Client(base_url=live_server.url, headers=headers, timeout=30)
    )
    feed_sync = Syncer(feed_once)
    since_sync = Syncer(since_client.round)
    writers = Writers(source_ids=source_ids, claim_ids=claim_ids, analyst=analyst, editor=editor)

    started = time.monotonic()
    feed_sync.thread.start()
    since_sync.thread.start()
    writers.start()
    time.sleep(SECONDS)
    writers.join()
    raced = time.monotonic() - started
    _wait_jobs_ended()
    feed_sync.join()
    since_sync.join()
    # The writers have stopped and every job ended: one more pass each.
    sync_example.sync(
        feed_http, sync_example.open_mirror(feed_path), limit=500, progress=feed_progress
    )
    since_client.round()

    server = _server_pairs()
    feed_result = compare(mirror_of(feed_path), server)
    since_result = compare(since_client.mirror, server)
    jobs = Counter(ReparseJob.objects.values_list("status", flat=True))
    print(
        f"\n[torture] raced {raced:.1f}s; writes {dict(writers.done)}; jobs {dict(jobs)}; "
        f"server pairs {len(server)}; feed: {feed_progress.pages} pages, "
        f"{feed_progress.upserts} upserts, {feed_progress.deletes} deletes -> "
        f"{ {k: len(v) for k, v in feed_result.items()} }; updated_since: "
        f"{since_client.rounds} rounds, {since_client.requests} requests -> "
        f"{ {k: len(v) for k, v in since_result.items()} }; writer errors "
        f"{len(writers.errors)} {writers.errors[:3]}"
    )
    assert raced >= 20 or SECONDS < 20
    assert writers.done["link"] > 50
    assert writers.done["unlink"] > 10
    assert writers.done["rule change + re-parse"] >= 3
    assert set(jobs) <= {"done", "failed"}
    assert jobs["done"] >= 3
    assert not feed_sync.errors, feed_sync.errors
    assert not since_sync.errors, since_sync.errors
    assert feed_result == {"missing": [], "ghosts": [], "stale": []}
    assert since_result == {"missing": [], "ghosts": [], "stale": []}
