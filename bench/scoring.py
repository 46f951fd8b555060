"""Scoring shared by the benchmarks: body shingle overlap and metadata matching.

Body text is scored by ``sources.text.extraction.overlap`` (4-token shingles); title, author and date by normalised exact match. A field
that is missing on both sides counts as a match (the page has no author and
the extractor found none).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sources.text.extraction.overlap import Overlap, body_overlap, mean_overlap, tokens

__all__ = [
    "Overlap",
    "author_match",
    "body_overlap",
    "date_match",
    "mean_overlap",
    "title_match",
]

_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;&|/]|\band\b)\s*", re.IGNORECASE)


def normalise_title(title: str | None) -> str:
    return " ".join(tokens(title))


def title_match(predicted: str | None, gold: str | None) -> bool:
    return normalise_title(predicted) == normalise_title(gold)


def normalise_authors(authors: str | Iterable[str] | None) -> frozenset[str]:
    if not authors:
        return frozenset()
    joined = authors if isinstance(authors, str) else ", ".join(authors)
    names = (" ".join(tokens(part)) for part in _AUTHOR_SPLIT.split(joined))
    return frozenset(name for name in names if name)


def author_match(predicted: str | Iterable[str] | None, gold: str | None) -> bool:
    return normalise_authors(predicted) == normalise_authors(gold)


def date_match(predicted: str | None, gold: str | None) -> bool:
    """Compare ISO dates; a gold date of lower precision ("2015-11") matches on its prefix."""
    pred = (predicted or "")[:10]
    ref = (gold or "")[:10]
    if not pred or not ref:
        return not pred and not ref
    return pred.startswith(ref) if len(ref) < 10 else pred == ref
