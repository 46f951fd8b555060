"""Independent voices: how many origins stand behind each stance of a claim.

Evidence of one stance counts once per origin. The origin is the speaker
actor; evidence without a speaker counts by its source, and sources that copy
each other (``sources.copies``) count as one. So five outlets passing on one
agency's words are five sources and one voice.

``count_voices`` is the rule itself, a pure function over rows;
``voices_for_claims`` feeds it for many claims in two queries, whatever their
number. What pages and the API show is stored on each claim
(``claims.figures``, which counts with this rule when the evidence changes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sources.copies import copy_groups
from sources.models import SharedText

from .models import Evidence, Stance


@dataclass(frozen=True)
class VoiceRow:
    claim_id: int
    stance: str
    speaker_id: int | None
    source_id: int


@dataclass
class StanceVoices:
    evidence: int = 0
    sources: int = 0
    voices: int = 0


def _origin(row: VoiceRow, groups: Mapping[int, int]) -> tuple[str, int]:
    if row.speaker_id is not None:
        return ("actor", row.speaker_id)
    return ("source", groups.get(row.source_id, row.source_id))


def count_voices(
    rows: Iterable[VoiceRow], groups: Mapping[int, int]
) -> dict[int, dict[str, StanceVoices]]:
    """Per claim and stance: evidence, distinct sources, independent voices.
    ``groups`` maps a source id to its copy group."""
    origins: dict[tuple[int, str], set] = defaultdict(set)
    sources: dict[tuple[int, str], set] = defaultdict(set)
    evidence: dict[tuple[int, str], int] = defaultdict(int)
    claims: set[int] = set()
    for row in rows:
        key = (row.claim_id, row.stance)
        claims.add(row.claim_id)
        evidence[key] += 1
        sources[key].add(row.source_id)
        origins[key].add(_origin(row, groups))
    return {
        claim_id: {
            stance: StanceVoices(
                evidence=evidence[(claim_id, stance)],
                sources=len(sources[(claim_id, stance)]),
                voices=len(origins[(claim_id, stance)]),
            )
            for stance in Stance.values
        }
        for claim_id in claims
    }


def empty_voices() -> dict[str, StanceVoices]:
    return {stance: StanceVoices() for stance in Stance.values}


def voices_for_claims(*, claim_ids: Sequence[int]) -> dict[int, dict[str, StanceVoices]]:
    """``count_voices`` for these claims: one query for their evidence, one
    for the copies among its sources. Claims without evidence get zeros."""
    ids = list(claim_ids)
    if not ids:
        return {}
    rows = [
        VoiceRow(*values)
        for values in Evidence.objects.filter(claim_id__in=ids)
        .order_by()
        .values_list("claim_id", "stance", "speaker_id", "excerpt__source_id")
    ]
    groups = copy_groups(source_ids=sorted({r.source_id for r in rows}))
    counted = count_voices(rows, groups)
    return {claim_id: counted.get(claim_id, empty_voices()) for claim_id in ids}


def as_counts(voices: Mapping[str, StanceVoices]) -> dict[str, int]:
    """The API's ``independent_voices``: ``{"asserts": n, ...}``."""
    return {stance: voices[stance].voices for stance in Stance.values}


def copies_for_claim_page(
    *, claim_id: int, shown: Sequence[Evidence]
) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """The copy pairs among the sources of the quotes ``shown`` (the claim
    page's timeline) and those sources' copy groups, the groups joined over
    all of the claim's sources (as ``copy_groups`` over them would): one
    query, whatever the claim's size. The voices themselves are stored on
    the claim (``claims.figures``)."""
    claim_sources = Evidence.objects.filter(claim_id=claim_id).values("excerpt__source_id")
    pairs = list(
        SharedText.objects.filter(earlier_id__in=claim_sources, later_id__in=claim_sources)
        .order_by("earlier_id", "later_id")
        .values_list("earlier_id", "later_id")
        .distinct()
    )
    shown_ids = {e.excerpt.source_id for e in shown}
    nodes = shown_ids | {pk for pair in pairs for pk in pair}
    groups = copy_groups(source_ids=sorted(nodes), pairs=pairs)
    shown_pairs = [(a, b) for a, b in pairs if a in shown_ids and b in shown_ids]
    return shown_pairs, {pk: groups[pk] for pk in shown_ids}
