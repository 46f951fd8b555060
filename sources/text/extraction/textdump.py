"""The plain-text cleaner: a web page as a text browser prints it, made an article.

The dump is cut into units (``units``); captions printed twice come out
(``captions``); each unit is described by generic features (``blockfeatures``)
and the trained block classifier (``blockmodel``) keeps the article's units.
The title, byline and date are read from the units it leaves out
(``bylines``) and kept out of the body.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sources.text.extraction import blockfeatures, boilerplate, bylines, captions
from sources.text.extraction.blockmodel import BlockModel, shipped_model
from sources.text.extraction.boilerplate import MAX_TITLE_WORDS, SENTENCE_END
from sources.text.extraction.bylines import parse_byline, parse_dateline
from sources.text.extraction.language import detect_language, stopwords_for
from sources.text.extraction.metadata import is_site_name, key, site_keys
from sources.text.extraction.units import Unit, split_units, strip_edge_markers

# Kinds a unit ends with (for rule authors and tuning): body | junk (a sure
# sign of furniture) | caption | dropped (the model's no) | title | byline | date.
MIN_REPEAT_WORDS = captions.MIN_REPEAT_WORDS
MIN_FALLBACK_WORDS = 5
RUN_PROSE_WORDS = 10
RUN_STOP_DENSITY = 0.15
RUN_MIN_PROBABILITY = 0.1
PROSE_WORDS = 15
OTHER_SCRIPT_MAX_WORDS = 15
NON_LATIN = frozenset(["ko", "ja", "zh", "he", "ar", "el", "th", "ru", "uk", "bg", "fa", "hi"])


@dataclass
class DumpResult:
    title: str | None
    authors: list[str]
    published_at: dt.datetime | None
    paragraphs: list[str]
    language: str | None
    title_line: bool = False  # the title is a line of the dump (not a guess)
    dateline: str | None = None  # "byline" | "dateline" when the date came from one


def _title_like(unit: Unit, keys: set[str], dominant_script_latin: bool) -> bool:
    words = unit.words
    if not 3 <= len(words) <= MAX_TITLE_WORDS or len(unit.text) < 15:
        return False
    if unit.text.endswith(".") and not unit.text.endswith("..."):
        return False
    if unit.bullet or is_site_name(unit.text, keys):
        return False
    if dominant_script_latin:
        latin = sum(ch.isascii() for ch in unit.text if ch.isalpha())
        letters = sum(ch.isalpha() for ch in unit.text)
        if letters and latin / letters < 0.5:
            return False
    return True


def prepare_units(text: str) -> tuple[list[Unit], str | None, set[str]]:
    """Units of the dump with doubled captions cut, its language and the captions' texts."""
    units = split_units(text)
    for unit in units:
        strip_edge_markers(unit)
    language = detect_language(" ".join(u.text for u in units))
    found = captions.strip_doubled(units)
    return units, language, found


# Furniture the hand-written signs are sure of: the model is not asked.
_VETOES = ("junk", "code", "contact", "caption", "menu", "after_tail_marker")


def vetoed(unit: Unit, row: dict[str, float]) -> bool:
    """Empty, a caption already cut, or furniture by a sure sign (or after the article's end)."""
    if not unit.words or unit.kind == "caption":
        return True
    if row["other_script"] and len(unit.words) < OTHER_SCRIPT_MAX_WORDS:
        return True  # a headline or menu in another language than the article's
    return any(row[name] for name in _VETOES)


def classify_units(
    units: list[Unit], language: str | None, model: BlockModel | None = None
) -> list[float]:
    """The body probability of every unit; vetoed units get 0."""
    model = model or shipped_model()
    rows = blockfeatures.unit_features(units, stopwords_for(language))
    return [
        0.0 if vetoed(unit, row) else model.probability(row)
        for unit, row in zip(units, rows, strict=True)
    ]


def _fallback_body(units: list[Unit], probabilities: list[float]) -> None:
    """No unit passed: keep the well-formed sentences the vetoes left (a short note)."""
    for unit, probability in zip(units, probabilities, strict=True):
        if (
            probability > 0
            and len(unit.words) >= MIN_FALLBACK_WORDS
            and SENTENCE_END.search(unit.text)
        ):
            unit.kind = "body"


def _well_formed(unit: Unit, stopwords: frozenset[str] | None) -> bool:
    if len(unit.words) < RUN_PROSE_WORDS or not SENTENCE_END.search(unit.text):
        return False
    return stopwords is None or boilerplate.stop_density(unit, stopwords) >= RUN_STOP_DENSITY


def _extend_runs(
    units: list[Unit], probabilities: list[float], stopwords: frozenset[str] | None
) -> None:
    """A well-formed paragraph right next to the body, that the model doubted, is body.

    Articles come in runs: the last paragraph before the share buttons looks,
    to a model of single units, much like the teaser after them.
    """
    changed = True
    while changed:
        changed = False
        for i, unit in enumerate(units):
            if unit.kind != "dropped" or probabilities[i] < RUN_MIN_PROBABILITY:
                continue
            beside = [units[j] for j in (i - 1, i + 1) if 0 <= j < len(units)]
            if any(u.kind == "body" for u in beside) and _well_formed(unit, stopwords):
                unit.kind = "body"
                changed = True


def clean_dump(
    text: str,
    *,
    url: str | None = None,
    site_name: str | None = None,
    model: BlockModel | None = None,
) -> DumpResult:
    """Clean a text-browser dump into title, byline, date and body paragraphs."""
    return analyse_dump(text, url=url, site_name=site_name, model=model)[1]


def analyse_dump(
    text: str,
    *,
    url: str | None = None,
    site_name: str | None = None,
    model: BlockModel | None = None,
) -> tuple[list[Unit], DumpResult]:
    """The units with the kind each was given, and the result (for rule authors and tuning)."""
    model = model or shipped_model()
    units, language, found_captions = prepare_units(text)
    probabilities = classify_units(units, language, model)
    for unit, probability in zip(units, probabilities, strict=True):
        if unit.kind == "caption":
            continue
        if probability >= model.threshold:
            unit.kind = "body"
        else:
            unit.kind = "dropped" if probability > 0 else "junk"
    if not any(u.kind == "body" for u in units):
        _fallback_body(units, probabilities)
    else:
        _extend_runs(units, probabilities, stopwords_for(language))
    found_captions |= {
        u.text
        for u in units
        if u.kind in ("junk", "dropped") and u.words and boilerplate.is_caption(u)
    }
    captions.remove_embedded(units, found_captions)
    _drop_repeated(units)

    keys = site_keys(site_name, url)
    latin = language not in NON_LATIN and language is not None
    # the headline stands before the article's first real paragraph
    prose_idx = [u.index for u in units if u.kind == "body" and len(u.words) >= PROSE_WORDS]
    first_prose = prose_idx[0] if prose_idx else len(units)

    authors: list[str] = []
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    date_from: str | None = None
    title_candidates: list[Unit] = []
    for unit in units:
        if unit.kind not in ("junk", "dropped", "body") or not unit.words:
            continue
        if len(unit.words) > bylines.MAX_META_WORDS + 6:
            continue
        byline = parse_byline(unit)
        if byline is not None:
            unit.kind = "byline"
            names, when = byline
            if names and not authors:
                authors = names
            if when and published is None:
                published, date_from = when, "byline"
            continue
        dateline = parse_dateline(unit)
        if dateline is not None:
            unit.kind = "date"
            when, is_update = dateline
            if is_update:
                updated = updated or when
            elif published is None:
                published, date_from = when, "dateline"
            continue
        if (
            unit.index < first_prose
            and unit.kind in ("dropped", "body")
            and _title_like(unit, keys, latin)
        ):
            title_candidates.append(unit)
    title: str | None = None
    if title_candidates:
        # a site's name or a section label is shorter than the headline; the
        # headline stands close to the body
        chosen = max(title_candidates, key=lambda u: (len(u.words), -u.index))
        chosen.kind = "title"
        title = chosen.text
    if published is None and updated is not None:
        published, date_from = updated, "dateline"

    paragraphs = [
        u.text for u in units if u.kind == "body" and not (title and key(u.text) == key(title))
    ]
    return units, DumpResult(
        title=title,
        authors=authors,
        published_at=published,
        paragraphs=paragraphs,
        language=detect_language("\n".join(paragraphs)) or language,
        title_line=title is not None,
        dateline=date_from,
    )


def _drop_repeated(units: list[Unit]) -> None:
    """A unit printed again later (a pull quote, a repeated teaser) is kept once."""
    seen: set[str] = set()
    for unit in units:
        if unit.kind != "body" or len(unit.words) < MIN_REPEAT_WORDS:
            continue
        fingerprint = key(unit.text)
        if fingerprint in seen:
            unit.kind = "junk"
        seen.add(fingerprint)
