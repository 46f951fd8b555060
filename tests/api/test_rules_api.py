"""/api/rules/ and /api/reparse-jobs/: editors change rules, a change that
alters extraction answers with its re-parse job, bad patterns save nothing."""

from __future__ import annotations

import pytest

from sources.models import ExtractionRule, ReparseJob
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

ARTICLE = "By Jane Doe\nThe council approved the new budget on Monday.\nTaxes will rise next year."
RULE_FIELDS = {
    "id",
    "name",
    "outlet",
    "kind",
    "pattern",
    "replacement",
    "field",
    "enabled",
    "position",
    "updated_at",
}


@pytest.fixture
def source():
    return SourceFactory(raw=ARTICLE, outlet_domain="example.com")


def test_create_rule_starts_a_reparse(editor_client, source):
    response = editor_client.post(
        "/api/rules/",
        {"name": "Drop bylines", "outlet": "example.com", "kind": "drop_lines", "pattern": "^By "},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body.keys() >= RULE_FIELDS
    assert body["outlet"] == "example.com"
    assert body["reparse_job"] is not None
    job = editor_client.get(f"/api/reparse-jobs/{body['reparse_job']}/").json()
    assert {
        "id",
        "status",
        "total",
        "processed",
        "changed",
        "relocated",
        "orphaned",
        "failed",
        "started_at",
        "finished_at",
    } <= job.keys()
    assert job["status"] in {"queued", "running", "done", "failed"}


def test_bad_regex_is_400_and_saves_nothing(editor_client):
    response = editor_client.post(
        "/api/rules/",
        {"name": "Broken", "kind": "drop_lines", "pattern": "(unclosed"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not ExtractionRule.objects.exists()


def test_analyst_may_read_but_not_write_rules(analyst_client):
    assert analyst_client.get("/api/rules/").status_code == 200
    response = analyst_client.post(
        "/api/rules/", {"name": "x", "kind": "drop_lines", "pattern": "x"}, format="json"
    )
    assert response.status_code == 403


def test_patch_and_delete(editor_client, source):
    rule = editor_client.post(
        "/api/rules/",
        {"name": "Drop bylines", "kind": "drop_lines", "pattern": "^By "},
        format="json",
    ).json()
    response = editor_client.patch(f"/api/rules/{rule['id']}/", {"enabled": False}, format="json")
    assert response.status_code == 200
    assert response.json()["enabled"] is False
    response = editor_client.delete(f"/api/rules/{rule['id']}/")
    assert response.status_code == 200
    assert "reparse_job" in response.json()
    assert not ExtractionRule.objects.exists()


def test_preview_changes_nothing(editor_client, source):
    response = editor_client.post(
        "/api/rules/preview/",
        {"kind": "drop_lines", "pattern": "^Taxes", "sources": [source.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    item = response.json()["results"][0]
    assert "Taxes will rise" in item["before"]
    assert "Taxes will rise" not in item["after"]
    assert not ExtractionRule.objects.exists()
    assert not ReparseJob.objects.exists()


def test_filter_by_kind_rejects_unknown_kinds(editor_client):
    assert editor_client.get("/api/rules/?kind=drop_lines").status_code == 200
    assert editor_client.get("/api/rules/?kind=explode").status_code == 400


def test_a_stale_updated_at_gets_409_and_changes_nothing(editor_client):
    created = editor_client.post(
        "/api/rules/",
        {"name": "ads", "kind": "drop_lines", "pattern": "^Advertisement$"},
        format="json",
    ).json()
    seen = created["updated_at"]
    first = editor_client.patch(
        f"/api/rules/{created['id']}/", {"pattern": "^Advert$", "updated_at": seen}, format="json"
    )
    second = editor_client.patch(
        f"/api/rules/{created['id']}/",
        {"pattern": "^Sponsored$", "updated_at": seen},
        format="json",
    )

    assert first.status_code == 200
    assert second.status_code == 409
    assert "Someone else changed this rule" in second.json()["detail"]
    assert editor_client.get(f"/api/rules/{created['id']}/").json()["pattern"] == "^Advert$"
