"""Property-based tests of the whole REST API against its own OpenAPI schema
(schemathesis 4), as anonymous, viewer, analyst and editor: no 5xx; every
status code, content type, header and body is what the schema says; every
4xx is JSON with a ``detail``; and every refused write (a 4xx answer to
anything but GET/HEAD/OPTIONS) leaves every table with the rows it had.

Bounded: ``SCHEMATHESIS_EXAMPLES`` (default 10) fuzzed examples per operation and
role, derandomized (the same cases on every run), no deadline; requests go
in-process through the WSGI app, on the test's own database transaction.
Well over 1,000 cases run in all (``test_enough_cases_ran`` checks it when
the whole module runs); the counts are printed at the end of the run. DNS is
the outside world here: every name and address "resolves" to 127.0.0.1, so a
generated URL is refused as private and no traffic leaves the machine. Nothing is excluded: destructive operations
(DELETE of rules, pairs, tokens) run too, on the test's own data. Every case
authenticates with a fresh token, so a generated ``DELETE /api/tokens/{id}/``
that revokes an earlier one cannot turn the rest of the run into 401s.
"""

from __future__ import annotations

import json
import os
import socket

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
from tests.support.rows import changed_tables, row_counts
from tests.support.tally import TALLY, record


@schemathesis.check
def json_detail_on_4xx(ctx, response, case) -> bool | None:
    """Every client error says what is wrong: a JSON object with a ``detail``."""
    if 400 <= response.status_code < 500:
        body = json.loads(response.content or b"null")
        if not (isinstance(body, dict) and isinstance(body.get("detail"), str) and body["detail"]):
            raise AssertionError(f"{response.status_code} without a JSON detail: {body!r}")
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    json_detail_on_4xx,
]
DEFAULT_EXAMPLES = 10
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", str(DEFAULT_EXAMPLES)))
MIN_CASES = 1000

HYPOTHESIS = settings(
    max_examples=EXAMPLES,
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
def _no_dns(monkeypatch):
    """The outside world is unreachable: every lookup answers 127.0.0.1."""
    real = socket.getaddrinfo
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda host, port, *a, **kw: real("127.0.0.1", port, *a, **kw)
    )


@pytest.fixture
def api_data(db, analyst, editor, settings, _no_dns):
    """A small world: two sources, claims with each stance, a reviewed claim,
    a deleted pair (tombstone) and an extraction rule with its re-parse job."""
    settings.API_TOKEN_RATE = "1000000/minute"
    settings.FETCH_TIMEOUT = 2
    settings.INGEST_ALLOW_PRIVATE_URLS = False
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
# Schemathesis' coverage phase (hundreds of deterministic boundary and
# wrong-type cases per operation) runs as the editor, whose requests reach
# validation on every operation; anonymous, viewer and analyst requests get
# fuzzed examples (most stop at authentication or the role check anyway).
# That keeps the module within a few minutes on two cores.
schema_fuzzed = schemathesis.openapi.from_dict(_openapi())
schema_fuzzed.app = application
schema_fuzzed.config.phases.coverage.enabled = False


def _call(case, token: str | None) -> None:
    headers = {"Authorization": f"Token {token}"} if token else {}
    write = case.method.upper() not in ("GET", "HEAD", "OPTIONS")
    before = row_counts() if write else None
    response = case.call(headers=headers)
    refused = write and 400 <= response.status_code < 500
    changed = changed_tables(before, row_counts()) if refused else {}
    record(
        "generated",
        response.status_code,
        refused_write=refused,
        rows_changed=sum(abs(b - (a or 0)) for b, a in changed.values()),
    )
    case.validate_response(response, checks=CHECKS)
    assert changed == {}, f"refused {case.method} {case.path} changed rows: {changed}"


@schema_fuzzed.parametrize()
@HYPOTHESIS
@pytest.mark.usefixtures("_keep_test_connection", "api_data")
def test_api_conforms_to_schema_as_anonymous(case):
    _call(case, None)


@schema_fuzzed.parametrize()
@HYPOTHESIS
@pytest.mark.usefixtures("_keep_test_connection", "api_data")
def test_api_conforms_to_schema_as_viewer(case, viewer):
    _call(case, _token(viewer))


@schema_fuzzed.parametrize()
@HYPOTHESIS
@pytest.mark.usefixtures("_keep_test_connection", "api_data")
def test_api_conforms_to_schema_as_analyst(case, analyst):
    _call(case, _token(analyst))


@schema.parametrize()
@HYPOTHESIS
@pytest.mark.usefixtures("_keep_test_connection", "api_data")
def test_api_conforms_to_schema_as_editor(case, editor):
    _call(case, _token(editor))


def test_enough_cases_ran(request):
    """At least 1,000 generated cases, when the whole module ran (this test
    comes last in it), with no 5xx and no row changed by a refused write."""
    operations = sum(
        1
        for methods in schema.raw_schema["paths"].values()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    )
    generated = [
        i
        for i in request.session.items
        if i.module is request.module and i.name.startswith("test_api_conforms")
    ]
    if len(generated) < 4 * operations or EXAMPLES < DEFAULT_EXAMPLES:
        pytest.skip("only part of the module ran, or fewer examples were asked for")
    assert TALLY["generated cases"] >= MIN_CASES, dict(TALLY)
    assert TALLY["generated 5xx"] == 0
    assert TALLY["generated rows changed"] == 0
