"""Copied text between sources: which passages two clean texts share.

Two steps, both pure:

1. **Candidates** — each text is cut into chunks (its paragraphs; long ones
   into overlapping windows) and every chunk gets a MinHash signature of its
   word 3-shingles (datasketch). The signature is cut into bands; a band key
   is stored per source, and two sources sharing any key are candidates. A
   chunk copied with a few words changed keeps a high Jaccard similarity, so
   with 32 bands of 2 rows it shares a key with near certainty, while the
   candidates stay few enough to verify.
2. **Verification** — ``shared_passages`` aligns the two texts exactly on word
   4-shingles, joins matches on one diagonal across small gaps (the edited
   words), and keeps runs of at least ``MIN_TOKENS`` words. Only verified
   passages make a link, so a false candidate never becomes a false link.

Words inside double quotation marks are left out: two outlets quoting the
same statement share a voice (counted through the speaker), not copy.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from datasketch import MinHash

__all__ = [
    "Passage",
    "Tokens",
    "band_keys",
    "coverage",
    "shared_passages",
    "tokenize",
]

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
CHUNK_TOKENS = 80
CHUNK_STRIDE = 40
MIN_CHUNK_TOKENS = 12
CANDIDATE_SHINGLE = 3
ALIGN_SHINGLE = 4
MIN_TOKENS = 30  # the shortest shared passage (matched words) that counts as copy
MAX_GAP = 4  # edited words a passage may bridge
MAX_DRIFT = 3  # words inserted or dropped between two matched stretches
MIN_STRETCH = 10  # a passage holds at least one unbroken stretch this long
MIN_DENSITY = 0.75  # matched words / passage words
SEED = 14

_WORD = re.compile(r"\w+", re.UNICODE)
_QUOTE = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"")


@dataclass(frozen=True)
class Passage:
    """A passage two texts share: character spans in each, and how many words
    of it matched exactly."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int


@dataclass(frozen=True)
class Tokens:
    """A text's lower-cased words (quotations left out) with their character
    offsets, as parallel tuples: tokenise once, align against many."""

    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.words)

    @cached_property
    def index(self) -> dict[tuple[str, ...], list[int]]:
        """Where each ``ALIGN_SHINGLE``-word shingle starts: built once, so one
        text aligned against many is indexed once."""
        index: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for j, shingle in enumerate(_shingles(self.words)):
            index[shingle].append(j)
        return dict(index)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def tokenize(text: str) -> Tokens:
    """Lower-cased words of ``text`` with their offsets, quotations left out."""
    masked = _QUOTE.sub(_blank, text)
    folded = masked.casefold()
    if len(folded) != len(masked):  # a letter folded to two (ß → ss): fold word by word
        matches = list(_WORD.finditer(masked))
        words = tuple(m.group(0).casefold() for m in matches)
    else:
        matches = list(_WORD.finditer(folded))
        words = tuple(m.group(0) for m in matches)
    return Tokens(words, tuple(m.start() for m in matches), tuple(m.end() for m in matches))


def _chunks(text: str) -> list[list[str]]:
    """Word lists of the paragraphs, long ones as overlapping windows."""
    chunks: list[list[str]] = []
    for paragraph in re.split(r"\n+", text):
        words = list(tokenize(paragraph).words)
        if len(words) < MIN_CHUNK_TOKENS:
            continue
        if len(words) <= CHUNK_TOKENS:
            chunks.append(words)
            continue
        for i in range(0, len(words) - CHUNK_STRIDE, CHUNK_STRIDE):
            chunks.append(words[i : i + CHUNK_TOKENS])
    return chunks


def _hash64(data: bytes) -> int:
    return struct.unpack("<q", hashlib.blake2b(data, digest_size=8).digest())[0]


# The permutations depend only on (NUM_PERM, SEED): drawn once, not per chunk.
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED)
_PERMUTATIONS, _SCHEME = _TEMPLATE.permutations, _TEMPLATE.scheme


def chunk_signature(words: list[str]) -> np.ndarray:
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_PERMUTATIONS, scheme=_SCHEME)
    shingles = {
        " ".join(words[i : i + CANDIDATE_SHINGLE]).encode()
        for i in range(len(words) - CANDIDATE_SHINGLE + 1)
    }
    minhash.update_batch(list(shingles))
    return minhash.hashvalues


def band_keys(text: str) -> set[int]:
    """LSH band keys of a text's chunks (signed 64-bit, for a database
    column). Sources that share a key are candidates for shared passages."""
    keys: set[int] = set()
    for words in _chunks(text):
        signature = chunk_signature(words)
        for band in range(BANDS):
            rows = signature[band * ROWS : (band + 1) * ROWS]
            keys.add(_hash64(bytes([band]) + rows.astype("<u8").tobytes()))
    return keys


def shared_passages(a: str | Tokens, b: str | Tokens) -> list[Passage]:
    """Passages of at least ``MIN_TOKENS`` words that ``a`` and ``b`` share,
    allowing up to ``MAX_GAP`` edited words inside; in ``a``'s order. Either
    text may be given already tokenised (``tokenize``): a ``Tokens`` builds
    its shingle index once, however many texts it is aligned against."""
    ta = a if isinstance(a, Tokens) else tokenize(a)
    tb = b if isinstance(b, Tokens) else tokenize(b)
    k = ALIGN_SHINGLE
    if len(ta) < k or len(tb) < k:
        return []
    # Matches per diagonal (j - i), each a run of shingle starts. A shingle
    # found more than 20 times in ``b`` is boilerplate and matches nothing.
    ib = tb.index
    diagonals: dict[int, list[int]] = defaultdict(list)
    if "index" in ta.__dict__:
        # Both indexed already: visit only the shingles both hold (a set
        # intersection, in C), then put each diagonal back in order.
        ia = ta.index
        for shingle in ia.keys() & ib.keys():
            positions = ib[shingle]
            if len(positions) > 20:
                continue
            for i in ia[shingle]:
                for j in positions:
                    diagonals[j - i].append(i)
        for starts in diagonals.values():
            starts.sort()
    else:
        for i, shingle in enumerate(_shingles(ta.words)):
            positions = ib.get(shingle)
            if positions and len(positions) <= 20:
                for j in positions:
                    diagonals[j - i].append(i)
    # Runs along one diagonal: (first token, last token, diagonal, matched
    # words, longest unbroken stretch).
    runs: list[tuple[int, int, int, int, int]] = []
    for diagonal, starts in diagonals.items():
        run_start = prev = starts[0]
        matched = stretch = longest = k
        for i in starts[1:]:
            if i - prev <= 1:
                matched += 1
                stretch += 1
            elif i - (prev + k) <= MAX_GAP:
                matched += min(k, i - prev)
                stretch = k
            else:
                runs.append((run_start, prev + k - 1, diagonal, matched, max(longest, stretch)))
                run_start, matched, stretch, longest = i, k, k, k
            longest = max(longest, stretch)
            prev = i
        runs.append((run_start, prev + k - 1, diagonal, matched, longest))
    # Join runs whose diagonals differ by a few words (insertions, deletions).
    runs.sort()
    joined: list[list[int]] = []
    for first, last, diagonal, matched, longest in runs:
        if joined:
            cur = joined[-1]
            if (
                first > cur[0]
                and first - cur[1] <= MAX_GAP + 1
                and abs(diagonal - cur[2]) <= MAX_DRIFT
            ):
                if last > cur[1]:
                    cur[4] = max(cur[4], last + diagonal)
                    cur[1] = last
                    cur[3] += matched
                    cur[6] = max(cur[6], longest)
                    cur[2] = diagonal
                continue
        joined.append([first, last, diagonal, matched, last + diagonal, first + diagonal, longest])
    passages = []
    for first, last, _diagonal, matched, b_last, b_first, longest in joined:
        length = last - first + 1
        if matched < MIN_TOKENS or matched < MIN_DENSITY * length or longest < MIN_STRETCH:
            continue
        b_first = max(0, min(b_first, len(tb) - 1))
        b_last = max(b_first, min(b_last, len(tb) - 1))
        passages.append(
            Passage(
                a_start=ta.starts[first],
                a_end=ta.ends[last],
                b_start=tb.starts[b_first],
                b_end=tb.ends[b_last],
                words=min(matched, length),
            )
        )
    return passages


def _shingles(words: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    """Every run of ``ALIGN_SHINGLE`` consecutive words, in order."""
    return zip(*(words[i:] for i in range(ALIGN_SHINGLE)), strict=False)


def coverage(spans: Iterable[tuple[int, int]]) -> int:
    """Characters covered by ``spans`` (overlaps counted once)."""
    total = 0
    end = -1
    for a, b in sorted(spans):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total
