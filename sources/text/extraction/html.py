"""HTML pages: trafilatura once per page for the body, its metadata helpers for the rest.

The page is parsed once; editors' ``strip_selector`` rules prune that tree;
metadata comes from trafilatura's meta/JSON-LD/byline helpers and htmldate
(without the category, tag and licence searches we do not use, which keeps the
whole pipeline about as fast as a bare ``trafilatura.extract``); the body from
one ``bare_extraction`` call on the same tree. When trafilatura finds no body,
the page's readable blocks go through the plain-text cleaner instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass, field

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura import metadata as trafilatura_metadata
from trafilatura.utils import load_html

from sources.text.errors import ExtractionError
from sources.text.extraction import dates, metadata, textdump
from sources.text.extraction.normalize import normalize_line

logger = logging.getLogger(__name__)

_LANG = re.compile(r"^([a-z]{2})(?:[-_].*)?$", re.IGNORECASE)
_NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "dialog",
)
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "table",
        "tr",
        "td",
        "th",
        "dd",
        "dt",
        "dl",
        "br",
        "hr",
        "address",
    ]
)
MAX_SITE_NAME_WORDS = 6


@dataclass
class HtmlResult:
    title: str | None
    authors: list[str]
    published_at: dt.datetime | None
    language: str | None
    site_name: str | None
    paragraphs: list[str]
    tree: HtmlElement | None = field(default=None, repr=False)


#: Deeper pages are refused: libxml2 silently drops whatever is nested past
#: 255 levels, so such a page would lose text without anyone knowing (and deep
#: trees are what recursive extractors choke on). Real articles stay far below.
MAX_HTML_DEPTH = 200


def nesting_depth(tree: HtmlElement) -> int:
    """How many elements deep the tree goes (the root is depth 1)."""
    depth = deepest = 0
    for event, _element in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def parse(raw: str) -> HtmlElement | None:
    tree = load_html(raw)
    if tree is not None and nesting_depth(tree) > MAX_HTML_DEPTH:
        raise ExtractionError(
            f"The HTML is nested more than {MAX_HTML_DEPTH} elements deep; such a page "
            "cannot be read reliably and is refused.",
            code="too_nested",
        )
    return tree


def strip_selectors(tree: HtmlElement, selectors: Sequence[CSSSelector]) -> None:
    for selector in selectors:
        for element in selector(tree):
            if element.getparent() is not None:
                element.drop_tree()


def _page_metadata(
    tree: HtmlElement, url: str | None, raw: str = "", reference_time: dt.datetime | None = None
) -> trafilatura_metadata.Document:
    """trafilatura's ``extract_metadata`` minus categories, tags and licence."""
    try:
        meta = trafilatura_metadata.examine_meta(tree)
        if meta.author and " " not in meta.author:
            meta.author = None  # a single token is a handle or a site, as trafilatura judges
        try:
            meta = trafilatura_metadata.extract_meta_json(tree, meta)
        except Exception:
            logger.debug("JSON-LD metadata failed", exc_info=True)
        if not meta.title:
            meta.title = trafilatura_metadata.extract_title(tree)
        if not meta.author:
            meta.author = _byline_author(tree)
        if not meta.url:
            meta.url = trafilatura_metadata.extract_url(tree, url)
        meta.date = _find_date(tree, meta.url or url, reference_time)
        if not meta.sitename:
            meta.sitename = trafilatura_metadata.extract_sitename(tree)
        return meta
    except (AttributeError, TypeError, ValueError):  # trafilatura internals moved
        logger.debug("falling back to trafilatura.extract_metadata", exc_info=True)
        return trafilatura_metadata.extract_metadata(tree, url, None, False)


def _date_params(url: str | None, reference_time: dt.datetime | None) -> dict[str, object]:
    # The latest plausible date is the reference time (the source's ingest
    # time), not the clock: a re-parse years later finds the same date.
    latest = reference_time or dt.datetime.now(dt.UTC)  # only previews pass none
    return {
        "original_date": True,
        "url": url,
        "max_date": latest.astimezone(dt.UTC).strftime("%Y-%m-%d"),
    }


def _find_date(
    tree: HtmlElement, url: str | None, reference_time: dt.datetime | None = None
) -> str | None:
    """htmldate over the markup (meta tags, JSON-LD, <time>, URL), without text search."""
    return trafilatura_metadata.find_date(
        tree, extensive_search=False, **_date_params(url, reference_time)
    )


HEADLINE_CONTEXT_CHARS = 1500


def _date_near_headline(tree: HtmlElement) -> dt.datetime | None:
    """A date printed next to the h1 ("November 2, 2022 | 5 min read"), when the
    markup has none: the cheap part of htmldate's text search, which over the
    whole page costs a tenth of the pipeline and mostly finds copyright years."""
    node = tree.find(".//h1")
    text = ""
    for _ in range(3):
        if node is None or node.getparent() is None:
            break
        node = node.getparent()
        text = " ".join(" ".join(node.itertext()).split())
        if len(text) > 300:
            break
    return dates.parse_date(text[:HEADLINE_CONTEXT_CHARS]) if text else None


# Byline containers. One cheap XPath (contains() runs in C; "uthor" and "yline"
# cover both capitalisations); the comment-section check runs in Python on the
# few matches only. trafilatura's own author search costs as much as this
# whole metadata step.
_AUTHOR_XPATH = etree.XPath(
    "//*[contains(@class, 'uthor') or contains(@class, 'yline') or @rel='author' "
    "or @itemprop='author' or contains(@id, 'author')]"
)
MAX_BYLINE_CHARS = 120


def _in_comments(element: HtmlElement) -> bool:
    for node in (element, *element.iterancestors()):
        marker = f"{node.get('class', '')} {node.get('id', '')}".lower()
        if "comment" in marker:
            return True
    return False


def _plausible_name(name: str) -> bool:
    return len(name.split()) <= 5 and not any(ch.isdigit() for ch in name)


def _byline_author(tree: HtmlElement) -> str | None:
    for element in _AUTHOR_XPATH(tree):
        if element.tag in ("meta", "link", "script", "style", "img"):
            continue
        text = normalize_line(" ".join(element.itertext()))
        if not 2 < len(text) < MAX_BYLINE_CHARS or _in_comments(element):
            continue
        names = metadata.clean_authors(text)
        if names and all(_plausible_name(n) for n in names):
            return "; ".join(names)
    return None


def _site_name(meta_site: str | None, url: str | None) -> str | None:
    name = normalize_line((meta_site or "").lstrip("@"))
    if name and any(ch.isalpha() for ch in name) and len(name.split()) <= MAX_SITE_NAME_WORDS:
        return name
    return metadata.domain_of(url)


def _language(tree: HtmlElement) -> str | None:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for element in tree.iterfind(".//head/meta"):
        name = (element.get("http-equiv") or element.get("property") or "").lower()
        if name in ("content-language", "og:locale"):
            candidates.append(element.get("content"))
    for value in candidates:
        match = _LANG.match((value or "").strip())
        if match:
            return match.group(1).lower()
    return None


def readable_lines(tree: HtmlElement) -> str:
    """The page's visible text, one block element per line (the fallback's input)."""
    page = deepcopy(tree)
    etree.strip_elements(page, *_NOISE_TAGS, with_tail=False)
    body = page.find(".//body")
    root = body if body is not None else page
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            if element.tag != "br":
                element.text = "\n" + (element.text or "")
    return root.text_content()


def _headings(tree: HtmlElement) -> list[str]:
    return [" ".join(h.text_content().split()) for h in tree.iter("h1")]


def _trim_edges(paragraphs: list[str], title: str | None) -> list[str]:
    """Drop a repeated headline, bylines, datelines and buttons at the body's edges."""
    title_key = metadata.key(title)
    kept: list[str] = []
    last = len(paragraphs) - 1
    for position, text in enumerate(paragraphs):
        unit = textdump.Unit(text=text, index=position)
        at_edge = position < 3 or position > last - 3
        if title_key and position < 3 and metadata.key(text) == title_key:
            continue
        if len(unit.words) <= 6 and textdump.is_junk(unit):
            continue
        if (
            at_edge
            and len(unit.words) <= textdump.MAX_META_WORDS
            and (
                textdump.parse_byline(unit) is not None or textdump.parse_dateline(unit) is not None
            )
        ):
            continue
        kept.append(text)
    return kept


def extract_html(
    raw: str,
    *,
    url: str | None = None,
    selectors: Sequence[CSSSelector] = (),
    reference_time: dt.datetime | None = None,
) -> HtmlResult | None:
    """Body and metadata of an HTML page; None if it does not parse at all.
    ``reference_time`` (the ingest time) is the latest date a page may bear."""
    tree = parse(raw)
    if tree is None:
        return None
    if selectors:
        strip_selectors(tree, selectors)
    meta = _page_metadata(tree, url, reference_time=reference_time)
    page_url = url or meta.url
    site_name = _site_name(meta.sitename, page_url)
    keys = metadata.site_keys(site_name, page_url)
    title = metadata.choose_title(meta.title, _headings(tree), keys)
    authors = metadata.clean_authors(meta.author, site_name=site_name, url=page_url)
    published = dates.date_only(meta.date) or _date_near_headline(tree)

    document = bare_extraction(
        tree, url=page_url, with_metadata=False, include_comments=False, include_tables=True
    )
    text = (document.text if document is not None else None) or ""
    paragraphs = [line for line in (normalize_line(x) for x in text.split("\n")) if line]
    if paragraphs:
        paragraphs = _trim_edges(paragraphs, title)
    else:
        fallback = textdump.clean_dump(readable_lines(tree), url=page_url, site_name=site_name)
        paragraphs = fallback.paragraphs
        title = title or fallback.title
        authors = authors or fallback.authors
        published = published or fallback.published_at
    language = _language(tree) or metadata.guess_language("\n".join(paragraphs))
    return HtmlResult(
        title=title or None,
        authors=authors,
        published_at=published,
        language=language,
        site_name=site_name,
        paragraphs=paragraphs,
        tree=tree,
    )
