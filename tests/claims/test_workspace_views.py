"""The claim workspace pages, server side: who may use them, bad input, and
flat query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, Evidence
from claims.services import claim_create, claim_merge, evidence_link
from sources.services import source_ingest

pytestmark = pytest.mark.django_db

TEXT = (
    "The council said the library will close in June. "
    "The mayor said the library will stay open. "
    "Residents told reporters that opening hours were cut."
)


@pytest.fixture
def source():
    return source_ingest(raw=TEXT, content_type="text/plain").source


@pytest.fixture
def claims_pair(analyst, source):
    first = claim_create(text="The library will close in June", user=analyst)
    second = claim_create(text="The town library closes in June", user=analyst)
    for claim, exact, stance in (
        (first, "the library will close in June", "asserts"),
        (second, "the library will stay open", "disputes"),
    ):
        evidence_link(
            claim_id=claim.pk, source_id=source.pk, stance=stance, exact=exact, user=analyst
        )
    return first, second


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/claims/new/"),
        ("post", "/claims/new/"),
        ("get", "/claims/{first}/edit/"),
        ("post", "/claims/{first}/merge/"),
        ("post", "/claims/{first}/split/"),
        ("post", "/claims/bulk/"),
    ],
)
def test_viewers_may_not_change_claims(client, viewer, claims_pair, method, url):
    first, second = claims_pair
    client.force_login(viewer)
    data = {"text": "Something", "into": second.pk, "ids": [first.pk, second.pk]}
    data.update(action="merge", evidence=[1])
    response = getattr(client, method)(url.format(first=first.pk), data)
    assert response.status_code == 403
    assert Claim.objects.count() == 2
    assert not Claim.objects.filter(merged_into__isnull=False).exists()


def test_new_claim_without_text_is_refused(client, analyst):
    client.force_login(analyst)
    response = client.post("/claims/new/", {"text": "   ", "tags": "x"})
    assert response.status_code == 400
    assert "Write the claim" in response.content.decode()
    assert not Claim.objects.exists()


def test_new_claim_page_lists_similar_claims_already_typed(client, analyst, claims_pair):
    client.force_login(analyst)
    response = client.get("/ui/claims/new/similar/", {"text": "The library will close in June"})
    assert f'data-similar-claim="{claims_pair[0].pk}"' in response.content.decode()
    response = client.get("/ui/claims/new/similar/", {"text": "Bridge tolls double"})
    assert "data-similar-claim" not in response.content.decode()


def test_edit_with_stale_version_answers_409_and_saves_nothing(client, analyst, claims_pair):
    first = claims_pair[0]
    client.force_login(analyst)
    response = client.post(
        f"/claims/{first.pk}/edit/",
        {
            "text": "The library will close in July",
            "tags": "",
            "version": first.version + 3,
            "base_text": first.text,
            "base_tags": "",
        },
    )
    assert response.status_code == 409
    first.refresh_from_db()
    assert first.text == "The library will close in June"


def test_merge_page_refuses_an_unknown_target(client, analyst, claims_pair):
    first = claims_pair[0]
    client.force_login(analyst)
    assert client.get(f"/claims/{first.pk}/merge/", {"into": 10**9}).status_code == 404
    assert client.get(f"/claims/{first.pk}/merge/", {"into": "x"}).status_code == 400
    response = client.post(f"/claims/{first.pk}/merge/", {"into": first.pk})
    assert response.status_code == 400
    assert "itself" in response.content.decode()


def test_merge_preview_queries_do_not_grow_with_evidence(client, analyst, claims_pair, source):
    first, second = claims_pair
    client.force_login(analyst)
    url = f"/claims/{second.pk}/merge/?into={first.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for exact in ("The council said", "The mayor said", "opening hours were cut"):
        evidence_link(
            claim_id=second.pk, source_id=source.pk, stance="mentions", exact=exact, user=analyst
        )
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).status_code == 200
    assert len(more) == len(few)


def test_merged_claim_page_points_at_the_target(client, analyst, claims_pair):
    first, second = claims_pair
    claim_merge(claim_id=second.pk, into_id=first.pk, user=analyst)
    client.force_login(analyst)
    page = client.get(f"/claims/{second.pk}/").content.decode()
    assert f'data-merged-into="{first.pk}"' in page
    assert 'data-testid="merge-claim"' not in page
    listing = client.get("/claims/").content.decode()
    assert f'data-claim="{second.pk}"' not in listing
    assert f'data-claim="{first.pk}"' in listing


def test_bulk_merge_needs_the_kept_claim_among_the_selected(client, analyst, claims_pair):
    first, second = claims_pair
    other = claim_create(text="Bins are emptied weekly", user=analyst)
    client.force_login(analyst)
    response = client.post(
        "/claims/bulk/", {"action": "merge", "ids": [first.pk, second.pk], "into": other.pk}
    )
    assert response.status_code == 302
    assert not Claim.objects.filter(merged_into__isnull=False).exists()


def test_split_of_evidence_from_another_claim_changes_nothing(client, analyst, claims_pair):
    first, second = claims_pair
    foreign = Evidence.objects.get(claim=second)
    client.force_login(analyst)
    response = client.post(
        f"/claims/{first.pk}/split/", {"evidence": [foreign.pk], "text": "The library stays"}
    )
    assert response.status_code == 302
    assert Claim.objects.count() == 2
    foreign.refresh_from_db()
    assert foreign.claim_id == second.pk


def test_export_streams_the_selected_claims_evidence(client, analyst, claims_pair):
    first = claims_pair[0]
    client.force_login(analyst)
    response = client.post("/claims/export/", {"ids": [first.pk]})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "the library will close in June" in body
    assert "the library will stay open" not in body
