"""Clients signed in for the claims pages' tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def analyst_web(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def viewer_web(client, viewer):
    client.force_login(viewer)
    return client
