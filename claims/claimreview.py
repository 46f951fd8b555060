"""schema.org ClaimReview JSON-LD for a reviewed claim (Google's fact-check
markup: claimReviewed, reviewRating, itemReviewed, author, datePublished, url)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from .models import Claim, Evidence, Stance, Verdict

# Ratings on a 1..5 scale with the verdict as the human-readable name.
RATING_VALUE = {
    Verdict.REFUTED: 1,
    Verdict.UNPROVEN: 2,
    Verdict.MIXED: 3,
    Verdict.SUPPORTED: 5,
}


_ORGANISATION_WORDS = re.compile(
    r"\b(authority|ministry|agency|company|corporation|group|team|panel|council|government|"
    r"police|army|forces|office|department|service|committee|commission|news|times|post|"
    r"association|union|brigade|dynamics|inc|ltd|plc|university|institute|court|nations|"
    r"intelligence|spokes\w*|officials?)\b",
    re.IGNORECASE,
)


def speaker_type(name: str) -> str:
    """schema.org type of a speaker: a Person when the name reads like one
    (two or more capitalised words, no organisation word), else Organization."""
    words = name.split()
    looks_personal = len(words) >= 2 and all(w[:1].isupper() for w in words if w.isalpha())
    return "Person" if looks_personal and not _ORGANISATION_WORDS.search(name) else "Organization"


def claim_review_jsonld(
    *, claim: Claim, evidence: list[Evidence], claim_url: str
) -> dict[str, Any]:
    if claim.verdict == Verdict.UNREVIEWED:
        raise ValueError("An unreviewed claim has no ClaimReview.")
    org = settings.REVIEW_ORGANIZATION
    asserting = [e for e in evidence if e.stance == Stance.ASSERTS]
    appearances = []
    seen_sources: set[int] = set()
    for item in asserting:
        source = item.excerpt.source
        if source.pk in seen_sources:
            continue
        seen_sources.add(source.pk)
        work: dict[str, Any] = {"@type": "CreativeWork", "headline": source.title or None}
        if source.url:
            work["url"] = source.url
        if source.published_at:
            work["datePublished"] = source.published_at.date().isoformat()
        if source.outlet:
            work["publisher"] = {"@type": "Organization", "name": source.outlet.name}
        appearances.append({k: v for k, v in work.items() if v is not None})
    speakers = [e.attributed_to for e in asserting if e.attributed_to]
    item_reviewed: dict[str, Any] = {"@type": "Claim", "appearance": appearances}
    if speakers:
        item_reviewed["author"] = {"@type": speaker_type(speakers[0]), "name": speakers[0]}
    dates = [s.excerpt.source.published_at for s in asserting if s.excerpt.source.published_at]
    if dates:
        item_reviewed["datePublished"] = min(dates).date().isoformat()
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": claim_url,
        "claimReviewed": claim.text,
        "datePublished": (claim.reviewed_at or claim.updated_at).date().isoformat(),
        "author": {"@type": "Organization", "name": org["name"], "url": org["url"]},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING_VALUE[Verdict(claim.verdict)],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": claim.get_verdict_display(),
            "ratingExplanation": claim.verdict_rationale,
        },
        "itemReviewed": item_reviewed,
    }
