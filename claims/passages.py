"""“Find more evidence”: passages of any source that use a claim's words.

Functions over a source's text; ``selectors.claim_passages`` fetches the sources
(through ``sources.selectors.source_list``) and ranks what these return.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from sources.models import Source
from sources.text import stopwords
from sources.text.speakers import suggest_speaker

from .highlighting import escape_text, trimmed_span

# Words that say nothing about what a claim is about: function words, and the
# reporting verbs every claim and article is full of.
STOPWORDS = stopwords.ENGLISH | {"said", "says", "say", "claim", "claims"}
_WORD = re.compile(r"[\w\u2019'-]+")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*[\"\u201d\u2019']?")
MAX_SEARCH_WORDS = 4
MAX_PASSAGES = 20
MAX_SOURCES = 10
PASSAGES_PER_SOURCE = 3
MAX_PASSAGE_CHARS = 400


def significant_words(text: str, *, limit: int = MAX_SEARCH_WORDS) -> list[str]:
    """The claim's rarest-looking words (long, not stopwords), in its order:
    a few words, because the SQLite fallback requires every one of them."""
    words: list[str] = []
    for word in _WORD.findall(text.lower()):
        word = word.strip("\u2019'-")
        if len(word) > 2 and word not in STOPWORDS and word not in words:
            words.append(word)
    keep = set(sorted(words, key=len, reverse=True)[:limit])
    return [w for w in words if w in keep]


@dataclass
class Passage:
    source: Source
    start: int
    end: int
    exact: str
    snippet: SafeString
    score: int
    suggestion: str


def _word_pattern(words: Sequence[str]) -> re.Pattern[str]:
    # A word's start is enough: "vaccine" also finds "vaccines".
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)


def source_passages(
    source: Source, words: Sequence[str], taken: set[tuple[int, int]], *, min_score: int = 1
) -> list[Passage]:
    text = source.text
    pattern = _word_pattern(words)
    found = []
    for match in _SENTENCE.finditer(text):
        start, end = trimmed_span(text, match.start(), match.end())
        if end - start < 3 or any(s < end and start < e for s, e in taken):
            continue
        hits = list(pattern.finditer(text, start, end))
        score = len({h.group(0).lower() for h in hits})
        if score < min_score:
            continue
        if end - start > MAX_PASSAGE_CHARS:  # a window around the first hit, on word edges
            first = hits[0].start()
            left = max(start, first - 120)
            if left > start:
                space = text.find(" ", left, first)
                left = space + 1 if space != -1 else left
            right = min(end, left + MAX_PASSAGE_CHARS)
            if right < end:
                space = text.rfind(" ", first, right)
                right = space if space > first else right
            start, end = trimmed_span(text, left, right)
            hits = [h for h in hits if h.start() >= start and h.end() <= end]
        pieces, pos = [], start
        for hit in hits:
            pieces.append(escape_text(text[pos : hit.start()]))
            pieces.append(f'<b class="hit">{escape_text(hit.group(0))}</b>')
            pos = hit.end()
        pieces.append(escape_text(text[pos:end]))
        speaker = suggest_speaker(text, start, end).speaker
        found.append(
            Passage(
                source=source,
                start=start,
                end=end,
                exact=text[start:end],
                snippet=mark_safe("".join(pieces)),  # noqa: S308 - pieces are escaped
                score=score,
                suggestion=speaker or "",
            )
        )
    found.sort(key=lambda p: (-p.score, p.start))
    return found[:PASSAGES_PER_SOURCE]
