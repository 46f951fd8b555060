"""Re-parsing in-process (the logic the workers run)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from claims.models import Evidence
from claims.services import claim_create, evidence_link
from sources.models import Excerpt, ReparseChunk, ReparseJob, Source
from sources.reparse import reparse_chunk_process, reparse_job_create, reparse_job_plan
from sources.rule_services import rule_create, rule_delete, rule_update
from sources.services import excerpt_get_or_create
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

ARTICLE = """Ferry operator suspends the night crossing

The operator suspended the night crossing on Friday after a fire in the engine room, the coastguard said.

The crossing takes ninety minutes in calm weather.

Passengers were moved to a morning sailing and nobody was hurt, according to the company.
"""


def _ingest(i: int = 0, outlet: str = "ferrynews.example") -> Source:
    raw = ARTICLE + f"\nThe company expects to restore crossing number {i} next week.\n"
    return SourceFactory(raw=raw, outlet_domain=outlet)


def _excerpt(source: Source, exact: str) -> Excerpt:
    with transaction.atomic():
        return excerpt_get_or_create(source=source, exact=exact)


@pytest.fixture
def make_rule(django_capture_on_commit_callbacks):
    """Create a rule as a request would: the re-parse starts on commit."""

    def make(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return rule_create(user=None, **fields)

    return make


def test_a_rule_change_reanchors_quotes_that_moved(make_rule):
    source = _ingest()
    excerpt = _excerpt(source, "nobody was hurt")
    old_start = excerpt.start

    change = make_rule(
        name="newsletter",
        kind="drop_lines",
        pattern="^The crossing takes",
        outlet="ferrynews.example",
    )

    job = ReparseJob.objects.get(pk=change.reparse_job.pk)
    excerpt.refresh_from_db()
    source.refresh_from_db()
    assert (job.status, job.total, job.changed, job.relocated, job.orphaned) == ("done", 1, 1, 1, 0)
    assert "ninety minutes" not in source.text
    assert excerpt.anchor_state == "relocated"
    assert excerpt.start < old_start
    assert source.text[excerpt.start : excerpt.end] == excerpt.exact == "nobody was hurt"


def test_a_removed_quote_is_orphaned_and_its_evidence_kept(make_rule):
    source = _ingest()
    excerpt = _excerpt(source, "after a fire in the engine room")
    claim = claim_create(text="A fire broke out on the night ferry", user=None)
    evidence = evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="after a fire in the engine room",
        user=None,
    )

    change = make_rule(name="drop the fire line", kind="drop_lines", pattern="engine room")

    excerpt.refresh_from_db()
    assert change.reparse_job.pk
    assert excerpt.anchor_state == "orphaned"
    assert excerpt.exact == "after a fire in the engine room"  # the last quote is kept
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert ReparseJob.objects.get(pk=change.reparse_job.pk).orphaned == 1


def test_an_outlet_rule_leaves_other_outlets_untouched(make_rule):
    ours = _ingest(1, outlet="ferrynews.example")
    theirs = _ingest(2, outlet="othernews.example")
    before = Source.objects.get(pk=theirs.pk)

    change = make_rule(
        name="newsletter",
        kind="drop_lines",
        pattern="^The crossing takes",
        outlet="ferrynews.example",
    )

    theirs.refresh_from_db()
    ours.refresh_from_db()
    assert ReparseJob.objects.get(pk=change.reparse_job.pk).total == 1
    assert "ninety minutes" in theirs.text
    assert theirs.updated_at == before.updated_at
    assert "ninety minutes" not in ours.text


def test_a_change_that_alters_nothing_starts_no_job(make_rule):
    _ingest()
    change = make_rule(name="newsletter", kind="drop_lines", pattern="^The crossing takes")

    renamed = rule_update(rule_id=change.rule.pk, user=None, name="Newsletter boxes")

    assert renamed.reparse_job is None


def test_deleting_a_rule_restores_the_text(make_rule, django_capture_on_commit_callbacks):
    source = _ingest()
    change = make_rule(name="newsletter", kind="drop_lines", pattern="^The crossing takes")
    with django_capture_on_commit_callbacks(execute=True):
        rule_delete(rule_id=change.rule.pk, user=None)

    source.refresh_from_db()
    assert "ninety minutes" in source.text


def test_a_chunk_delivered_twice_is_counted_once():
    _ingest(1)
    _ingest(2)
    job = reparse_job_create(only_stale=False, enqueue=False)
    [chunk_id] = reparse_job_plan(job_id=job.pk)

    first = reparse_chunk_process(chunk_id=chunk_id)
    second = reparse_chunk_process(chunk_id=chunk_id)

    job.refresh_from_db()
    assert first is not None
    assert first.processed == 2
    assert second is None
    assert (job.status, job.processed, job.total) == ("done", 2, 2)


def test_planning_again_returns_only_pending_chunks(settings):
    settings.REPARSE_CHUNK_SIZE = 1
    for i in range(3):
        _ingest(i)
    job = reparse_job_create(only_stale=False, enqueue=False)
    chunk_ids = reparse_job_plan(job_id=job.pk)
    reparse_chunk_process(chunk_id=chunk_ids[0])

    again = reparse_job_plan(job_id=job.pk)

    assert sorted(again) == sorted(chunk_ids[1:])
    assert ReparseChunk.objects.filter(job=job).count() == 3


def test_a_newer_job_takes_over_the_pending_work_of_an_older_one():
    for i in range(2):
        _ingest(i)
    older = reparse_job_create(only_stale=False, enqueue=False)
    reparse_job_plan(job_id=older.pk)
    newer = reparse_job_create(only_stale=False, enqueue=False)

    reparse_job_plan(job_id=newer.pk)

    older.refresh_from_db()
    assert older.status == "done"
    assert older.superseded_by_id == newer.pk
    assert not ReparseChunk.objects.filter(job=older, done=False).exists()
    assert ReparseJob.objects.get(pk=newer.pk).total == 2


def test_unchanged_sources_are_not_rewritten():
    source = _ingest()
    before = Source.objects.get(pk=source.pk).updated_at
    job = reparse_job_create(only_stale=False, enqueue=False)
    [chunk_id] = reparse_job_plan(job_id=job.pk)

    outcome = reparse_chunk_process(chunk_id=chunk_id)

    assert outcome.processed == 1
    assert outcome.changed == 0
    assert Source.objects.get(pk=source.pk).updated_at == before


def test_reparse_command_sync_prints_a_summary():
    _ingest()
    out = io.StringIO()

    call_command("reparse", "--all", "--sync", stdout=out)

    lines = dict(line.split(": ") for line in out.getvalue().strip().splitlines())
    assert lines == {"total": "1", "changed": "0", "relocated": "0", "orphaned": "0", "failed": "0"}


def test_reparse_command_stale_finds_nothing_when_all_current():
    _ingest()
    out = io.StringIO()

    call_command("reparse", "--sync", stdout=out)

    assert "total: 0" in out.getvalue()
