"""Who may do what: every API endpoint of contract section 4 and every page of
section 5, against anonymous, viewer, analyst and editor.

Roles are ordered: each may do what the one before it may, and more.
- anonymous: nothing (API 401/403; pages redirect to the login page);
- viewer: reads;
- analyst: + ingest sources, create/edit claims, link/edit/unlink evidence;
- editor: + verdicts, the review queue, extraction rules.
The admin is for staff only (``is_staff``): none of the four roles gets in.

The tables are checked against the URLconf and the OpenAPI schema
(``test_every_api_operation_has_a_rule``, ``test_every_page_route_has_a_rule``):
an endpoint added without a rule here fails, and the message says which
``Case`` line to add. A case with ``ok=None`` only checks the permission: the
roles it allows get anything but 401/403/a login redirect (a fragment may
answer 400 to an empty body), the others are refused and change nothing.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLResolver, get_resolver
from rest_framework.test import APIClient

from claims import actor_services
from claims import services as claim_services
from claims.models import Claim, Evidence
from claims_tracker.common.tokens import api_token_create
from sources import rule_services
from sources.models import IngestBatch, ReparseJob, Source
from tests.factories import SourceFactory
from tests.support.roles import user_of_role
from tests.support.rows import changed_tables, row_counts

ROLES = ("anonymous", "viewer", "analyst", "editor")
RANK = {role: rank for rank, role in enumerate(ROLES)}
STAFF_ONLY = "staff"  # above every role: none of the four may
RANK[STAFF_ONLY] = len(ROLES)

ARTICLE = (
    "The council will close the library on Sundays.\n"
    "Residents said the library must stay open.\n"
    "The mayor mentioned the library budget.\n"
    "Filed by the matrix desk."
)
_serial = itertools.count(1)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    min_role: str
    ok: tuple[int, ...] | None = (200,)
    body: dict[str, Any] | None = None


API = [
    Case("sources-list", "get", "/api/sources/", "viewer"),
    Case(
        "sources-create",
        "post",
        "/api/sources/",
        "analyst",
        (201,),
        {"raw": "A fresh report {n} on the library.", "content_type": "text/plain"},
    ),
    Case("sources-detail", "get", "/api/sources/{source}/", "viewer"),
    Case("claims-list", "get", "/api/claims/", "viewer"),
    Case(
        "claims-create",
        "post",
        "/api/claims/",
        "analyst",
        (201,),
        {"text": "The library closes on Sundays, claim {n}"},
    ),
    Case("claims-detail", "get", "/api/claims/{claim}/", "viewer"),
    Case(
        "claims-patch",
        "patch",
        "/api/claims/{claim}/",
        "analyst",
        (200,),
        {"text": "The library closes on Sundays and holidays", "version": "{version}"},
    ),
    Case(
        "claims-review",
        "post",
        "/api/claims/{claim}/review/",
        "editor",
        (200,),
        {"verdict": "supported", "rationale": "The council minutes.", "version": "{version}"},
    ),
    Case("claims-claimreview", "get", "/api/claims/{reviewed}/claimreview/", "viewer"),
    Case(
        "claims-merge",
        "post",
        "/api/claims/{claim}/merge/",
        "analyst",
        (200,),
        {"into": "{reviewed}"},
    ),
    Case(
        "claims-split",
        "post",
        "/api/claims/{claim}/split/",
        "analyst",
        (201,),
        {"evidence": ["{evidence}"], "text": "Residents want the library open {n}"},
    ),
    Case("evidence-list", "get", "/api/evidence/", "viewer"),
    Case(
        "evidence-create",
        "post",
        "/api/evidence/",
        "analyst",
        (201,),
        {
            "claim": "{claim}",
            "source": "{source}",
            "stance": "mentions",
            "exact": "mentioned the library budget",
            "attributed_to": "the mayor",
        },
    ),
    Case("evidence-detail", "get", "/api/evidence/{evidence}/", "viewer"),
    Case(
        "evidence-patch",
        "patch",
        "/api/evidence/{evidence}/",
        "analyst",
        (200,),
        {"note": "Checked against the minutes."},
    ),
    Case("evidence-delete", "delete", "/api/evidence/{evidence}/", "analyst", (204,)),
    Case("evidence-deleted", "get", "/api/evidence/deleted/?since=2000-01-01T00:00:00Z", "viewer"),
    Case("evidence-changes", "get", "/api/evidence/changes/", "viewer"),
    Case("evidence-export-csv", "get", "/api/evidence/?format=csv", "viewer"),
    Case("evidence-export-ndjson", "get", "/api/evidence/?format=ndjson", "viewer"),
    Case("rules-list", "get", "/api/rules/", "viewer"),
    Case(
        "rules-create",
        "post",
        "/api/rules/",
        "editor",
        (201,),
        {"name": "Drop adverts", "kind": "drop_lines", "pattern": "^Advertisement$"},
    ),
    Case("rules-patch", "patch", "/api/rules/{rule}/", "editor", (200,), {"enabled": False}),
    Case("rules-delete", "delete", "/api/rules/{rule}/", "editor", (200, 204)),
    Case(
        "rules-preview",
        "post",
        "/api/rules/preview/",
        "editor",
        (200,),
        {"kind": "drop_lines", "pattern": "^Residents said"},
    ),
    Case("reparse-jobs-detail", "get", "/api/reparse-jobs/{job}/", "viewer"),
    Case("review-queue", "get", "/api/review-queue/", "editor"),
    Case("schema", "get", "/api/schema/", "viewer"),
    Case("docs", "get", "/api/docs/", "viewer"),
    Case("redoc", "get", "/api/redoc/", "viewer"),
    Case("api-root", "get", "/api/", "viewer"),
    Case("claims-similar", "get", "/api/claims/similar/?text=library", "viewer"),
    Case("reparse-jobs-list", "get", "/api/reparse-jobs/", "viewer"),
    Case("rules-detail", "get", "/api/rules/{rule}/", "viewer"),
    Case("tokens-list", "get", "/api/tokens/", "viewer"),
    Case("tokens-create", "post", "/api/tokens/", "viewer", (201,), {"name": "matrix {n}"}),
    Case("tokens-delete", "delete", "/api/tokens/{token}/", "viewer", None),
    Case("actors-list", "get", "/api/actors/", "viewer"),
    Case(
        "actors-create",
        "post",
        "/api/actors/",
        "analyst",
        (201,),
        {"name": "Matrix speaker {n}", "kind": "person"},
    ),
    Case("actors-detail", "get", "/api/actors/{actor}/", "viewer"),
    Case(
        "actors-patch", "patch", "/api/actors/{actor}/", "analyst", (200,), {"kind": "organisation"}
    ),
    Case(
        "actors-merge",
        "post",
        "/api/actors/{actor}/merge/",
        "analyst",
        (200,),
        {"into": "{other_actor}"},
    ),
    Case(
        "attributions-suggest",
        "post",
        "/api/attributions/suggest/",
        "viewer",
        (200,),
        {"source": "{source}", "exact": "the library must stay open"},
    ),
    Case("sources-related", "get", "/api/sources/{source}/related/", "viewer"),
]

PAGES = [
    Case("dashboard", "get", "/", "viewer"),
    Case("sources", "get", "/sources/", "viewer"),
    Case("sources-new-form", "get", "/sources/new/", "viewer"),
    Case(
        "sources-new-ingest",
        "post",
        "/sources/new/",
        "analyst",
        (200,),
        {"raw": "A pasted report {n} on the library.", "content_type": "text/plain"},
    ),
    Case("source-reader", "get", "/sources/{source}/", "viewer"),
    Case("claims", "get", "/claims/", "viewer"),
    Case("claim", "get", "/claims/{claim}/", "viewer"),
    Case("review", "get", "/review/", "editor"),
    Case(
        "review-verdict",
        "post",
        "/review/{claim}/verdict/",
        "editor",
        (302,),
        {"verdict": "refuted", "rationale": "Residents' petition.", "version": "{version}"},
    ),
    Case("rules", "get", "/rules/", "viewer"),
    Case("admin", "get", "/admin/", STAFF_ONLY),
    Case("healthz", "get", "/healthz", "anonymous"),
    Case("login", "get", "/accounts/login/", "anonymous"),
    Case("logout", "post", "/accounts/logout/", "anonymous", (302,)),
    Case("profile", "get", "/accounts/profile/", "viewer"),
    Case("ingest-batch", "get", "/sources/batches/{batch}/", "viewer"),
    Case("rule-create", "get", "/rules/new/", "editor"),
    Case("rule-preview", "post", "/rules/preview/", "editor", None),
    Case("rule-orphans", "get", "/rules/orphans/", "viewer"),
    Case("rule-job", "get", "/rules/jobs/{job}/", "viewer"),
    Case("rule-job-retry", "post", "/rules/jobs/{job}/retry/", "editor", (302,)),
    Case("rule-edit", "get", "/rules/{rule}/edit/", "editor"),
    Case("rule-delete", "get", "/rules/{rule}/delete/", "editor"),
    Case("rule-toggle", "post", "/rules/{rule}/toggle/", "editor", None),
    Case("rule-move", "post", "/rules/{rule}/move/", "editor", None),
    Case("reader-article", "get", "/ui/reader/{source}/article/", "viewer"),
    Case("reader-raw", "get", "/ui/reader/{source}/raw/", "viewer"),
    Case("reader-panel", "get", "/ui/reader/{source}/panel/", "analyst", None),
    Case("reader-link", "post", "/ui/reader/{source}/link/", "analyst", None),
    Case("claim-search", "get", "/ui/claims/search/?q=library", "viewer"),
    Case("claim-similar", "get", "/ui/claims/similar/?text=library", "viewer"),
    Case("find-more", "get", "/ui/claims/{claim}/find/", "viewer", None),
    Case("find-more-link", "post", "/ui/claims/{claim}/link/", "analyst", None),
    Case("evidence-edit", "post", "/ui/evidence/{evidence}/edit/", "analyst", None),
    Case("evidence-unlink", "post", "/ui/evidence/{evidence}/unlink/", "analyst", None),
    Case("quotes", "get", "/quotes/", "viewer"),
    Case("claim-new-form", "get", "/claims/new/", "analyst"),
    Case("claim-new", "post", "/claims/new/", "analyst", (302,), {"text": "Opening hours cut {n}"}),
    Case("claim-new-similar", "get", "/ui/claims/new/similar/?text=library+sundays", "viewer"),
    Case("claim-edit", "get", "/claims/{claim}/edit/", "analyst"),
    Case("claim-merge", "get", "/claims/{claim}/merge/", "analyst"),
    Case("claim-split", "post", "/claims/{claim}/split/", "analyst", None),
    Case("claim-bulk", "post", "/claims/bulk/", "analyst", None),
    Case("claim-export", "get", "/claims/export/?ids={claim}", "viewer"),
    Case("claim-column", "get", "/ui/claims/{claim}/column/{stance}/", "viewer"),
    Case("actors", "get", "/actors/", "viewer"),
    Case("actor", "get", "/actors/{actor}/", "viewer"),
    Case("actor-edit", "post", "/actors/{actor}/edit/", "analyst", None),
    Case("actor-merge", "post", "/actors/{actor}/merge/", "analyst", None),
    Case("quote-confirm", "post", "/ui/quotes/{evidence}/confirm/", "analyst", None),
    Case("quote-unlink", "post", "/ui/quotes/{evidence}/unlink/", "analyst", None),
]
# Routes that are not pages of their own (handled elsewhere in this module, or
# not a route a person opens): the admin's many URLs are staff-only as a whole.
NOT_PAGES = {"admin/"}


@pytest.fixture
def world(db) -> dict[str, Any]:
    """One of everything, made through the services."""
    lead = User.objects.create_user(username="matrix-lead")
    source = SourceFactory(raw=ARTICLE, outlet_domain="matrix.example")
    claim = claim_services.claim_create(text="The library will close on Sundays", user=lead)
    claim_services.evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="will close the library on Sundays",
        attributed_to="the council",
        user=lead,
    )
    evidence = claim_services.evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="disputes",
        exact="the library must stay open",
        attributed_to="residents",
        user=lead,
    )
    reviewed = claim_services.claim_create(text="The library budget was cut", user=lead)
    reviewed = claim_services.claim_review(
        claim_id=reviewed.pk,
        verdict="mixed",
        rationale="Partly.",
        version=reviewed.version,
        user=lead,
    )
    change = rule_services.rule_create(
        user=lead,
        name="Drop the desk line",
        kind="drop_lines",
        pattern=r"^Filed by the matrix desk\.$",
    )
    job = change.reparse_job or ReparseJob.objects.create(status="done", reason="matrix")
    batch = IngestBatch.objects.create(total=0)
    token, _key = api_token_create(user=lead, name="matrix lead")
    actor = actor_services.actor_create(name="Matrix ministry", kind="organisation", user=lead)
    other_actor = actor_services.actor_create(name="Matrix agency", kind="organisation", user=lead)
    claim.refresh_from_db()
    return {
        "source": source.pk,
        "claim": claim.pk,
        "version": claim.version,
        "evidence": evidence.pk,
        "reviewed": reviewed.pk,
        "rule": change.rule.pk,
        "job": job.pk,
        "batch": batch.pk,
        "token": token.pk,
        "actor": actor.pk,
        "other_actor": other_actor.pk,
        "stance": "asserts",
    }


def _fill(value: Any, world: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    if isinstance(value, str) and "{" in value:
        filled = value.format(n=next(_serial), **world)
        return int(filled) if filled.isdigit() and value.startswith("{") else filled
    return value


def _params(cases: list[Case]):
    return [pytest.param(case, role, id=f"{case.name}-{role}") for case in cases for role in ROLES]


def _allowed(case: Case, role: str) -> bool:
    return RANK[role] >= RANK[case.min_role]


@pytest.mark.parametrize(("case", "role"), _params(API))
def test_api_matrix(case: Case, role: str, world):
    client = APIClient()
    user = user_of_role(role)
    if user is not None:
        client.force_authenticate(user=user)
    path = _fill(case.path, world)
    kwargs = {"format": "json"} if case.body is not None else {}
    body = _fill(case.body, world) if case.body is not None else None
    before = row_counts()

    response = (
        getattr(client, case.method)(path, body, **kwargs)
        if body is not None
        else (getattr(client, case.method)(path))
    )

    if _allowed(case, role):
        _assert_allowed(case, response)
    elif role == "anonymous":
        assert response.status_code in {401, 403}, _explain(response)
    else:
        assert response.status_code == 403, _explain(response)
    if not _allowed(case, role):
        _assert_nothing_changed(case, world, before)


@pytest.mark.parametrize(("case", "role"), _params(PAGES))
def test_page_matrix(case: Case, role: str, world):
    client = Client()
    user = user_of_role(role)
    if user is not None:
        client.force_login(user)
    path = _fill(case.path, world)
    before = row_counts()
    if case.method == "post":
        response = client.post(path, _fill(case.body or {}, world))
    else:
        response = client.get(path)

    if _allowed(case, role):
        _assert_allowed(case, response)
    elif role == "anonymous":
        assert response.status_code == 302, _explain(response)
        assert response["Location"].startswith(("/accounts/login/", "/admin/login/"))
    elif case.min_role == STAFF_ONLY:
        # The admin sends signed-in users without is_staff to its own login page.
        assert response.status_code == 302, _explain(response)
        assert response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == 403, _explain(response)
    if not _allowed(case, role):
        _assert_nothing_changed(case, world, before)


def _assert_allowed(case: Case, response) -> None:
    if case.ok is not None:
        assert response.status_code in case.ok, _explain(response)
        return
    assert response.status_code not in {401, 403}, _explain(response)
    location = response.headers.get("Location", "")
    assert not location.startswith(("/accounts/login/", "/admin/login/")), _explain(response)


def _assert_nothing_changed(case: Case, world: dict[str, Any], before: dict[str, int]) -> None:
    """A refused write leaves the data as it was: every table has the rows it
    had, and the claim its version and verdict."""
    assert changed_tables(before, row_counts()) == {}
    claim = Claim.objects.get(pk=world["claim"])
    assert claim.version == world["version"]
    assert claim.verdict == "unreviewed"
    assert Evidence.objects.filter(pk=world["evidence"]).exists()
    assert Source.objects.count() == 1


def _explain(response) -> str:
    content = b"" if getattr(response, "streaming", False) else response.content
    return f"{response.status_code}: {content[:300]!r}"


# --- the admin: staff only ---------------------------------------------------------------


@pytest.fixture
def staff_client(db) -> Client:
    superuser = User.objects.create_superuser(
        username="root", password="pw-root", email="r@x.example"
    )
    client = Client()
    client.force_login(superuser)
    return client


def test_every_model_is_in_the_admin_and_its_list_opens(staff_client, world):
    from claims.models import EvidenceTombstone, Review, Tag
    from sources.models import Excerpt, ExtractionRule, Outlet, ReparseChunk

    expected = {
        Outlet,
        Source,
        Excerpt,
        ExtractionRule,
        ReparseJob,
        ReparseChunk,
        Claim,
        Evidence,
        Review,
        Tag,
        EvidenceTombstone,
    }
    assert expected <= set(admin.site._registry)
    for model in expected:
        opts = model._meta
        response = staff_client.get(f"/admin/{opts.app_label}/{opts.model_name}/")
        assert response.status_code == 200, (model, response.status_code)


def test_history_is_viewable_in_the_admin(staff_client, world):
    for path in (
        f"/admin/claims/claim/{world['claim']}/history/",
        f"/admin/claims/evidence/{world['evidence']}/history/",
        f"/admin/sources/extractionrule/{world['rule']}/history/",
    ):
        response = staff_client.get(path)
        assert response.status_code == 200, path
        assert b"matrix-lead" in response.content or b"history" in response.content.lower()


def test_admin_shows_a_source_raw_input_decoded_and_escaped(staff_client, db):
    html = (
        "<html><head><title>Raw &amp; ready</title></head><body>"
        "<p>Caf\u00e9 <b>opens</b> today, says the owner of the caf\u00e9 on the corner.</p>"
        "<script>alert(1)</script></body></html>"
    )
    source = SourceFactory(
        raw=html.encode("utf-8"), content_type="text/html", charset="utf-8", outlet_domain=None
    )

    response = staff_client.get(f"/admin/sources/source/{source.pk}/change/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body
    assert "Caf\u00e9" in body
    assert 'name="raw"' not in body


def test_verdicts_cannot_be_changed_in_the_admin(staff_client, world):
    response = staff_client.post(
        f"/admin/claims/claim/{world['claim']}/change/",
        {"text": "Changed in the admin", "verdict": "supported"},
    )
    assert response.status_code in {302, 403} or b"Change claim" not in response.content
    claim = Claim.objects.get(pk=world["claim"])
    assert claim.verdict == "unreviewed"
    assert claim.text == "The library will close on Sundays"


# --- the tables cover every endpoint ------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{[^}]*\}|<[^>]*>")


def _shape(path: str) -> str:
    """``/api/claims/{id}/`` and ``/api/claims/{claim}/?x=1`` → ``/api/claims/{}/``."""
    return _PLACEHOLDER.sub("{}", path.split("?", 1)[0])


def _route_patterns(resolver=None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    routes = []
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if pattern in NOT_PAGES:
                continue
            routes += _route_patterns(entry, pattern)
        else:
            routes.append("/" + pattern)
    return routes


def test_every_api_operation_has_a_rule():
    """Every operation of the OpenAPI schema has a Case in ``API``."""
    from drf_spectacular.generators import SchemaGenerator

    spec = SchemaGenerator().get_schema(request=None, public=True)
    covered = {(c.method, _shape(c.path)) for c in API}
    missing = [
        (method, path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
        and (method, _shape(path)) not in covered
    ]
    assert not missing, (
        "API operations without a role rule. Add to API in tests/test_roles_matrix.py, "
        "with the lowest role that may call it (viewer | analyst | editor):\n"
        + "\n".join(
            f'    Case("{path.strip("/").replace("/", "-")}-{method}", "{method}", "{path}", "<role>"),'
            for method, path in missing
        )
    )


def test_every_page_route_has_a_rule():
    """Every route of the URLconf (outside the admin) has a Case in ``PAGES``
    or, under /api/, in ``API``."""
    covered = {_shape(c.path) for c in PAGES + API}
    missing = [
        route
        for route in _route_patterns()
        if _shape(route) not in covered
        # The router's regex routes (and the 404 catch-all) are checked through the
        # schema above; format-suffix twins share their route's rule.
        and not route.startswith("/api/^")
        and "<drf_format_suffix" not in route
    ]
    assert not missing, (
        "URL routes without a role rule. Add to PAGES (or API) in tests/test_roles_matrix.py, "
        "with the method a person uses and the lowest role that may (anonymous | viewer | "
        "analyst | editor); ok=None when only the permission can be checked without a body:\n"
        + "\n".join(f'    Case("<name>", "get", "{route}", "<role>"),' for route in missing)
    )
