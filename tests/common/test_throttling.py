"""Abuse limits: API throttling counts in the shared cache (Redis), so every
gunicorn worker draws on one budget per token; login attempts are limited by
django-axes per username and address."""

from __future__ import annotations

import httpx
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client

from claims_tracker.common.tokens import api_token_create
from tests.support.services import Gunicorn


@pytest.mark.services
def test_the_cache_is_redis_when_redis_url_is_set():
    backend = django_settings.CACHES["default"]["BACKEND"]
    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert django_settings.CACHES["default"]["LOCATION"] == django_settings.REDIS_URL


@pytest.fixture
def database_name(_worker_database: str, transactional_db) -> str:
    """The test database, committed to, so another process sees the rows."""
    return _worker_database


@pytest.mark.services
def test_token_rate_is_shared_by_every_gunicorn_worker(database_name: str) -> None:
    """Three worker processes, a budget of 4 requests an hour: 4 answers in
    all, not 4 per process."""
    from django.core.cache import cache

    cache.clear()
    user = User.objects.create_user(username="busy-client")
    _, key = api_token_create(user=user, name="busy")
    server = Gunicorn(database_name=database_name, workers=3, env={"API_TOKEN_RATE": "4/hour"})
    server.start()
    try:
        statuses = []
        for _ in range(12):  # a new connection each time: the kernel spreads them
            response = httpx.get(
                f"{server.url}/api/claims/",
                headers={"Authorization": f"Token {key}", "Connection": "close"},
                timeout=10,
            )
            statuses.append(response.status_code)
    finally:
        server.stop()
        cache.clear()
    assert statuses.count(200) == 4, statuses
    assert statuses.count(429) == 8, statuses


def _login(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
def test_login_is_locked_after_repeated_failures(settings):
    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_user(username="target", password="right-horse-battery")
    client = Client()
    for _ in range(2):
        assert _login(client, "target", "wrong").status_code == 200  # the form again
    assert _login(client, "target", "wrong").status_code == 429  # the third locks

    locked = _login(client, "target", "right-horse-battery")

    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_username_and_address(settings):
    settings.AXES_FAILURE_LIMIT = 2
    User.objects.create_user(username="target", password="right-horse-battery")
    User.objects.create_user(username="colleague", password="staple-correct")
    for _ in range(2):
        _login(Client(), "target", "wrong")
    assert _login(Client(), "target", "right-horse-battery").status_code == 429
    # The same person from another address, and a colleague from this one, sign in.
    assert _login(Client(), "target", "right-horse-battery", "198.51.100.4").status_code == 302
    assert _login(Client(), "colleague", "staple-correct").status_code == 302


@pytest.mark.django_db
def test_a_good_login_resets_the_count(settings):
    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_user(username="target", password="right-horse-battery")
    for _ in range(2):
        _login(Client(), "target", "wrong")
    assert _login(Client(), "target", "right-horse-battery").status_code == 302
    for _ in range(2):
        _login(Client(), "target", "wrong")
    assert _login(Client(), "target", "right-horse-battery").status_code == 302
