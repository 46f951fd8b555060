"""A claim's stored figures (``claims.figures``): evidence per stance, in all,
independent voices and contested. After every kind of write they equal a
fresh recount, including under concurrent writers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from claims.actor_services import actor_merge
from claims.figures import (
    claim_figures_count,
    claims_figures_refresh,
    claims_figures_refresh_all,
    claims_figures_stale,
    stored_voices,
)
from claims.models import FIGURE_FIELDS, Claim, Evidence, empty_stance_figures
from claims.selectors import voices_by_claim
from claims.services import (
    claim_create,
    claim_merge,
    claim_split,
    claim_update,
    evidence_link,
    evidence_unlink,
    evidence_update,
)
from claims.voices import voices_for_claims
from sources.models import SharedText
from sources.services import source_ingest

pytestmark = pytest.mark.django_db

TEXT = (
    "The ferry operator said fares will rise by ten percent in spring. "
    "The transport minister said fares will not rise this year. "
    "Commuters told reporters that the timetable was cut twice. "
    "A union spokesperson said the strike would go ahead on Monday."
)
PHRASES = [
    "fares will rise by ten percent in spring",
    "fares will not rise this year",
    "the timetable was cut twice",
    "the strike would go ahead on Monday",
]


def _stored(claim: Claim) -> dict:
    row = Claim.objects.filter(pk=claim.pk).values(*FIGURE_FIELDS).get()
    return dict(row)


def _fresh(claim: Claim) -> dict:
    return claim_figures_count(claim_ids=[claim.pk])[claim.pk]


def _assert_all_fresh() -> None:
    assert claims_figures_stale() == []
    # The stored per-stance figures say what the SQL and voice counts say.
    claims = list(Claim.objects.all())
    ids = [c.pk for c in claims]
    by_sql = voices_by_claim(claim_ids=ids)
    by_voices = voices_for_claims(claim_ids=ids)
    for claim in claims:
        stored = stored_voices(claim)
        for stance in ("asserts", "disputes", "mentions"):
            assert {k: stored[stance][k] for k in ("quotes", "outlets", "speakers")} == by_sql[
                claim.pk
            ][stance]
            assert stored[stance]["sources"] == by_voices[claim.pk][stance].sources
            assert stored[stance]["voices"] == by_voices[claim.pk][stance].voices


@pytest.fixture
def sources():
    return [
        source_ingest(
            raw=f"Report {i} from the harbour desk.\n\n{TEXT}",
            content_type="text/plain",
            outlet_domain=f"outlet{i}.example",
        ).source
        for i in range(3)
    ]


def _link(claim, source, phrase, stance, user, speaker=""):
    return evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance=stance,
        exact=phrase,
        attributed_to=speaker,
        user=user,
    )


def test_links_unlinks_and_stance_changes_keep_the_figures(analyst, sources):
    claim = claim_create(text="Ferry fares will rise in spring", user=analyst)
    assert (
        _stored(claim)
        == _fresh(claim)
        == {
            "asserts_count": 0,
            "disputes_count": 0,
            "mentions_count": 0,
            "evidence_total": 0,
            "voices_total": 0,
            "is_contested": False,
            "stance_figures": empty_stance_figures(),
        }
    )
    a = _link(claim, sources[0], PHRASES[0], "asserts", analyst)
    _link(claim, sources[1], PHRASES[0], "asserts", analyst)
    d = _link(claim, sources[2], PHRASES[1], "disputes", analyst, speaker="Ana Moreau")
    stored = _stored(claim)
    assert stored == _fresh(claim)
    assert stored["asserts_count"] == 2
    assert stored["disputes_count"] == 1
    assert stored["evidence_total"] == 3
    assert stored["is_contested"] is True
    # The asserting sources copy each other (one origin); one speaker disputes.
    assert stored["voices_total"] == 2

    evidence_update(evidence_id=d.pk, stance="mentions", user=analyst)
    stored = _stored(claim)
    assert stored == _fresh(claim)
    assert (stored["disputes_count"], stored["mentions_count"]) == (0, 1)
    assert stored["is_contested"] is False

    # Re-attributed: two pairs of one speaker are one voice.
    evidence_update(evidence_id=a.pk, attributed_to="Ana Moreau", user=analyst)
    assert _stored(claim) == _fresh(claim)

    evidence_unlink(evidence_id=a.pk, user=analyst)
    stored = _stored(claim)
    assert stored == _fresh(claim)
    assert stored["asserts_count"] == 1
    assert stored["evidence_total"] == 2
    _assert_all_fresh()


def test_merge_and_split_keep_both_claims_figures(analyst, sources):
    original = claim_create(text="Ferry fares will rise in spring", user=analyst)
    duplicate = claim_create(text="Ferry fares are going to rise this spring", user=analyst)
    _link(original, sources[0], PHRASES[0], "asserts", analyst)
    _link(duplicate, sources[0], PHRASES[0], "disputes", analyst)  # a passage both quote
    _link(duplicate, sources[1], PHRASES[1], "disputes", analyst)
    _link(duplicate, sources[2], PHRASES[2], "mentions", analyst)
    _assert_all_fresh()

    claim_merge(claim_id=duplicate.pk, into_id=original.pk, user=analyst)
    _assert_all_fresh()
    assert _stored(duplicate)["evidence_total"] == 0
    merged = _stored(original)
    assert (merged["asserts_count"], merged["disputes_count"], merged["mentions_count"]) == (
        1,
        1,
        1,
    )
    assert merged["is_contested"] is True

    moving = list(
        Evidence.objects.filter(claim=original, stance="disputes").values_list("pk", flat=True)
    )
    new = claim_split(claim_id=original.pk, evidence_ids=moving, text="Fares stay", user=analyst)
    _assert_all_fresh()
    assert _stored(new)["disputes_count"] == 1
    assert _stored(original)["is_contested"] is False


def test_saving_a_claim_loaded_earlier_keeps_the_figures(analyst, sources):
    """A claim read before evidence was linked and saved after (an edit of its
    text) must not write its old figures back."""
    claim = claim_create(text="Ferry fares will rise in spring", user=analyst)
    stale = Claim.objects.get(pk=claim.pk)
    _link(claim, sources[0], PHRASES[0], "asserts", analyst)
    stale.text = "Ferry fares will rise this spring"
    stale.save()
    version = Claim.objects.get(pk=claim.pk).version
    claim_update(
        claim_id=claim.pk, text="Ferry fares rise in spring", version=version, user=analyst
    )
    assert _stored(claim)["asserts_count"] == 1
    _assert_all_fresh()


def test_actor_merge_and_copies_change_the_voices(analyst, sources):
    SharedText.objects.all().delete()  # as if copy detection had not run yet
    claim = claim_create(text="Ferry fares will rise in spring", user=analyst)
    _link(claim, sources[0], PHRASES[0], "asserts", analyst, speaker="Ana Moreau")
    _link(claim, sources[1], PHRASES[0], "asserts", analyst, speaker="Ben Okafor")
    _link(claim, sources[2], PHRASES[1], "asserts", analyst)
    _link(claim, sources[1], PHRASES[2], "asserts", analyst)
    # Ana, Ben, and two sources without a speaker.
    assert _stored(claim)["voices_total"] == 4
    ana = Evidence.objects.get(claim=claim, attributed_to="Ana Moreau").speaker
    ben = Evidence.objects.get(claim=claim, attributed_to="Ben Okafor").speaker
    actor_merge(actor_id=ben.pk, into_id=ana.pk, user=analyst)
    assert _stored(claim)["voices_total"] == 3
    _assert_all_fresh()

    # sources[1] and [2] carry the same text (ingested again): copy detection
    # makes them one origin.
    from sources.copies import sources_copies_update

    sources_copies_update(source_ids=[s.pk for s in sources])
    assert SharedText.objects.exists()
    assert _stored(claim)["voices_total"] == 2
    _assert_all_fresh()


def test_refresh_is_idempotent_and_repairs_drift(analyst, sources):
    claim = claim_create(text="Ferry fares will rise in spring", user=analyst)
    _link(claim, sources[0], PHRASES[0], "asserts", analyst)
    _link(claim, sources[1], PHRASES[1], "disputes", analyst)
    Claim.objects.filter(pk=claim.pk).update(asserts_count=7, is_contested=False)
    assert claims_figures_stale() == [claim.pk]
    assert claims_figures_refresh_all() == 1
    assert claims_figures_refresh(claim_ids=[claim.pk]) == 0
    assert claims_figures_refresh_all() == 0
    _assert_all_fresh()


def test_refresh_costs_the_same_queries_for_one_claim_or_many(
    analyst, sources, django_assert_max_num_queries
):
    claims = [claim_create(text=f"Ferry fares claim {i}", user=analyst) for i in range(6)]
    for i, claim in enumerate(claims):
        _link(claim, sources[i % 3], PHRASES[i % 4], "asserts", analyst)
    Claim.objects.update(asserts_count=0)
    # Savepoint, lock, evidence rows, copies, bulk update.
    with django_assert_max_num_queries(6):
        assert claims_figures_refresh(claim_ids=[c.pk for c in claims]) == 6


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_links_and_unlinks_leave_a_true_count(analyst, sources):
    """Writers on one claim at the same moment: each recounts under the
    claim's row lock, so the last to commit counts everything."""
    claim = claim_create(text="Ferry fares will rise in spring", user=analyst)
    first = _link(claim, sources[1], PHRASES[3], "mentions", analyst)
    barrier = threading.Barrier(5)
    errors: list[Exception] = []

    def write(job: int) -> None:
        try:
            barrier.wait()
            if job == 4:
                evidence_unlink(evidence_id=first.pk, user=analyst)
            else:
                stance = "asserts" if job % 2 else "disputes"
                _link(claim, sources[job % 3], PHRASES[job], stance, analyst)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(job,)) for job in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = _stored(claim)
    assert stored == _fresh(claim)
    assert stored["evidence_total"] == 4
    assert stored["mentions_count"] == 0
    _assert_all_fresh()


def test_recount_command_checks_and_repairs(analyst, sources):
    from django.core.management import CommandError, call_command

    claim = claim_create(text="Ferry fares will rise in spring", user=analyst)
    _link(claim, sources[0], PHRASES[0], "asserts", analyst)
    call_command("recount_figures", "--check")
    Claim.objects.filter(pk=claim.pk).update(evidence_total=0)
    with pytest.raises(CommandError, match="1 claims' figures are off"):
        call_command("recount_figures", "--check")
    call_command("recount_figures")
    call_command("recount_figures", "--check")
    assert _stored(claim)["evidence_total"] == 1
