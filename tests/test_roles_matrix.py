"""Who may do what: every API endpoint of contract section 4 and every page of
section 5, against anonymous, viewer, analyst and editor.

Roles are ordered: each may do what the one before it may, and more.
- anonymous: nothing (API 401/403; pages redirect to the login page);
- viewer: reads;
- analyst: + ingest sources, create/edit claims, link/edit/unlink evidence;
- editor: + verdicts, the review queue, extraction rules.
The admin is for staff only (``is_staff``): none of the four roles gets in.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client
from rest_framework.test import APIClient

from claims import services as claim_services
from claims.models import Claim, Evidence
from sources import rule_services
from sources.models import ReparseJob, Source
from tests.factories import SourceFactory

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
    ok: tuple[int, ...] = (200,)
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
]


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
    claim.refresh_from_db()
    return {
        "source": source.pk,
        "claim": claim.pk,
        "version": claim.version,
        "evidence": evidence.pk,
        "reviewed": reviewed.pk,
        "rule": change.rule.pk,
        "job": job.pk,
    }


def _user(role: str) -> User | None:
    if role == "anonymous":
        return None
    user = User.objects.create_user(username=f"m-{role}")  # no password: no slow hashing
    if role in {"analyst", "editor"}:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def _fill(value: Any, world: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
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
    user = _user(role)
    if user is not None:
        client.force_authenticate(user=user)
    path = _fill(case.path, world)
    kwargs = {"format": "json"} if case.body is not None else {}
    body = _fill(case.body, world) if case.body is not None else None

    response = (
        getattr(client, case.method)(path, body, **kwargs)
        if body is not None
        else (getattr(client, case.method)(path))
    )

    if _allowed(case, role):
        assert response.status_code in case.ok, _explain(response)
    elif role == "anonymous":
        assert response.status_code in {401, 403}, _explain(response)
    else:
        assert response.status_code == 403, _explain(response)
    if not _allowed(case, role):
        _assert_nothing_changed(case, world)


@pytest.mark.parametrize(("case", "role"), _params(PAGES))
def test_page_matrix(case: Case, role: str, world):
    client = Client()
    user = _user(role)
    if user is not None:
        client.force_login(user)
    path = _fill(case.path, world)
    if case.method == "post":
        response = client.post(path, _fill(case.body or {}, world))
    else:
        response = client.get(path)

    if _allowed(case, role):
        assert response.status_code in case.ok, _explain(response)
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
        _assert_nothing_changed(case, world)


def _assert_nothing_changed(case: Case, world: dict[str, Any]) -> None:
    """A refused write leaves the data as it was."""
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
