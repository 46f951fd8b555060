"""The claims services on their own (the reader's and API's views call them):
``passage_link``, the reader's one action."""

from __future__ import annotations

import pytest

from claims import services
from claims.models import Claim, Evidence
from claims_tracker.common.errors import ApplicationError
from sources.models import Excerpt
from tests.factories import ClaimFactory, EvidenceFactory, ExcerptFactory, SourceFactory

pytestmark = pytest.mark.django_db

QUOTE = "Engineers replaced two damaged cranes"


def test_passage_link_links_the_selected_words_to_a_named_claim(analyst):
    source = SourceFactory()
    claim = ClaimFactory()

    evidence = services.passage_link(
        source_id=source.pk,
        claim_id=claim.pk,
        stance="asserts",
        exact=QUOTE,
        attributed_to="  the harbour   master ",
        user=analyst,
    )

    assert evidence.claim_id == claim.pk
    assert source.text[evidence.excerpt.start : evidence.excerpt.end] == QUOTE
    assert evidence.attributed_to == "the harbour master"
    assert evidence.created_by == analyst


def test_passage_link_creates_the_new_claim_it_links_to(analyst):
    source = SourceFactory()

    evidence = services.passage_link(
        source_id=source.pk,
        new_claim="Two cranes at the   grain terminal were damaged",
        stance="mentions",
        exact=QUOTE,
        user=analyst,
    )

    claim = Claim.objects.get(pk=evidence.claim_id)
    assert claim.text == "Two cranes at the grain terminal were damaged"
    assert claim.created_by == analyst


def test_a_failed_link_leaves_no_new_claim_behind(analyst):
    source = SourceFactory()
    claims_before = Claim.objects.count()

    with pytest.raises(ApplicationError) as caught:
        services.passage_link(
            source_id=source.pk,
            new_claim="A claim whose quote is not in the article",
            stance="asserts",
            exact="words that the article never uses",
            user=analyst,
        )

    assert caught.value.code == "quote_not_found"
    assert Claim.objects.count() == claims_before
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("state", ["orphaned", "changed"])
def test_linking_again_over_a_quote_to_check_unlinks_the_old_pair(analyst, state):
    old = EvidenceFactory()
    Excerpt.objects.filter(pk=old.excerpt_id).update(anchor_state=state)

    new = services.passage_link(
        source_id=old.excerpt.source_id,
        claim_id=old.claim_id,
        stance="asserts",
        exact=QUOTE,
        replaces=old.pk,
        user=analyst,
    )

    assert list(Evidence.objects.values_list("pk", flat=True)) == [new.pk]


def test_a_pair_whose_quote_still_stands_is_not_replaced(analyst):
    old = EvidenceFactory()

    services.passage_link(
        source_id=old.excerpt.source_id,
        claim_id=old.claim_id,
        stance="disputes",
        exact=QUOTE,
        replaces=old.pk,
        user=analyst,
    )

    assert Evidence.objects.filter(pk=old.pk).exists()
    assert Evidence.objects.count() == 2


def test_only_a_pair_of_the_same_source_can_be_replaced(analyst):
    other = EvidenceFactory(excerpt=ExcerptFactory(source=SourceFactory()))
    Excerpt.objects.filter(pk=other.excerpt_id).update(anchor_state="orphaned")
    source = SourceFactory()

    services.passage_link(
        source_id=source.pk,
        claim_id=other.claim_id,
        stance="asserts",
        exact=QUOTE,
        replaces=other.pk,
        user=analyst,
    )

    assert Evidence.objects.filter(pk=other.pk).exists()
