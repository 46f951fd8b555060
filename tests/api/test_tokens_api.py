"""API tokens: created, listed and revoked by their owner; a token carries its
user's role; each token has its own rate (``API_TOKEN_RATE``)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from claims_tracker.common.models import ApiToken
from claims_tracker.common.tokens import api_token_create

pytestmark = pytest.mark.django_db


def _token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_create_returns_the_key_once(analyst_client):
    response = analyst_client.post("/api/tokens/", {"name": "archive sync"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "archive sync"
    assert body["role"] == "analyst"
    assert body["key"].startswith(body["prefix"])
    listed = analyst_client.get("/api/tokens/").json()["results"]
    assert [t["id"] for t in listed] == [body["id"]]
    assert "key" not in listed[0]
    assert not ApiToken.objects.filter(key_digest=body["key"]).exists()  # stored hashed


def test_token_authenticates_with_its_users_role(analyst):
    _, key = api_token_create(user=analyst, name="script")
    client = _token_client(key)
    assert client.get("/api/claims/").status_code == 200
    response = client.post("/api/claims/", {"text": "Rivers are rising"}, format="json")
    assert response.status_code == 201
    assert response.json()["created_by"] == "analyst1"


def test_viewer_token_may_only_read(viewer):
    _, key = api_token_create(user=viewer, name="reader")
    client = _token_client(key)
    assert client.get("/api/evidence/").status_code == 200
    assert client.post("/api/claims/", {"text": "x"}, format="json").status_code == 403


def test_revoked_token_stops_working(analyst_client, analyst):
    created = analyst_client.post("/api/tokens/", {"name": "temp"}, format="json").json()
    client = _token_client(created["key"])
    assert client.get("/api/claims/").status_code == 200
    assert analyst_client.delete(f"/api/tokens/{created['id']}/").status_code == 204
    response = client.get("/api/claims/")
    assert response.status_code == 401
    assert response.json()["detail"]
    listed = analyst_client.get("/api/tokens/").json()["results"][0]
    assert listed["active"] is False
    assert listed["revoked_at"]


def test_users_cannot_see_or_revoke_others_tokens(analyst_client, editor):
    token, _ = api_token_create(user=editor, name="editor's")
    assert analyst_client.get("/api/tokens/").json()["results"] == []
    assert analyst_client.delete(f"/api/tokens/{token.pk}/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_needs_a_name(analyst_client):
    response = analyst_client.post("/api/tokens/", {"name": "  "}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_wrong_token_is_401(db):
    response = _token_client("not-a-real-key").get("/api/claims/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_token_over_its_rate_gets_429(analyst, settings):
    settings.API_TOKEN_RATE = "3/minute"
    cache.clear()
    _, key = api_token_create(user=analyst, name="busy")
    _, other_key = api_token_create(user=analyst, name="other")
    client = _token_client(key)
    statuses = [client.get("/api/claims/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/claims/")
    assert response.json()["code"] == "throttled"
    assert "Retry-After" in response
    # Each token has its own budget.
    assert _token_client(other_key).get("/api/claims/").status_code == 200
    cache.clear()


def test_profile_page_creates_and_revokes_tokens(client, analyst):
    client.force_login(analyst)
    response = client.post("/accounts/profile/", {"name": "from the page"}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(user=analyst)
    assert token.name == "from the page"
    client.post("/accounts/profile/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
