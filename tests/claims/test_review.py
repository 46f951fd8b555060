"""Editorial review: verdicts, stale versions, races, the queue, ClaimReview."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import services
from claims.models import Claim, Review, Stance, Verdict
from claims.selectors import review_queue
from claims_tracker.common.errors import ApplicationError
from tests.factories import SourceFactory

_serial = itertools.count(1)


def make_source(*, outlet: str = "harbourdaily.example", published: str | None = None):
    """A plain-text source with sentences to quote (each one unique)."""
    n = next(_serial)
    text = (
        f"Report {n}. The minister said the bridge will open in May. "
        f"Engineers said the bridge will not open before autumn. "
        f"A spokesperson mentioned the bridge in passing. Filed as item {n}."
    )
    published_at = dt.datetime.fromisoformat(published) if published else None
    return SourceFactory(raw=text, outlet_domain=outlet, published_at=published_at)


ASSERTING = "the bridge will open in May"
DISPUTING = "the bridge will not open before autumn"
MENTIONING = "mentioned the bridge in passing"


def link(claim, stance: str, *, user=None, speaker: str = "", outlet: str = "a.example", **kw):
    exact = {Stance.ASSERTS: ASSERTING, Stance.DISPUTES: DISPUTING, Stance.MENTIONS: MENTIONING}[
        stance
    ]
    source = make_source(outlet=outlet, **kw)
    return services.evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance=stance,
        exact=exact,
        attributed_to=speaker,
        user=user,
    )


def contested(
    text: str = "The bridge opens in May", *, asserts: int = 1, disputes: int = 1, user=None
):
    claim = services.claim_create(text=text, user=user)
    for i in range(asserts):
        link(claim, Stance.ASSERTS, user=user, speaker=f"Minister {i}", outlet=f"yes{i}.example")
    for i in range(disputes):
        link(claim, Stance.DISPUTES, user=user, speaker=f"Engineer {i}", outlet=f"no{i}.example")
    claim.refresh_from_db()
    return claim


def post_verdict(
    client,
    claim,
    *,
    verdict="refuted",
    rationale="Engineers' schedule.",
    version=None,
    htmx=True,
    where="queue",
):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        f"/review/{claim.pk}/verdict/",
        {
            "verdict": verdict,
            "rationale": rationale,
            "version": claim.version if version is None else version,
            "where": where,
        },
        headers=headers,
    )


# --- recording a verdict -------------------------------------------------------------


def test_verdict_is_recorded_with_rationale_review_row_and_history(client, editor):
    claim = contested()
    client.force_login(editor)

    response = post_verdict(client, claim, verdict="refuted", rationale="The engineers' timeline.")

    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.verdict == Verdict.REFUTED
    assert claim.verdict_rationale == "The engineers' timeline."
    assert claim.reviewed_by == editor
    assert claim.reviewed_at is not None
    review = Review.objects.get(claim=claim)
    assert (review.verdict, review.rationale, review.reviewer) == (
        "refuted",
        "The engineers' timeline.",
        editor,
    )
    latest = claim.history.latest()
    assert latest.verdict == "refuted"
    assert latest.history_user == editor
    assert latest.history_change_reason == "verdict: refuted"


def test_verdict_in_the_queue_replaces_the_card_with_a_confirmation(client, editor):
    claim = contested()
    client.force_login(editor)

    response = post_verdict(client, claim)

    assert response.headers["HX-Retarget"] == f"#review-card-{claim.pk}"
    body = response.content.decode()
    assert 'data-testid="verdict-recorded"' in body
    assert "Refuted" in body
    assert 'id="queue-count"' in body  # out-of-band update of the counter


def test_verdict_on_the_claim_page_reloads_it(client, editor):
    claim = contested()
    client.force_login(editor)

    response = post_verdict(client, claim, where="claim")

    assert response.status_code == 200
    assert response.headers["HX-Refresh"] == "true"


def test_verdict_without_javascript_redirects_back(client, editor):
    claim = contested()
    client.force_login(editor)

    response = post_verdict(client, claim, htmx=False)

    assert response.status_code == 302
    assert response["Location"] == "/review/"


def test_verdict_needs_a_rationale(client, editor):
    claim = contested()
    client.force_login(editor)

    response = post_verdict(client, claim, rationale="  ")

    assert response.status_code == 400
    assert "rationale" in response.content.decode()
    claim.refresh_from_db()
    assert claim.verdict == Verdict.UNREVIEWED


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_only_editors_may_set_a_verdict(client, request, role):
    client.force_login(request.getfixturevalue(role))
    claim = contested()

    response = post_verdict(client, claim)

    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.verdict == Verdict.UNREVIEWED


# --- stale versions ------------------------------------------------------------------


def test_stale_version_gets_409_and_changes_nothing(editor):
    claim = contested()
    services.claim_update(
        claim_id=claim.pk, user=editor, version=claim.version, text="The bridge opens in early May"
    )
    history_before = claim.history.count()

    with pytest.raises(ApplicationError) as caught:
        services.claim_review(
            claim_id=claim.pk,
            verdict="supported",
            rationale="x",
            version=claim.version,
            user=editor,
        )

    assert caught.value.status == 409
    assert caught.value.extra["current_version"] == claim.version + 1
    fresh = Claim.objects.get(pk=claim.pk)
    assert fresh.verdict == Verdict.UNREVIEWED
    assert fresh.version == claim.version + 1
    assert not Review.objects.filter(claim=claim).exists()
    assert claim.history.count() == history_before


def test_stale_version_over_the_api_gets_409(editor_client, editor):
    claim = contested()
    seen = claim.version
    services.claim_review(
        claim_id=claim.pk, verdict="mixed", rationale="first", version=seen, user=editor
    )

    response = editor_client.post(
        f"/api/claims/{claim.pk}/review/",
        {"verdict": "supported", "rationale": "second", "version": seen},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == seen + 1
    claim.refresh_from_db()
    assert (claim.verdict, claim.verdict_rationale) == ("mixed", "first")
    assert Review.objects.filter(claim=claim).count() == 1


def test_stale_verdict_form_shows_the_new_state_and_refreshes_the_version(
    client, editor, django_user_model
):
    claim = contested()
    other = django_user_model.objects.create_user(username="otheredit", password="pw-otheredit")
    services.claim_review(
        claim_id=claim.pk,
        verdict="supported",
        rationale="Minister's decree.",
        version=claim.version,
        user=other,
    )
    client.force_login(editor)

    response = post_verdict(client, claim, verdict="refuted", rationale="My reasons.")

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this claim" in body
    assert 'data-testid="verdict-conflict"' in body
    assert "Supported" in body
    assert "Minister&#x27;s decree." in body
    assert "otheredit" in body
    assert f'name="version" value="{claim.version + 1}"' in body
    assert "My reasons." in body  # what the editor typed is kept
    claim.refresh_from_db()
    assert claim.verdict == Verdict.SUPPORTED


def test_stale_verdict_without_javascript_shows_a_full_page(client, editor):
    claim = contested()
    services.claim_update(
        claim_id=claim.pk, user=editor, version=claim.version, text="Edited meanwhile"
    )
    client.force_login(editor)

    response = post_verdict(client, claim, htmx=False)

    assert response.status_code == 409
    body = response.content.decode()
    assert "<html" in body
    assert "Someone else changed this claim" in body
    assert "Edited meanwhile" in body


@pytest.mark.services  # row locks need PostgreSQL (SQLite serialises writers)
def test_two_editors_reviewing_the_same_version_at_once_one_wins(
    transactional_db, django_user_model
):
    first = django_user_model.objects.create_user(username="ed-a", password="x")
    second = django_user_model.objects.create_user(username="ed-b", password="x")
    claim = contested()
    seen = claim.version
    barrier = threading.Barrier(2, timeout=10)
    outcomes: dict[str, object] = {}

    def review(user, verdict: str) -> None:
        try:
            barrier.wait()
            services.claim_review(
                claim_id=claim.pk,
                verdict=verdict,
                rationale=f"by {user.username}",
                version=seen,
                user=user,
            )
            outcomes[user.username] = "ok"
        except ApplicationError as exc:
            outcomes[user.username] = exc.status
        finally:
            connection.close()  # each thread had its own connection

    threads = [
        threading.Thread(target=review, args=(first, "supported")),
        threading.Thread(target=review, args=(second, "refuted")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(map(str, outcomes.values())) == ["409", "ok"]
    winner = next(name for name, result in outcomes.items() if result == "ok")
    claim.refresh_from_db()
    assert claim.version == seen + 1
    assert claim.reviewed_by.username == winner
    assert claim.verdict == ("supported" if winner == "ed-a" else "refuted")
    assert Review.objects.filter(claim=claim).count() == 1


# --- the queue -----------------------------------------------------------------------


def test_queue_shows_contested_claims_most_evidence_first(editor):
    small = contested("Small claim", asserts=1, disputes=1)
    big = contested("Big claim", asserts=3, disputes=2)
    middle = contested("Middle claim", asserts=2, disputes=1)
    one_sided = services.claim_create(text="One-sided claim", user=None)
    link(one_sided, Stance.ASSERTS)

    assert [c.pk for c in review_queue()] == [big.pk, middle.pk, small.pk]


def test_queue_page_lists_claims_in_queue_order(client, editor):
    small = contested("Small claim", asserts=1, disputes=1)
    big = contested("Big claim", asserts=2, disputes=2)
    client.force_login(editor)

    body = client.get("/review/").content.decode()

    assert body.index(f'id="review-card-{big.pk}"') < body.index(f'id="review-card-{small.pk}"')


def test_reviewed_claim_leaves_the_queue_and_returns_with_new_evidence(editor):
    claim = contested()
    services.claim_review(
        claim_id=claim.pk, verdict="mixed", rationale="both", version=claim.version, user=editor
    )
    assert claim.pk not in {c.pk for c in review_queue()}

    link(claim, Stance.DISPUTES, speaker="A new engineer", outlet="late.example")

    assert claim.pk in {c.pk for c in review_queue()}


def test_queue_page_shows_both_sides_with_quotes_speakers_outlets_and_dates(client, editor):
    claim = services.claim_create(text="The bridge opens in May", user=None)
    link(
        claim,
        Stance.ASSERTS,
        speaker="Minister Ada",
        outlet="first.example",
        published="2026-02-01T09:00:00+00:00",
    )
    link(claim, Stance.ASSERTS, speaker="Minister Ada", outlet="second.example")
    link(claim, Stance.DISPUTES, speaker="Engineer Bo", outlet="first.example")
    link(claim, Stance.MENTIONS, outlet="third.example")
    client.force_login(editor)

    response = client.get("/review/")

    assert response.status_code == 200
    body = response.content.decode()
    asserts = body[
        body.index('data-testid="side-asserts"') : body.index('data-testid="side-disputes"')
    ]
    disputes = body[body.index('data-testid="side-disputes"') :]
    assert ASSERTING in asserts
    assert DISPUTING not in asserts
    assert DISPUTING in disputes
    assert "Minister Ada" in asserts
    assert "Engineer Bo" in disputes
    assert "1 Feb 2026" in asserts
    assert re.search(r'data-testid="outlets-asserts">2<', body)
    assert re.search(r'data-testid="speakers-asserts">1<', body)
    assert re.search(r'data-testid="outlets-disputes">1<', body)
    assert f'name="version" value="{claim.version}"' in body
    assert "1 neutral mention" in body


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_queue_page_is_for_editors_only(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/review/").status_code == 403


def test_queue_page_says_when_nothing_waits(client, editor):
    client.force_login(editor)
    assert 'data-testid="review-empty"' in client.get("/review/").content.decode()


@pytest.mark.parametrize("claims", [1, 20])
def test_queue_page_queries_stay_flat(client, editor, django_assert_max_num_queries, claims):
    for i in range(claims):
        contested(f"Claim number {i}", asserts=2, disputes=1)
    client.force_login(editor)
    # The queue sorts on the claims' stored voices and each card's counts are
    # stored too: no query counts the queue's evidence.
    with django_assert_max_num_queries(9):
        response = client.get("/review/")
    assert response.status_code == 200


@pytest.mark.parametrize("claims", [1, 20])
def test_queue_api_queries_stay_flat(editor_client, django_assert_max_num_queries, claims):
    for i in range(claims):
        contested(f"Claim number {i}", asserts=2, disputes=1)
    with django_assert_max_num_queries(5):
        response = editor_client.get("/api/review-queue/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == claims


def test_queue_page_query_count_does_not_grow_with_claims(client, editor):
    """The same number of queries for 2 claims as for 10 (not just under a bound)."""
    client.force_login(editor)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get("/review/")
        return len(ctx.captured_queries)

    for i in range(2):
        contested(f"Early {i}")
    few = count()
    for i in range(8):
        contested(f"Late {i}", asserts=2)
    assert count() == few


# --- ClaimReview JSON-LD -------------------------------------------------------------


def test_claimreview_is_404_while_unreviewed(viewer_client):
    claim = contested()
    response = viewer_client.get(f"/api/claims/{claim.pk}/claimreview/")
    assert response.status_code == 404


def _is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value[:10])
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return False
    return True


def test_claimreview_has_the_fields_google_fact_check_markup_requires(viewer_client, editor):
    claim = services.claim_create(text="The bridge opens in May", user=None)
    link(
        claim,
        Stance.ASSERTS,
        speaker="Minister Ada",
        outlet="first.example",
        published="2026-02-01T09:00:00+00:00",
    )
    link(claim, Stance.DISPUTES, speaker="Engineer Bo", outlet="second.example")
    claim.refresh_from_db()
    services.claim_review(
        claim_id=claim.pk,
        verdict="refuted",
        rationale="The engineers' schedule.",
        version=claim.version,
        user=editor,
    )

    response = viewer_client.get(f"/api/claims/{claim.pk}/claimreview/")

    assert response.status_code == 200
    data = response.json()
    assert data["@context"] in {"https://schema.org", "http://schema.org", "https://schema.org/"}
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "The bridge opens in May"
    assert data["url"].startswith("http")
    assert data["url"].rstrip("/").endswith(f"/claims/{claim.pk}")
    assert _is_iso_date(data["datePublished"])
    assert data["author"]["@type"] == "Organization"
    assert data["author"]["name"]

    rating = data["reviewRating"]
    assert rating["@type"] == "Rating"
    assert rating["alternateName"] == "Refuted"
    value, best, worst = (float(rating[k]) for k in ("ratingValue", "bestRating", "worstRating"))
    assert worst <= value <= best
    assert worst < best
    assert value == worst  # refuted is the worst rating

    item = data["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["appearance"], "a Claim needs at least one appearance"
    assert all(a.get("@type") == "CreativeWork" for a in item["appearance"])
    assert item["author"]["name"] == "Minister Ada"
    assert item["author"]["@type"] in {"Person", "Organization"}


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [("supported", "best"), ("refuted", "worst"), ("mixed", "between"), ("unproven", "between")],
)
def test_claimreview_rating_value_follows_the_verdict(viewer_client, editor, verdict, expected):
    claim = contested()
    services.claim_review(
        claim_id=claim.pk, verdict=verdict, rationale="r", version=claim.version, user=editor
    )

    rating = viewer_client.get(f"/api/claims/{claim.pk}/claimreview/").json()["reviewRating"]

    value, best, worst = (float(rating[k]) for k in ("ratingValue", "bestRating", "worstRating"))
    assert {"best": value == best, "worst": value == worst, "between": worst < value < best}[
        expected
    ]
    assert rating["alternateName"] == Verdict(verdict).label


@pytest.mark.parametrize(
    ("speaker", "kind"),
    [
        ("Tariq Vollan", "Person"),
        ("Chief Inspector Mara Lindholm", "Person"),
        ("port authority", "Organization"),
        ("Kelso Port Authority", "Organization"),
        ("UN panel of experts", "Organization"),
        ("Varneth", "Organization"),
    ],
)
def test_claimreview_speaker_type_tells_people_from_organisations(speaker, kind):
    from claims.claimreview import speaker_type

    assert speaker_type(speaker) == kind
