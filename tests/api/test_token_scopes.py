"""Token hardening: optional expiry, a read-only scope, tokens made only by a
signed-in person (never by another token), last use shown on the profile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from claims.services import claim_create
from claims_tracker.common.models import ApiToken
from claims_tracker.common.tokens import api_token_create
from tests.support.rows import changed_tables, row_counts

pytestmark = pytest.mark.django_db


def _token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def claim(analyst):
    return claim_create(text="The ferry timetable changes in June", user=analyst)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/claims/", {"text": "A new claim from a read-only token"}),
        ("patch", "/api/claims/{claim}/", {"text": "Edited by a read-only token"}),
        (
            "post",
            "/api/claims/{claim}/review/",
            {"verdict": "supported", "rationale": "x", "version": 1},
        ),
        ("post", "/api/rules/", {"name": "x", "kind": "drop_lines", "pattern": "^x$"}),
        ("delete", "/api/tokens/{token}/", None),
    ],
)
def test_read_only_token_gets_403_on_any_write(editor, claim, method, path, body):
    token, key = api_token_create(user=editor, name="dashboards", read_only=True)
    fill = {"claim": claim.pk, "token": token.pk}
    path = path.format(**fill)
    if body:
        body = {k: (int(v.format(**fill)) if v == "{claim}" else v) for k, v in body.items()}
    before = row_counts()

    response = getattr(_token_client(key), method)(path, body, format="json")

    assert response.status_code == 403, response.content
    assert "read-only" in response.json()["detail"]
    assert changed_tables(before, row_counts()) == {}
    claim.refresh_from_db()
    assert claim.text == "The ferry timetable changes in June"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_read_only_token_still_reads(viewer, claim):
    _, key = api_token_create(user=viewer, name="dashboards", read_only=True)
    client = _token_client(key)
    assert client.get("/api/claims/").status_code == 200
    assert client.get(f"/api/claims/{claim.pk}/").status_code == 200
    assert client.head("/api/claims/").status_code == 200


def test_a_write_token_of_an_analyst_still_writes(analyst):
    _, key = api_token_create(user=analyst, name="sync")
    response = _token_client(key).post("/api/claims/", {"text": "Written with a token"})
    assert response.status_code == 201


def test_expired_token_is_401(analyst):
    token, key = api_token_create(
        user=analyst, name="short", expires_at=timezone.now() + dt.timedelta(minutes=5)
    )
    client = _token_client(key)
    assert client.get("/api/claims/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = client.get("/api/claims/")

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_token_cannot_create_tokens(editor):
    _, key = api_token_create(user=editor, name="ci")
    before = row_counts()
    response = _token_client(key).post("/api/tokens/", {"name": "minted"}, format="json")
    assert response.status_code == 403
    assert "signed-in" in response.json()["detail"]
    assert changed_tables(before, row_counts()) == {}


def test_session_creates_a_read_only_expiring_token(client, analyst):
    client.force_login(analyst)
    expires = (timezone.now() + dt.timedelta(days=30)).isoformat()
    response = client.post(
        "/api/tokens/",
        {"name": "reports", "read_only": True, "expires_at": expires},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["read_only"] is True
    assert body["expires_at"] is not None
    assert body["active"] is True
    assert _token_client(body["key"]).post("/api/claims/", {"text": "no"}).status_code == 403


@pytest.mark.parametrize("delta", [dt.timedelta(minutes=-1), dt.timedelta(days=4000)])
def test_expiry_must_be_ahead_and_bounded(client, analyst, delta):
    client.force_login(analyst)
    response = client.post(
        "/api/tokens/",
        {"name": "bad", "expires_at": (timezone.now() + delta).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "expires_at" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_profile_shows_scope_expiry_and_last_use(analyst):
    page = Client()
    page.force_login(analyst)
    page.post("/accounts/profile/", {"name": "reader", "scope": "read", "expires_in_days": "7"})
    token = ApiToken.objects.get(user=analyst)
    assert token.read_only
    assert dt.timedelta(days=6) < token.expires_at - timezone.now() <= dt.timedelta(days=7)
    html = page.get("/accounts/profile/").content.decode()
    assert 'data-testid="token-last-used">never<' in html
    assert "read only" in html

    # Using the token records the moment; the profile shows it.
    key = page.post("/accounts/profile/", {"name": "used"}).context["new_key"]
    assert _token_client(key).get("/api/claims/").status_code == 200
    used = ApiToken.objects.get(name="used")
    assert used.last_used_at is not None
    html = page.get("/accounts/profile/").content.decode()
    assert (
        f'data-testid="token-last-used">{timezone.localtime(used.last_used_at):%Y-%m-%d %H:%M}<'
        in html
    )
