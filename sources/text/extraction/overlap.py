"""Body text against a gold body: multiset overlap of 4-token shingles.

The measure of the extraction benchmarks (ours and the public ones): tokens
are lower-cased ``\\w+`` runs after NFKC; precision, recall and F1 count
shared shingles. The benchmark, the training command's held-out evaluation and
its line labels all use it, so they agree on what "the body" means.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
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
