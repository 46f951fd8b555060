"""Quote anchoring: find the analyst's words again after a source's text changed.

An excerpt keeps the analyst's *selection* (the exact words, ~32 characters of
context on each side, and where it was) and its current *position*
(``start``/``end`` str indices, end exclusive). When extraction rules change
and a source's clean text is rebuilt, every excerpt is re-anchored from its
selection (never from the last result, so repeated re-parses cannot drift):

``anchored``
    the selected words, unchanged, at the same offset, context intact;
``relocated``
    the same words (up to whitespace and Unicode normalisation, see
    :func:`same_words`) at another place that the evidence supports: the
    context agrees, or it is the only occurrence of a quote long enough not to
    occur by chance;
``changed``
    the selected words are no longer in the text, but a close match sits where
    the context says the quote was. The quote points at that match, which
    differs in wording (a word, a digit, a name, a negation, case), and waits
    for a person: nothing "close enough" is ever passed off as the same words;
``orphaned``
    nothing close enough, or the closest match sits in unrelated context. The
    quote keeps its last position, which no longer means anything.

Everything here is a pure function over strings (no ORM, no Django) so it can be
tested exhaustively and benchmarked (``python -m bench anchoring``). Errors are
``AnchoringError`` (:mod:`sources.text.errors`); services turn them into the
application's error.
"""

from __future__ import annotations

import bisect
import enum
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq, Levenshtein

from sources.text.errors import AnchoringError

CONTEXT_CHARS = 32

# Weights of the match score, as in Hypothesis' match-quote.js: the quote
# matters most, its context next, the position only breaks ties.
_QUOTE_WEIGHT = 50.0
_PREFIX_WEIGHT = 20.0
_SUFFIX_WEIGHT = 20.0
_POSITION_WEIGHT = 2.0
_TOTAL_WEIGHT = _QUOTE_WEIGHT + _PREFIX_WEIGHT + _SUFFIX_WEIGHT + _POSITION_WEIGHT

# Context "agrees" when one side keeps at least this much of the selection's
# context (``_context_similarity``; unrelated prose scores about 0.4-0.55).
AGREEING_CONTEXT = 0.7
# A quote at least this long (normalised characters) that occurs exactly once
# is taken to be the analyst's quote wherever it is: text does not repeat 40
# characters by chance.
UNIQUE_QUOTE_CHARS = 40
# A fuzzy match is only considered above this overall score.
_MIN_FUZZY_SCORE = 0.6
# Verbatim candidates scoring below this are also compared with fuzzy ones
# (their context disagrees, so an edited quote with intact context may be the
# analyst's place, and the right answer is then ``changed``).
_CONFIDENT_SCORE = 0.9
# Verbatim occurrences whose quote+context score is within this of the best
# are indistinguishable (a few characters of context); position decides.
_TIE_MARGIN = 0.05
# A fuzzy match replaces a verbatim occurrence only when clearly better.
_FUZZY_OVER_VERBATIM = 0.05
# How many windows we align in detail per quote, and how many hits of one probe
# string we consider (the nearest to the old offset).
_MAX_FUZZY_WINDOWS = 4
_MAX_PROBE_HITS = 8
_PROBE_CHARS = 16
# Boundary refinement: context disagreement counts this much per character
# against quote disagreement, so context only breaks ties between boundaries.
_CONTEXT_TIEBREAK = 0.25
_REFINE_STEP = 4
_REFINE_ROUNDS = 8
_LONG_QUOTE = 64


class AnchorState(enum.StrEnum):
    ANCHORED = "anchored"
    RELOCATED = "relocated"
    CHANGED = "changed"
    ORPHANED = "orphaned"


#: States in which the quote shows the analyst's words.
SAME_WORDS_STATES = frozenset({AnchorState.ANCHORED, AnchorState.RELOCATED})


@dataclass(frozen=True)
class Quote:
    """A span of a text: ``text[start:end] == exact``, with its context."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class Anchor:
    """The result of re-anchoring a selection.

    For ``ORPHANED`` the quote is the one given, unchanged, and ``score`` is 0.
    Otherwise ``quote`` describes the span in the new text and ``score`` (0..1)
    says how well quote, context and position agree. For ``ANCHORED`` and
    ``RELOCATED``, ``same_words(anchor.quote.exact, selection.exact)`` holds;
    for ``CHANGED`` it does not.
    """

    state: AnchorState
    quote: Quote
    score: float


_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
    }
)


def normalize_words(text: str) -> str:
    """The words of ``text`` as compared for "the same words": Unicode NFKC,
    typographic quotes, apostrophes and dashes as their ASCII forms, invisible
    characters dropped, every run of whitespace as one space, no outer
    whitespace. Letters, digits, case and every other mark are kept."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).split())


def same_words(a: str, b: str) -> bool:
    """Whether two quotes say the same words (see :func:`normalize_words`)."""
    return a == b or normalize_words(a) == normalize_words(b)


def quote_at(text: str, start: int, end: int, *, context: int = CONTEXT_CHARS) -> Quote:
    """The quote for ``text[start:end]`` with up to ``context`` characters each side."""
    if not 0 <= start <= end <= len(text):
        raise AnchoringError(
            f"The span {start}..{end} lies outside the source text ({len(text)} characters).",
            code="quote_out_of_range",
        )
    return Quote(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
        start=start,
        end=end,
    )


def locate_quote(text: str, exact: str, *, start: int | None = None) -> Quote:
    """Find ``exact`` in ``text`` to link it as evidence.

    ``start`` picks one occurrence when the quote occurs several times. When the
    exact string is absent but occurs with different whitespace (browser
    selections turn paragraph breaks into one newline or a space), the quote is
    the text's own substring.
    """
    if not exact or not exact.strip():
        raise AnchoringError("The quote is empty.", code="quote_empty")

    if start is not None:
        if start >= 0 and text.startswith(exact, start):
            return quote_at(text, start, start + len(exact))
        pattern = _whitespace_pattern(exact)
        if start >= 0 and pattern is not None:
            match = pattern.match(text, start)
            if match is not None:
                return quote_at(text, match.start(), match.end())
        raise AnchoringError(
            f"The quote does not occur at position {start} of the source text.",
            code="quote_start_mismatch",
        )

    spans = [(s, s + len(exact)) for s in _find_all(text, exact)]
    if not spans:
        pattern = _whitespace_pattern(exact)
        if pattern is not None:
            spans = [(m.start(), m.end()) for m in pattern.finditer(text)]
    if not spans:
        raise AnchoringError("The quote does not occur in the source text.", code="quote_not_found")
    if len(spans) > 1:
        starts = [s for s, _ in spans]
        raise AnchoringError(
            f"The quote occurs {len(starts)} times in the source text; "
            "give `start` to say which one.",
            code="quote_ambiguous",
            extra={"occurrences": starts[:100], "occurrence_count": len(starts)},
        )
    return quote_at(text, *spans[0])


def reanchor(selection: Quote, new_text: str) -> Anchor:
    """Re-anchor one selection in ``new_text``.

    ``selection`` holds the analyst's words and context; its ``start`` is where
    the quote was last (a hint: position only breaks ties).
    """
    return _Anchorer(new_text).reanchor(selection, expected_start=selection.start).anchor


def reanchor_all(selections: Sequence[Quote], new_text: str) -> list[Anchor]:
    """Re-anchor every selection of a source in its new text.

    Besides sharing probe lookups, the quotes help each other: when a quote
    occurs several times with equally good context (repeated boilerplate), the
    occurrence is the one that moved like its neighbours (the quotes just
    before and after it that occur only once); if that does not single out one
    occurrence, the quote is orphaned rather than guessed.
    """
    anchorer = _Anchorer(new_text)
    results = [anchorer.reanchor(q, expected_start=q.start) for q in selections]
    # Only quotes that occur once are trusted to tell how the text moved.
    shifts = sorted(
        (quote.start, result.anchor.quote.start - quote.start)
        for quote, result in zip(selections, results, strict=True)
        if result.unique
    )
    anchors = []
    for quote, result in zip(selections, results, strict=True):
        anchor = result.anchor
        if result.ambiguous and shifts:
            moves = [quote.start + shift for shift in _neighbour_shifts(shifts, quote.start)]
            anchor = anchorer.reanchor(
                quote, expected_start=quote.start, expected_range=(min(moves), max(moves))
            ).anchor
        anchors.append(anchor)
    return anchors


def _neighbour_shifts(shifts: list[tuple[int, int]], old_start: int) -> list[int]:
    """How far the nearest trusted quotes before and after ``old_start`` moved."""
    i = bisect.bisect_left(shifts, (old_start, -sys.maxsize))
    return [shift for _, shift in shifts[max(0, i - 1) : i + 1]]


# --- internals ---------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    anchor: Anchor
    # The quote occurs verbatim exactly once: its move is evidence of how the
    # text around it moved.
    unique: bool = False
    # Several verbatim occurrences with indistinguishable context: the
    # expected position decided (or, lacking a clear nearest one, orphaned).
    ambiguous: bool = False


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    quote_score: float
    prefix_score: float
    suffix_score: float
    score: float
    content_score: float  # the score without the position term

    @property
    def context_score(self) -> float:
        return max(self.prefix_score, self.suffix_score)

    @property
    def context_agrees(self) -> bool:
        return self.context_score >= AGREEING_CONTEXT


def _find_all(text: str, needle: str, *, limit: int | None = None) -> list[int]:
    """Start offsets of every (possibly overlapping) occurrence of ``needle``."""
    found: list[int] = []
    i = text.find(needle)
    while i != -1:
        found.append(i)
        if limit is not None and len(found) >= limit:
            break
        i = text.find(needle, i + 1)
    return found


def _whitespace_pattern(exact: str) -> re.Pattern[str] | None:
    """A regex matching ``exact`` with any run of whitespace for each run in it."""
    words = exact.split()
    if not words or not any(char.isspace() for char in exact):
        return None
    lead = r"\s+" if exact[0].isspace() else ""
    trail = r"\s+" if exact[-1].isspace() else ""
    return re.compile(lead + r"\s+".join(re.escape(word) for word in words) + trail)


def _context_similarity(old: str, new: str) -> float:
    """How much of the old context survives in the new one (0..1).

    The longest common subsequence counts kept characters once, so a dropped
    junk line next to a quote costs what it removed, not twice (as Levenshtein
    over equal-length windows would). Where the new window is cut short by the
    edge of the text, the missing characters count as much as unrelated text
    would (about 0.4: unrelated prose shares that much as a subsequence).
    """
    kept = LCSseq.similarity(old, new)
    missing = max(0, len(old) - len(new))
    return (kept + 0.4 * missing) / len(old)


def _min_quote_similarity(length: int) -> float:
    # Short quotes resemble other short strings by chance: the closest match
    # must be closer for them. A match is only ``changed`` (never the same
    # words) and needs agreeing context on top, so these can be generous.
    if length < 20:
        return 0.75
    if length < 40:
        return 0.7
    return 0.6


class _Anchorer:
    """Re-anchors quotes in one text; memoises probe lookups across quotes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._hits: dict[str, list[int]] = {}
        self._collapsed: str | None = None

    def _may_occur_respaced(self, exact: str) -> bool:
        """Cheap test before the whitespace-tolerant regex scans the text: the
        words, whitespace collapsed, must occur in the collapsed text."""
        if self._collapsed is None:
            self._collapsed = " ".join(self.text.split())
        return " ".join(exact.split()) in self._collapsed

    # scoring

    def _context_scores(self, quote: Quote, start: int, end: int) -> tuple[float, float]:
        text = self.text
        if quote.prefix:
            before = text[max(0, start - len(quote.prefix)) : start]
            prefix_score = _context_similarity(quote.prefix, before)
        else:
            # The quote began the text: no evidence either way unless it still does.
            prefix_score = 1.0 if start == 0 else 0.5
        if quote.suffix:
            after = text[end : end + len(quote.suffix)]
            suffix_score = _context_similarity(quote.suffix, after)
        else:
            suffix_score = 1.0 if end == len(text) else 0.5
        return prefix_score, suffix_score

    def _candidate(self, quote: Quote, start: int, end: int, quote_score: float) -> _Candidate:
        prefix_score, suffix_score = self._context_scores(quote, start, end)
        position_score = max(0.0, 1.0 - abs(start - quote.start) / max(len(self.text), 1))
        content = (
            _QUOTE_WEIGHT * quote_score
            + _PREFIX_WEIGHT * prefix_score
            + _SUFFIX_WEIGHT * suffix_score
        )
        score = (content + _POSITION_WEIGHT * position_score) / _TOTAL_WEIGHT
        content_score = content / (_TOTAL_WEIGHT - _POSITION_WEIGHT)
        return _Candidate(start, end, quote_score, prefix_score, suffix_score, score, content_score)

    # stages

    def reanchor(
        self,
        quote: Quote,
        *,
        expected_start: int,
        expected_range: tuple[int, int] | None = None,
    ) -> _Outcome:
        """Re-anchor ``quote`` (the analyst's selection).

        Same-words occurrences that context cannot tell apart are decided by
        ``expected_range`` when given (exactly one occurrence must start in
        it), else by nearness to ``expected_start``.
        """
        exact = quote.exact
        if not exact.strip():
            return _Outcome(self._orphan(quote))

        # Fast path: unchanged at the old offset with its context intact.
        if quote.start >= 0 and self.text.startswith(exact, quote.start):
            here = self._candidate(quote, quote.start, quote.start + len(exact), 1.0)
            if here.prefix_score >= 0.9 and here.suffix_score >= 0.9:
                return _Outcome(self._same_words(quote, here), unique=True)

        best, ambiguous, unique = self._best_verbatim(quote, expected_start, expected_range)
        if ambiguous and best is None:
            # Identical words, indistinguishable context, no clear nearest one:
            # guessing could put the evidence on the wrong paragraph.
            return _Outcome(self._orphan(quote), ambiguous=True)
        if best is None or best.score < _CONFIDENT_SCORE:
            fuzzy = self._best_fuzzy(quote)
            if fuzzy is not None and (
                best is None
                or (
                    fuzzy.score > best.score + _FUZZY_OVER_VERBATIM
                    and (fuzzy.end <= best.start or best.end <= fuzzy.start)
                )
            ):
                return _Outcome(self._classify_fuzzy(quote, fuzzy))
        if best is None:
            return _Outcome(self._orphan(quote))
        return _Outcome(self._same_words(quote, best), unique=unique, ambiguous=ambiguous)

    def _orphan(self, quote: Quote) -> Anchor:
        return Anchor(AnchorState.ORPHANED, quote, 0.0)

    def _same_words(self, quote: Quote, best: _Candidate) -> Anchor:
        new_quote = quote_at(self.text, best.start, best.end)
        unchanged = best.start == quote.start and new_quote.exact == quote.exact
        state = AnchorState.ANCHORED if unchanged else AnchorState.RELOCATED
        return Anchor(state, new_quote, round(best.score, 4))

    def _classify_fuzzy(self, quote: Quote, candidate: _Candidate) -> Anchor:
        """The closest match: the same words after normalisation (typographic
        quotes, say) where the context agrees is the quote, relocated; other
        words where the context agrees are ``changed``; anything in unrelated
        context is not the analyst's quote at all."""
        if not candidate.context_agrees:
            return self._orphan(quote)
        new_quote = quote_at(self.text, candidate.start, candidate.end)
        if same_words(new_quote.exact, quote.exact):
            return Anchor(AnchorState.RELOCATED, new_quote, round(candidate.score, 4))
        return Anchor(AnchorState.CHANGED, new_quote, round(candidate.score, 4))

    def _best_verbatim(
        self, quote: Quote, expected_start: int, expected_range: tuple[int, int] | None
    ) -> tuple[_Candidate | None, bool, bool]:
        """Best supported occurrence of the exact quote, or of its words with
        other whitespace.

        An occurrence is supported when its context agrees, or when it is the
        only one of a quote long enough not to occur by chance. One with
        different whitespace is preferred to a verbatim one only when its
        context is clearly better.
        """
        exact = quote.exact
        starts = _find_all(self.text, exact)
        verbatim = [self._candidate(quote, s, s + len(exact), 1.0) for s in starts]
        best_verbatim = max((c.content_score for c in verbatim), default=0.0)
        respaced: list[_Candidate] = []
        # Only search for re-spaced occurrences when one could win.
        pattern = (
            _whitespace_pattern(exact)
            if best_verbatim < 1 - _TIE_MARGIN and self._may_occur_respaced(exact)
            else None
        )
        if pattern is not None:
            for match in pattern.finditer(self.text):
                i = bisect.bisect_left(starts, match.start())
                # Skip the verbatim occurrences themselves (possibly with more
                # surrounding whitespace matched).
                if i < len(starts) and starts[i] < match.end():
                    continue
                if i > 0 and starts[i - 1] + len(exact) > match.start():
                    continue
                # Same words, only whitespace differs: nearly as good as exact.
                respaced.append(self._candidate(quote, match.start(), match.end(), 0.99))
        only_one = len(verbatim) + len(respaced) == 1
        long_enough = len(normalize_words(exact)) >= UNIQUE_QUOTE_CHARS
        if not (only_one and long_enough):
            verbatim = [c for c in verbatim if c.context_agrees]
            respaced = [c for c in respaced if c.context_agrees]
        best_verbatim = max((c.content_score for c in verbatim), default=0.0)
        if verbatim:
            clearly_better = [c for c in respaced if c.content_score > best_verbatim + _TIE_MARGIN]
            pool = clearly_better or verbatim
        else:
            pool = respaced
        if not pool:
            return None, False, False
        if len(starts) == 1 and pool == verbatim:
            return pool[0], False, True
        top = max(c.content_score for c in pool)
        tied = [c for c in pool if c.content_score >= top - _TIE_MARGIN]
        if len(tied) > 1 and expected_range is not None:
            lo, hi = expected_range
            inside = [c for c in tied if lo <= c.start <= hi]
            return (inside[0] if len(inside) == 1 else None), True, False
        tied.sort(key=lambda c: (abs(c.start - expected_start), -c.content_score))
        if len(tied) > 1:
            # Nearest wins only when clearly nearer than the runner-up.
            nearest = abs(tied[0].start - expected_start)
            runner_up = abs(tied[1].start - expected_start)
            if runner_up < 2 * nearest:
                return None, True, False
            return tied[0], True, False
        return tied[0], False, False

    def _best_fuzzy(self, quote: Quote) -> _Candidate | None:
        """Closest approximate match near where the quote, its context or
        pieces of it are found; the whole text is searched only if that fails."""
        if not self.text:
            return None
        min_similarity = _min_quote_similarity(len(quote.exact))
        # Most edits leave the quote where it was: look there before probing.
        here = min(max(quote.start, 0), len(self.text))
        best = self._best_in_windows(quote, [here], min_similarity)
        if best is not None and best.score >= _CONFIDENT_SCORE:
            return best
        best = self._best_in_windows(quote, self._local_seeds(quote), min_similarity)
        if best is None or best.score < _CONFIDENT_SCORE:
            overall = fuzz.partial_ratio_alignment(
                quote.exact, self.text, score_cutoff=min_similarity * 100 - 5
            )
            if overall is not None:
                seed = overall.dest_start - overall.src_start
                other = self._best_in_windows(quote, [seed], min_similarity)
                if other is not None and (best is None or other.score > best.score):
                    best = other
        return best

    def _best_in_windows(
        self, quote: Quote, seeds: list[int], min_similarity: float
    ) -> _Candidate | None:
        exact, text = quote.exact, self.text
        length = len(exact)
        slack = max(16, length // 4)
        # Screen each window cheaply (the best substring's indel similarity is
        # about the Levenshtein similarity we require, or above), keep a few.
        screened: list[tuple[float, int, int]] = []
        for seed in seeds:
            lo = max(0, seed - slack)
            hi = min(len(text), seed + length + slack)
            if hi <= lo:
                continue
            alignment = fuzz.partial_ratio_alignment(
                exact, text[lo:hi], score_cutoff=min_similarity * 100 - 5
            )
            if alignment is not None:
                screened.append((alignment.score, lo, hi))
        screened.sort(reverse=True)

        best: _Candidate | None = None
        done: set[tuple[int, int]] = set()
        for _, lo, hi in screened[:_MAX_FUZZY_WINDOWS]:
            start, end = self._align(quote, lo, hi)
            if (start, end) in done or end <= start:
                continue
            done.add((start, end))
            span = text[start:end]
            if not span.strip():
                continue
            similarity = Levenshtein.normalized_similarity(exact, span)
            if similarity < min_similarity:
                continue
            candidate = self._candidate(quote, start, end, similarity)
            if candidate.score < _MIN_FUZZY_SCORE:
                continue
            if best is None or candidate.score > best.score:
                best = candidate
        return best

    def _probe(self, needle: str) -> list[int]:
        hits = self._hits.get(needle)
        if hits is None:
            hits = _find_all(self.text, needle, limit=1000)
            self._hits[needle] = hits
        return hits

    def _nearest(self, positions: list[int], target: int) -> list[int]:
        return sorted(positions, key=lambda p: abs(p - target))[:_MAX_PROBE_HITS]

    def _local_seeds(self, quote: Quote) -> list[int]:
        """Likely start offsets of the quote: where it was, and where its
        context or pieces of it occur (nearest the old offset first)."""
        exact, length, text = quote.exact, len(quote.exact), self.text
        seeds = [min(max(quote.start, 0), len(text))]

        probes: list[tuple[str, int]] = []  # (needle, quote start relative to hit)
        tail = quote.prefix[-_PROBE_CHARS:]
        if len(tail.strip()) >= 4:
            probes.append((tail, len(tail)))
        head = quote.suffix[:_PROBE_CHARS]
        if len(head.strip()) >= 4:
            probes.append((head, -length))
        if length >= 2 * _PROBE_CHARS:
            for offset in (0, length // 2 - _PROBE_CHARS // 2, length - _PROBE_CHARS):
                probes.append((exact[offset : offset + _PROBE_CHARS], -offset))
        for needle, shift in probes:
            for hit in self._nearest(self._probe(needle), quote.start - shift):
                seeds.append(hit + shift)

        # Collapse seeds closer than a few characters; windows have slack anyway.
        unique: list[int] = []
        for seed in sorted(set(seeds)):
            if not unique or seed - unique[-1] > 8:
                unique.append(seed)
        return unique

    def _align(self, quote: Quote, lo: int, hi: int) -> tuple[int, int]:
        """Best span for the quote inside text[lo:hi].

        An alignment gives rough boundaries, then a local search moves them to
        the least edit distance, breaking ties by context agreement.
        """
        text, exact = self.text, quote.exact
        start, end = lo, hi
        if len(exact) > _LONG_QUOTE:
            # The best window of the quote's own length: off at most by the
            # length change, which the local search absorbs. (A global
            # alignment of a long quote against a longer window may smear the
            # extra characters over it.)
            found = fuzz.partial_ratio_alignment(exact, text[lo:hi])
            if found is not None:
                start, end = lo + found.dest_start, lo + found.dest_end
        else:
            ops = [op for op in Levenshtein.opcodes(exact, text[lo:hi]) if op.tag != "insert"]
            if ops:
                start, end = lo + ops[0].dest_start, lo + ops[-1].dest_end

        def cost(s: int, e: int) -> float:
            total = float(Levenshtein.distance(exact, text[s:e]))
            if quote.prefix:
                before = text[max(0, s - len(quote.prefix)) : s]
                total += _CONTEXT_TIEBREAK * Levenshtein.distance(quote.prefix, before)
            if quote.suffix:
                after = text[e : e + len(quote.suffix)]
                total += _CONTEXT_TIEBREAK * Levenshtein.distance(quote.suffix, after)
            return total

        current = cost(start, end)
        for _ in range(_REFINE_ROUNDS):
            moved = False
            for s in range(max(0, start - _REFINE_STEP), min(end, start + _REFINE_STEP + 1)):
                c = cost(s, end)
                if c < current:
                    current, start, moved = c, s, True
            for e in range(
                max(start + 1, end - _REFINE_STEP), min(len(text), end + _REFINE_STEP) + 1
            ):
                c = cost(start, e)
                if c < current:
                    current, end, moved = c, e, True
            if not moved:
                break
        return start, end
