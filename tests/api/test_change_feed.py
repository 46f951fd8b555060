"""The change feed (/api/evidence/changes/) and the keyset pages of the lists
clients sync from: what they deliver, in what order, and that nothing slips
past a cursor — including a transaction still running when a page is served
(PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from claims.models import Evidence
from claims.services import (
    claim_create,
    claim_review,
    claim_update,
    evidence_link,
    evidence_unlink,
    evidence_update,
)
from sources.models import ExtractionRule, Source
from sources.reparse import reparse_job_create, reparse_job_run_inline
from sources.services import source_ingest

# Committed writes: on PostgreSQL the feed never serves a transaction still
# open, and a test's own transaction would be one.
pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = """Council approves the harbour budget

The council approved the harbour budget on Thursday after a four-hour debate, the mayor said.
Reporting by the city desk.
The opposition said the budget ignores the flood defences and will cost more later.
Ferry fares will rise by five percent from March, according to the transport office.
"""
QUOTES = (
    "approved the harbour budget on Thursday",
    "ignores the flood defences",
    "will rise by five percent",
)


@pytest.fixture
def source():
    return source_ingest(
        raw=ARTICLE, content_type="text/plain", outlet_domain="cityledger.example"
    ).source


@pytest.fixture
def claims(analyst):
    return [
        claim_create(text=text, user=analyst)
        for text in ("The budget passed", "Flood defences were ignored", "Fares will rise")
    ]


def _link(claim, source, i: int, user, stance: str = "asserts") -> Evidence:
    return evidence_link(
        claim_id=claim.pk, source_id=source.pk, stance=stance, exact=QUOTES[i], user=user
    )


def _drain(client, since: str | None = None, limit: int = 500) -> tuple[list[dict], str]:
    """Every change after ``since``, page by page, and the last cursor."""
    results: list[dict] = []
    while True:
        params = {"limit": limit} | ({"since": since} if since else {})
        body = client.get("/api/evidence/changes/", params).json()
        results += body["results"]
        since = body["cursor"]
        if not body["has_more"]:
            return results, since


def test_the_feed_starts_from_the_beginning_with_every_pair(viewer_client, analyst, source, claims):
    pairs = [_link(claims[i], source, i, analyst) for i in range(3)]

    results, cursor = _drain(viewer_client)

    assert [r["id"] for r in results] == [p.pk for p in pairs]
    assert {r["op"] for r in results} == {"upsert"}
    detail = viewer_client.get(f"/api/evidence/{pairs[0].pk}/").json()
    assert results[0]["evidence"] == detail
    assert cursor


def test_a_cursor_resumes_after_what_it_saw(viewer_client, analyst, source, claims):
    first = _link(claims[0], source, 0, analyst)
    _, cursor = _drain(viewer_client)
    second = _link(claims[1], source, 1, analyst)
    evidence_update(evidence_id=first.pk, user=analyst, stance="disputes")

    results, _ = _drain(viewer_client, cursor)

    assert [(r["op"], r["id"]) for r in results] == [("upsert", second.pk), ("upsert", first.pk)]
    assert results[1]["evidence"]["stance"] == "disputes"


def test_an_unlinked_pair_comes_as_a_delete_with_its_time(viewer_client, analyst, source, claims):
    pair = _link(claims[0], source, 0, analyst)
    _, cursor = _drain(viewer_client)
    tombstone = evidence_unlink(evidence_id=pair.pk, user=analyst)

    results, _ = _drain(viewer_client, cursor)

    assert results == [
        {
            "op": "delete",
            "id": pair.pk,
            "deleted_at": tombstone.deleted_at.isoformat().replace("+00:00", "Z"),
        }
    ]


def test_claim_edits_and_verdicts_send_the_claims_pairs_again(
    viewer_client, analyst, editor, source, claims
):
    pairs = [_link(claims[0], source, i, analyst) for i in range(2)]
    _, cursor = _drain(viewer_client)
    claim = claim_update(
        claim_id=claims[0].pk,
        user=analyst,
        version=claims[0].version,
        text="The harbour budget passed",
    )
    claim_review(
        claim_id=claim.pk,
        verdict="supported",
        rationale="Minutes",
        version=claim.version,
        user=editor,
    )

    results, _ = _drain(viewer_client, cursor)

    assert {r["id"] for r in results} == {p.pk for p in pairs}
    assert {r["evidence"]["claim"]["verdict"] for r in results} == {"supported"}
    assert {r["evidence"]["claim"]["text"] for r in results} == {"The harbour budget passed"}


def test_a_reparse_sends_the_pairs_whose_quote_moved(viewer_client, analyst, source, claims):
    pairs = [_link(claims[i], source, i, analyst) for i in range(3)]
    _, cursor = _drain(viewer_client)
    ExtractionRule.objects.create(name="desk", kind="drop_lines", pattern="^Reporting by")
    reparse_job_run_inline(job_id=reparse_job_create(enqueue=False).pk)

    results, _ = _drain(viewer_client, cursor)

    # The first quote is above the dropped line: it did not move.
    moved = {r["id"]: r["evidence"] for r in results}
    assert set(moved) == {pairs[1].pk, pairs[2].pk}
    text = Source.objects.get(pk=source.pk).text
    for evidence in moved.values():
        quote = evidence["quote"]
        assert evidence["anchor_state"] == "relocated"
        assert text[quote["start"] : quote["end"]] == quote["exact"]


def test_a_reparse_that_retitles_a_source_sends_its_pairs(viewer_client, analyst, source, claims):
    pair = _link(claims[0], source, 0, analyst)
    _, cursor = _drain(viewer_client)
    ExtractionRule.objects.create(
        name="title", kind="metadata", field="title", pattern=r"(?P<title>Ferry fares will rise)"
    )
    reparse_job_run_inline(job_id=reparse_job_create(enqueue=False).pk)

    results, _ = _drain(viewer_client, cursor)

    assert Source.objects.get(pk=source.pk).title == "Ferry fares will rise"
    assert [r["id"] for r in results] == [pair.pk]
    assert results[0]["evidence"]["source"]["title"] == "Ferry fares will rise"


def test_pages_respect_the_limit_and_cover_everything(viewer_client, analyst, source):
    many = [claim_create(text=f"Claim number {i}", user=analyst) for i in range(7)]
    pairs = [_link(claim, source, i % 3, analyst) for i, claim in enumerate(many)]

    pages = []
    since = None
    while True:
        body = viewer_client.get(
            "/api/evidence/changes/", {"limit": 3} | ({"since": since} if since else {})
        ).json()
        pages.append([r["id"] for r in body["results"]])
        since = body["cursor"]
        if not body["has_more"]:
            break

    assert [len(p) for p in pages] == [3, 3, 1]
    assert [pk for page in pages for pk in page] == [p.pk for p in pairs]


def test_an_empty_feed_keeps_the_cursor(viewer_client, analyst, source, claims):
    _link(claims[0], source, 0, analyst)
    _, cursor = _drain(viewer_client)

    body = viewer_client.get("/api/evidence/changes/", {"since": cursor}).json()

    assert body == {"results": [], "cursor": cursor, "has_more": False}


def test_a_feed_page_costs_the_same_queries_whatever_its_size(
    viewer_client, analyst, source, django_assert_max_num_queries
):
    many = [claim_create(text=f"Claim {i}", user=analyst) for i in range(30)]
    for i, claim in enumerate(many):
        _link(claim, source, i % 3, analyst)

    with django_assert_max_num_queries(12):
        body = viewer_client.get("/api/evidence/changes/", {"limit": 30}).json()

    assert len(body["results"]) == 30


def test_anonymous_clients_get_nothing(api_client):
    assert api_client.get("/api/evidence/changes/").status_code in (401, 403)


# --- keyset pages of the sync lists ----------------------------------------------------


def test_a_delete_between_two_pages_shifts_nothing(viewer_client, analyst, source):
    many = [claim_create(text=f"Claim {i}", user=analyst) for i in range(7)]
    pairs = [_link(claim, source, i % 3, analyst) for i, claim in enumerate(many)]
    first = viewer_client.get("/api/evidence/", {"page_size": 3}).json()
    served = [r["id"] for r in first["results"]]
    evidence_unlink(evidence_id=served[0], user=analyst)  # a row already served goes away

    rest = []
    url = first["next"]
    while url:
        body = viewer_client.get(url).json()
        rest += [r["id"] for r in body["results"]]
        url = body["next"]

    newest_first = [p.pk for p in reversed(pairs)]
    assert served + rest == newest_first  # nothing skipped, nothing repeated


def test_previous_goes_back_a_page(viewer_client, analyst, source):
    many = [claim_create(text=f"Claim {i}", user=analyst) for i in range(5)]
    for i, claim in enumerate(many):
        _link(claim, source, i % 3, analyst)
    first = viewer_client.get("/api/evidence/", {"page_size": 2}).json()
    second = viewer_client.get(first["next"]).json()

    back = viewer_client.get(second["previous"]).json()

    assert first["previous"] is None
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]


def test_updated_since_pages_oldest_change_first_and_say_next_since(
    viewer_client, analyst, source, claims
):
    pairs = [_link(claims[i], source, i, analyst) for i in range(3)]
    evidence_update(evidence_id=pairs[0].pk, user=analyst, note="checked")
    since = (timezone.now() - dt.timedelta(hours=1)).isoformat()

    body = viewer_client.get("/api/evidence/", {"updated_since": since, "page_size": 2}).json()
    rest = viewer_client.get(body["next"]).json()

    ids = [r["id"] for r in body["results"] + rest["results"]]
    assert sorted(ids) == sorted(p.pk for p in pairs)
    assert ids[-1] == pairs[0].pk  # changed last, listed last
    next_since = dt.datetime.fromisoformat(body["next_since"].replace("Z", "+00:00"))
    assert next_since <= timezone.now()


@pytest.mark.parametrize("path", ["/api/claims/", "/api/sources/"])
def test_claims_and_sources_page_by_keyset_when_syncing(viewer_client, analyst, path):
    for i in range(5):
        claim_create(text=f"Claim {i}", user=analyst)
        source_ingest(
            raw=f"Article number {i} about the harbour budget.", content_type="text/plain"
        )
    since = (timezone.now() - dt.timedelta(hours=1)).isoformat()

    ids = []
    body = viewer_client.get(path, {"updated_since": since, "page_size": 2}).json()
    while True:
        ids += [r["id"] for r in body["results"]]
        assert "next_since" in body
        assert body["count"] == 5
        if not body["next"]:
            break
        body = viewer_client.get(body["next"]).json()

    assert len(ids) == len(set(ids)) == 5


def test_deleted_pages_by_keyset(viewer_client, analyst, source):
    many = [claim_create(text=f"Claim {i}", user=analyst) for i in range(5)]
    pairs = [_link(claim, source, i % 3, analyst) for i, claim in enumerate(many)]
    for pair in pairs:
        evidence_unlink(evidence_id=pair.pk, user=analyst)
    since = (timezone.now() - dt.timedelta(hours=1)).isoformat()

    ids = []
    url, params = "/api/evidence/deleted/", {"since": since, "page_size": 2}
    while url:
        body = viewer_client.get(url, params).json()
        ids += [r["id"] for r in body["results"]]
        url, params = body["next"], None

    assert ids == [p.pk for p in pairs]


# --- a transaction still running when a page is served (PostgreSQL) ------------------


class SlowWriter:
    """Links a pair in a transaction that stays open until ``commit()``."""

    def __init__(self, claim, source, analyst) -> None:
        self.inserted, self.release = threading.Event(), threading.Event()
        self.pair_id: int | None = None
        self.thread = threading.Thread(target=self._run, args=(claim, source, analyst))

    def _run(self, claim, source, analyst) -> None:
        try:
            with transaction.atomic():
                self.pair_id = _link(claim, source, 1, analyst).pk
                self.inserted.set()
                self.release.wait(10)
        finally:
            connection.close()

    def start(self) -> None:
        self.thread.start()
        assert self.inserted.wait(10)

    def commit(self) -> None:
        self.release.set()
        self.thread.join(10)


@pytest.mark.services
def test_a_change_committed_after_a_later_one_is_not_skipped(
    viewer_client, analyst, source, claims
):
    """A writer links a pair and, before it commits, another pair is linked
    and committed. A page served in between must not hand out a cursor past
    the slow writer's change: once it commits, the next page has it."""
    _link(claims[0], source, 0, analyst)
    _, cursor = _drain(viewer_client)
    # Another source: linking locks the source's row, which the slow writer holds.
    other = source_ingest(raw=ARTICLE + "\nA second edition.", content_type="text/plain").source
    slow = SlowWriter(claims[1], source, analyst)
    slow.start()
    fast = _link(claims[2], other, 2, analyst)  # commits now, after the slow one began

    during, cursor_during = _drain(viewer_client, cursor)
    slow.commit()
    after, _ = _drain(viewer_client, cursor_during)

    assert fast.pk not in [r["id"] for r in during]  # held back behind the open transaction
    assert [r["id"] for r in after] == [slow.pair_id, fast.pk]


@pytest.mark.services
def test_next_since_reaches_back_before_a_transaction_still_running(
    viewer_client, analyst, source, claims
):
    """The updated_since procedure: a pair stamped inside a long transaction
    that commits after a round is found by the next round's `next_since`."""
    slow = SlowWriter(claims[1], source, analyst)
    slow.start()
    long_ago = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    round_one = viewer_client.get("/api/evidence/", {"updated_since": long_ago}).json()
    slow.commit()

    round_two = viewer_client.get("/api/evidence/", {"updated_since": round_one["next_since"]})

    assert slow.pair_id not in [r["id"] for r in round_one["results"]]
    assert slow.pair_id in [r["id"] for r in round_two.json()["results"]]


def _linked_by(claim, source, i: int, user, attributed_to: str) -> Evidence:
    return evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact=QUOTES[i],
        attributed_to=attributed_to,
        user=user,
    )


def test_an_actor_merge_is_in_the_feed_with_the_new_speaker(viewer_client, analyst, source, claims):
    from claims.actor_services import actor_create, actor_merge

    short = actor_create(name="CTO", kind="organisation", user=analyst)
    full = actor_create(name="City transport office", kind="organisation", user=analyst)
    moved = _linked_by(claims[2], source, 2, analyst, "CTO")
    stays = _linked_by(claims[0], source, 0, analyst, "City transport office")
    _, cursor = _drain(viewer_client)

    actor_merge(actor_id=short.pk, into_id=full.pk, user=analyst)

    results, _ = _drain(viewer_client, since=cursor)
    assert [r["id"] for r in results] == [moved.pk]  # only the re-pointed pair
    assert results[0]["op"] == "upsert"
    assert results[0]["evidence"]["speaker"]["id"] == full.pk
    assert stays.pk not in {r["id"] for r in results}


def test_renaming_an_actor_puts_its_pairs_in_the_feed(viewer_client, analyst, source, claims):
    from claims.actor_services import actor_create, actor_update

    actor = actor_create(name="Mayor", kind="person", user=analyst)
    spoken = _linked_by(claims[0], source, 0, analyst, "Mayor")
    other = _linked_by(claims[1], source, 1, analyst, "The opposition")
    _, cursor = _drain(viewer_client)

    actor_update(actor_id=actor.pk, aliases=["The mayor"], user=analyst)  # names only
    assert _drain(viewer_client, since=cursor)[0] == []
    actor_update(actor_id=actor.pk, name="Mayor Lind", user=analyst)

    results, _ = _drain(viewer_client, since=cursor)
    assert [r["id"] for r in results] == [spoken.pk]
    assert results[0]["evidence"]["speaker"]["name"] == "Mayor Lind"
    assert other.pk not in {r["id"] for r in results}


def test_a_new_via_is_in_the_feed(viewer_client, analyst, source, claims):
    pair = _link(claims[0], source, 0, analyst)
    _, cursor = _drain(viewer_client)

    evidence_update(evidence_id=pair.pk, via=["City Wire"], user=analyst)

    results, _ = _drain(viewer_client, since=cursor)
    assert [r["id"] for r in results] == [pair.pk]
    assert results[0]["evidence"]["via"] == ["City Wire"]
