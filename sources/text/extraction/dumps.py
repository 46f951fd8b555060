"""HTML pages rendered as text dumps, the way analysts receive them.

A browser's "save as text" or ``lynx -dump`` prints a page's visible text,
menus, captions and footers included. ``inscriptis`` renders HTML to text
with that layout (one block per line, lists as bullets, tables laid out); the
styles below reproduce the shapes we are handed: one paragraph per line,
lines hard-wrapped by a text browser, or the article's region alone (what a
reader copies from the page: few menus, but captions, bylines and teasers). The training command and the benchmark
make their dumps here, so both see the same inputs.
"""

from __future__ import annotations

import textwrap

from inscriptis import get_text
from lxml import etree
from lxml.html import HtmlElement, fromstring, tostring


def _region(html: str) -> str:
    """The page's largest article/main element as HTML, or the page when it has none."""
    try:
        tree: HtmlElement = fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    regions = tree.xpath(_REGION)
    if not regions:
        return html
    best = max(regions, key=lambda e: len(e.text_content()))
    return tostring(best, encoding="unicode")


STYLES = ("lines", "wrapped", "copied")
_REGION = "//article | //main | //*[@role='main']"
WRAP_WIDTH = 76
WRAP_INDENT = "   "


def render_dump(html: str, *, style: str = "lines") -> str:
    """The page's visible text in one of ``STYLES``; deterministic."""
    if style not in STYLES:
        raise ValueError(f"unknown dump style {style!r}; choose from {', '.join(STYLES)}")
    source = _region(html) if style == "copied" else html
    lines = [line.strip() for line in get_text(source).splitlines()]
    if style in ("lines", "copied"):
        return "\n".join(lines).strip("\n") + "\n"
    wrapped: list[str] = []
    for line in lines:
        if not line:
            wrapped.append("")
            continue
        wrapped.extend(
            textwrap.wrap(
                line,
                width=WRAP_WIDTH,
                initial_indent=WRAP_INDENT,
                subsequent_indent=WRAP_INDENT,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(wrapped).strip("\n") + "\n"
