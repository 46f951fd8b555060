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
from sources.text.extraction import boilerplate, bylines, metadata, provenance, textdump
from sources.text.extraction.language import detect_language
from sources.text.extraction.normalize import normalize_line
from sources.text.extraction.units import Unit

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
    provenance: dict[str, dict[str, object]] = field(default_factory=dict)


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


def _one_name(author: str, meta: trafilatura_metadata.Document, url: str | None) -> bool:
    """A one-word author that reads as a first name, not the site's name."""
    keys = metadata.site_keys(meta.sitename, url or meta.url)
    return bool(_ONE_NAME.match(author)) and metadata.key(author) not in keys


def _page_metadata(
    tree: HtmlElement, url: str | None
) -> tuple[trafilatura_metadata.Document, dict[str, str]]:
    """trafilatura's meta/JSON-LD/title/byline helpers (no categories, tags, licence,
    nor its date search: ``provenance.page_published`` does dates), and which
    source gave the title and the author."""
    sources: dict[str, str] = {}
    try:
        meta = trafilatura_metadata.examine_meta(tree)
        if meta.author and " " not in meta.author and not _one_name(meta.author, meta, url):
            meta.author = None  # a handle or a site ("KatieS", "admin"), not "Lillie"
        before = {"title": meta.title, "author": meta.author}
        sources = {name: "meta" for name, value in before.items() if value}
        try:
            meta = trafilatura_metadata.extract_meta_json(tree, meta)
        except Exception:
            logger.debug("JSON-LD metadata failed", exc_info=True)
        after = {"title": meta.title, "author": meta.author}
        for name, value in after.items():
            if value and value != before[name]:
                sources[name] = "json-ld"
        if not meta.title:
            meta.title = trafilatura_metadata.extract_title(tree)
            sources["title"] = "heading"
        # schema.org people, then a printed byline, then an organisation as author
        people, organisations = provenance.jsonld_authors(tree) if not meta.author else ([], [])
        if not meta.author and people:
            meta.author, sources["author"] = "; ".join(people), "json-ld"
        if not meta.author:
            meta.author, sources["author"] = _byline_author(tree), "byline"
        if not meta.author and organisations:
            meta.author, sources["author"] = organisations[0], "json-ld"
        if not meta.url:
            meta.url = trafilatura_metadata.extract_url(tree, url)
        if not meta.sitename:
            meta.sitename = trafilatura_metadata.extract_sitename(tree)
        return meta, sources
    except (AttributeError, TypeError, ValueError):  # trafilatura internals moved
        logger.debug("falling back to trafilatura.extract_metadata", exc_info=True)
        return trafilatura_metadata.extract_metadata(tree, url, None, False), {
            "title": "meta",
            "author": "meta",
        }


# Byline containers. One cheap XPath (contains() runs in C; "uthor" and "yline"
# cover both capitalisations); the comment-section check runs in Python on the
# few matches only. trafilatura's own author search costs as much as this
# whole metadata step.
_AUTHOR_XPATH = etree.XPath(
    "//*[contains(@class, 'uthor') or contains(@class, 'yline') or @rel='author' "
    "or @itemprop='author' or contains(@id, 'author')]"
)
# A line that reads as a byline ("By <a>Jane Doe</a>", "Written by ..."), whatever
# its markup; it must link somewhere (the author's page), as bylines do.
_BY_TEXT_XPATH = etree.XPath(
    "//body//*[a and (starts-with(normalize-space(text()), 'By ') "
    "or starts-with(normalize-space(text()), 'by ') or normalize-space(text()) = 'By' "
    "or normalize-space(text()) = 'by' "
    "or starts-with(normalize-space(text()), 'Written by'))]"
)
_ONE_NAME = re.compile(r"^[A-Z][a-z]{2,}$")
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
    for element in (*_AUTHOR_XPATH(tree), *_BY_TEXT_XPATH(tree)):
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
    return metadata.site_domain(url)


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
        unit = Unit(text=text, index=position)
        at_edge = position < 3 or position > last - 3
        if title_key and position < 3 and metadata.key(text) == title_key:
            continue
        if len(unit.words) <= 6 and boilerplate.is_junk(unit):
            continue
        if (
            at_edge
            and len(unit.words) <= bylines.MAX_META_WORDS
            and (bylines.parse_byline(unit) is not None or bylines.parse_dateline(unit) is not None)
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
    meta, sources = _page_metadata(tree, url)
    page_url = url or meta.url
    site_name = _site_name(meta.sitename, page_url)
    keys = metadata.site_keys(site_name, page_url)
    headings = _headings(tree)
    title = metadata.choose_title(meta.title, headings, keys)
    authors = metadata.clean_authors(meta.author, site_name=site_name, url=page_url)
    published, date_provenance = provenance.page_published(
        tree, page_url, reference_time=reference_time
    )
    fields: dict[str, dict[str, object]] = {}
    if title:
        # the visible headline agreeing with the meta title: both vouch for it
        in_headings = metadata.key(title) in {metadata.key(h) for h in headings}
        source = sources.get("title", "meta")
        fields["title"] = provenance.field_provenance(
            source, agreed=in_headings and source != "heading"
        )
    if authors:
        fields["authors"] = provenance.field_provenance(sources.get("author", "meta"))
    if date_provenance:
        fields["published_at"] = date_provenance

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
        if not title and fallback.title:
            title, fields["title"] = fallback.title, provenance.field_provenance("title-line")
        if not authors and fallback.authors:
            authors, fields["authors"] = fallback.authors, provenance.field_provenance("byline")
        if not published and fallback.published_at:
            published = fallback.published_at
            fields["published_at"] = provenance.field_provenance("dateline")
    language = _language(tree) or detect_language("\n".join(paragraphs))
    return HtmlResult(
        title=title or None,
        authors=authors,
        published_at=published,
        language=language,
        site_name=site_name,
        paragraphs=paragraphs,
        tree=tree,
        provenance=fields,
    )
