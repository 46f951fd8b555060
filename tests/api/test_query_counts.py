"""Every list endpoint runs the same number of queries for 1 row as for 100:
selectors own the joins and prefetches."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from claims.figures import claims_figures_refresh
from claims.models import Claim, Evidence, EvidenceTombstone, Tag
from sources.models import Excerpt, ExtractionRule, Outlet, ReparseJob, Source

pytestmark = pytest.mark.django_db

ROWS = 105
TEXT = "The minister said taxes will rise. The opposition said taxes will not rise."


@pytest.fixture
def many_rows(analyst, editor):
    """ROWS of everything, made in bulk (services would be slow here and what
    is measured is the read path)."""
    outlets = Outlet.objects.bulk_create(
        [Outlet(name=f"O{i}", domain=f"o{i}.example") for i in range(ROWS)]
    )
    sources = Source.objects.bulk_create(
        [
            Source(
                outlet=outlets[i],
                raw=TEXT.encode(),
                content_type="text/plain",
                content_sha256=f"{i:064x}",
                text=TEXT,
                title=f"Source {i}",
                authors=["A. Writer"],
            )
            for i in range(ROWS)
        ]
    )
    excerpts = Excerpt.objects.bulk_create(
        [
            Excerpt(
                source=s,
                exact="taxes will rise",
                prefix="The minister said ",
                suffix=".",
                start=18,
                end=33,
            )
            for s in sources
        ]
    )
    claims = Claim.objects.bulk_create(
        [Claim(text=f"Claim {i}", created_by=analyst) for i in range(ROWS)]
    )
    tags = Tag.objects.bulk_create([Tag(name=f"tag{i}") for i in range(3)])
    Claim.tags.through.objects.bulk_create(
        [Claim.tags.through(claim=c, tag=t) for c in claims for t in tags]
    )
    Evidence.objects.bulk_create(
        [
            Evidence(claim=c, excerpt=e, stance=stance, created_by=analyst)
            for c, e in zip(claims, excerpts, strict=True)
            for stance in ["asserts"]
        ]
    )
    Evidence.objects.bulk_create(
        [
            Evidence(
                claim=c, excerpt=excerpts[(i + 1) % ROWS], stance="disputes", created_by=analyst
            )
            for i, c in enumerate(claims)
        ]
    )
    claims_figures_refresh(claim_ids=[c.pk for c in claims])  # bulk_create skips the services
    ExtractionRule.objects.bulk_create(
        [
            ExtractionRule(
                name=f"R{i}",
                outlet=outlets[i] if i % 2 else None,
                kind="drop_lines",
                pattern=f"^x{i}",
                position=i,
                updated_by=editor,
            )
            for i in range(ROWS)
        ]
    )
    ReparseJob.objects.bulk_create(
        [ReparseJob(created_by=editor, outlet=outlets[i]) for i in range(ROWS)]
    )
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    EvidenceTombstone.objects.bulk_create(
        [
            EvidenceTombstone(
                evidence_id=10_000_000 + i,
                claim_id=claims[i].pk,
                source_id=sources[i].pk,
                deleted_by=analyst,
            )
            for i in range(ROWS)
        ]
    )
    assert User.objects.count() >= 2
    return now


ENDPOINTS = [
    "/api/sources/",
    "/api/claims/",
    "/api/evidence/",
    "/api/rules/",
    "/api/reparse-jobs/",
    "/api/review-queue/",
    "/api/evidence/deleted/?since=2000-01-01T00:00:00Z",
    "/api/tokens/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_list_query_count_does_not_grow_with_page_size(
    editor_client, many_rows, django_assert_max_num_queries, url
):
    separator = "&" if "?" in url else "?"
    bound = 8  # auth/roles + count + page + prefetches: the same bound for 1 row and 100
    for page_size in (1, 100):
        with django_assert_max_num_queries(bound):
            response = editor_client.get(f"{url}{separator}page_size={page_size}")
        assert response.status_code == 200, response.content[:300]
        if url != "/api/tokens/":
            assert len(response.json()["results"]) == page_size


def test_query_count_is_flat_with_token_auth_too(editor, many_rows, django_assert_max_num_queries):
    from rest_framework.test import APIClient

    from claims_tracker.common.tokens import api_token_create

    _, key = api_token_create(user=editor, name="count")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    for page_size in (1, 100):
        with django_assert_max_num_queries(8):
            assert client.get(f"/api/evidence/?page_size={page_size}").status_code == 200
