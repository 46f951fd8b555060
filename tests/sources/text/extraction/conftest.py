"""Fixtures for the extraction tests: the hand-written articles and a body score."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

ARTICLES = Path(__file__).resolve().parents[3] / "fixtures" / "articles"
_TOKEN = re.compile(r"\w+")


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def shingle_scores(predicted: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall, F1 of 4-token shingles (the benchmark's body measure)."""
    pred, ref = _shingles(predicted), _shingles(gold)
    common = sum((pred & ref).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(pred.values()), common / sum(ref.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


@pytest.fixture
def body_scores() -> Callable[[str, str], tuple[float, float, float]]:
    return shingle_scores


@pytest.fixture
def article() -> Callable[[str], tuple[str, dict]]:
    """Load a fixture article and its expected title/authors/date/body."""

    def load(name: str) -> tuple[str, dict]:
        path = ARTICLES / name
        expected = json.loads(path.with_name(f"{path.stem}.expected.json").read_text("utf-8"))
        return path.read_text("utf-8"), expected

    return load
