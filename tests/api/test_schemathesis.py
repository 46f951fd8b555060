"""Property-based tests of the whole REST API against its own OpenAPI schema
(schemathesis 4), as an analyst and as an editor: no 5xx, and every status
code, content type, header and body is what the schema says.

Bounded: 15 examples per operation, derandomized (the same cases on every
run), no deadline; requests go in-process through the WSGI app, on the test's
own database transaction. Nothing is excluded: destructive operations
(DELETE of rules, pairs, tokens) run too, on the test's own data. Every case
authenticates with a fresh token, so a generated ``DELETE /api/tokens/{id}/``
that revokes an earlier one cannot turn the rest of the run into 401s.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from claims.services import claim_create, claim_review, evidence_link, evidence_unlink
from claims_tracker.common.tokens import api_token_create
from claims_tracker.wsgi import application
from sources.services import source_ingest

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

HYPOTHESIS = settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)

TEXT = (
    "The minister said that taxes will rise next year. The opposition leader said that "
    "taxes will not rise at all. Economists said taxes will rise for the richest only."
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Autouse, so it runs before the role fixtures create their users: the
    default hasher would take most of each test's set-up time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_data(db, analyst, editor, settings):
    """A small world: two sources, claims with each stance, a reviewed claim,
    a deleted pair (tombstone) and an extraction rule with its re-parse job."""
    settings.API_TOKEN_RATE = "1000000/minute"
    settings.FETCH_TIMEOUT = 2  # generated `url`s point nowhere: fail fast
    cache.clear()
    from sources import rule_services

    first = source_ingest(raw=TEXT, content_type="text/plain", outlet_domain="example.com").source
    second = source_ingest(
        raw="<html><head><title>Budget</title></head><body><article><p>"
        + TEXT
        + "</p><p>More words here to make an article body long enough.</p></article></body></html>",
        content_type="text/html",
    ).source
    taxes = claim_create(text="Taxes will rise next year", tags=["tax"], user=analyst)
    other = claim_create(text="Economists agree on taxes", user=analyst)
    evidence_link(
        claim_id=taxes.pk,
        source_id=first.pk,
        stance="asserts",
        exact="taxes will rise next year",
        user=analyst,
    )
    evidence_link(
        claim_id=taxes.pk,
        source_id=first.pk,
        stance="disputes",
        exact="taxes will not rise at all",
        attributed_to="The opposition leader",
        user=analyst,
    )
    gone = evidence_link(
        claim_id=other.pk,
        source_id=second.pk,
        stance="mentions",
        exact="Economists said",
        user=analyst,
    )
    evidence_unlink(evidence_id=gone.pk, user=analyst)
    evidence_link(
        claim_id=other.pk,
        source_id=first.pk,
        stance="mentions",
        exact="Economists said",
        user=analyst,
    )
    claim_review(
        claim_id=other.pk,
        verdict="mixed",
        rationale="It depends.",
        version=other.version,
        user=editor,
    )
    rule_services.rule_create(
        user=editor,
        name="Drop bylines",
        outlet=None,
        kind="drop_lines",
        pattern="^By ",
    )
    return {"first": first, "second": second}


def _token(user) -> str:
    return api_token_create(user=user, name="schemathesis")[1]


@pytest.fixture
def _keep_test_connection():
    """Serve requests on the test's own connection and transaction, as
    Django's test client does: the WSGI handler would otherwise close the
    connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _openapi() -> dict:
    """The schema ``/api/schema/`` serves, generated in-process (the served
    one needs a signed-in user, and there is no database at collection)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    spec = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(spec))


# Loaded at collection: one test per operation and role. (schemathesis'
# lazy ``from_fixture`` loader does not work with pytest 9.)
schema = schemathesis.openapi.from_dict(_openapi())
schema.app = application


def _call(case, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


@schema.parametrize()
@HYPOTHESIS
@pytest.mark.usefixtures("_keep_test_connection", "api_data")
def test_api_conforms_to_schema_as_analyst(case, analyst):
    _call(case, _token(analyst))


@schema.parametrize()
@HYPOTHESIS
@pytest.mark.usefixtures("_keep_test_connection", "api_data")
def test_api_conforms_to_schema_as_editor(case, editor):
    _call(case, _token(editor))
