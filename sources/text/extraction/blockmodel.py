"""The trained block classifier: logistic regression read from a shipped JSON file.

``textdump_model.json`` beside this module holds the feature names, the
standardisation, the weights and the decision threshold; ``manage.py
train_textdump`` rebuilds it. Scoring is plain Python (a dot product and a
sigmoid): no training and no numerical library at run time.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).with_name("textdump_model.json")
MODEL_FORMAT = 1


class ModelError(Exception):
    """The model file is missing, malformed or does not match the features."""


@dataclass(frozen=True)
class BlockModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BlockModel:
        if data.get("format") != MODEL_FORMAT:
            raise ModelError(f"model format {data.get('format')!r}, expected {MODEL_FORMAT}")
        try:
            model = cls(
                features=tuple(data["features"]),
                mean=tuple(float(x) for x in data["mean"]),
                scale=tuple(float(x) for x in data["scale"]),
                coef=tuple(float(x) for x in data["coef"]),
                intercept=float(data["intercept"]),
                threshold=float(data["threshold"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(f"malformed model: {error}") from error
        sizes = {len(model.features), len(model.mean), len(model.scale), len(model.coef)}
        if len(sizes) != 1:
            raise ModelError("model vectors differ in length")
        return model

    def probability(self, row: dict[str, float]) -> float:
        z = self.intercept
        for name, mean, scale, weight in zip(
            self.features, self.mean, self.scale, self.coef, strict=True
        ):
            z += weight * (row[name] - mean) / scale
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def probabilities(self, rows: Sequence[dict[str, float]]) -> list[float]:
        return [self.probability(row) for row in rows]


def model_digest(data: dict[str, Any]) -> str:
    """A short, stable id of a model's parameters (part of the extractor version)."""
    payload = {k: data[k] for k in ("features", "mean", "scale", "coef", "intercept", "threshold")}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def read_model_file(path: Path = MODEL_PATH) -> dict[str, Any]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"cannot read the block model {path}: {error}") from error


@cache
def shipped_model() -> BlockModel:
    return BlockModel.from_dict(read_model_file())


@cache
def shipped_model_version() -> str:
    return model_digest(read_model_file())
