"""Combining two edits of one claim made from the same version (pure: no
Django). When an analyst's save is refused because someone else saved first,
the page offers both edits merged: word-level three-way merge of the text
(changes in different places both apply), set merge of the tags."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Change:
    """Base tokens ``[start, end)`` replaced by ``tokens``."""

    start: int
    end: int
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class MergedEdit:
    text: str
    tags: list[str]
    # Both edits changed the same words differently: ``text`` is the
    # analyst's own; a person must choose.
    text_conflict: bool


def _changes(base: Sequence[str], other: Sequence[str]) -> list[Change]:
    matcher = SequenceMatcher(a=base, b=other, autojunk=False)
    return [
        Change(i1, i2, tuple(other[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]


def _overlap(a: Change, b: Change) -> bool:
    if a.start < b.end and b.start < a.end:
        return True
    # Two insertions at one place, or an insertion at the edge of a
    # replacement: their order cannot be told, so they conflict.
    touching = a.start <= b.end and b.start <= a.end
    return touching and (a.start == a.end or b.start == b.end)


def merge_text(base: str, theirs: str, mine: str) -> str | None:
    """``base`` with both edits applied, or None when they touch the same words."""
    if theirs == mine or mine == base:
        return theirs
    if theirs == base:
        return mine
    base_tokens = _TOKENS.findall(base)
    their_changes = _changes(base_tokens, _TOKENS.findall(theirs))
    my_changes = _changes(base_tokens, _TOKENS.findall(mine))
    combined = list(their_changes)
    for change in my_changes:
        clash = [c for c in their_changes if _overlap(c, change)]
        if not clash:
            combined.append(change)
        elif clash != [change]:  # the very same change on both sides is fine
            return None
    tokens = list(base_tokens)
    for change in sorted(combined, key=lambda c: (c.start, c.end), reverse=True):
        tokens[change.start : change.end] = change.tokens
    return "".join(tokens)


def merge_tags(base: Sequence[str], theirs: Sequence[str], mine: Sequence[str]) -> list[str]:
    """Their tags, plus the ones I added, minus the ones I removed."""
    added = set(mine) - set(base)
    removed = set(base) - set(mine)
    return sorted((set(theirs) | added) - removed)


def merge_edit(
    *,
    base_text: str,
    base_tags: Sequence[str],
    their_text: str,
    their_tags: Sequence[str],
    my_text: str,
    my_tags: Sequence[str],
) -> MergedEdit:
    text = merge_text(base_text, their_text, my_text)
    return MergedEdit(
        text=my_text if text is None else text,
        tags=merge_tags(base_tags, their_tags, my_tags),
        text_conflict=text is None,
    )
