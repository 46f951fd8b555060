"""The plain-text cleaner: a web page as a text browser prints it, made an article.

The dump is cut into units (paragraphs, re-joined when hard-wrapped; bullets,
menu entries), each unit is described by generic features (length, stop-word
density, sentence punctuation, code-likeness, link/menu shape, repetition,
boilerplate markers) and classified. The body is the run of well-formed
paragraphs; the title, byline and date are taken from the units around it and
kept out of the body.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from sources.text.extraction import dates
from sources.text.extraction.metadata import (
    ROLE_WORDS,
    clean_authors,
    guess_language,
    is_site_name,
    key,
    site_keys,
)
from sources.text.extraction.normalize import normalize_line, normalize_newlines
from sources.text.stopwords import for_language as stopwords_for_language

_WORD = re.compile(r"\w+(?:[-'\u2019]\w+)*")
_BULLET = re.compile(r"^(?:[*•·▪◦‣-]|\d{1,2}[.)])\s+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”\u2019)\]]*$|[\"”\u2019]$")
_CODE_CHARS = frozenset("{}();=[]<>$`\\|")
_CODE_TOKENS = re.compile(
    r"\b(?:function|var|let|const|return|typeof|null|undefined|window|document|"
    r"getElementById|getElementsByTagName|createElement|innerHTML|appendChild|"
    r"addEventListener|async|await|new Date|Math\.\w+)\b|=>|\(\)|\}\)|\{\s*\}|;\s*$|"
    r"[#.][\w-]+\s*\{|\w+\s*:\s*[^;]+;"
)

# A whole unit that is one of these is chrome, not prose.
_JUNK_UNIT = re.compile(
    r"^(?:advertisements?|advertising|ads?|sponsored(?: content)?|promoted(?: content)?|"
    r"paid (?:content|post)|partner content|"
    r"share(?: this)?(?: article| story| page| post)?(?: on \w+| via \w+| it on)?|share it|"
    r"tweet|e-?mail|print|facebook|twitter|x|whatsapp|linkedin|reddit|telegram|pinterest|"
    r"threads|bluesky|fb-messenger|messenger|copy link|copy url|copied|"
    r"\[(?:img|image|inline|iframe|video)\]|image|photo|video|gallery|audio|"
    r"listen(?: to (?:this )?(?:article|story))?(?: \d+ min(?:utes?)?)?|"
    r"\d+ min(?:ute)?s? read|save(?: article)?|bookmark|comments?|\d+ comments?|"
    r"menu|search|close|home|log ?in|log ?out|sign ?in|sign ?up|register|"
    r"subscribe(?: now| today| here)?|follow(?: us)?|loading|continue reading|read more|"
    r"see more|show more|load more|back to top|top|next|previous|prev|more|related|"
    r"(?:related|recommended|popular|latest|top) (?:articles|stories|news|posts|videos)|"
    r"most (?:read|popular|viewed|shared)|trending(?: now)?|breaking(?: news)?|"
    r"toggle (?:navigation|menu)|open menu|main menu|navigation|skip|"
    r"cookie settings|accept(?: all)?(?: cookies)?|manage preferences)$",
    re.IGNORECASE,
)
# A unit that starts like this is a promotion or a widget, wherever it is.
_JUNK_PREFIX = re.compile(
    r"^(?:trending(?: now)?(?: on [^:]{1,40})?:|also read:|read also:|read more:|"
    r"see also:|recommended(?: for you| reading)?:|related(?: article| story| coverage)?:|"
    r"watch(?: now)?:|listen(?: now)?:|sponsored:|don'?t miss:|must read:|editor'?s pick:|"
    r"advertisement\b|link:|sign up for\b|subscribe (?:to|for|and|now)\b|click here\b|"
    r"(?:download|get) (?:our|the) app\b|follow us on\b|join (?:us|our) on\b|"
    r"skip to\b|jump to\b|(?:quick|direct) access to\b)",
    re.IGNORECASE,
)
# Chrome that can hide inside a short unit.
_JUNK_CONTAINS = re.compile(
    r"skip to (?:main )?content|access to (?:main )?contents?|all rights reserved|"
    r"copyright\s*(?:©|\(c\)|\d{4})|©\s*\d{4}|profile image|author image|"
    r"terms of (?:use|service)|privacy policy|cookie policy|enable javascript|"
    r"your browser does not support|this (?:content|video) is not available",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?:\+?\d[\d ().-]{6,}\d|\*\d{3,})")
_CONTACT_WORDS = re.compile(
    r"\b(?:tel|telephone|phone|fax|call us|hotline|toll[- ]free|e-?mail|contact)\b", re.IGNORECASE
)
# Where the article ends and the page's furniture begins.
_TAIL_STRONG = re.compile(
    r"^(?:related (?:tags|topics|articles|stories|coverage|content|posts|links|reading)|"
    r"tags?:|topics?:|filed under\b|most (?:read|popular|viewed|shared|commented)\b|"
    r"more (?:on|from|in) [^:]{1,40}(?::|$)|more stories\b|read next\b|what to read next|"
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested)|about the author\b|"
    r"stay informed\b|share (?:it|this)(?: article| story)? on\b|leave a (?:comment|reply)\b|"
    r"(?:hot|top|latest|popular) (?:opinion|stories|news|articles)\b|editor'?s picks\b|"
    r"recommended (?:for you|stories|articles)\b)",
    re.IGNORECASE,
)
_CREDIT_PAREN = re.compile(
    r"\((?:@[^()]*|[^()]*\b(?:photo|photograph|image|picture|credit|courtesy|getty|"
    r"handout|file|screenshot|screengrab|twitter|instagram)\b[^()]*)\)\s*\.?$",
    re.IGNORECASE,
)
_CREDIT_TAIL = re.compile(
    r"(?:photo(?:graph)?|image|picture|credit|illustration|pictured)s?\s*(?:=|:|by\b)\s*"
    r"[^.!?]{2,80}$",
    re.IGNORECASE,
)
_CAPTION_START = re.compile(
    r"^(?:photo|image|picture|caption|pictured|above|top|file photo)\s*[:=]", re.IGNORECASE
)
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

MIN_GOOD_WORDS = 5
LONG_UNIT_WORDS = 40
MIN_REPEAT_WORDS = 6
MAX_TITLE_WORDS = 25
MAX_META_WORDS = 15


@dataclass
class Unit:
    text: str
    index: int
    bullet: bool = False
    kind: str = "neutral"  # good | neutral | junk | caption | title | byline | date
    words: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.words = _WORD.findall(self.text)


@dataclass
class DumpResult:
    title: str | None
    authors: list[str]
    published_at: dt.datetime | None
    paragraphs: list[str]
    language: str | None


# --- units -----------------------------------------------------------------


def _wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped dump was wrapped at, or None for one line per paragraph."""
    lengths = sorted(len(line) for line in lines if len(line.strip()) >= 30)
    if len(lengths) < 5:
        return None
    p90 = lengths[int(len(lengths) * 0.9) - 1]
    if p90 > 110:
        return None
    return lengths[int(len(lengths) * 0.95) - 1]


def _join(previous: str, line: str) -> str:
    if re.search(r"\w-$", previous) and line[:1].islower():
        return previous + line  # "rocket-" + "propelled": the hyphen is the writer's
    return f"{previous} {line}"


def split_units(text: str) -> list[Unit]:
    """Cut the dump into units: blank-line blocks, unwrapped; bullets and short lines apart."""
    raw_lines = [
        unicodedata.normalize("NFC", line.expandtabs(4)).rstrip()
        for line in normalize_newlines(text).split("\n")
    ]
    width = _wrap_width(raw_lines)
    pieces: list[tuple[str, bool]] = []
    current: str | None = None
    current_bullet = False
    previous_raw = ""
    for raw in raw_lines:
        line = normalize_line(raw)
        if not line:
            if current is not None:
                pieces.append((current, current_bullet))
            current, previous_raw = None, ""
            continue
        bullet = bool(_BULLET.match(line))
        continues = (
            current is not None
            and width is not None
            and not bullet
            and len(previous_raw) + 1 + len(line.split()[0]) > width - 3
        )
        if continues and current is not None:
            current = _join(current, line)
        else:
            if current is not None:
                pieces.append((current, current_bullet))
            current, current_bullet = line, bullet
        previous_raw = raw
    if current is not None:
        pieces.append((current, current_bullet))
    units = []
    for text_, bullet in pieces:
        clean = _BULLET.sub("", text_) if bullet else text_
        if clean.strip():
            units.append(Unit(text=clean.strip(), index=len(units), bullet=bullet))
    return units


# --- features ----------------------------------------------------------------


def _stop_density(unit: Unit, stopwords: frozenset[str]) -> float:
    if not unit.words:
        return 0.0
    return sum(w.casefold() in stopwords for w in unit.words) / len(unit.words)


def _is_code(text: str) -> bool:
    if not text:
        return False
    code_chars = sum(ch in _CODE_CHARS for ch in text)
    tokens = len(_CODE_TOKENS.findall(text))
    ratio = code_chars / len(text)
    return ratio > 0.06 or (tokens >= 3 and ratio > 0.02) or tokens >= 6


def _is_menu(unit: Unit, stop_density: float, language_known: bool) -> bool:
    """Many capitalised words, no sentence: a navigation bar or a tag list."""
    words = unit.words
    if len(words) < 5 or _SENTENCE_END.search(unit.text):
        return False
    capitalised = sum(w[:1].isupper() or w[:1].isdigit() for w in words) / len(words)
    if language_known:
        return (len(words) > MAX_TITLE_WORDS and stop_density < 0.12) or (
            capitalised > 0.85 and (stop_density == 0 or (len(words) >= 8 and stop_density < 0.1))
        )
    return len(words) > MAX_TITLE_WORDS and capitalised > 0.6


def _is_contact_footer(unit: Unit) -> bool:
    return (
        len(unit.words) < 80
        and bool(_PHONE.search(unit.text))
        and bool(_CONTACT_WORDS.search(unit.text))
    )


_EDGE_MARKER = re.compile(
    r"(?:(?<=[.!?\"”\u2019])\s+(?:Advertisement|ADVERTISEMENT|Sponsored|SPONSORED|"
    r"Story continues below(?: advertisement)?)\s*$)|"
    r"(?:^(?:Advertisement|ADVERTISEMENT)\s+(?=[A-Z“\"]))"
)


def strip_edge_markers(unit: Unit) -> None:
    """'... sources concur. Advertisement': a marker glued to a paragraph by unwrapping."""
    cleaned = _EDGE_MARKER.sub("", unit.text).strip()
    if cleaned != unit.text:
        unit.text = cleaned
        unit.words = _WORD.findall(cleaned)


def is_junk(unit: Unit) -> bool:
    bare = unit.text.strip(" .:|>»•*-\u2013\u2014")
    if _JUNK_UNIT.match(bare) or _JUNK_PREFIX.match(bare):
        return True
    return len(unit.words) < 30 and bool(_JUNK_CONTAINS.search(unit.text))


def _is_caption(unit: Unit) -> bool:
    if len(unit.words) > 100:
        return False
    text = unit.text
    return bool(
        _CREDIT_PAREN.search(text) or _CREDIT_TAIL.search(text) or _CAPTION_START.match(text)
    )


# --- repetition --------------------------------------------------------------


def _doubled_spans(words: list[str]) -> list[tuple[int, int]]:
    """Word ranges [i, j) made of one sequence printed twice in a row (a caption)."""
    folded = [w.casefold() for w in words]
    positions: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in range(len(folded) - MIN_REPEAT_WORDS + 1):
        positions[tuple(folded[i : i + MIN_REPEAT_WORDS])].append(i)
    spans: list[tuple[int, int]] = []
    i = 0
    while i <= len(folded) - 2 * MIN_REPEAT_WORDS:
        found = None
        for j in positions.get(tuple(folded[i : i + MIN_REPEAT_WORDS]), ()):
            length = j - i
            if length >= MIN_REPEAT_WORDS and folded[i:j] == folded[j : j + length]:
                found = (i, j + length)
                break
        if found:
            spans.append(found)
            i = found[1]
        else:
            i += 1
    return spans


def _remove_word_span(text: str, words: list[str], span: tuple[int, int]) -> tuple[str, str]:
    """Cut the characters covering words[span] out of text; return (rest, removed)."""
    matches = list(_WORD.finditer(text))
    if len(matches) != len(words):
        return text, ""
    start = matches[span[0]].start()
    end = matches[span[1] - 1].end()
    # take the closing bracket / full stop of the caption's credit with it
    while end < len(text) and text[end] in ")].”\"'":
        end += 1
    # and an opening bracket right before it
    while start > 0 and text[start - 1] in '([“"':
        start -= 1
    removed = text[start:end]
    rest = (text[:start].rstrip() + " " + text[end:].lstrip()).strip()
    return rest, removed


def _strip_doubled(units: list[Unit]) -> set[str]:
    """Remove captions printed twice in a row; return the caption texts."""
    captions: set[str] = set()
    for unit in units:
        if len(unit.words) < 2 * MIN_REPEAT_WORDS:
            continue
        for span in reversed(_doubled_spans(unit.words)):
            half = span[0] + (span[1] - span[0]) // 2
            rest, removed = _remove_word_span(unit.text, unit.words, span)
            if removed:
                first = " ".join(unit.words[span[0] : half])
                captions.add(first)
                unit.text = rest
                unit.words = _WORD.findall(rest)
        if not unit.words:
            unit.kind = "caption"
    return captions


def _remove_embedded(units: list[Unit], captions: set[str]) -> None:
    """Take a caption's copy out of the paragraph it was printed into."""
    for caption in captions:
        caption_words = [w.casefold() for w in _WORD.findall(caption)]
        size = len(caption_words)
        if size < MIN_REPEAT_WORDS:
            continue
        for unit in units:
            if unit.kind == "caption" or len(unit.words) <= size:
                continue
            folded = [w.casefold() for w in unit.words]
            for i in range(len(folded) - size + 1):
                if folded[i : i + size] == caption_words:
                    rest, removed = _remove_word_span(unit.text, unit.words, (i, i + size))
                    if removed:
                        unit.text = rest
                        unit.words = _WORD.findall(rest)
                    break


# --- bylines and dates --------------------------------------------------------


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
    text, when = _without_date(unit.text)
    text = re.split(r"\s+[|•·]\s+", text)[0]
    match = _BYLINE.match(text)
    if match:
        rest = match["rest"].strip(" .,:;|-\u2013\u2014")
        if looks_like_names(rest):
            return clean_authors(rest), when
        return None
    # "Jane Doe, Senior Correspondent" / "Jane Doe | Reporter"
    parts = re.split(r"\s*[,|\u2013\u2014]\s*|\s+-\s+", text, maxsplit=1)
    if len(parts) == 2 and looks_like_names(parts[0]) and len(parts[0].split()) <= 5:
        role = {w.casefold() for w in _WORD.findall(parts[1])}
        if role and role & ROLE_WORDS and len(role) <= 5:
            return clean_authors(parts[0]), when
    return None


def parse_dateline(unit: Unit) -> tuple[dt.datetime, bool] | None:
    """A short unit that is just a date ("Published 12 March 2024 09:30")."""
    if len(unit.words) > 12:
        return None
    rest, when = _without_date(unit.text)
    if when is None or len(_WORD.findall(rest)) > 2:
        return None
    updated = bool(re.search(r"\bupdated|modified\b", unit.text, re.IGNORECASE)) and not bool(
        re.search(r"\bpublished|posted\b", unit.text, re.IGNORECASE)
    )
    return when, updated


# --- classification ----------------------------------------------------------


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


def _classify(units: list[Unit], stopwords: frozenset[str] | None) -> None:
    for unit in units:
        if unit.kind != "neutral":
            continue
        if not unit.words or _is_code(unit.text) or is_junk(unit) or _is_contact_footer(unit):
            unit.kind = "junk"
            continue
        if _is_caption(unit):
            unit.kind = "caption"
            continue
        density = _stop_density(unit, stopwords) if stopwords else 0.0
        if _is_menu(unit, density, stopwords is not None):
            unit.kind = "junk"
            continue
        sentence = bool(_SENTENCE_END.search(unit.text))
        prose = density >= 0.15 if stopwords else True
        if prose and (
            (sentence and len(unit.words) >= MIN_GOOD_WORDS) or len(unit.words) >= LONG_UNIT_WORDS
        ):
            unit.kind = "good"


def _tail_start(units: list[Unit]) -> int:
    """Index of the first unit of the page furniture after the article, or len(units)."""
    good_words = [len(u.words) if u.kind == "good" else 0 for u in units]
    total = sum(good_words)
    seen = 0
    for unit, words in zip(units, good_words, strict=True):
        bare = unit.text.strip(" .:|>»•*-\u2013\u2014")
        if seen >= total * 0.5 and total and _TAIL_STRONG.match(bare):
            return unit.index
        seen += words
    return len(units)


def clean_dump(text: str, *, url: str | None = None, site_name: str | None = None) -> DumpResult:
    """Clean a text-browser dump into title, byline, date and body paragraphs."""
    return analyse_dump(text, url=url, site_name=site_name)[1]


def analyse_dump(
    text: str, *, url: str | None = None, site_name: str | None = None
) -> tuple[list[Unit], DumpResult]:
    """The units with the kind each was given, and the result (for rule authors and tuning)."""
    units = split_units(text)
    for unit in units:
        strip_edge_markers(unit)
    keys = site_keys(site_name, url)
    language = guess_language(" ".join(u.text for u in units))
    stopwords = stopwords_for_language(language)
    latin = language not in (None, "ko", "ja", "zh", "he", "ar", "el", "th", "ru")

    captions = _strip_doubled(units)
    _classify(units, stopwords)
    captions |= {u.text for u in units if u.kind == "caption" and u.words}
    _remove_embedded(units, captions)
    _drop_repeated(units)

    tail = _tail_start(units)
    kept = units[:tail]
    goods = [u.index for u in kept if u.kind == "good"]
    first_good = goods[0] if goods else len(kept)
    last_good = goods[-1] if goods else -1

    authors: list[str] = []
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    title: str | None = None
    title_candidates: list[Unit] = []
    for unit in kept:
        if unit.kind in ("junk", "caption"):
            continue
        byline = parse_byline(unit)
        if byline is not None:
            unit.kind = "byline"
            names, when = byline
            if names and not authors:
                authors = names
            if when and published is None:
                published = when
            continue
        dateline = parse_dateline(unit)
        if dateline is not None:
            unit.kind = "date"
            when, is_update = dateline
            if is_update:
                updated = updated or when
            elif published is None:
                published = when
            continue
        if unit.index < first_good and unit.kind == "neutral" and _title_like(unit, keys, latin):
            title_candidates.append(unit)
    if title_candidates:
        # a site's name or a section label is shorter than the headline
        chosen = max(title_candidates, key=lambda u: (len(u.words), -u.index))
        chosen.kind = "title"
        title = chosen.text

    paragraphs: list[str] = []
    for unit in kept:
        if unit.kind == "good" or (unit.kind == "neutral" and first_good < unit.index < last_good):
            if title and key(unit.text) == key(title):
                continue
            paragraphs.append(unit.text)
    for unit in units[tail:]:
        unit.kind = "tail"
    for unit in kept:
        if unit.kind in ("good", "neutral") and unit.text not in paragraphs:
            unit.kind = "dropped"
    return units, DumpResult(
        title=title,
        authors=authors,
        published_at=published or updated,
        paragraphs=paragraphs,
        language=guess_language("\n".join(paragraphs)) or language,
    )


def _drop_repeated(units: list[Unit]) -> None:
    """A unit printed again later (a pull quote, a repeated teaser) is kept once."""
    seen: set[str] = set()
    for unit in units:
        if unit.kind in ("junk", "caption") or len(unit.words) < MIN_REPEAT_WORDS:
            continue
        fingerprint = key(unit.text)
        if fingerprint in seen:
            unit.kind = "junk"
        seen.add(fingerprint)
