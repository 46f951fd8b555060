"""Where each metadata field came from, and how far to trust it.

A field's provenance is ``{"source": ..., "confidence": ...}``. Sources:
``json-ld`` (schema.org data in the page), ``meta`` (meta tags: OpenGraph,
``article:published_time``, ``name=author``, the ``<title>``), ``heading``
(the page's ``<h1>``), ``time`` (a ``<time datetime>`` element in the
page's text), ``byline`` (a printed "By ..." line), ``url`` (a date in
the URL's path, or its slug as a title), ``dateline`` (a date printed in the
text), ``title-line`` (a dump's headline line), ``guess`` (htmldate's search
of the page's text) and ``rule`` (an editor's metadata rule). The confidences
are fixed per source and were read off the dev set: how often a field from
that source matched the reviewed value.

Publication dates are looked up in that order: JSON-LD ``datePublished``, the
publication meta tags, a full date in the URL's path, the first ``<time
datetime>`` of the page's text (not one marked as an update, nor in the
navigation, sidebars, footer or comments), then htmldate (original date,
extensive search) bounded by the reference time (the source's ingest time), so
the same input always gives the same date. htmldate's January 1st is dropped:
that is how it spells a bare year (a copyright line, "2025 guide"), not a day.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement

from sources.text.extraction import dates

CONFIDENCE = {
    "rule": 1.0,
    "json-ld": 0.9,
    "meta": 0.9,
    "url": 0.85,
    "time": 0.8,
    "heading": 0.75,
    "byline": 0.75,
    "dateline": 0.75,
    "title-line": 0.7,
    "guess": 0.5,
    "url-slug": 0.3,
}
AGREEMENT_BONUS = 0.05  # two sources that agree

_ARTICLE_TYPES = re.compile(r"article|posting|report|review|story|blog|webpage", re.IGNORECASE)
_PUBLISHED_META = frozenset(
    [
        "article:published_time",
        "og:published_time",
        "og:article:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "date",
        "dc.date.issued",
        "dc.date",
        "dcterms.created",
        "dcterms.issued",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
        "cxenseparse:recs:publishtime",
    ]
)
_ISO_START = re.compile(r"^\s*(?:19|20)\d{2}-\d{2}-\d{2}")
_MONTHS = {m: i for i, m in enumerate(dates.MONTH_ABBREVIATIONS, start=1)}
_URL_DATE = re.compile(
    r"(?<![\d])((?:19|20)\d{2})[/-](\d{1,2}|[a-z]{3})[/-](\d{1,2})(?=[/-]|\.html?|$)", re.IGNORECASE
)
_SLUG_SPLIT = re.compile(r"[-_]+")
MIN_SLUG_WORDS = 3


def field_provenance(source: str, *, agreed: bool = False) -> dict[str, Any]:
    confidence = CONFIDENCE[source] + (AGREEMENT_BONUS if agreed else 0.0)
    return {"source": source, "confidence": round(min(confidence, 1.0), 2)}


# --- JSON-LD -------------------------------------------------------------


def jsonld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object of the page's JSON-LD blocks, nested graphs flattened."""
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack: list[Any] = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                    if isinstance(item.get(key), list | dict):
                        stack.append(item[key])


def _is_article(item: dict[str, Any]) -> bool:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds)


def _names(value: Any) -> Iterator[tuple[bool, str]]:
    """(is a person, name) of a schema.org author: a string, a Person or
    Organization object, or a list of them."""
    if isinstance(value, str):
        yield True, value
    elif isinstance(value, list):
        for item in value:
            yield from _names(item)
    elif isinstance(value, dict):
        name = value.get("name")
        kind = value.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if isinstance(name, str) and name.strip():
            yield "Organization" not in kinds, name


def jsonld_authors(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """The people and the organisations named as authors of the page's
    article object (of any object when no article names one)."""
    people: list[str] = []
    others: list[str] = []
    for item in sorted(jsonld_objects(tree), key=lambda i: not _is_article(i)):
        for is_person, name in _names(item.get("author")):
            (people if is_person else others).append(name)
        if people:
            break
    return people, others[:1]


def jsonld_published(tree: HtmlElement) -> dt.datetime | None:
    found: list[tuple[bool, dt.datetime]] = []
    for item in jsonld_objects(tree):
        value = item.get("datePublished") or item.get("dateCreated")
        if isinstance(value, str):
            when = _iso_date(value)
            if when is not None:
                found.append((_is_article(item), when))
    articles = [when for is_article, when in found if is_article]
    return (articles or [when for _, when in found] or [None])[0]


# --- meta tags, URL --------------------------------------------------------


def _iso_date(value: str) -> dt.datetime | None:
    if not _ISO_START.match(value):
        return dates.parse_date(value)
    return dates.date_only(value.strip())


def meta_published(tree: HtmlElement) -> dt.datetime | None:
    for element in tree.iterfind(".//meta"):
        name = (
            element.get("property") or element.get("name") or element.get("itemprop") or ""
        ).lower()
        content = element.get("content") or ""
        if name in _PUBLISHED_META and _ISO_START.match(content):
            return dates.date_only(content.strip())
    for element in tree.iterfind(".//time[@itemprop='datePublished']"):
        value = element.get("datetime") or ""
        if _ISO_START.match(value):
            return dates.date_only(value.strip())
    return None


def url_date(url: str | None) -> dt.datetime | None:
    """A full date in the URL's path: /2024/05/23/, /2025/dec/05/, /2024-05-23-slug."""
    if not url:
        return None
    path = urlsplit(url).path
    match = _URL_DATE.search(path)
    if not match:
        return None
    year, month, day = match.groups()
    number = int(month) if month.isdigit() else _MONTHS.get(month.lower()[:3])
    if number is None:
        return None
    try:
        return dt.datetime(int(year), number, int(day), tzinfo=dt.UTC)
    except ValueError:
        return None


def url_slug_title(url: str | None) -> str | None:
    """'council-backs-harbour-levy' as 'Council backs harbour levy': a title of last resort."""
    if not url:
        return None
    segments = [s for s in urlsplit(url).path.split("/") if s]
    for segment in reversed(segments):
        stem = re.sub(r"\.[a-z0-9]{2,5}$", "", unquote(segment), flags=re.IGNORECASE)
        words = [w for w in _SLUG_SPLIT.split(stem) if w]
        if len(words) >= MIN_SLUG_WORDS and sum(w.isalpha() for w in words) >= MIN_SLUG_WORDS:
            text = " ".join(words)
            return text[:1].upper() + text[1:]
    return None


_TIME_XPATH = etree.XPath("//body//time[@datetime]")
_TIME_UPDATED = re.compile(r"modif|updat|edited|revis", re.IGNORECASE)
_TIME_OUTSIDE = re.compile(r"comment|sidebar|related|footer|widget", re.IGNORECASE)
_OUTSIDE_TAGS = frozenset(["nav", "aside", "footer"])
MAX_TIME_ANCESTORS = 40


def _marks(element: HtmlElement) -> str:
    return f"{element.get('class', '')} {element.get('id', '')} {element.get('itemprop', '')}"


def time_published(tree: HtmlElement) -> dt.datetime | None:
    """The first ``<time datetime>`` of the page's text that is not an update."""
    for element in _TIME_XPATH(tree):
        value = (element.get("datetime") or "").strip()
        if not _ISO_START.match(value) or _TIME_UPDATED.search(_marks(element)):
            continue
        ancestors = list(element.iterancestors())[:MAX_TIME_ANCESTORS]
        if any(a.tag in _OUTSIDE_TAGS or _TIME_OUTSIDE.search(_marks(a)) for a in ancestors):
            continue
        return dates.date_only(value)
    return None


def _not_after(when: dt.datetime | None, reference: dt.datetime | None) -> dt.datetime | None:
    if when is None or reference is None:
        return when
    return when if when.date() <= reference.date() else None


def page_published(
    tree: HtmlElement, url: str | None, *, reference_time: dt.datetime | None = None
) -> tuple[dt.datetime | None, dict[str, Any] | None]:
    """The page's publication date and its provenance, first sure source first."""
    candidates = (
        ("json-ld", lambda: jsonld_published(tree)),
        ("meta", lambda: meta_published(tree)),
        ("url", lambda: url_date(url)),
        ("time", lambda: time_published(tree)),
    )
    for source, find in candidates:
        when = _not_after(find(), reference_time)
        if when is not None:
            agreed = source != "url" and url_date(url) == when
            return when, field_provenance(source, agreed=agreed)
    reference = reference_time or dt.datetime.now(dt.UTC)
    found = find_date(
        tree,
        url=url,
        original_date=True,
        extensive_search=True,
        max_date=reference.strftime("%Y-%m-%d"),
    )
    when = dates.date_only(found)
    if when is None or (when.month, when.day) == (1, 1):
        return None, None
    return when, field_provenance("guess")
