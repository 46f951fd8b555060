"""The "Quotes to check" page, and how the reader, the claim page and the
dashboard show quotes a re-parse changed or orphaned."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import services
from claims.models import Claim
from sources.models import Excerpt
from sources.services import source_ingest

pytestmark = pytest.mark.django_db

ARTICLE = """Harbour repairs run late

The port authority said repairs would take 12 weeks and cost 4 million.

Advertisement

Divers reported cracks in two pillars, according to the harbour master.
"""


def _world(make_rule, n: int = 1, outlet: str = "harbourwatch.example"):
    """``n`` sources of ``outlet``, each with a quote its rules change
    (12 → 13) and one they orphan (the divers' paragraph dropped)."""
    claim = services.claim_create(text="The harbour repairs are late", user=None)
    changed, orphaned = [], []
    for i in range(n):
        source = source_ingest(
            raw=ARTICLE + f"\nReport number {i} from {outlet}.\n",
            content_type="text/plain",
            outlet_domain=outlet,
        ).source
        changed.append(
            services.evidence_link(
                claim_id=claim.pk,
                source_id=source.pk,
                stance="asserts",
                exact="repairs would take 12 weeks",
                user=None,
            )
        )
        orphaned.append(
            services.evidence_link(
                claim_id=claim.pk,
                source_id=source.pk,
                stance="disputes",
                exact="Divers reported cracks in two pillars",
                user=None,
            )
        )
    make_rule(
        name="weeks", kind="replace", pattern=r"\b12 weeks", replacement="13 weeks", outlet=outlet
    )
    make_rule(name="no divers", kind="drop_lines", pattern="^Divers reported", outlet=outlet)
    return claim, changed, orphaned


def test_quotes_page_lists_changed_and_orphaned_with_a_word_diff(analyst_web, make_rule):
    _, changed, orphaned = _world(make_rule)

    body = analyst_web.get("/quotes/").content.decode()

    assert f'data-quote="{changed[0].pk}" data-anchor="changed"' in body
    assert f'data-quote="{orphaned[0].pk}" data-anchor="orphaned"' in body
    assert "“repairs would take 12 weeks”" in body  # the selection
    assert "“repairs would take 13 weeks”" in body  # the words now there
    assert "<del>12</del><ins>13</ins>" in body
    assert 'data-testid="confirm"' in body
    assert f"?relink={changed[0].pk}" in body


def test_quotes_page_filters_by_state(analyst_web, make_rule):
    _, changed, orphaned = _world(make_rule)
    body = analyst_web.get("/quotes/?state=changed").content.decode()
    assert f'data-quote="{changed[0].pk}"' in body
    assert f'data-quote="{orphaned[0].pk}"' not in body


def test_viewers_see_the_list_without_actions(viewer_web, make_rule):
    _world(make_rule)
    body = viewer_web.get("/quotes/").content.decode()
    assert "“repairs would take 12 weeks”" in body
    assert 'data-testid="confirm"' not in body
    assert 'data-testid="unlink"' not in body


def test_quote_text_is_escaped(analyst_web, make_rule):
    source = source_ingest(
        raw=ARTICLE.replace(
            "Divers reported",
            "A vandal wrote <script>alert(12)</script> on the wall. Divers reported",
        ),
        content_type="text/plain",
        outlet_domain="vandalnews.example",
    ).source
    claim = services.claim_create(text="A script was written", user=None)
    services.evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="A vandal wrote <script>alert(12)</script> on the wall.",
        user=None,
    )
    make_rule(
        name="thirteen",
        kind="replace",
        pattern=r"alert\(12\)",
        replacement="alert(13)",
        outlet="vandalnews.example",
    )
    body = analyst_web.get("/quotes/").content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(" in body


def test_confirm_from_the_page_relocates_and_leaves_the_list(analyst_web, make_rule):
    _, changed, _ = _world(make_rule)
    pk = changed[0].pk

    response = analyst_web.post(f"/ui/quotes/{pk}/confirm/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'data-testid="quote-done"' in response.content.decode()
    excerpt = Excerpt.objects.get(pk=changed[0].excerpt_id)
    assert (excerpt.anchor_state, excerpt.selected) == ("relocated", "repairs would take 13 weeks")
    assert f'data-quote="{pk}"' not in analyst_web.get("/quotes/").content.decode()


def test_confirm_without_javascript_redirects_back(analyst_web, make_rule):
    _, changed, _ = _world(make_rule)
    response = analyst_web.post(f"/ui/quotes/{changed[0].pk}/confirm/")
    assert response.status_code == 302
    assert response["Location"] == "/quotes/"


def test_an_orphaned_quote_cannot_be_confirmed(analyst_web, make_rule):
    _, _, orphaned = _world(make_rule)
    response = analyst_web.post(f"/ui/quotes/{orphaned[0].pk}/confirm/", HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert Excerpt.objects.get(pk=orphaned[0].excerpt_id).anchor_state == "orphaned"


def test_unlink_from_the_page(analyst_web, make_rule):
    _, _, orphaned = _world(make_rule)
    response = analyst_web.post(f"/ui/quotes/{orphaned[0].pk}/unlink/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not type(orphaned[0]).objects.filter(pk=orphaned[0].pk).exists()


def test_viewers_cannot_confirm_or_unlink(viewer_web, make_rule):
    _, changed, _ = _world(make_rule)
    assert viewer_web.post(f"/ui/quotes/{changed[0].pk}/confirm/").status_code == 403
    assert viewer_web.post(f"/ui/quotes/{changed[0].pk}/unlink/").status_code == 403
    assert Excerpt.objects.get(pk=changed[0].excerpt_id).anchor_state == "changed"


def test_quotes_page_query_count_does_not_grow_with_the_list(analyst_web, make_rule):
    _world(make_rule, n=1)
    with CaptureQueriesContext(connection) as few:
        analyst_web.get("/quotes/")
    _world(make_rule, n=6, outlet="quaysidenews.example")
    with CaptureQueriesContext(connection) as many:
        body = analyst_web.get("/quotes/").content.decode()
    assert body.count("data-quote=") == 14
    assert len(many.captured_queries) == len(few.captured_queries)


def test_reader_marks_changed_quotes_distinctly(analyst_web, make_rule):
    _, changed, orphaned = _world(make_rule)
    source_id = Excerpt.objects.get(pk=changed[0].excerpt_id).source_id

    body = analyst_web.get(f"/sources/{source_id}/").content.decode()

    assert f'data-evidence="{changed[0].pk}" data-stance="asserts" data-anchor="changed"' in body
    assert 'data-testid="changed-quotes"' in body
    assert f'data-orphan="{orphaned[0].pk}"' in body


def test_claim_page_shows_the_count_and_a_warning_badge(analyst_web, make_rule):
    claim, _, _ = _world(make_rule)
    assert Claim.objects.get(pk=claim.pk).evidence.count() == 2

    body = analyst_web.get(f"/claims/{claim.pk}/").content.decode()

    assert 'data-testid="quotes-to-check"' in body
    assert "2 quotes to check" in body
    assert 'class="badge changed"' in body


def test_dashboard_counts_quotes_to_check(analyst_web, make_rule):
    _world(make_rule)
    body = analyst_web.get("/").content.decode()
    assert 'data-testid="dashboard-quotes-to-check"' in body
    assert ">2<" in body.split('data-testid="dashboard-quotes-to-check"')[1][:200]


def test_the_verdict_form_carries_the_evidence_revision_and_a_stale_one_is_refused(
    client, editor, make_rule
):
    claim, changed, _ = _world(make_rule)
    claim.refresh_from_db()
    client.force_login(editor)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert f'name="evidence_revision" value="{claim.evidence_revision}"' in page
    # Someone unlinks a quote while the editor reads the claim.
    services.evidence_unlink(evidence_id=changed[0].pk, user=None)

    response = client.post(
        f"/review/{claim.pk}/verdict/",
        {
            "verdict": "supported",
            "rationale": "Read it all.",
            "version": claim.version,
            "evidence_revision": claim.evidence_revision,
            "where": "claim",
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 409
    assert f'name="evidence_revision" value="{claim.evidence_revision + 1}"' in (
        response.content.decode()
    )
    assert Claim.objects.get(pk=claim.pk).verdict == "unreviewed"
