"""/api/sources/: ingest (raw, file, duplicate), the detail's fields, filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sources.models import Source
from sources.services import source_ingest

pytestmark = pytest.mark.django_db

ARTICLE = "Ministers met on Tuesday to discuss the budget. Taxes will rise, the minister said."

SOURCE_FIELDS = {
    "id",
    "url",
    "outlet",
    "title",
    "authors",
    "published_at",
    "language",
    "content_type",
    "text",
    "content_sha256",
    "status",
    "parse_error",
    "rules_fingerprint",
    "ingested_at",
    "updated_at",
    "evidence_count",
}


def test_ingest_raw_text_creates_a_source(analyst_client):
    response = analyst_client.post(
        "/api/sources/",
        {
            "raw": ARTICLE,
            "content_type": "text/plain",
            "outlet": "example.com",
            "title": "Budget day",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body.keys() >= SOURCE_FIELDS
    assert body["duplicate"] is False
    assert body["outlet"] == {
        "id": body["outlet"]["id"],
        "name": "example.com",
        "domain": "example.com",
    }
    assert body["title"] == "Budget day"
    assert body["status"] == "parsed"
    assert "Taxes will rise" in body["text"]
    assert isinstance(body["authors"], list)


def test_ingesting_the_same_content_twice_answers_200_duplicate(analyst_client):
    first = analyst_client.post("/api/sources/", {"raw": ARTICLE}, format="json").json()
    response = analyst_client.post("/api/sources/", {"raw": ARTICLE}, format="json")
    assert response.status_code == 200
    assert response.json()["duplicate"] is True
    assert response.json()["id"] == first["id"]
    assert Source.objects.count() == 1


def test_ingest_a_multipart_file(analyst_client):
    upload = SimpleUploadedFile(
        "page.html",
        b"<html><head><title>T</title></head><body><p>" + ARTICLE.encode() + b"</p></body></html>",
        content_type="text/html",
    )
    response = analyst_client.post("/api/sources/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == "text/html"


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"raw": ARTICLE, "url": "https://example.com/a"},
        {"raw": ""},
        {"raw": ARTICLE, "content_type": "image/png"},
    ],
)
def test_ingest_needs_exactly_one_valid_input(analyst_client, payload):
    response = analyst_client.post("/api/sources/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_too_large_input_is_413(analyst_client, settings):
    settings.INGEST_MAX_BYTES = 100
    response = analyst_client.post("/api/sources/", {"raw": "x " * 200}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_request_body_over_the_upload_limit_is_a_json_413(analyst_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = analyst_client.post("/api/sources/", {"raw": "x " * 2000}, format="json")
    assert response.status_code == 413
    assert response.json()["detail"]


def test_unsupported_request_media_type_is_415(analyst_client):
    response = analyst_client.generic("POST", "/api/sources/", b"raw", content_type="text/csv")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_viewer_may_read_but_not_ingest(viewer_client):
    assert viewer_client.get("/api/sources/").status_code == 200
    assert viewer_client.post("/api/sources/", {"raw": ARTICLE}, format="json").status_code == 403


def test_detail_has_contract_fields(viewer_client):
    source = source_ingest(raw=ARTICLE, content_type="text/plain").source
    body = viewer_client.get(f"/api/sources/{source.pk}/").json()
    assert body.keys() >= SOURCE_FIELDS
    assert body["evidence_count"] == 0
    assert body["content_type"] == "text/plain"


def test_list_filters(viewer_client):
    old = source_ingest(
        raw="Old news about rivers. The river flooded the valley again this spring.",
        content_type="text/plain",
        outlet_domain="old.example",
        published_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    ).source
    new = source_ingest(
        raw="New report about taxes and rivers. The minister said taxes will rise again.",
        content_type="text/plain",
        outlet_domain="new.example",
        published_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    ).source

    def ids(query: str) -> set[int]:
        response = viewer_client.get(f"/api/sources/?{query}")
        assert response.status_code == 200, response.json()
        return {item["id"] for item in response.json()["results"]}

    assert ids("outlet=old.example") == {old.pk}
    assert ids("published_after=2024-01-01T00:00:00Z") == {new.pk}
    assert ids("published_before=2021-01-01T00:00:00Z") == {old.pk}
    assert ids("q=taxes") == {new.pk}
    Source.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=1))
    since = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    assert ids(f"updated_since={since.replace('+', '%2B')}") == {new.pk}


def test_bad_dates_are_400(viewer_client):
    response = viewer_client.get("/api/sources/?published_after=2020-13-45")
    assert response.status_code == 400
    assert "published_after" in response.json()
