"""Re-parse jobs under faults, on real services: PostgreSQL, Redis (the
shared one, or a private redis-server on a port chosen at run time) and
Celery workers this module starts and kills itself.

Each test asserts that the job ends (``done``, or ``failed`` with a reason),
that every affected source ends on the new fingerprint with the new text,
that its counters are exact, that no excerpt is lost or re-anchored twice
("exactly once in effect": one history record per moved quote), and that the
change feed, read from a cursor taken before the job, then delivers every
pair whose quote moved, as it is now.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models import Count

from claims.evidence_rows import LOOKUPS
from claims.feed import evidence_feed_page
from claims.models import Evidence
from claims.serializers import evidence_from_row
from sources.models import Excerpt, ExtractionRule, Outlet, ReparseChunk, ReparseJob, Source
from sources.reparse import reparse_job_create, reparse_job_plan
from sources.rule_services import rule_create
from sources.selectors import fingerprint_for, rule_specs, rules_effective
from sources.tasks import reparse_chunk
from tests.support import corpus
from tests.support.services import ROOT, CeleryWorker, RedisServer

pytestmark = [pytest.mark.services, pytest.mark.slow]

REANCHORED = "re-anchored after re-parse"
# A killed worker's unacknowledged chunk comes back within seconds.
FAST_REDELIVERY = {
    "CELERY_VISIBILITY_TIMEOUT": "3",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
}


def _job(job_id: int) -> ReparseJob:
    return ReparseJob.objects.get(pk=job_id)


def _wait_ended(job_id: int, timeout: float = 180.0) -> ReparseJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = _job(job_id)
        if job.status in {"done", "failed"}:
            return job
        time.sleep(0.2)
    chunks = list(ReparseChunk.objects.filter(job_id=job_id, done=False).values())
    raise AssertionError(
        f"job {job_id} did not end in {timeout}s: {_job(job_id).__dict__} {chunks}"
    )


def _wait_processed(job_id: int, at_least: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while _job(job_id).processed < at_least:
        assert time.monotonic() < deadline, f"job {job_id} stuck at {_job(job_id).processed}"
        time.sleep(0.05)


def _wait_in_flight(job_id: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not ReparseChunk.objects.filter(job_id=job_id, in_flight=True).exists():
        assert time.monotonic() < deadline, f"no chunk of job {job_id} in flight"
        time.sleep(0.01)


def _wait_planned(job_id: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while _job(job_id).status == "queued":
        assert time.monotonic() < deadline, f"job {job_id} was never planned"
        time.sleep(0.05)


def _drop_desk_line() -> ReparseJob:
    """The editor's change: drop the desk line; the quote below it moves up."""
    with transaction.atomic():
        change = rule_create(
            user=None,
            name="Drop desk lines",
            kind="drop_lines",
            pattern=corpus.DESK_PATTERN,
            outlet=corpus.OUTLET,
        )
    assert change.reparse_job is not None
    return change.reparse_job


def _assert_current(source_ids: list[int], *, moved_once: bool = True) -> None:
    """Every source on the current fingerprint with the new text, and every
    excerpt still there, anchored on its words, re-anchored exactly once."""
    outlet_id = Outlet.objects.get(domain=corpus.OUTLET).pk
    fingerprint = fingerprint_for(rule_specs(rules_effective(outlet_id=outlet_id)))
    rows = dict(Source.objects.filter(pk__in=source_ids).values_list("pk", "rules_fingerprint"))
    assert len(rows) == len(source_ids)
    stale = [pk for pk, fp in rows.items() if fp != fingerprint]
    assert not stale, f"{len(stale)} sources not re-parsed, e.g. {stale[:5]}"
    assert not Source.objects.filter(
        pk__in=source_ids, text__contains="southern basin desk"
    ).exists()
    texts = dict(Source.objects.filter(pk__in=source_ids).values_list("pk", "text"))
    excerpts = list(Excerpt.objects.filter(source_id__in=source_ids))
    assert len(excerpts) == len(source_ids)  # none lost, none duplicated
    for excerpt in excerpts:
        assert excerpt.anchor_state == "relocated"
        assert texts[excerpt.source_id][excerpt.start : excerpt.end] == excerpt.exact
    if moved_once:
        records = (
            Excerpt.history.filter(source_id__in=source_ids, history_change_reason=REANCHORED)
            .values("id")
            .annotate(n=Count("history_id"))
        )
        counts = [r["n"] for r in records]
        assert len(counts) == len(source_ids)
        assert set(counts) == {1}, "a quote was re-anchored more than once"


def _feed_cursor() -> str:
    """Where the change feed stands now (read to its end)."""
    return _feed_after(None)[1]


def _feed_after(cursor: str | None) -> tuple[list[dict], str]:
    results: list[dict] = []
    while True:
        page = evidence_feed_page(since=cursor, limit=500)
        results += page.results
        cursor = page.cursor
        if not page.has_more:
            return results, cursor


def _assert_feed_delivered(cursor: str, source_ids: list[int]) -> None:
    """The change feed, read from before the job, delivers every pair of
    these sources with its quote as it is now."""
    delivered = {r["id"]: r["evidence"] for r in _feed_after(cursor)[0] if r["op"] == "upsert"}
    rows = Evidence.objects.filter(excerpt__source_id__in=source_ids).values_list(*LOOKUPS)
    expected = {row[0]: evidence_from_row(row) for row in rows}
    assert len(expected) == len(source_ids)
    missing = sorted(set(expected) - set(delivered))
    assert not missing, f"{len(missing)} changed pairs not in the feed, e.g. {missing[:5]}"
    stale = sorted(pk for pk in expected if delivered[pk] != expected[pk])
    assert not stale, f"{len(stale)} pairs delivered stale, e.g. {stale[:5]}"


def _assert_exact_counters(job: ReparseJob, *, total: int) -> None:
    assert job.total == total
    assert job.processed + job.handed_over == job.total
    assert not ReparseChunk.objects.filter(job=job, done=False).exists()
    assert job.finished_at is not None


# --- (a) SIGKILL the worker five times during a 2,000-source re-parse ---------------


def test_five_worker_kills_during_a_2000_source_reparse_lose_nothing(celery_worker_factory):
    source_ids = corpus.sources_bulk(2000)
    env = {
        **FAST_REDELIVERY,
        "REPARSE_CHUNK_SIZE": "50",
        # Five kills may land on the same chunk; the poison limit is for
        # chunks that kill their worker, tested below.
        "REPARSE_MAX_DELIVERIES": "6",
    }
    worker = celery_worker_factory(env=env)
    cursor = _feed_cursor()
    started = time.monotonic()
    job = _drop_desk_line()

    kills = 0
    for kill_at in (150, 500, 850, 1200, 1550):
        _wait_processed(job.pk, kill_at)
        _wait_in_flight(job.pk)  # kill it in the middle of a chunk
        worker.kill()
        kills += 1
        assert _job(job.pk).processed < 2000
        worker = celery_worker_factory(env=env)
    job = _wait_ended(job.pk)
    elapsed = time.monotonic() - started

    assert kills == 5
    assert (job.status, job.processed, job.changed, job.relocated, job.failed) == (
        "done",
        2000,
        2000,
        2000,
        0,
    )
    _assert_exact_counters(job, total=2000)
    _assert_current(source_ids)
    _assert_feed_delivered(cursor, source_ids)
    deaths = sum(ReparseChunk.objects.filter(job=job).values_list("deaths", flat=True))
    print(f"\n[fault a] 2000 sources, 5 SIGKILLs, {deaths} chunk deaths, {elapsed:.1f}s")


# --- (b) restart Redis mid-job ---------------------------------------------------------


@pytest.fixture
def private_redis():
    server = RedisServer()
    server.start()
    yield server
    server.kill()


@pytest.mark.usefixtures("transactional_db")
def test_a_broker_restarted_mid_job_loses_no_source(private_redis):
    source_ids = corpus.sources_bulk(400, paragraphs=6)
    # The rule is saved without its job: the job is started by a separate
    # process that publishes to the private broker, as `manage.py reparse` does.
    ExtractionRule.objects.create(
        name="Drop desk lines",
        kind="drop_lines",
        pattern=corpus.DESK_PATTERN,
        outlet=Outlet.objects.get(domain=corpus.OUTLET),
    )
    worker = CeleryWorker(
        database_name=connection.settings_dict["NAME"],
        broker_url=private_redis.url,
        env={**FAST_REDELIVERY, "REPARSE_CHUNK_SIZE": "20"},
    )
    worker.start()
    cursor = _feed_cursor()
    try:
        subprocess.run(
            [sys.executable, "manage.py", "reparse", "--stale"],
            cwd=ROOT,
            env=worker.environment(),
            check=True,
            capture_output=True,
        )
        job_id = ReparseJob.objects.get().pk
        _wait_processed(job_id, 60)

        private_redis.kill()  # every queued and unacknowledged message is gone
        lost_at = _job(job_id).processed
        time.sleep(1.5)
        private_redis.start()  # same port, empty

        job = _wait_ended(job_id)
    finally:
        worker.stop()

    assert lost_at < 400
    assert (job.status, job.processed, job.changed, job.relocated, job.failed) == (
        "done",
        400,
        400,
        400,
        0,
    )
    _assert_exact_counters(job, total=400)
    _assert_current(source_ids)
    _assert_feed_delivered(cursor, source_ids)


# --- (c) terminate the job's database connections mid-chunk ---------------------------


def _terminate_backends(application_name: str) -> int:
    """pg_terminate_backend on the worker's connections (tagged with its own
    application_name), never anyone else's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s "
            "AND pid <> pg_backend_pid()",
            [application_name],
        )
        return cursor.fetchone()[0]


def test_terminated_database_connections_mid_chunk_are_retried(celery_worker_factory):
    source_ids = corpus.sources_bulk(300, paragraphs=6)
    app_name = f"reparse-fault-{os.getpid()}"
    celery_worker_factory(env={"REPARSE_CHUNK_SIZE": "20"}, application_name=app_name)
    cursor = _feed_cursor()
    job = _drop_desk_line()

    terminated = 0
    for at in (40, 120, 200):
        _wait_processed(job.pk, at)
        _wait_in_flight(job.pk)
        terminated += _terminate_backends(app_name)
    job = _wait_ended(job.pk)

    assert terminated >= 3
    assert (job.status, job.processed, job.changed, job.relocated, job.failed) == (
        "done",
        300,
        300,
        300,
        0,
    )
    _assert_exact_counters(job, total=300)
    _assert_current(source_ids)
    _assert_feed_delivered(cursor, source_ids)
    print(f"\n[fault c] {terminated} backends terminated mid-chunk; job done")


# --- (d) two overlapping jobs of different scopes ----------------------------------------


def test_overlapping_all_and_stale_jobs_reparse_each_source_once(celery_worker_factory):
    source_ids = corpus.sources_bulk(600, paragraphs=8)
    env = {"REPARSE_CHUNK_SIZE": "25"}
    celery_worker_factory(env=env, concurrency=2)
    cursor = _feed_cursor()

    with transaction.atomic():
        everything = reparse_job_create(
            only_stale=False, reason="manage.py reparse --all", enqueue=False
        )
    chunk_ids = reparse_job_plan(job_id=everything.pk)  # 24 chunks of 25
    # The --all job gets going (under the old rules) ...
    for chunk_id in chunk_ids[:4]:
        reparse_chunk.delay(chunk_id)
    _wait_processed(everything.pk, 25)
    # ... when an editor's change starts a --stale job over the same sources,
    stale = _drop_desk_line()
    _wait_planned(stale.pk)
    # ... and the rest of the --all job's chunks race the --stale job's.
    for chunk_id in chunk_ids[4:]:
        reparse_chunk.delay(chunk_id)
    everything = _wait_ended(everything.pk)
    stale = _wait_ended(stale.pk)

    assert (everything.status, stale.status) == ("done", "done")
    _assert_exact_counters(everything, total=600)
    _assert_exact_counters(stale, total=stale.total)
    assert everything.handed_over > 0, "the newer job took nothing over"
    assert everything.superseded_by_id == stale.pk
    # Each source changed once, by whichever job reached it after the rule
    # change; the other one found it current.
    assert everything.changed + stale.changed == 600
    assert everything.relocated + stale.relocated == 600
    assert everything.failed == stale.failed == 0
    _assert_current(source_ids)
    _assert_feed_delivered(cursor, source_ids)
    print(
        f"\n[fault d] --all: processed {everything.processed}, handed over "
        f"{everything.handed_over}, changed {everything.changed}; --stale: total "
        f"{stale.total}, changed {stale.changed}"
    )


# --- (e) a poison source ------------------------------------------------------------------


def test_a_poison_chunk_is_tried_three_times_then_failed_with_its_sources(
    celery_worker_factory,
):
    # One huge page among ordinary ones: parsing it takes the worker down
    # (here the test plays the kernel's OOM killer, every time a worker is on it).
    poison_index = 37
    huge = corpus.article(poison_index, paragraphs=4000)
    source_ids = corpus.sources_bulk(120, raws={poison_index: huge})
    poison_id = source_ids[poison_index]
    env = {**FAST_REDELIVERY, "REPARSE_CHUNK_SIZE": "5", "REPARSE_MAX_DELIVERIES": "3"}
    workers = [celery_worker_factory(env=env)]
    cursor = _feed_cursor()
    job = _drop_desk_line()

    deaths_caused = 0
    stop = threading.Event()
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline and not stop.is_set():
        chunk = ReparseChunk.objects.filter(job=job, source_ids__contains=[poison_id]).first()
        if chunk is not None and chunk.done:
            break
        if chunk is not None and chunk.in_flight and chunk.deliveries > deaths_caused:
            workers[-1].kill()
            deaths_caused += 1
            workers.append(celery_worker_factory(env=env))
        time.sleep(0.01)
    job = _wait_ended(job.pk)

    chunk = ReparseChunk.objects.get(job=job, source_ids__contains=[poison_id])
    assert deaths_caused == 3
    assert chunk.deliveries == 3  # tried three times, never a fourth
    assert chunk.failed_source_ids == chunk.source_ids
    assert job.status == "failed"
    assert str(poison_id) in job.error
    assert "the worker died 3 times" in job.error
    assert (job.processed, job.failed, job.changed) == (120, 5, 115)
    _assert_exact_counters(job, total=120)
    healthy = [pk for pk in source_ids if pk not in chunk.source_ids]
    _assert_current(healthy)
    _assert_feed_delivered(cursor, healthy)
    # The poison chunk's sources keep their last good text and stay stale,
    # so `reparse --retry-failed` (or the button) can try them again.
    assert (
        Source.objects.filter(pk__in=chunk.source_ids, text__contains="southern basin desk").count()
        == 5
    )
