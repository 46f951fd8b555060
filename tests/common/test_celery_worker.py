"""The foundation's real-service check: a task sent over Redis to a real
Celery worker changes rows in PostgreSQL."""

from __future__ import annotations

import time

import pytest

from sources.models import ReparseJob, Source
from sources.reparse import reparse_job_create
from tests.factories import SourceFactory

pytestmark = pytest.mark.services


def wait_for(predicate, *, timeout: float = 60.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def test_a_task_sent_over_redis_runs_on_a_real_worker_and_writes_to_postgres(celery_worker):
    source = SourceFactory()
    Source.objects.filter(pk=source.pk).update(rules_fingerprint="stale", text="old text")

    job = reparse_job_create(reason="foundation check")  # enqueued over Redis

    done = wait_for(lambda: ReparseJob.objects.filter(pk=job.pk, status="done").first())
    source.refresh_from_db()
    assert done.processed == 1
    assert source.text != "old text"
    assert "northern quay" in source.text
    assert source.rules_fingerprint != "stale"
