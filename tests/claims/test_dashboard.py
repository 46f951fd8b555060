"""The dashboard: counts, notifications of verdicts, the editors' queue count."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from claims import services
from claims.dashboard import dashboard_context, stacked_bar
from claims.models import Review, Stance
from tests.factories import SourceFactory

_serial = itertools.count(1)


def contested_claim(text: str, *, user=None):
    claim = services.claim_create(text=text, user=user)
    for stance, exact in (
        (Stance.ASSERTS, "rates will fall"),
        (Stance.DISPUTES, "rates will rise"),
    ):
        n = next(_serial)
        source = SourceFactory(
            raw=f"Item {n}. The governor said rates will fall. The union said rates will rise.",
            outlet_domain=f"outlet{n}.example",
        )
        services.evidence_link(
            claim_id=claim.pk, source_id=source.pk, stance=stance, exact=exact, user=user
        )
    claim.refresh_from_db()
    return claim


def review(claim, editor, verdict: str = "refuted"):
    return services.claim_review(
        claim_id=claim.pk,
        verdict=verdict,
        rationale="Because of the figures.",
        version=claim.version,
        user=editor,
    )


def test_analyst_is_notified_of_a_verdict_on_a_claim_they_created(client, analyst, editor):
    claim = contested_claim("Rates will fall this year", user=analyst)
    review(claim, editor)
    client.force_login(analyst)

    body = client.get("/").content.decode()

    assert 'data-testid="notification"' in body
    assert "Rates will fall this year" in body
    assert "Refuted" in body
    assert "editor1" in body


def test_analyst_is_notified_when_a_claim_they_gave_evidence_for_gets_a_verdict(analyst, editor):
    claim = contested_claim("Rates will fall next year", user=None)
    source = SourceFactory(raw="Analyst's find: the bank mentioned rates.", outlet_domain=None)
    services.evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance=Stance.MENTIONS,
        exact="mentioned rates",
        user=analyst,
    )
    claim.refresh_from_db()
    review(claim, editor)

    notifications = dashboard_context(user=analyst)["notifications"]

    assert [n.claim_id for n in notifications] == [claim.pk]


def test_old_verdicts_and_claims_of_others_are_not_notified(analyst, editor, django_user_model):
    someone = django_user_model.objects.create_user(username="someone", password="pw-someone")
    theirs = contested_claim("Someone else's claim", user=someone)
    review(theirs, editor)
    mine = contested_claim("My old claim", user=analyst)
    review(mine, editor)
    Review.objects.filter(claim=mine).update(created_at=timezone.now() - dt.timedelta(days=15))

    assert dashboard_context(user=analyst)["notifications"] == []


def test_editor_sees_how_many_claims_wait_for_review(client, editor):
    waiting = [contested_claim(f"Waiting claim {i}") for i in range(3)]
    review(waiting[0], editor)
    client.force_login(editor)

    context = dashboard_context(user=editor)
    body = client.get("/").content.decode()

    assert context["queue_count"] == 2
    assert context["contested_count"] == 3
    assert 'data-testid="queue-notice"' in body
    assert "<strong>2</strong> contested claims wait" in body


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_queue_count_is_for_editors_only(client, request, role):
    user = request.getfixturevalue(role)
    contested_claim("A contested claim")
    client.force_login(user)

    assert dashboard_context(user=user)["queue_count"] is None
    assert 'data-testid="queue-notice"' not in client.get("/").content.decode()


def test_viewer_gets_no_notifications_section(client, viewer):
    client.force_login(viewer)
    body = client.get("/").content.decode()
    assert 'data-testid="notifications"' not in body
    assert 'data-testid="recent-claims"' in body


def test_dashboard_lists_recent_claims_and_sources_and_counts(client, viewer):
    contested_claim("Rates will fall in spring")
    client.force_login(viewer)

    context = dashboard_context(user=viewer)
    body = client.get("/").content.decode()

    assert (context["source_count"], context["claim_count"], context["contested_count"]) == (
        2,
        1,
        1,
    )
    assert [c.text for c in context["recent_claims"]] == ["Rates will fall in spring"]
    assert len(context["recent_sources"]) == 2
    assert "Rates will fall in spring" in body
    assert 'data-testid="recent-sources"' in body


def test_dashboard_draws_the_stance_and_verdict_summary_as_svg(client, viewer, editor):
    claim = contested_claim("Rates will fall in summer")
    review(claim, editor, verdict="supported")
    client.force_login(viewer)

    body = client.get("/").content.decode()

    assert body.count("<svg") >= 2
    assert 'class="fill-asserts"' in body
    assert 'data-count="1"' in body
    assert 'class="fill-supported"' in body


def test_stacked_bar_segments_cover_the_bar():
    segments = stacked_bar([("a", "A", 1), ("b", "B", 0), ("c", "C", 3)])
    assert [s.width for s in segments] == [25.0, 0.0, 75.0]
    assert [s.x for s in segments] == [0.0, 25.0, 25.0]
    assert all(s.width == 0 for s in stacked_bar([("a", "A", 0)]))


def test_dashboard_queries_stay_flat(client, editor, django_assert_max_num_queries):
    for i in range(5):
        claim = contested_claim(f"Flat claim {i}", user=editor)
        review(claim, editor)
    client.force_login(editor)
    # The claims' counts, contested and queued claims and the stance bar come
    # from one pass over the claims' stored figures (never over the evidence).
    with django_assert_max_num_queries(10):
        assert client.get("/").status_code == 200
