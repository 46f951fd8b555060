"""/api/claims/: create, edit, review (409 on a stale version), ClaimReview,
filters and the review queue."""

from __future__ import annotations

import pytest

from claims.services import claim_create, claim_review, evidence_link
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

TEXT = "The minister said taxes will rise. The opposition said taxes will not rise."

CLAIM_FIELDS = {
    "id",
    "text",
    "tags",
    "verdict",
    "verdict_rationale",
    "reviewed_by",
    "reviewed_at",
    "contested",
    "stance_counts",
    "created_by",
    "created_at",
    "updated_at",
    "version",
}


@pytest.fixture
def contested_claim(analyst):
    source = SourceFactory(raw=TEXT, outlet_domain=None)
    claim = claim_create(text="Taxes will rise", tags=["Tax"], user=analyst)
    evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="taxes will rise",
        user=analyst,
    )
    evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="disputes",
        exact="taxes will not rise",
        user=analyst,
    )
    claim.refresh_from_db()
    return claim


def test_create_claim(analyst_client):
    response = analyst_client.post(
        "/api/claims/", {"text": "Bridges are falling", "tags": ["Infra"]}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body.keys() >= CLAIM_FIELDS
    assert body["verdict"] == "unreviewed"
    assert body["tags"] == ["infra"]
    assert body["contested"] is False
    assert body["stance_counts"] == {"asserts": 0, "disputes": 0, "mentions": 0}
    assert body["created_by"] == "analyst1"
    assert body["version"] == 1


def test_viewer_may_not_create(viewer_client):
    assert viewer_client.post("/api/claims/", {"text": "x"}, format="json").status_code == 403


def test_contested_and_stance_counts(viewer_client, contested_claim):
    body = viewer_client.get(f"/api/claims/{contested_claim.pk}/").json()
    assert body["contested"] is True
    assert body["stance_counts"] == {"asserts": 1, "disputes": 1, "mentions": 0}


def test_patch_with_stale_version_is_409(analyst_client, contested_claim):
    url = f"/api/claims/{contested_claim.pk}/"
    version = contested_claim.version
    ok = analyst_client.patch(
        url, {"text": "Taxes will rise soon", "version": version}, format="json"
    )
    assert ok.status_code == 200
    stale = analyst_client.patch(url, {"text": "Something else", "version": version}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert analyst_client.get(url).json()["text"] == "Taxes will rise soon"


def test_review_sets_verdict_and_stale_review_is_409(editor_client, contested_claim):
    url = f"/api/claims/{contested_claim.pk}/review/"
    payload = {
        "verdict": "refuted",
        "rationale": "Budget says otherwise.",
        "version": contested_claim.version,
    }
    response = editor_client.post(url, payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["verdict"] == "refuted"
    assert response.json()["reviewed_by"] == "editor1"
    again = editor_client.post(url, {**payload, "verdict": "supported"}, format="json")
    assert again.status_code == 409
    assert editor_client.get(f"/api/claims/{contested_claim.pk}/").json()["verdict"] == "refuted"


def test_analyst_may_not_review(analyst_client, contested_claim):
    payload = {"verdict": "refuted", "rationale": "x", "version": contested_claim.version}
    assert (
        analyst_client.post(
            f"/api/claims/{contested_claim.pk}/review/", payload, format="json"
        ).status_code
        == 403
    )


def test_bad_verdict_is_400(editor_client, contested_claim):
    payload = {"verdict": "maybe", "rationale": "x", "version": contested_claim.version}
    response = editor_client.post(
        f"/api/claims/{contested_claim.pk}/review/", payload, format="json"
    )
    assert response.status_code == 400
    assert "verdict" in response.json()


def test_claimreview_is_404_until_reviewed(viewer_client, editor, contested_claim):
    url = f"/api/claims/{contested_claim.pk}/claimreview/"
    assert viewer_client.get(url).status_code == 404
    claim_review(
        claim_id=contested_claim.pk,
        verdict="refuted",
        rationale="No.",
        version=contested_claim.version,
        user=editor,
    )
    body = viewer_client.get(url).json()
    assert body["@type"] == "ClaimReview"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("q=taxes", True),
        ("q=bridges", False),
        ("verdict=unreviewed", True),
        ("verdict=refuted", False),
        ("contested=true", True),
        ("contested=false", False),
        ("tag=tax", True),
        ("tag=other", False),
        ("updated_since=2000-01-01T00:00:00Z", True),
        ("updated_since=2999-01-01T00:00:00Z", False),
    ],
)
def test_list_filters(viewer_client, contested_claim, query, found):
    ids = {c["id"] for c in viewer_client.get(f"/api/claims/?{query}").json()["results"]}
    assert (contested_claim.pk in ids) is found


def test_review_queue_is_for_editors(editor_client, analyst_client, contested_claim):
    assert analyst_client.get("/api/review-queue/").status_code == 403
    body = editor_client.get("/api/review-queue/").json()
    assert [c["id"] for c in body["results"]] == [contested_claim.pk]
