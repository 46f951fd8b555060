"""Whitespace and Unicode normalisation that never changes a word.

NFC, one kind of newline, Unicode spaces turned into plain spaces, invisible
format characters dropped, runs of spaces collapsed, no trailing spaces and at
most one blank line between paragraphs.
"""

from __future__ import annotations

import re
import unicodedata

# Spaces that are not ASCII spaces: no-break, en/em/thin..., ideographic.
_UNICODE_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters a text browser or CMS leaves behind: zero-width space,
# word joiner, BOM, soft hyphen; and C0/C1 controls other than newline.
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACE_RUN = re.compile(r" {2,}")
_BLANK_RUN = re.compile(r"\n{3,}")


def normalize_newlines(text: str) -> str:
    return (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n\n")
    )


def normalize_line(line: str) -> str:
    """One line: Unicode spaces to spaces, invisible characters out, spaces collapsed."""
    line = _INVISIBLE.sub("", _UNICODE_SPACES.sub(" ", line))
    return _SPACE_RUN.sub(" ", line).strip()


def normalize_text(text: str) -> str:
    """The final form of every extracted text (idempotent)."""
    text = unicodedata.normalize("NFC", normalize_newlines(text))
    lines = [normalize_line(line) for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")


def join_paragraphs(paragraphs: list[str]) -> str:
    return normalize_text("\n\n".join(p for p in paragraphs if p.strip()))
