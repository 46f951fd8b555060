"""Re-parsing on real Celery workers over Redis, on PostgreSQL, including a
worker SIGKILLed in the middle of a job."""

from __future__ import annotations

import random
import time

import pytest
from django.db import transaction

from sources.models import Excerpt, ReparseChunk, ReparseJob, Source
from sources.rule_services import rule_create
from sources.selectors import fingerprint_for, rule_specs, rules_effective
from sources.services import excerpt_get_or_create, source_ingest

pytestmark = pytest.mark.services

BODY = """Dock workers at the southern basin voted on Tuesday to end a nine-day strike, the union said.
The agreement raises night-shift pay by eight percent, according to a copy seen by this newspaper.
Filed by the harbour desk.
Managers at the terminal said loading would resume at dawn and that no ships had been diverted.
"""
QUOTES = (
    "raises night-shift pay by eight percent",
    "no ships had been diverted",
)


SYLLABLES = ("ka", "lo", "ven", "mar", "tis", "do", "rel", "an", "bri", "sul", "ter", "ok", "pa")
# A vocabulary as varied as prose's: 13 syllables make 2,366 words of two or three.
VOCABULARY = [a + b for a in SYLLABLES for b in SYLLABLES] + [
    a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES
]


def _filler(paragraphs: int, *, seed: int) -> str:
    """Long, article-like paragraphs, so one re-parse takes a measurable time;
    each source its own words (sources copying each other are tests/sources/test_copies.py)."""
    rng = random.Random(seed)
    return "\n\n".join(
        " ".join(rng.choice(VOCABULARY) for _ in range(60)).capitalize() + ", officials said."
        for _ in range(paragraphs)
    )


def _sources(n: int, *, filler: int = 0) -> list[Source]:
    sources = []
    for i in range(n):
        extra = _filler(filler, seed=i) if filler else ""
        result = source_ingest(
            raw=f"Strike ends at the southern basin, report {i}\n\n{BODY}\n{extra}\n\nReport {i} ends here.\n",
            content_type="text/plain",
            outlet_domain="harbourdaily.example",
        )
        sources.append(result.source)
    with transaction.atomic():
        for source in sources:
            for quote in QUOTES:
                excerpt_get_or_create(source=source, exact=quote)
    return sources


def _wait_done(job_id: int, timeout: float = 120.0) -> ReparseJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ReparseJob.objects.get(pk=job_id)
        if job.status in {"done", "failed"}:
            return job
        time.sleep(0.2)
    raise AssertionError(
        f"job {job_id} not done within {timeout}s: {ReparseJob.objects.get(pk=job_id).__dict__}"
    )


def _drop_desk_line() -> ReparseJob:
    with transaction.atomic():
        change = rule_create(
            user=None,
            name="Drop desk lines",
            kind="drop_lines",
            pattern=r"^Filed by the harbour desk\.$",
            outlet="harbourdaily.example",
        )
    assert change.reparse_job is not None
    return change.reparse_job


def _assert_all_current(sources: list[Source]) -> None:
    outlet_id = sources[0].outlet_id
    fingerprint = fingerprint_for(rule_specs(rules_effective(outlet_id=outlet_id)))
    rows = Source.objects.filter(pk__in=[s.pk for s in sources])
    assert all(s.rules_fingerprint == fingerprint for s in rows)
    assert not any("Filed by the harbour desk" in s.text for s in rows)
    texts = dict(rows.values_list("pk", "text"))
    for excerpt in Excerpt.objects.filter(source__in=sources):
        assert excerpt.anchor_state != "orphaned"
        assert texts[excerpt.source_id][excerpt.start : excerpt.end] == excerpt.exact


def test_a_rule_change_reparses_every_source_of_the_outlet(celery_worker):
    sources = _sources(30)

    job = _wait_done(_drop_desk_line().pk)

    assert (job.status, job.total, job.processed, job.changed, job.failed) == (
        "done",
        30,
        30,
        30,
        0,
    )
    assert job.relocated == 30  # the second quote of each source moved up a line
    assert job.orphaned == 0
    _assert_all_current(sources)


def test_a_worker_killed_mid_job_loses_nothing_and_counts_each_source_once(celery_worker_factory):
    sources = _sources(250, filler=60)
    # A short visibility timeout: the broker redelivers the killed worker's
    # unacknowledged chunk to the next worker within seconds.
    env = {
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "REPARSE_CHUNK_SIZE": "5",
    }
    first = celery_worker_factory(env=env)

    job = _drop_desk_line()
    deadline = time.monotonic() + 60
    while ReparseJob.objects.get(pk=job.pk).processed < 20:
        assert time.monotonic() < deadline, "the first worker made no progress"
        time.sleep(0.05)
    first.kill()
    killed_at = ReparseJob.objects.get(pk=job.pk)
    assert killed_at.processed < 250

    celery_worker_factory(env=env)
    job = _wait_done(job.pk, timeout=180)

    assert (job.status, job.total, job.processed, job.changed, job.failed) == (
        "done",
        250,
        250,
        250,
        0,
    )
    assert job.relocated == 250
    assert ReparseChunk.objects.filter(job=job, done=False).count() == 0
    _assert_all_current(sources)
