"""The OpenAPI schema: valid, honest about auth, enums and errors; the docs
are served without any CDN."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command


def test_spectacular_validates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


@pytest.fixture
def spec(viewer_client):
    response = viewer_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_needs_a_signed_in_user(client_for, db):
    assert client_for(None).get("/api/schema/").status_code in {401, 403}


def test_token_security_scheme(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schemes["tokenAuth"]["description"],
    }
    assert "Token" in schemes["tokenAuth"]["description"]
    assert "cookieAuth" in schemes
    assert {"tokenAuth": []} in spec["paths"]["/api/evidence/"]["get"]["security"]


def test_enums_are_named(spec):
    schemas = spec["components"]["schemas"]
    assert schemas["VerdictEnum"]["enum"] == [
        "unreviewed",
        "supported",
        "refuted",
        "mixed",
        "unproven",
    ]
    assert schemas["StanceEnum"]["enum"] == ["asserts", "disputes", "mentions"]
    assert schemas["AnchorStateEnum"]["enum"] == ["anchored", "relocated", "changed", "orphaned"]
    assert set(schemas["ReparseStatusEnum"]["enum"]) == {"queued", "running", "done", "failed"}
    assert set(schemas["RuleKindEnum"]["enum"]) == {
        "drop_lines",
        "cut_before",
        "cut_after",
        "replace",
        "strip_selector",
        "metadata",
    }


def test_nested_objects_are_described(spec):
    evidence = spec["components"]["schemas"]["Evidence"]["properties"]
    assert "$ref" in str(evidence["quote"])
    assert "$ref" in str(evidence["claim"])
    claim = spec["components"]["schemas"]["Claim"]["properties"]
    assert "StanceCounts" in str(claim["stance_counts"])


def test_error_bodies_are_described(spec):
    paths = spec["paths"]
    review = paths["/api/claims/{id}/review/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409"} <= review.keys()
    assert "ValidationError" in str(review["400"])
    assert "Error" in str(review["409"])
    ingest = paths["/api/sources/"]["post"]["responses"]
    assert {"200", "201", "400", "413", "415"} <= ingest.keys()
    listing = paths["/api/evidence/"]["get"]
    assert set(listing["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/x-ndjson",
    }
    assert "PaginatedEvidenceList" in str(listing["responses"]["200"])


def test_tokens_endpoint_is_in_the_schema(spec):
    assert {"get", "post"} <= spec["paths"]["/api/tokens/"].keys()
    assert "delete" in spec["paths"]["/api/tokens/{id}/"]


def test_docs_use_only_local_assets(viewer_client):
    response = viewer_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert urls, html
    for url in urls:
        assert url.startswith("/static/") or url.startswith("/api/"), url
    assert "cdn" not in html.lower()
    assert "https://" not in html
