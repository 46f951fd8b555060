"""Re-parse jobs always end: hand-over between overlapping jobs, poison
chunks, time limits, failed jobs and retrying their sources (in-process; the
same code runs on the workers, see test_reparse_faults.py)."""

from __future__ import annotations

import io

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.management import call_command
from django.db import transaction

from sources import reparse
from sources.models import Excerpt, ExtractionRule, ReparseChunk, ReparseJob, Source
from sources.reparse import (
    reparse_chunk_process,
    reparse_job_create,
    reparse_job_plan,
    reparse_job_retry_failed,
    reparse_job_run_inline,
)
from sources.services import excerpt_get_or_create, source_ingest
from sources.tasks import reparse_chunk

pytestmark = pytest.mark.django_db

ARTICLE = """Bridge repairs close the east lane

Engineers closed the east lane of the river bridge on Monday after finding cracked bearings, the council said.

The bridge carries nine thousand vehicles a day.

Traffic will run in one lane until the repairs end in May, a spokesperson said.
"""


def _ingest(i: int, outlet: str = "rivertimes.example") -> Source:
    raw = ARTICLE + f"\nBulletin {i} closes here.\n"
    return source_ingest(raw=raw, content_type="text/plain", outlet_domain=outlet).source


def _drop_traffic_lines(outlet: str | None = None) -> None:
    """A rule change without its automatic job: the tests plan jobs by hand."""
    outlet_obj = Source.objects.filter(outlet__domain=outlet).first().outlet if outlet else None
    ExtractionRule.objects.create(
        name="traffic figures", kind="drop_lines", pattern="^The bridge carries", outlet=outlet_obj
    )


def test_a_newer_job_takes_over_only_the_sources_it_also_covers(settings):
    settings.REPARSE_CHUNK_SIZE = 2
    ours = [_ingest(i, "rivertimes.example") for i in range(3)]
    theirs = [_ingest(10 + i, "valleypost.example") for i in range(2)]
    older = reparse_job_create(only_stale=False, enqueue=False)  # --all: 5 sources
    older_chunks = reparse_job_plan(job_id=older.pk)
    reparse_chunk_process(chunk_id=older_chunks[0])  # sources 1-2 done by the older job
    _drop_traffic_lines("rivertimes.example")
    newer = reparse_job_create(outlet_id=ours[0].outlet_id, enqueue=False)  # --stale, one outlet

    reparse_job_plan(job_id=newer.pk)

    older.refresh_from_db()
    newer.refresh_from_db()
    # The newer job covers the three stale sources of rivertimes; the older one
    # had done two of them, hands over the third and keeps valleypost's two.
    assert newer.total == 3
    assert (older.status, older.handed_over, older.superseded_by_id) == ("running", 1, newer.pk)
    for chunk_id in older_chunks[1:]:
        reparse_chunk_process(chunk_id=chunk_id)
    reparse_job_run_inline(job_id=newer.pk)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.status, older.total, older.processed, older.handed_over) == ("done", 5, 4, 1)
    assert (newer.status, newer.processed, newer.changed) == ("done", 3, 3)
    assert not Source.objects.filter(
        pk__in=[s.pk for s in ours], text__contains="nine thousand"
    ).exists()
    remaining = ReparseChunk.objects.filter(job=older).values_list("source_ids", flat=True)
    assert sorted(pk for ids in remaining for pk in ids) == sorted(
        [ours[0].pk, ours[1].pk] + [s.pk for s in theirs]
    )


def test_an_older_job_whose_sources_were_all_taken_over_ends_done():
    for i in range(2):
        _ingest(i)
    older = reparse_job_create(enqueue=False, only_stale=False)
    reparse_job_plan(job_id=older.pk)
    newer = reparse_job_create(enqueue=False, only_stale=False)

    reparse_job_plan(job_id=newer.pk)

    older.refresh_from_db()
    assert (older.status, older.processed, older.handed_over, older.total) == ("done", 0, 2, 2)
    assert older.finished_at is not None


def _planned_job(n: int = 2) -> tuple[ReparseJob, list[int]]:
    sources = [_ingest(i) for i in range(n)]
    _drop_traffic_lines()
    job = reparse_job_create(enqueue=False)
    return job, [s.pk for s in sources]


def test_a_chunk_whose_worker_keeps_dying_is_failed_with_its_sources(settings):
    settings.REPARSE_MAX_DELIVERIES = 3
    job, source_ids = _planned_job()
    [chunk_id] = reparse_job_plan(job_id=job.pk)
    # Two deliveries started and never ended: their workers died.
    ReparseChunk.objects.filter(pk=chunk_id).update(in_flight=True, deaths=2, deliveries=2)

    assert reparse_chunk_process(chunk_id=chunk_id) is None

    job.refresh_from_db()
    chunk = ReparseChunk.objects.get(pk=chunk_id)
    assert (chunk.done, chunk.deaths, chunk.failed_source_ids) == (True, 3, source_ids)
    assert (job.status, job.processed, job.failed, job.total) == ("failed", 2, 2, 2)
    assert "the worker died 3 times" in job.error
    assert f"sources {source_ids[0]}, {source_ids[1]}" in job.error
    assert all("nine thousand" in s.text for s in Source.objects.all())  # untouched


def test_a_delivery_that_ended_cleanly_is_not_a_death(settings):
    job, _ = _planned_job()
    [chunk_id] = reparse_job_plan(job_id=job.pk)
    ReparseChunk.objects.filter(pk=chunk_id).update(in_flight=True, deaths=0)

    reparse_chunk_process(chunk_id=chunk_id)

    chunk = ReparseChunk.objects.get(pk=chunk_id)
    assert (chunk.done, chunk.deaths, chunk.deliveries, chunk.in_flight) == (True, 1, 1, False)
    assert ReparseJob.objects.get(pk=job.pk).status == "done"


@pytest.fixture(autouse=True)
def _errors_stay_in_the_task():
    """Eager retries re-apply the task; a worker would not raise to its caller."""
    from claims_tracker.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


@pytest.fixture
def soft_limit_on_first_calls(monkeypatch):
    """The soft time limit fires inside extraction (where a slow parse spends
    its time) the first ``n`` times."""

    def install(n: int) -> None:
        real = reparse.extract
        calls = {"n": 0}

        def extract(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] <= n:
                raise SoftTimeLimitExceeded()
            return real(*args, **kwargs)

        monkeypatch.setattr(reparse, "extract", extract)

    return install


def test_the_soft_time_limit_retries_the_chunk_instead_of_failing_a_source(
    soft_limit_on_first_calls,
):
    job, _ = _planned_job()
    [chunk_id] = reparse_job_plan(job_id=job.pk)
    soft_limit_on_first_calls(1)

    reparse_chunk.apply(args=[chunk_id])

    job.refresh_from_db()
    assert (job.status, job.processed, job.changed, job.failed) == ("done", 2, 2, 0)
    assert set(Source.objects.values_list("status", flat=True)) == {"parsed"}
    assert ReparseChunk.objects.get(pk=chunk_id).deaths == 0


def test_a_chunk_that_keeps_hitting_the_soft_limit_fails_the_job_with_the_reason(
    settings, soft_limit_on_first_calls
):
    settings.REPARSE_CHUNK_RETRIES = 2
    job, _ = _planned_job()
    [chunk_id] = reparse_job_plan(job_id=job.pk)
    soft_limit_on_first_calls(100)

    reparse_chunk.apply(args=[chunk_id])

    job.refresh_from_db()
    assert (job.status, job.failed, job.processed) == ("failed", 2, 2)
    assert "soft time limit" in job.error
    assert "3 times" in job.error


def test_a_bug_in_a_chunk_fails_the_job_instead_of_leaving_it_running(monkeypatch):
    job, _ = _planned_job()
    [chunk_id] = reparse_job_plan(job_id=job.pk)

    def broken(**kwargs):
        raise ValueError("an unexpected bug")

    monkeypatch.setattr(reparse, "sources_reparse", broken)

    result = reparse_chunk.apply(args=[chunk_id])

    assert result.failed()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "ValueError: an unexpected bug" in job.error


def test_orphaned_counts_only_the_quotes_this_job_orphaned():
    source = _ingest(0)
    with transaction.atomic():
        excerpt_get_or_create(source=source, exact="nine thousand vehicles")
    ExtractionRule.objects.create(name="boxes", kind="drop_lines", pattern="^The bridge carries")
    first = reparse_job_run_inline(job_id=reparse_job_create(enqueue=False).pk)
    second = reparse_job_run_inline(job_id=reparse_job_create(enqueue=False, only_stale=False).pk)

    assert first.orphaned == 1
    assert second.orphaned == 0
    assert Excerpt.objects.get().anchor_state == "orphaned"


def test_retry_failed_reparses_the_failed_sources_once(settings):
    job, source_ids = _planned_job()
    [chunk_id] = reparse_job_plan(job_id=job.pk)
    reparse.reparse_chunk_fail(chunk_id=chunk_id, reason="hit the hard time limit (600 s).")
    out = io.StringIO()

    call_command("reparse", "--retry-failed", "--sync", stdout=out)

    retry = ReparseJob.objects.exclude(pk=job.pk).get()
    job.refresh_from_db()
    assert job.retried_by_id == retry.pk
    assert retry.source_ids == source_ids
    assert (retry.status, retry.total, retry.changed, retry.failed) == ("done", 2, 2, 0)
    assert "changed: 2" in out.getvalue()
    assert reparse_job_retry_failed(enqueue=False) is None
    assert not Source.objects.filter(text__contains="nine thousand").exists()


def test_retry_failed_with_nothing_failed_says_so():
    out = io.StringIO()

    call_command("reparse", "--retry-failed", stdout=out)

    assert "No failed sources" in out.getvalue()
    assert not ReparseJob.objects.exists()


# --- the rules page ---------------------------------------------------------------


@pytest.fixture
def editor_web(client, editor):
    client.force_login(editor)
    return client


def _failed_job() -> ReparseJob:
    job, _ = _planned_job()
    [chunk_id] = reparse_job_plan(job_id=job.pk)
    reparse.reparse_chunk_fail(chunk_id=chunk_id, reason="hit the hard time limit (600 s).")
    return ReparseJob.objects.get(pk=job.pk)


def test_a_failed_job_shows_its_reason_and_stops_polling(editor_web):
    job = _failed_job()

    content = editor_web.get(f"/rules/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()

    assert "hx-trigger" not in content
    assert 'data-testid="job-error"' in content
    assert "hard time limit" in content
    assert 'data-testid="job-retry"' in content


def test_the_rules_page_lists_failed_jobs_with_a_retry_button(editor_web):
    job = _failed_job()

    content = editor_web.get("/rules/").content.decode()

    assert f'data-job="{job.pk}"' in content
    assert f"/rules/jobs/{job.pk}/retry/" in content


def test_the_retry_button_starts_a_job_for_the_failed_sources(
    editor_web, django_capture_on_commit_callbacks
):
    job = _failed_job()

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_web.post(f"/rules/jobs/{job.pk}/retry/")

    retry = ReparseJob.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302
    assert f"?job={retry.pk}" in response["Location"]
    assert ReparseJob.objects.get(pk=retry.pk).status == "done"
    content = editor_web.get("/rules/").content.decode()
    assert f"/rules/jobs/{job.pk}/retry/" not in content


def test_viewers_may_not_retry(client, viewer):
    client.force_login(viewer)
    job = _failed_job()

    response = client.post(f"/rules/jobs/{job.pk}/retry/")

    assert response.status_code == 403
    assert ReparseJob.objects.count() == 1
