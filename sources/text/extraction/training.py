"""Training the block classifier from a directory of pages with gold bodies.

Each page is rendered as text dumps (``dumps``), cut into units the way the
cleaner cuts them, and every unit is labelled by how much of it the gold body
holds (4-token shingles, the benchmark's measure). A logistic regression with
an L2 penalty is fitted by Newton's method on standardised features: no
randomness, so the same pages give the same weights byte for byte.

``cross_validate`` is the honest figure: pages are split into k folds by name,
each fold is cleaned by a model trained on the other folds, and the body F1 of
the full cleaner is measured on those held-out dumps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sources.text.extraction import blockfeatures
from sources.text.extraction.blockmodel import MODEL_FORMAT, BlockModel, model_digest
from sources.text.extraction.corpus import GoldPage
from sources.text.extraction.dumps import STYLES, render_dump
from sources.text.extraction.language import stopwords_for
from sources.text.extraction.normalize import join_paragraphs
from sources.text.extraction.overlap import (
    SHINGLE_SIZE,
    Overlap,
    body_overlap,
    mean_overlap,
    tokens,
)
from sources.text.extraction.textdump import clean_dump, prepare_units, vetoed

L2 = 1.0
THRESHOLD = 0.4  # flat between 0.3 and 0.5 in 5-fold validation
POSITIVE_SHARE = 0.5  # a unit is body when at least half of its shingles are the gold's
NEWTON_STEPS = 50


class TrainingError(Exception):
    """Not enough labelled material to fit a model."""


@dataclass
class PageDump:
    page: GoldPage
    style: str
    text: str
    rows: list[dict[str, float]]
    labels: list[float]
    weights: list[float]


def _gold_index(body: str) -> tuple[set[tuple[str, ...]], str]:
    toks = tokens(body)
    grams = {tuple(toks[i : i + SHINGLE_SIZE]) for i in range(len(toks) - SHINGLE_SIZE + 1)}
    return grams, f" {' '.join(toks)} "


def unit_label(text: str, gold: tuple[set[tuple[str, ...]], str]) -> float:
    """1.0 when the unit is (mostly) in the gold body, else 0.0."""
    grams, joined = gold
    toks = tokens(text)
    if not toks:
        return 0.0
    if len(toks) < SHINGLE_SIZE:
        return float(f" {' '.join(toks)} " in joined)
    own = [tuple(toks[i : i + SHINGLE_SIZE]) for i in range(len(toks) - SHINGLE_SIZE + 1)]
    return float(sum(g in grams for g in own) / len(own) >= POSITIVE_SHARE)


def page_dumps(pages: Sequence[GoldPage], styles: Sequence[str] = STYLES) -> list[PageDump]:
    """Every page in every dump style, with unit features, labels and weights."""
    out: list[PageDump] = []
    for page in pages:
        gold = _gold_index(page.body)
        for style in styles:
            text = render_dump(page.html, style=style)
            units, language, _ = prepare_units(text)
            every_row = blockfeatures.unit_features(units, stopwords_for(language))
            pairs = [
                (u, row) for u, row in zip(units, every_row, strict=True) if not vetoed(u, row)
            ]
            kept = [u for u, _ in pairs]
            rows = [row for _, row in pairs]
            labels = [unit_label(u.text, gold) for u in kept]
            # long units weigh more: the body score counts words, not lines
            weights = [float(np.log1p(len(u.words))) for u in kept]
            out.append(PageDump(page, style, text, rows, labels, weights))
    return out


def _matrix(dumps: Sequence[PageDump]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = [row for d in dumps for row in d.rows]
    if not rows:
        raise TrainingError("the pages give no units to learn from")
    x = np.array(blockfeatures.as_vectors(rows), dtype=np.float64)
    y = np.array([label for d in dumps for label in d.labels], dtype=np.float64)
    w = np.array([weight for d in dumps for weight in d.weights], dtype=np.float64)
    if y.min() == y.max():
        raise TrainingError("the units are all body or all furniture: nothing to separate")
    return x, y, w


def fit_logistic(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, *, l2: float = L2
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Weighted L2 logistic regression by Newton's method: (mean, scale, coef, intercept)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([np.ones((x.shape[0], 1)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0  # the intercept is not shrunk
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30, 30)))
        gradient = z.T @ (w * (p - y)) + penalty * beta
        hessian = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return mean, scale, beta[1:], float(beta[0])


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(v), 8) for v in values]


def model_from_dumps(
    dumps: Sequence[PageDump], *, l2: float = L2, threshold: float = THRESHOLD
) -> dict[str, Any]:
    x, y, w = _matrix(dumps)
    mean, scale, coef, intercept = fit_logistic(x, y, w, l2=l2)
    data: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "kind": "logistic-regression",
        "features": list(blockfeatures.FEATURE_NAMES),
        "mean": _rounded(mean),
        "scale": _rounded(scale),
        "coef": _rounded(coef),
        "intercept": round(intercept, 8),
        "threshold": threshold,
        "l2": l2,
        "trained_on": {
            "pages": len({d.page.name for d in dumps}),
            "dumps": len(dumps),
            "units": int(x.shape[0]),
            "body_units": int(y.sum()),
            "styles": sorted({d.style for d in dumps}),
        },
    }
    data["version"] = model_digest(data)
    return data


def fold_of(index: int, folds: int) -> int:
    return index % folds


@dataclass(frozen=True)
class HeldOut:
    folds: int
    pages: int
    body: Overlap
    by_style: dict[str, Overlap]


def cross_validate(
    dumps: Sequence[PageDump],
    *,
    folds: int = 5,
    l2: float = L2,
    threshold: float = THRESHOLD,
    progress: Callable[[str], None] | None = None,
) -> HeldOut:
    """Body P/R/F1 of the full cleaner on dumps of pages its model never saw."""
    names = sorted({d.page.name for d in dumps})
    if len(names) < folds:
        raise TrainingError(f"{len(names)} pages cannot make {folds} folds")
    fold = {name: fold_of(i, folds) for i, name in enumerate(names)}
    scores: dict[str, list[Overlap]] = {}
    for k in range(folds):
        train = [d for d in dumps if fold[d.page.name] != k]
        model = BlockModel.from_dict(model_from_dumps(train, l2=l2, threshold=threshold))
        for dump in (d for d in dumps if fold[d.page.name] == k):
            result = clean_dump(dump.text, url=dump.page.url, model=model)
            overlap = body_overlap(join_paragraphs(result.paragraphs), dump.page.body)
            scores.setdefault(dump.style, []).append(overlap)
        if progress:
            progress(f"fold {k + 1}/{folds} done")
    every = [s for style in sorted(scores) for s in scores[style]]
    return HeldOut(
        folds=folds,
        pages=len(names),
        body=mean_overlap(every),
        by_style={style: mean_overlap(s) for style, s in sorted(scores.items())},
    )


def held_out_summary(result: HeldOut) -> dict[str, Any]:
    return {
        "folds": result.folds,
        "pages": result.pages,
        "body_f1": round(result.body.f1, 4),
        "body_precision": round(result.body.precision, 4),
        "body_recall": round(result.body.recall, 4),
        "by_style": {k: round(v.f1, 4) for k, v in result.by_style.items()},
    }
