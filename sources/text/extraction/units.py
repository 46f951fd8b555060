"""A text dump cut into units: blank-line blocks, re-joined when hard-wrapped.

Bullets and short lines stand apart; a marker glued to a paragraph by
unwrapping ("... sources concur. Advertisement") is cut off.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sources.text.extraction.normalize import normalize_line, normalize_newlines

WORD = re.compile(r"\w+(?:[-'\u2019]\w+)*")
_BULLET = re.compile(r"^(?:[*•·▪◦‣-]|\d{1,2}[.)])\s+")


@dataclass
class Unit:
    text: str
    index: int
    bullet: bool = False
    kind: str = "neutral"  # good | neutral | junk | caption | title | byline | date
    words: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.words = WORD.findall(self.text)


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
        unit.words = WORD.findall(cleaned)
