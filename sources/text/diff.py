"""Before/after differences of an extracted text, as escaped HTML.

Pure: strings in, a string out, no ORM. Non-blank lines (paragraphs, for
extracted articles, which separate them with blank lines) are compared
first, so removing a paragraph shows as one deleted paragraph rather than
a paragraph and an empty line; a changed line that still resembles its old
self is compared word by word, so a small edit inside a long paragraph shows
as a few marked words instead of a whole paragraph deleted and re-added.
Only changed regions are shown, with a few lines of context around each, and
long unchanged stretches are shortened with an ellipsis.

Every piece of text goes through ``html.escape``; the only markup in the
output is the structure written here (``div``, ``ins``, ``del``, ``span``),
which is why the caller may mark the result safe (the core knows no Django:
the view does it).
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass

CONTEXT_LINES = 1
# Unchanged text longer than this (in characters) is shortened around an ellipsis.
MAX_CONTEXT_CHARS = 160
MAX_HUNKS = 20
# Lines at least this similar are diffed word by word; others are replaced whole.
SIMILAR_LINE_RATIO = 0.5

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
_ELLIPSIS = '<span class="elided" title="unchanged text left out">…</span>'


@dataclass(frozen=True)
class DiffSummary:
    """What changed, for a one-line summary next to the diff."""

    lines_removed: int
    lines_added: int
    lines_changed: int

    @property
    def changed(self) -> bool:
        return bool(self.lines_removed or self.lines_added or self.lines_changed)


def _shorten(text: str, *, keep: str = "both", limit: int = MAX_CONTEXT_CHARS) -> str:
    """Escaped ``text``, cut down to about ``limit`` characters. ``keep`` is the
    end that sits next to a change: "head" for text after a change, "tail" for
    text before one, "both" for text between two changes."""
    if len(text) <= limit:
        return html.escape(text)
    half = limit // 2
    if keep == "head":
        return html.escape(text[:limit]) + _ELLIPSIS
    if keep == "tail":
        return _ELLIPSIS + html.escape(text[-limit:])
    return html.escape(text[:half]) + _ELLIPSIS + html.escape(text[-half:])


def _line(css: str, inner: str) -> str:
    return f'<div class="line {css}">{inner or "&#8203;"}</div>'


def _words_diff(old: str, new: str, *, shorten: bool = True) -> str:
    """One changed line, word by word: deletions and insertions marked inline,
    long unchanged runs shortened (unless ``shorten`` is false)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    opcodes = matcher.get_opcodes()
    parts: list[str] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = "".join(a[i1:i2])
            if not shorten:
                parts.append(html.escape(same))
                continue
            keep = "both"
            if index == 0:
                keep = "tail"  # only the end of a leading run is next to a change
            elif index == len(opcodes) - 1:
                keep = "head"
            parts.append(_shorten(same, keep=keep, limit=MAX_CONTEXT_CHARS // 2))
            continue
        if i2 > i1:
            parts.append(f"<del>{html.escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{html.escape(''.join(b[j1:j2]))}</ins>")
    return "".join(parts)


def word_diff(old: str, new: str) -> str:
    """Escaped HTML of ``new`` against ``old`` word by word, nothing left out:
    what a quote's selected words became (``<del>`` the analyst's words that
    went, ``<ins>`` the words now there)."""
    return _words_diff(old, new, shorten=False)


# Pairing lines costs one comparison per (old, new) pair; past this many pairs
# a replaced block is shown as whole lines deleted and added.
MAX_PAIRINGS = 400


def _similarity(old: str, new: str) -> float:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR_LINE_RATIO:
        return 0.0
    if matcher.quick_ratio() < SIMILAR_LINE_RATIO:
        return 0.0
    return matcher.ratio()


def _replace_block(old_lines: list[str], new_lines: list[str]) -> list[str]:
    """Lines replaced by other lines. The most similar pair is diffed word by
    word and the lines on either side of it are handled the same way (as
    ``difflib.Differ`` does); lines with no similar partner are shown whole."""
    best, best_i, best_j = 0.0, -1, -1
    if len(old_lines) * len(new_lines) <= MAX_PAIRINGS:
        for i, old in enumerate(old_lines):
            for j, new in enumerate(new_lines):
                score = _similarity(old, new)
                if score >= SIMILAR_LINE_RATIO and score > best:
                    best, best_i, best_j = score, i, j
    if best_i < 0:
        return [_line("del", f"<del>{html.escape(line)}</del>") for line in old_lines] + [
            _line("ins", f"<ins>{html.escape(line)}</ins>") for line in new_lines
        ]
    return [
        *_replace_block(old_lines[:best_i], new_lines[:best_j]),
        _line("chg", _words_diff(old_lines[best_i], new_lines[best_j])),
        *_replace_block(old_lines[best_i + 1 :], new_lines[best_j + 1 :]),
    ]


def _units(text: str) -> list[str]:
    """The lines worth comparing: blank lines only separate paragraphs."""
    return [line for line in text.splitlines() if line.strip()]


def diff_summary(before: str, after: str) -> DiffSummary:
    a, b = _units(before), _units(after)
    removed = added = changed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "delete":
            removed += i2 - i1
        elif tag == "insert":
            added += j2 - j1
        elif tag == "replace":
            common = min(i2 - i1, j2 - j1)
            changed += common
            removed += (i2 - i1) - common
            added += (j2 - j1) - common
    return DiffSummary(lines_removed=removed, lines_added=added, lines_changed=changed)


def render_diff(
    before: str, after: str, *, context_lines: int = CONTEXT_LINES, max_hunks: int = MAX_HUNKS
) -> str:
    """HTML showing how ``after`` differs from ``before``; empty when they are equal.

    The result is a sequence of ``<div class="hunk">`` blocks, each holding
    ``<div class="line ctx|del|ins|chg">`` lines. All text is escaped.
    """
    if before == after:
        return ""
    a, b = _units(before), _units(after)
    if a == b:
        return (
            '<div class="hunk"><div class="line chg">(only blank lines or line endings differ)'
            "</div></div>"
        )
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    groups = list(matcher.get_grouped_opcodes(context_lines))
    hunks: list[str] = []
    for group in groups[:max_hunks]:
        first_old, first_new = group[0][1] + 1, group[0][3] + 1
        head = f"¶ {first_old}" if first_old == first_new else f"¶ {first_old} (now ¶ {first_new})"
        lines = [f'<div class="hunk-head">{head}</div>']
        for position, (tag, i1, i2, j1, j2) in enumerate(group):
            if tag == "equal":
                keep = "both"
                if position == 0:
                    keep = "tail"
                elif position == len(group) - 1:
                    keep = "head"
                lines.extend(_line("ctx", _shorten(line, keep=keep)) for line in a[i1:i2])
            elif tag == "delete":
                lines.extend(_line("del", f"<del>{html.escape(line)}</del>") for line in a[i1:i2])
            elif tag == "insert":
                lines.extend(_line("ins", f"<ins>{html.escape(line)}</ins>") for line in b[j1:j2])
            else:
                lines.extend(_replace_block(a[i1:i2], b[j1:j2]))
        hunks.append('<div class="hunk">' + "".join(lines) + "</div>")
    if len(groups) > max_hunks:
        more = len(groups) - max_hunks
        hunks.append(f'<div class="hunk more">… and {more} more changed region(s)</div>')
    # Every variable part above was escaped with html.escape.
    return "".join(hunks)
