"""Fixtures for the whole suite.

Real services: tests marked ``services`` need PostgreSQL (``DATABASE_URL``),
Redis (``REDIS_URL``) and start a real Celery worker; tests marked ``browser``
need Chromium. Missing ones are skipped with a reason, or fail when
``REQUIRE_SERVICES=1`` / ``REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in the test thread; Django refuses
# ORM calls from a thread with a running loop unless told it is safe. In tests
# it is: the loop only drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from django.contrib.auth.models import Group, User

from tests.support.services import (
    CeleryWorker,
    browser_missing_reason,
    services_missing_reason,
)

pytest_plugins = ["tests.support.browser"]


_MISSING_KEY = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Hashing test users' passwords with PBKDF2 costs most of a test's setup;
    # nothing here tests password hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    checks = (
        ("services", services_missing_reason, "REQUIRE_SERVICES"),
        ("browser", browser_missing_reason, "REQUIRE_BROWSER"),
    )
    for marker, missing_reason, required_env in checks:
        marked = [item for item in items if marker in item.keywords]
        if not marked:
            continue
        reason = missing_reason()
        if not reason:
            continue
        for item in marked:
            if os.environ.get(required_env) == "1":
                item.stash[_MISSING_KEY] = f"{required_env}=1 but {reason}"
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_runtest_setup(item: pytest.Item) -> None:
    missing = item.stash.get(_MISSING_KEY, None)
    if missing:
        pytest.fail(missing, pytrace=False)


@pytest.fixture(autouse=True)
def _celery_eager(request: pytest.FixtureRequest, settings) -> None:
    """Tasks run in-process unless the test drives a real worker."""
    from claims_tracker.celery import app

    real = (
        "celery_worker" in request.fixturenames or "celery_worker_factory" in request.fixturenames
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = not real
    settings.CELERY_TASK_ALWAYS_EAGER = not real
    yield
    app.conf.task_always_eager = previous


# --- users of each role ------------------------------------------------------------


def _user(username: str, group: str | None) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def viewer(db) -> User:
    return _user("viewer1", None)


@pytest.fixture
def analyst(db) -> User:
    return _user("analyst1", "analyst")


@pytest.fixture
def editor(db) -> User:
    return _user("editor1", "editor")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def client_for(api_client):
    """``client_for(user)``: an API client signed in as ``user`` (or anonymous)."""
    from rest_framework.test import APIClient

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def analyst_client(client_for, analyst):
    return client_for(analyst)


@pytest.fixture
def editor_client(client_for, editor):
    return client_for(editor)


@pytest.fixture
def viewer_client(client_for, viewer):
    return client_for(viewer)


# --- a real Celery worker ------------------------------------------------------------


@pytest.fixture(scope="session")
def _worker_database(django_db_setup, django_db_blocker) -> str:
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.settings_dict["NAME"]


@pytest.fixture
def celery_worker_factory(_worker_database, transactional_db):
    """Start (and kill) real Celery worker processes on the test database."""
    workers: list[CeleryWorker] = []

    def start(**kwargs) -> CeleryWorker:
        worker = CeleryWorker(database_name=_worker_database, **kwargs)
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def celery_worker(celery_worker_factory) -> CeleryWorker:
    return celery_worker_factory()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    from tests.support.tally import summary

    lines = summary()
    if lines:
        terminalreporter.section("reliability suite (hostile cases)")
        for line in lines:
            terminalreporter.write_line(line)
