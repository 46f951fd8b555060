"""Bylines and datelines printed in a dump ("By Jane Doe | March 3, 2024")."""

from __future__ import annotations

import datetime as dt
import re

from sources.text.extraction import dates
from sources.text.extraction.metadata import ROLE_WORDS, clean_authors
from sources.text.extraction.normalize import normalize_line
from sources.text.extraction.units import WORD, Unit

_BYLINE = re.compile(
    r"^(?:(?:written|words|reporting|reported|story|text|posted)\s+by|by|author)\s*[.:]?\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_DATE_WORDS = re.compile(
    r"\b(?:published|updated|posted|last updated|first published|modified|date|on|at|"
    r"local time|utc|gmt|[ecmp][sd]t|bst|cet|cest|kst|ist|am|pm|mon|tue|wed|thu|fri|sat|sun|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
_NAME_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "da",
        "di",
        "du",
        "le",
        "la",
        "bin",
        "bint",
        "al",
        "el",
        "ibn",
        "st",
        "mc",
        "mac",
        "and",
        "y",
    ]
)
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w'\u2019.-]*|[A-Z]\.|\w+-\w+)$")

MAX_META_WORDS = 15


def looks_like_names(text: str) -> bool:
    text = re.sub(r"^the\s+", "", text.strip(" .,:;|-\u2013\u2014"), flags=re.IGNORECASE)
    tokens = [t for t in re.split(r"[\s,&;/]+", text) if t]
    if not tokens or len(tokens) > 12:
        return False
    name_tokens = [t for t in tokens if t.casefold() not in _NAME_PARTICLES]
    if not name_tokens:
        return False
    return all(_NAME_TOKEN.match(t) or t.isupper() for t in name_tokens)


def _without_date(text: str) -> tuple[str, dt.datetime | None]:
    found = dates.find_date(text)
    if not found:
        return text, None
    value, match = found
    rest = text[: match.start()] + " " + text[match.end() :]
    rest = _DATE_WORDS.sub(" ", rest)
    return normalize_line(rest.strip(" .,:;|-\u2013\u2014•")), value


def parse_byline(unit: Unit) -> tuple[list[str], dt.datetime | None] | None:
    if len(unit.words) > MAX_META_WORDS + 6:
        return None
    whole, when = _without_date(unit.text)
    text = re.split(r"\s+[|•·]\s+", whole)[0]
    match = _BYLINE.match(text)
    if match:
        rest = match["rest"].strip(" .,:;|-\u2013\u2014")
        if looks_like_names(rest):
            return clean_authors(rest), when
        return None
    # "Jane Doe, Senior Correspondent" / "Jane Doe | Reporter"
    parts = re.split(r"\s*[,|\u2013\u2014]\s*|\s+-\s+", whole, maxsplit=1)
    if len(parts) == 2 and looks_like_names(parts[0]) and len(parts[0].split()) <= 5:
        role = {w.casefold() for w in WORD.findall(parts[1])}
        if role and role & ROLE_WORDS and len(role) <= 5:
            return clean_authors(parts[0]), when
    return None


def parse_dateline(unit: Unit) -> tuple[dt.datetime, bool] | None:
    """A short unit that is just a date ("Published 12 March 2024 09:30")."""
    if len(unit.words) > 12:
        return None
    rest, when = _without_date(unit.text)
    if when is None or len(WORD.findall(rest)) > 2:
        return None
    updated = bool(re.search(r"\bupdated|modified\b", unit.text, re.IGNORECASE)) and not bool(
        re.search(r"\bpublished|posted\b", unit.text, re.IGNORECASE)
    )
    return when, updated
