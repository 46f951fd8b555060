"""Merging duplicate claims and splitting evidence off into a new claim
(services, selectors and the API)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from claims import selectors
from claims.models import Claim, Evidence, EvidenceTombstone
from claims.services import (
    claim_create,
    claim_merge,
    claim_review,
    claim_split,
    claim_update,
    claims_merge,
    claims_tag,
    evidence_link,
)
from claims_tracker.common.errors import ApplicationError
from sources.services import source_ingest

pytestmark = pytest.mark.django_db

TEXT = (
    "The ferry operator said fares will rise by ten percent in spring. "
    "The transport minister said fares will not rise this year. "
    "Commuters told reporters that the timetable was cut twice."
)


@pytest.fixture
def source():
    return source_ingest(raw=TEXT, content_type="text/plain", outlet_domain="ferrynews.example")


@pytest.fixture
def pair(analyst, source):
    """Two claims saying the same thing, each with its own evidence, plus one
    passage that both quote."""
    source = source.source
    original = claim_create(text="Ferry fares will rise in spring", tags=["ferries"], user=analyst)
    duplicate = claim_create(
        text="Ferry fares are going to rise this spring", tags=["transport"], user=analyst
    )

    def link(claim, exact, stance):
        return evidence_link(
            claim_id=claim.pk, source_id=source.pk, stance=stance, exact=exact, user=analyst
        )

    kept = link(original, "fares will rise by ten percent in spring", "asserts")
    moved_a = link(duplicate, "fares will not rise this year", "disputes")
    moved_b = link(duplicate, "the timetable was cut twice", "mentions")
    shared_original = link(original, "The ferry operator said", "mentions")
    shared_duplicate = link(duplicate, "The ferry operator said", "asserts")
    for claim in (original, duplicate):
        claim.refresh_from_db()
    return {
        "original": original,
        "duplicate": duplicate,
        "kept": kept,
        "moved": [moved_a, moved_b],
        "shared_original": shared_original,
        "shared_duplicate": shared_duplicate,
    }


def test_merge_moves_evidence_and_tags_to_the_target(pair, analyst):
    original, duplicate = pair["original"], pair["duplicate"]

    claim_merge(claim_id=duplicate.pk, into_id=original.pk, user=analyst)

    moved_ids = {e.pk for e in pair["moved"]}
    assert set(
        Evidence.objects.filter(claim=original).values_list("pk", flat=True)
    ) == moved_ids | {pair["kept"].pk, pair["shared_original"].pk}
    assert not Evidence.objects.filter(claim=duplicate).exists()
    assert set(original.tags.values_list("name", flat=True)) == {"ferries", "transport"}
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == original.pk
    assert duplicate.merged_at is not None


def test_merge_keeps_a_passage_both_quote_once_with_the_targets_stance(pair, analyst):
    claim_merge(claim_id=pair["duplicate"].pk, into_id=pair["original"].pk, user=analyst)

    shared = Evidence.objects.get(pk=pair["shared_original"].pk)
    assert shared.stance == "mentions"
    assert not Evidence.objects.filter(pk=pair["shared_duplicate"].pk).exists()
    # Syncing clients learn that the duplicate's pair went away.
    assert EvidenceTombstone.objects.filter(evidence_id=pair["shared_duplicate"].pk).exists()


def test_merge_bumps_moved_evidence_updated_at(pair, analyst):
    before = {e.pk: e.updated_at for e in pair["moved"]}

    claim_merge(claim_id=pair["duplicate"].pk, into_id=pair["original"].pk, user=analyst)

    for evidence in Evidence.objects.filter(pk__in=before):
        assert evidence.updated_at > before[evidence.pk]
    changed = selectors.evidence_changed_since(Evidence.objects.all(), max(before.values()))
    assert {e.pk for e in pair["moved"]} <= set(changed.values_list("pk", flat=True))


def test_merged_claim_leaves_lists_but_its_detail_answers(pair, analyst):
    original, duplicate = pair["original"], pair["duplicate"]

    claim_merge(claim_id=duplicate.pk, into_id=original.pk, user=analyst)

    assert list(selectors.claim_list().values_list("pk", flat=True)) == [original.pk]
    assert duplicate.pk not in [c.pk for c in selectors.claim_search(q="ferry fares")]
    similar = selectors.claim_similar(text="Ferry fares are going to rise this spring")
    assert duplicate.pk not in [c.pk for c, _ in similar]
    assert selectors.claim_detail(claim_id=duplicate.pk).merged_into_id == original.pk


def test_merge_records_history_on_both_claims(pair, analyst):
    original, duplicate = pair["original"], pair["duplicate"]

    claim_merge(claim_id=duplicate.pk, into_id=original.pk, user=analyst)

    target_reasons = [e["reason"] for e in selectors.claim_history(claim_id=original.pk)]
    assert any(f"merged claim {duplicate.pk} in" in r for r in target_reasons)
    # The duplicate's own history moved along: its creation shows on the target.
    created = [
        e
        for e in selectors.claim_history(claim_id=original.pk)
        if e["kind"] == "claim" and e["claim_id"] == duplicate.pk and e["action"] == "created"
    ]
    assert created
    duplicate_reasons = [e["reason"] for e in selectors.claim_history(claim_id=duplicate.pk)]
    assert f"merged into claim {original.pk}" in duplicate_reasons
    moved = [
        e
        for e in selectors.claim_history(claim_id=original.pk)
        if e["kind"] == "evidence" and "(merge)" in e["reason"]
    ]
    assert len(moved) == 2
    assert all(e["who"] == analyst for e in moved)


def test_merge_puts_a_reviewed_target_back_in_the_queue(pair, editor, analyst):
    original = pair["original"]
    # The target is contested once the duplicate's disputing evidence joins it.
    claim_review(
        claim_id=original.pk,
        verdict="mixed",
        rationale="Both sides",
        version=original.version,
        user=editor,
    )
    assert original.pk not in [c.pk for c in selectors.review_queue()]

    claim_merge(claim_id=pair["duplicate"].pk, into_id=original.pk, user=analyst)

    assert original.pk in [c.pk for c in selectors.review_queue()]


def test_merge_refuses_a_stale_version_and_changes_nothing(pair, analyst):
    original, duplicate = pair["original"], pair["duplicate"]
    seen = duplicate.version
    claim_update(
        claim_id=duplicate.pk, text="Ferry fares rise in spring", version=seen, user=analyst
    )

    with pytest.raises(ApplicationError) as caught:
        claim_merge(claim_id=duplicate.pk, into_id=original.pk, version=seen, user=analyst)

    assert caught.value.status == 409
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    assert Evidence.objects.filter(claim=duplicate).count() == 3


@pytest.mark.parametrize("case", ["self", "missing", "into_merged", "already_merged"])
def test_merge_refuses_impossible_merges(pair, analyst, case):
    original, duplicate = pair["original"], pair["duplicate"]
    third = claim_create(text="Ferry fares rise", user=analyst)
    if case in ("into_merged", "already_merged"):
        claim_merge(claim_id=third.pk, into_id=original.pk, user=analyst)
    source_id, into_id, status = {
        "self": (duplicate.pk, duplicate.pk, 400),
        "missing": (duplicate.pk, 10**9, 404),
        "into_merged": (duplicate.pk, third.pk, 400),
        "already_merged": (third.pk, duplicate.pk, 400),
    }[case]

    with pytest.raises(ApplicationError) as caught:
        claim_merge(claim_id=source_id, into_id=into_id, user=analyst)

    assert caught.value.status == status
    assert Evidence.objects.filter(claim=duplicate).count() == 3


def test_merging_a_claim_others_were_merged_into_repoints_them(pair, analyst):
    original, duplicate = pair["original"], pair["duplicate"]
    third = claim_create(text="Ferry fares to rise", user=analyst)
    claim_merge(claim_id=third.pk, into_id=duplicate.pk, user=analyst)

    claim_merge(claim_id=duplicate.pk, into_id=original.pk, user=analyst)

    third.refresh_from_db()
    assert third.merged_into_id == original.pk


def test_a_merged_claim_takes_no_edits_or_evidence(pair, analyst, source):
    duplicate = pair["duplicate"]
    claim_merge(claim_id=duplicate.pk, into_id=pair["original"].pk, user=analyst)

    with pytest.raises(ApplicationError, match="merged into"):
        claim_update(
            claim_id=duplicate.pk, text="Something else", version=duplicate.version, user=analyst
        )
    with pytest.raises(ApplicationError, match="merged into"):
        evidence_link(
            claim_id=duplicate.pk,
            source_id=source.source.pk,
            stance="asserts",
            exact="Commuters told reporters",
            user=analyst,
        )


def test_split_moves_the_chosen_evidence_to_a_new_claim(pair, analyst):
    duplicate = pair["duplicate"]
    moving = pair["moved"][1]
    before = moving.updated_at

    new = claim_split(
        claim_id=duplicate.pk,
        evidence_ids=[moving.pk],
        text="The ferry timetable was cut twice",
        user=analyst,
    )

    moving.refresh_from_db()
    assert moving.claim_id == new.pk
    assert moving.updated_at > before
    assert Evidence.objects.filter(claim=duplicate).count() == 2
    assert list(new.tags.values_list("name", flat=True)) == ["transport"]
    assert new.created_by == analyst
    new_history = selectors.claim_history(claim_id=new.pk)
    assert f"split from claim {duplicate.pk}" in [e["reason"] for e in new_history]
    old_history = selectors.claim_history(claim_id=duplicate.pk)
    assert f"split 1 evidence off into claim {new.pk}" in [e["reason"] for e in old_history]


def test_split_refuses_evidence_of_another_claim_and_changes_nothing(pair, analyst):
    duplicate = pair["duplicate"]
    claims_before = Claim.objects.count()

    with pytest.raises(ApplicationError, match="is not on claim"):
        claim_split(
            claim_id=duplicate.pk,
            evidence_ids=[pair["moved"][0].pk, pair["kept"].pk],
            text="A new claim",
            user=analyst,
        )

    assert Claim.objects.count() == claims_before
    assert Evidence.objects.filter(claim=duplicate).count() == 3


def test_split_needs_evidence_and_text(pair, analyst):
    duplicate = pair["duplicate"]
    with pytest.raises(ApplicationError, match="Choose the evidence"):
        claim_split(claim_id=duplicate.pk, evidence_ids=[], text="A claim", user=analyst)
    with pytest.raises(ApplicationError, match="needs text"):
        claim_split(
            claim_id=duplicate.pk, evidence_ids=[pair["moved"][0].pk], text="  ", user=analyst
        )
    assert Evidence.objects.filter(claim=duplicate).count() == 3


def test_bulk_tag_adds_and_removes_on_every_selected_claim(pair, analyst):
    original, duplicate = pair["original"], pair["duplicate"]

    claims_tag(
        claim_ids=[original.pk, duplicate.pk], add=["Fares"], remove=["ferries"], user=analyst
    )

    assert list(original.tags.values_list("name", flat=True)) == ["fares"]
    assert sorted(duplicate.tags.values_list("name", flat=True)) == ["fares", "transport"]
    original.refresh_from_db()
    assert original.version == 2


def test_bulk_merge_merges_every_other_selected_claim(pair, analyst):
    original, duplicate = pair["original"], pair["duplicate"]
    third = claim_create(text="Ferry fares to rise", user=analyst)

    claims_merge(claim_ids=[original.pk, duplicate.pk, third.pk], into_id=original.pk, user=analyst)

    assert set(Claim.objects.filter(merged_into=original).values_list("pk", flat=True)) == {
        duplicate.pk,
        third.pk,
    }


# --- the API ---------------------------------------------------------------------------


def test_api_merge_answers_with_the_target_and_the_duplicate_with_merged_into(pair, analyst_client):
    original, duplicate = pair["original"], pair["duplicate"]

    response = analyst_client.post(
        f"/api/claims/{duplicate.pk}/merge/", {"into": original.pk}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["id"] == original.pk
    assert response.json()["stance_counts"] == {"asserts": 1, "disputes": 1, "mentions": 2}
    detail = analyst_client.get(f"/api/claims/{duplicate.pk}/")
    assert detail.status_code == 200
    assert detail.json()["merged_into"] == original.pk
    listed = [c["id"] for c in analyst_client.get("/api/claims/").json()["results"]]
    assert listed == [original.pk]


def test_api_merge_is_for_analysts(pair, viewer_client):
    response = viewer_client.post(
        f"/api/claims/{pair['duplicate'].pk}/merge/", {"into": pair["original"].pk}, format="json"
    )
    assert response.status_code == 403
    assert Claim.objects.filter(merged_into__isnull=False).count() == 0


@pytest.mark.parametrize("body", [{}, {"into": "x"}, {"into": 0}, {"into": 2**63}, {"into": [1]}])
def test_api_merge_refuses_bad_input(pair, analyst_client, body):
    response = analyst_client.post(
        f"/api/claims/{pair['duplicate'].pk}/merge/", body, format="json"
    )
    assert response.status_code == 400
    assert Claim.objects.filter(merged_into__isnull=False).count() == 0


def test_api_merge_with_stale_version_gets_409(pair, analyst_client):
    duplicate = pair["duplicate"]
    response = analyst_client.post(
        f"/api/claims/{duplicate.pk}/merge/",
        {"into": pair["original"].pk, "version": duplicate.version + 5},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == duplicate.version


def test_api_split_creates_the_new_claim(pair, analyst_client):
    duplicate = pair["duplicate"]
    ids = [e.pk for e in pair["moved"]]

    response = analyst_client.post(
        f"/api/claims/{duplicate.pk}/split/",
        {"evidence": ids, "text": "Fares will not rise this year", "tags": ["denial"]},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["tags"] == ["denial"]
    assert body["stance_counts"] == {"asserts": 0, "disputes": 1, "mentions": 1}
    assert set(Evidence.objects.filter(claim_id=body["id"]).values_list("pk", flat=True)) == set(
        ids
    )


# --- races -----------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_crossing_merges_one_wins_and_the_other_is_refused(pair, analyst):
    """A→B and B→A at the same moment: the row locks make them take turns; the
    second sees the first one's result and is refused, so no claim ends up
    merged into a merged claim (or both into each other)."""
    original, duplicate = pair["original"], pair["duplicate"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def merge(source_id: int, into_id: int) -> None:
        try:
            barrier.wait()
            claim_merge(claim_id=source_id, into_id=into_id, user=analyst)
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=merge, args=(duplicate.pk, original.pk)),
        threading.Thread(target=merge, args=(original.pk, duplicate.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["merged", "ok"]
    merged = list(Claim.objects.filter(merged_into__isnull=False))
    assert len(merged) == 1
    live = Claim.objects.get(merged_into__isnull=True)
    assert Evidence.objects.filter(claim=live).count() == 4
