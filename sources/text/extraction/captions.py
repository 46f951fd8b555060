"""Captions printed twice: a photo caption doubled in a row, or copied into a paragraph."""

from __future__ import annotations

from collections import defaultdict

from sources.text.extraction.units import WORD, Unit

MIN_REPEAT_WORDS = 6


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
    matches = list(WORD.finditer(text))
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


def strip_doubled(units: list[Unit]) -> set[str]:
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
                unit.words = WORD.findall(rest)
        if not unit.words:
            unit.kind = "caption"
    return captions


def remove_embedded(units: list[Unit], captions: set[str]) -> None:
    """Take a caption's copy out of the paragraph it was printed into."""
    for caption in captions:
        caption_words = [w.casefold() for w in WORD.findall(caption)]
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
                        unit.words = WORD.findall(rest)
                    break
