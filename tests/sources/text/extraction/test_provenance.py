"""Metadata from the field's libraries first: dates, bylines, datelines, URL dates and
titles in several outlets' styles, each with its source and confidence."""

from __future__ import annotations

import datetime as dt

import pytest

from sources.text.extraction import extract
from sources.text.extraction.bylines import parse_byline, parse_dateline
from sources.text.extraction.language import detect_language
from sources.text.extraction.provenance import url_date, url_slug_title
from sources.text.extraction.units import Unit

BODY = (
    "<p>The harbour board voted on Tuesday to close the old ferry pier for repairs, "
    "a decision that will divert passengers to the southern terminal for a month.</p>"
    "<p>Board chair Lena Ortiz said the pier's timbers had rotted faster than expected "
    "after two wet winters, and that the work could not wait until the spring.</p>"
    "<p>Ferry operators said they would add extra sailings from the southern terminal "
    "during the closure, and that tickets already bought would remain valid.</p>"
)


def page(head: str = "", body_top: str = "", body: str = BODY) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head>"
        f"<body><nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
        f"<article>{body_top}{body}</article><footer>© 2026 Harbour Daily</footer></body></html>"
    )


def day(result) -> str | None:
    return result.published_at.date().isoformat() if result.published_at else None


# --- dates in HTML ----------------------------------------------------------


def test_json_ld_date_published_wins_and_says_so():
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "NewsArticle", "headline": "Old ferry pier to close", '
        '"datePublished": "2025-03-04T08:00:00Z", "dateModified": "2025-03-09T10:00:00Z"}'
        "</script>"
        '<meta property="article:modified_time" content="2025-03-09T10:00:00Z">'
    )
    result = extract(page(head), content_type="text/html", url="https://harbourdaily.example/pier")
    assert day(result) == "2025-03-04"
    assert result.provenance["published_at"] == {"source": "json-ld", "confidence": 0.9}


def test_json_ld_graph_is_searched_for_the_article():
    head = (
        '<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "HD"}, '
        '{"@type": "BreadcrumbList"}, {"@type": "BlogPosting", "datePublished": "2024-11-02"}]}'
        "</script>"
    )
    result = extract(page(head), content_type="text/html")
    assert day(result) == "2024-11-02"
    assert result.provenance["published_at"]["source"] == "json-ld"


def test_article_published_time_meta_is_read():
    head = '<meta property="article:published_time" content="2023-07-19T06:15:00+02:00">'
    result = extract(page(head), content_type="text/html")
    assert day(result) == "2023-07-19"
    assert result.provenance["published_at"]["source"] == "meta"


def test_meta_date_that_the_url_confirms_is_more_trusted():
    head = '<meta property="article:published_time" content="2023-07-19T06:15:00Z">'
    url = "https://harbourdaily.example/2023/07/19/pier-closes/"
    result = extract(page(head), content_type="text/html", url=url)
    assert result.provenance["published_at"] == {"source": "meta", "confidence": 0.95}


def test_url_path_date_is_used_when_the_markup_has_none():
    url = "https://harbourdaily.example/news/2024/05/23/pier-closes"
    result = extract(page(), content_type="text/html", url=url)
    assert day(result) == "2024-05-23"
    assert result.provenance["published_at"]["source"] == "url"


def test_date_printed_in_the_page_is_a_guess():
    top = "<p class='when'>Posted on November 2, 2022</p>"
    result = extract(page(body_top=top), content_type="text/html")
    assert day(result) == "2022-11-02"
    assert result.provenance["published_at"] == {"source": "guess", "confidence": 0.5}


def test_reference_time_bounds_the_date_found():
    head = '<meta property="article:published_time" content="2031-01-01T00:00:00Z">'
    top = "<p class='when'>Posted on November 2, 2022</p>"
    reference = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    result = extract(page(head, top), content_type="text/html", reference_time=reference)
    assert day(result) == "2022-11-02"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/2024/05/23/slug/", "2024-05-23"),
        ("https://a.example/world/2025/dec/05/slug", "2025-12-05"),
        ("https://a.example/2021-09-30-slug.html", "2021-09-30"),
        ("https://a.example/news/2024/05/slug", None),  # no day: not a date
        ("https://a.example/2024/13/40/slug", None),
        ("https://a.example/articles/123456789", None),
        (None, None),
    ],
)
def test_url_dates_in_several_outlets_styles(url, expected):
    found = url_date(url)
    assert (found.date().isoformat() if found else None) == expected


# --- bylines and datelines ------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Okafor", ["Jane Okafor"]),
        ("By JANE OKAFOR MARCH 12, 2024 09:30", ["Jane Okafor"]),
        ("Written by Tomas Brandt and Amara Osei", ["Tomas Brandt", "Amara Osei"]),
        ("By. Su Min Hwang", ["Su Min Hwang"]),
        ("Jane Doe, Senior Correspondent", ["Jane Doe"]),
        ("Rosa Klein | Staff Writer", ["Rosa Klein"]),
        ("By Victor Hale | Updated 3 March 2024", ["Victor Hale"]),
    ],
)
def test_bylines_in_several_outlets_styles(line, names):
    parsed = parse_byline(Unit(text=line, index=0))
    assert parsed is not None
    assert parsed[0] == names


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the week the pier will be closed.",
        "The board said the timbers had rotted.",
        "Share this article",
    ],
)
def test_sentences_are_not_bylines(line):
    assert parse_byline(Unit(text=line, index=0)) is None


@pytest.mark.parametrize(
    ("line", "expected", "updated"),
    [
        ("Published 12 March 2024 09:30", "2024-03-12", False),
        ("March 12, 2024", "2024-03-12", False),
        ("Updated: 2024-03-14 18:00 UTC", "2024-03-14", True),
        ("Mon 4 Nov 2024 07.00 GMT", "2024-11-04", False),
        ("Posted on 03/25/2023", "2023-03-25", False),
    ],
)
def test_datelines_in_several_outlets_styles(line, expected, updated):
    parsed = parse_dateline(Unit(text=line, index=0))
    assert parsed is not None
    assert (parsed[0].date().isoformat(), parsed[1]) == (expected, updated)


def test_dump_dateline_is_the_dumps_date_source():
    dump = (
        "Pier to close for a month of repairs\n\nBy Lena Ortiz\nPublished 12 March 2024\n\n"
        + "\n\n".join(p.strip("<p>/") for p in BODY.split("</p>") if p)
    )
    result = extract(dump, content_type="text/plain")
    assert day(result) == "2024-03-12"
    assert result.provenance["published_at"]["source"] == "dateline"
    assert result.provenance["authors"]["source"] == "byline"
    assert result.provenance["title"]["source"] == "title-line"


def test_dump_takes_the_urls_date_over_a_printed_update():
    dump = "Updated 20 March 2024\n\n" + "\n\n".join(
        p.removeprefix("<p>") for p in BODY.split("</p>") if p
    )
    result = extract(
        dump, content_type="text/plain", url="https://a.example/2024/03/12/pier-to-close"
    )
    assert day(result) == "2024-03-12"
    assert result.provenance["published_at"]["source"] == "url"


def test_dump_without_a_title_line_takes_the_url_slug():
    dump = "\n\n".join(p.removeprefix("<p>") for p in BODY.split("</p>") if p)
    result = extract(
        dump, content_type="text/plain", url="https://a.example/news/old-ferry-pier-to-close"
    )
    assert result.title == "Old ferry pier to close"
    assert result.provenance["title"] == {"source": "url-slug", "confidence": 0.3}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/news/old-ferry-pier-to-close.html", "Old ferry pier to close"),
        ("https://a.example/articles/123456", None),
        ("https://a.example/", None),
    ],
)
def test_url_slug_titles(url, expected):
    assert url_slug_title(url) == expected


# --- titles, authors, language in HTML ------------------------------------------


def test_title_from_meta_that_the_headline_confirms():
    head = (
        '<meta property="og:title" content="Old ferry pier to close for repairs | Harbour Daily">'
    )
    top = "<h1>Old ferry pier to close for repairs</h1>"
    result = extract(page(head, top), content_type="text/html")
    assert result.title == "Old ferry pier to close for repairs"
    assert result.provenance["title"] == {"source": "meta", "confidence": 0.95}


def test_title_from_the_title_element_is_a_heading():
    head = "<title>Old ferry pier to close for repairs - Harbour Daily</title>"
    result = extract(page(head), content_type="text/html", url="https://harbourdaily.example/x")
    assert result.title == "Old ferry pier to close for repairs"
    assert result.provenance["title"]["source"] == "heading"


def test_author_from_json_ld_is_cleaned_and_attributed():
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "NewsArticle", "author": {"@type": "Person", "name": "By Lena Ortiz"}}'
        "</script>"
    )
    result = extract(page(head), content_type="text/html")
    assert result.authors == ["Lena Ortiz"]
    assert result.provenance["authors"]["source"] == "json-ld"


def test_author_from_a_printed_byline():
    top = "<p class='byline'>By Marta Lindqvist, Staff Writer</p>"
    result = extract(page(body_top=top), content_type="text/html")
    assert result.authors == ["Marta Lindqvist"]
    assert result.provenance["authors"]["source"] == "byline"


def test_metadata_rule_is_the_surest_source():
    from sources.text.extraction import RuleSpec

    rule = RuleSpec(
        kind="metadata",
        pattern=r"Filed (?P<published_at>\d{4}-\d{2}-\d{2})",
        field="published_at",
    )
    top = "<p>Filed 2020-02-02</p>"
    result = extract(page(body_top=top), content_type="text/html", rules=[rule])
    assert day(result) == "2020-02-02"
    assert result.provenance["published_at"] == {"source": "rule", "confidence": 1.0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Regierung hat am Dienstag beschlossen, den alten Hafen zu schließen.", "de"),
        ("Le conseil a voté mardi la fermeture du vieux quai pour des travaux.", "fr"),
        ("The board voted on Tuesday to close the old pier for repairs.", "en"),
        ("Menu", None),
    ],
)
def test_language_detection(text, expected):
    assert detect_language(text) == expected
