"""Scoring shared by the benchmarks: body shingle overlap and metadata matching.

Body text is scored with 4-token shingles of lower-cased ``\\w+`` tokens and a
multiset overlap; title, author and date by normalised exact match. A field
that is missing on both sides counts as a match (the page has no author and
the extractor found none).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;&|/]|\band\b)\s*", re.IGNORECASE)
SHINGLE_SIZE = 4


@dataclass(frozen=True)
class Overlap:
    precision: float
    recall: float
    f1: float


def tokens(text: str | None) -> list[str]:
    if not text:
        return []
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    toks = tokens(text)
    if len(toks) < size:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + size]) for i in range(len(toks) - size + 1))


def body_overlap(predicted: str | None, gold: str | None) -> Overlap:
    """Precision, recall and F1 of the predicted body's shingles against the gold body's."""
    pred, ref = shingles(predicted), shingles(gold)
    if not pred and not ref:
        return Overlap(1.0, 1.0, 1.0)
    if not pred or not ref:
        return Overlap(0.0, 0.0, 0.0)
    common = sum((pred & ref).values())
    precision = common / sum(pred.values())
    recall = common / sum(ref.values())
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return Overlap(precision, recall, f1)


def mean_overlap(scores: Sequence[Overlap]) -> Overlap:
    if not scores:
        return Overlap(0.0, 0.0, 0.0)
    n = len(scores)
    return Overlap(
        sum(s.precision for s in scores) / n,
        sum(s.recall for s in scores) / n,
        sum(s.f1 for s in scores) / n,
    )


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
