"""What the block classifier sees of each unit of a dump: generic, measured features.

Every feature is a number computed from the unit's own text (length, stop-word
density, punctuation, capitals, digits, links), the hand-written furniture
signs of ``boilerplate`` and ``bylines``, its position in the page, whether
its text repeats, and the same measures of its neighbours (prose comes in
runs; menus and lists too). No feature names a site.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from sources.text.extraction import boilerplate, bylines
from sources.text.extraction.metadata import key
from sources.text.extraction.units import Unit

_LINKISH = re.compile(r"https?://|www\.|\S+@\S+\.\w+|(?<!\w)@\w+|\.(?:com|org|net)\b")
_PUNCT = re.compile(r"[^\w\s]")
_SEPARATORS = re.compile(r"\s[|•·»]\s|\s[|•·»]$")
_QUOTES = re.compile(r"[\"“”«»]")
PROSE_WORDS = 20
OTHER_SCRIPT_GAP = 0.6  # a unit's share of Latin letters this far from the page's
NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
TAIL_AFTER_PROSE = 0.5  # a "Related stories" line ends the article once half its prose is seen

OWN_FEATURES = (
    "log_words",
    "log_chars",
    "stop_density",
    "sentence_end",
    "ends_colon",
    "capitalised",
    "digits",
    "punctuation",
    "commas_per_word",
    "uppercase",
    "starts_lower",
    "separators",
    "quotes",
    "linkish",
    "bullet",
    "junk",
    "code",
    "caption",
    "menu",
    "contact",
    "byline",
    "dateline",
    "tail_marker",
    "repeated",
    "prose",
)
CONTEXT_FEATURES = (
    "inside_prose",
    "after_tail_marker",
    "gap_before",
    "gap_after",
    "window3",
    "window10",
    "no_stopwords",
    "other_script",
)
NEIGHBOUR_FEATURES = tuple(
    f"{name}@{offset:+d}"
    for offset in NEIGHBOUR_OFFSETS
    for name in ("log_words", "stop_density", "sentence_end", "prose", "junk", "present")
)
FEATURE_NAMES = OWN_FEATURES + CONTEXT_FEATURES + NEIGHBOUR_FEATURES


def _own(unit: Unit, stopwords: frozenset[str] | None, repeats: Counter[str]) -> dict[str, float]:
    text = unit.text
    words = unit.words
    n_words = len(words)
    chars = max(len(text), 1)
    letters = [ch for ch in text if ch.isalpha()]
    density = boilerplate.stop_density(unit, stopwords) if stopwords else 0.0
    sentence = bool(boilerplate.SENTENCE_END.search(text))
    junk = boilerplate.is_junk(unit)
    short = n_words <= bylines.MAX_META_WORDS + 6
    return {
        "log_words": math.log1p(n_words),
        "log_chars": math.log1p(len(text)),
        "stop_density": density,
        "sentence_end": float(sentence),
        "ends_colon": float(text.endswith(":")),
        "capitalised": (
            sum(w[:1].isupper() or w[:1].isdigit() for w in words) / n_words if words else 0.0
        ),
        "digits": sum(ch.isdigit() for ch in text) / chars,
        "punctuation": len(_PUNCT.findall(text)) / chars,
        "commas_per_word": (text.count(",") + text.count(";")) / max(n_words, 1),
        "uppercase": sum(ch.isupper() for ch in letters) / len(letters) if letters else 0.0,
        "starts_lower": float(text[:1].islower()),
        "separators": min(len(_SEPARATORS.findall(text)), 5) / 5,
        "quotes": float(bool(_QUOTES.search(text))),
        "linkish": float(bool(_LINKISH.search(text))),
        "bullet": float(unit.bullet),
        "junk": float(junk),
        "code": float(boilerplate.is_code(text)),
        "caption": float(boilerplate.is_caption(unit)),
        "menu": float(boilerplate.is_menu(unit, density, stopwords is not None)),
        "contact": float(boilerplate.is_contact_footer(unit)),
        "byline": float(short and bylines.parse_byline(unit) is not None),
        "dateline": float(short and bylines.parse_dateline(unit) is not None),
        "tail_marker": float(boilerplate.is_tail_marker(unit)),
        "repeated": float(n_words >= 3 and repeats[key(text)] > 1),
        "prose": float(
            n_words >= PROSE_WORDS and (density >= 0.15 if stopwords else True) and not junk
        ),
    }


def _latin_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters) / len(letters)


def unit_features(
    units: Sequence[Unit], stopwords: frozenset[str] | None
) -> list[dict[str, float]]:
    """One feature dict (``FEATURE_NAMES``) per unit, in order."""
    repeats = Counter(key(u.text) for u in units)
    own = [_own(u, stopwords, repeats) for u in units]
    n = len(units)
    words = [len(u.words) for u in units]
    prose_words = [w if f["prose"] else 0 for w, f in zip(words, own, strict=True)]
    total_prose = max(sum(prose_words), 1)
    prose_idx = [i for i, f in enumerate(own) if f["prose"]]
    first_prose = prose_idx[0] if prose_idx else n
    last_prose = prose_idx[-1] if prose_idx else -1

    latin = [_latin_share(u.text) for u in units]
    letters = [sum(ch.isalpha() for ch in u.text) for u in units]
    latin_share = sum(a * b for a, b in zip(latin, letters, strict=True)) / max(sum(letters), 1)

    features: list[dict[str, float]] = []
    prose_seen = 0
    tail_seen = False
    last_prose_at: int | None = None
    next_prose_at = [n * 2] * n
    upcoming = n * 2
    for i in range(n - 1, -1, -1):
        next_prose_at[i] = upcoming
        if own[i]["prose"]:
            upcoming = i
    for i, unit_own in enumerate(own):
        row = dict(unit_own)
        row["inside_prose"] = float(first_prose < i < last_prose)
        if unit_own["tail_marker"] and prose_seen >= total_prose * TAIL_AFTER_PROSE:
            tail_seen = True  # this line and all after it are the page's furniture
        row["after_tail_marker"] = float(tail_seen)
        before = i - last_prose_at if last_prose_at is not None else n
        after = next_prose_at[i] - i
        row["gap_before"] = math.log1p(min(before, 50))
        row["gap_after"] = math.log1p(min(after, 50))
        for name, radius in (("window3", 3), ("window10", 10)):
            lo, hi = max(0, i - radius), min(n, i + radius + 1)
            span = sum(words[lo:hi])
            row[name] = sum(prose_words[lo:hi]) / span if span else 0.0
        row["no_stopwords"] = float(stopwords is None)
        row["other_script"] = float(abs(latin[i] - latin_share) > OTHER_SCRIPT_GAP)
        for offset in NEIGHBOUR_OFFSETS:
            j = i + offset
            other = own[j] if 0 <= j < n else None
            for name in ("log_words", "stop_density", "sentence_end", "prose", "junk"):
                row[f"{name}@{offset:+d}"] = other[name] if other else 0.0
            row[f"present@{offset:+d}"] = float(other is not None)
        features.append(row)
        prose_seen += prose_words[i]
        if unit_own["prose"]:
            last_prose_at = i
    return features


def as_vectors(rows: Sequence[dict[str, float]]) -> list[list[float]]:
    return [[row[name] for name in FEATURE_NAMES] for row in rows]
