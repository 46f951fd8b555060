"""Fixtures the claims tests share: signed-in page clients, and rules
created as a request would create them (their re-parse runs on commit)."""

from __future__ import annotations

import pytest

from sources.rule_services import rule_create


@pytest.fixture
def analyst_web(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def viewer_web(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def make_rule(django_capture_on_commit_callbacks):
    """``make_rule(**fields)``: create a rule; its re-parse runs on commit."""

    def make(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return rule_create(user=None, **fields)

    return make
