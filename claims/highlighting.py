"""Highlighting a source's text (pure: strings in, escaped HTML out).

The article is one element whose textContent is exactly ``source.text``: the
text is cut at every highlight boundary and each piece escaped. Evidence
spans that nest (or coincide) become nested <mark>s, each wrapping exactly its
quote. Two spans that *cross* cannot both be single elements of one tree: the
one that starts later is split where the earlier one ends, and every part
carries ``data-evidence`` and ``data-part`` (1, 2, ...), so the parts' text,
concatenated in document order, is the quote. Cue sentences (attribution or
denial candidates) are <span class="cue"> cut at evidence boundaries first,
so they never split a highlight.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Highlight:
    start: int
    end: int
    evidence_id: int
    stance: str
    tip: str  # shown on hover: the claim
    anchor_state: str = ""  # "changed": the words differ from the selection


def escape_text(text: str) -> str:
    # The HTML parser turns a carriage return into a newline; a character
    # reference keeps it, so textContent stays equal to the source text.
    return str(escape(text)).replace("\r", "&#13;")


def _mark_open(h: Highlight, part: int) -> str:
    anchor = f' id="ev-{h.evidence_id}"' if part <= 1 else ""
    part_attr = f' data-part="{part}"' if part else ""
    state = f' data-anchor="{escape(h.anchor_state)}"' if h.anchor_state else ""
    return (
        f'<mark{anchor} data-evidence="{h.evidence_id}" data-stance="{escape(h.stance)}"'
        f'{part_attr}{state} title="{escape(h.tip)}" data-tip="{escape(h.tip)}">'
    )


def highlighted_text(
    text: str,
    highlights: Sequence[Highlight],
    cues: Sequence[tuple[int, int]] = (),
    shared: Sequence[tuple[int, int]] = (),
) -> SafeString:
    """``text`` as escaped HTML with a <mark> per highlight, a span per cue and
    a ``<span class="shared">`` per passage shared with another source."""
    boundaries = sorted({h.start for h in highlights} | {h.end for h in highlights})
    # (start, -end, kind, seq, end, highlight, part): outer spans first, evidence
    # before cues on equal spans; part 0 means "not split (yet)".
    heap: list[tuple] = []
    seq = 0
    for h in highlights:
        if 0 <= h.start < h.end <= len(text):
            heap.append((h.start, -h.end, 0, seq, h.end, h, 0))
            seq += 1
    for kind, css, spans in ((1, "cue", cues), (2, "shared", shared)):
        for cue_start, cue_end in spans:
            if not 0 <= cue_start < cue_end <= len(text):
                continue
            cuts = [b for b in boundaries if cue_start < b < cue_end]
            for piece_start, piece_end in zip([cue_start, *cuts], [*cuts, cue_end], strict=True):
                heap.append((piece_start, -piece_end, kind, seq, piece_end, css, 0))
                seq += 1
    heapq.heapify(heap)

    out: list[str] = []
    pos = 0
    open_ends: list[tuple[int, str]] = []  # (end, closing tag) of open elements, innermost last

    def emit(upto: int) -> None:
        nonlocal pos
        if upto > pos:
            out.append(escape_text(text[pos:upto]))
            pos = upto

    def close_until(position: int) -> None:
        while open_ends and open_ends[-1][0] <= position:
            end, closing = open_ends.pop()
            emit(end)
            out.append(closing)

    while heap:
        start, _, kind, _, end, highlight, part = heapq.heappop(heap)
        close_until(start)
        if open_ends and end > open_ends[-1][0]:
            # Crosses the innermost open element: render up to its end now and
            # the rest as a further part once that element is closed.
            inner_end = open_ends[-1][0]
            seq += 1
            heapq.heappush(heap, (inner_end, -end, kind, seq, end, highlight, max(part, 1) + 1))
            end, part = inner_end, max(part, 1)
        emit(start)
        if isinstance(highlight, str):
            out.append(f'<span class="{highlight}">')
            open_ends.append((end, "</span>"))
        else:
            out.append(_mark_open(highlight, part))
            open_ends.append((end, "</mark>"))
    close_until(len(text))
    emit(len(text))
    return mark_safe("".join(out))  # noqa: S308 - every text piece is escaped above


def trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the whitespace at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
