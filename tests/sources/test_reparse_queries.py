"""A re-parse chunk costs the same number of queries for 2 sources as for 12
(issue 15, item 7): reads and writes are per chunk, never per source or per
excerpt; copy detection is left to its own task, enqueued once per chunk."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from claims.services import claim_create, evidence_link
from sources.models import Excerpt, ReparseChunk, ReparseJob
from sources.reparse import reparse_chunk_process, reparse_job_plan, sources_reparse
from sources.rule_services import rule_create
from sources.services import excerpt_get_or_create
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

ARTICLE = """Dock workers end the strike

Dock workers ended their strike on Tuesday, the union said.

The strike lasted nine days and {i} ships waited in the bay.

Shipments of grain will resume on Thursday, according to the port operator.
"""


def _world(n: int, outlet: str, analyst) -> list[int]:
    """``n`` sources of ``outlet``, each with a quote that the rule below moves
    (relocated) and one that it removes (orphaned, linked to a claim)."""
    claim = claim_create(text=f"Grain shipments resume ({outlet})", user=analyst)
    ids = []
    for i in range(n):
        source = SourceFactory(raw=ARTICLE.format(i=f"{i} ({outlet})"), outlet_domain=outlet)
        with transaction.atomic():
            excerpt_get_or_create(source=source, exact="Shipments of grain will resume")
        evidence_link(
            claim_id=claim.pk,
            source_id=source.pk,
            stance="asserts",
            exact="The strike lasted nine days",
            user=analyst,
        )
        ids.append(source.pk)
    return ids


def _rule(outlet: str) -> ReparseJob:
    # Not committed (the test's transaction): the job is planned by hand, not enqueued.
    return rule_create(
        user=None, name="strike", kind="drop_lines", pattern="^The strike lasted", outlet=outlet
    ).reparse_job


def _queries(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [q["sql"] for q in captured.captured_queries]


def test_reparse_queries_do_not_grow_with_the_chunk(analyst, django_capture_on_commit_callbacks):
    small = _world(2, "small.example", analyst)
    large = _world(12, "large.example", analyst)
    _rule("small.example")
    _rule("large.example")
    with django_capture_on_commit_callbacks() as callbacks_small:
        queries_small = _queries(lambda: sources_reparse(source_ids=small))
    with django_capture_on_commit_callbacks() as callbacks_large:
        queries_large = _queries(lambda: sources_reparse(source_ids=large))
    assert len(queries_small) == len(queries_large), "\n".join(queries_large)
    assert len(queries_large) <= 12
    # Each excerpt was re-anchored: one moved, one lost its words.
    states = set(Excerpt.objects.filter(source_id__in=large).values_list("anchor_state", flat=True))
    assert states == {"relocated", "orphaned"}
    # Copy detection: one task per chunk, after commit, not in these queries.
    assert len(callbacks_small) == len(callbacks_large) == 1


def test_a_chunk_task_costs_the_same_for_any_chunk_size(analyst, settings):
    settings.REPARSE_CHUNK_SIZE = 100
    counts = []
    for n, outlet in ((2, "two.example"), (9, "nine.example")):
        _world(n, outlet, analyst)
        job = _rule(outlet)
        (chunk_id,) = reparse_job_plan(job_id=job.pk)
        counts.append(
            len(_queries(lambda chunk_id=chunk_id: reparse_chunk_process(chunk_id=chunk_id)))
        )
        assert ReparseChunk.objects.get(pk=chunk_id).done
        job.refresh_from_db()
        assert (job.status, job.processed) == ("done", n)
    assert counts[0] == counts[1]
