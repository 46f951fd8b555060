"""Reads for the editors' review pages.

The queue page shows, per claim, both sides with their quotes. Evidence for
every claim on the page is fetched in one query (``review_cards``), so the
page costs the same number of queries for 1 claim as for 20.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .figures import stored_voices
from .models import Claim, Evidence, Stance
from .selectors import first_per_stance, review_queue

# Quotes shown per side before the rest are folded away, and at most how many
# a side carries at all (a claim with thousands of quotes stays one card).
QUOTES_SHOWN = 4
QUOTES_PER_SIDE = 12
CARD_FIELDS = (
    "id",
    "claim_id",
    "stance",
    "attributed_to",
    "excerpt__id",
    "excerpt__source_id",
    "excerpt__exact",
    "excerpt__selected",
    "excerpt__anchor_state",
    "excerpt__source__id",
    "excerpt__source__title",
    "excerpt__source__published_at",
    "excerpt__source__outlet__id",
    "excerpt__source__outlet__name",
)


@dataclass
class Side:
    """One stance on a claim: its quotes and how many independent voices."""

    stance: str
    label: str
    evidence: list[Evidence] = field(default_factory=list)
    outlets: int = 0
    speakers: int = 0
    total: int = 0  # quotes of this stance, shown or not

    @property
    def hidden(self) -> int:
        """Quotes of this side not on the card (the claim page has them)."""
        return max(self.total - len(self.evidence), 0)

    @property
    def shown(self) -> list[Evidence]:
        return self.evidence[:QUOTES_SHOWN]

    @property
    def folded(self) -> list[Evidence]:
        return self.evidence[QUOTES_SHOWN:]


@dataclass
class ReviewCard:
    claim: Claim
    asserts: Side
    disputes: Side
    mentions: Side


def evidence_for_claims(
    *, claim_ids: Sequence[int], per_stance: int = QUOTES_PER_SIDE
) -> dict[int, list[Evidence]]:
    """Evidence of several claims, at most ``per_stance`` per claim and stance
    (oldest linked first), grouped by claim id: a bounded summary, fetched
    once for all claims whatever their sizes."""
    grouped: dict[int, list[Evidence]] = defaultdict(list)
    if not claim_ids:
        return grouped
    # Only what a card's quote shows (``review/_quote.html``).
    rows = (
        first_per_stance(claim_ids=claim_ids, per_stance=per_stance)
        .select_related(None)
        .select_related("excerpt__source__outlet")
        .only(*CARD_FIELDS)
    )
    for item in rows:
        grouped[item.claim_id].append(item)
    return grouped


def review_cards(*, claims: Sequence[Claim]) -> list[ReviewCard]:
    """Both sides of each claim, side by side, with the count of distinct
    outlets and speakers behind each (stored on the claim): a bounded summary
    per claim (one query for all claims, whatever their sizes)."""
    ids = [c.pk for c in claims]
    by_claim = evidence_for_claims(claim_ids=ids)
    voices = {claim.pk: stored_voices(claim) for claim in claims}
    cards = []
    for claim in claims:
        evidence = by_claim.get(claim.pk, [])
        sides = {
            stance: Side(
                stance=stance,
                label=label,
                evidence=[e for e in evidence if e.stance == stance],
                outlets=voices[claim.pk][stance]["outlets"],
                speakers=voices[claim.pk][stance]["speakers"],
                total=voices[claim.pk][stance]["quotes"],
            )
            for stance, label in Stance.choices
        }
        cards.append(
            ReviewCard(
                claim=claim,
                asserts=sides[Stance.ASSERTS],
                disputes=sides[Stance.DISPUTES],
                mentions=sides[Stance.MENTIONS],
            )
        )
    return cards


def review_queue_count() -> int:
    return review_queue().order_by().count()


def claim_review_state(*, claim_id: int) -> Claim | None:
    """The claim as it stands now, with its reviewer: what an editor whose
    verdict was refused (stale version) needs to see."""
    return Claim.objects.select_related("reviewed_by").filter(pk=claim_id).first()
