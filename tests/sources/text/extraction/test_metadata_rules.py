"""Issue 12's general metadata rules, each on pages written for the test:
``<time datetime>`` dates, htmldate's bare years, JSON-LD people and
organisations, one-word authors, printed "By" lines, byline clean-up and the
headline against the meta title."""

from __future__ import annotations

import pytest

from sources.text.extraction import extract
from sources.text.extraction.metadata import clean_authors, reconcile_titles

BODY = (
    "<p>The allotment society agreed on Sunday to open its waiting list to schools, "
    "so that every class in the valley can tend a bed of its own from the spring.</p>"
    "<p>Its secretary, Moira Quinlan, said the twelve new beds would be dug by volunteers "
    "over the winter and watered from the rain butts the council gave last year.</p>"
    "<p>Parents who want their children's class to take part were asked to write to the "
    "society before the end of the month, when the beds will be shared out by lot.</p>"
)
URL = "https://valleygrower.example/allotments/schools-join-waiting-list"


def page(head: str = "", top: str = "", aside: str = "", body: str = BODY) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/allotments'>Allotments</a></nav>"
        f"<article>{top}{body}</article>{aside}<footer>Valley Grower</footer></body></html>"
    )


def day(result) -> str | None:
    return result.published_at.date().isoformat() if result.published_at else None


# --- dates ---------------------------------------------------------------------


def test_time_element_of_the_article_dates_it():
    top = "<p class='meta'>Posted <time datetime='2025-10-14T09:00:00Z'>14 Oct</time></p>"
    result = extract(page(top=top), content_type="text/html", url=URL)
    assert day(result) == "2025-10-14"
    assert result.provenance["published_at"] == {"source": "time", "confidence": 0.8}


def test_time_element_marked_as_an_update_is_not_the_publication_date():
    top = (
        "<p><time class='updated' datetime='2025-11-30'>Updated 30 Nov</time> "
        "<time class='entry-date' datetime='2025-10-14'>14 Oct</time></p>"
    )
    result = extract(page(top=top), content_type="text/html", url=URL)
    assert day(result) == "2025-10-14"


def test_time_element_in_a_sidebar_is_not_the_pages_date():
    aside = (
        "<aside><h3>Latest</h3><ul><li><a href='/x'>Hedge laying course</a> "
        "<time datetime='2025-12-01'>1 Dec</time></li></ul></aside>"
    )
    result = extract(page(aside=aside), content_type="text/html", url=URL)
    assert result.provenance.get("published_at", {}).get("source") != "time"


def test_meta_date_still_beats_a_time_element():
    head = '<meta property="article:published_time" content="2025-10-10T08:00:00Z">'
    top = "<p><time datetime='2025-10-14'>14 Oct</time></p>"
    result = extract(page(head, top), content_type="text/html", url=URL)
    assert day(result) == "2025-10-10"


def test_a_bare_year_is_not_a_publication_day():
    # htmldate spells "a year and nothing else" as January 1st: that is no date
    body = BODY + "<p>Copyright 2024 the allotment society, all rights kept.</p>"
    result = extract(page(body=body), content_type="text/html", url=URL)
    assert result.published_at is None
    assert "published_at" not in result.provenance


# --- authors -------------------------------------------------------------------


def ld(data: str) -> str:
    return f'<script type="application/ld+json">{data}</script>'


def test_json_ld_people_in_a_graph_are_the_authors():
    head = ld(
        '{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "VG"}, '
        '{"@type": "BlogPosting", "headline": "Schools join the list", "author": '
        '[{"@type": "Person", "name": "Orla Brennan"}, {"@type": "Person", "name": "Tomás Ruiz"}]}]}'
    )
    result = extract(page(head), content_type="text/html", url=URL)
    assert result.authors == ["Orla Brennan", "Tomás Ruiz"]


def test_a_printed_byline_beats_an_organisation_in_json_ld():
    head = ld(
        '{"@type": "Article", "author": {"@type": "Organization", "name": "Valley Grower Ltd"}}'
    )
    top = "<p class='meta'>By <a href='/people/orla-brennan'>Orla Brennan</a></p>"
    result = extract(page(head, top), content_type="text/html", url=URL)
    assert result.authors == ["Orla Brennan"]


def test_an_organisation_in_json_ld_is_the_author_when_nobody_is_named():
    head = ld('{"@type": "Article", "author": {"@type": "Organization", "name": "Seed Trust"}}')
    result = extract(page(head), content_type="text/html", url=URL)
    assert result.authors == ["Seed Trust"]


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        ("<p>Written by <a href='/a/nadia-fofanah'>Nadia Fofanah</a></p>", ["Nadia Fofanah"]),
        (
            "<div class='entry-meta'>by <a href='/a/pip'>Pip Hollis</a> · Oct 3, 2025 at 9:00 am</div>",
            ["Pip Hollis"],
        ),
        # a sentence starting "By" with no link is not a byline
        ("<p>By the end of the month the beds will be shared out.</p>", []),
    ],
)
def test_printed_by_lines_name_the_author(top, expected):
    result = extract(page(top=top), content_type="text/html", url=URL)
    assert result.authors == expected


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Rosalind", ["Rosalind"]),  # a first name alone is a name
        ("GardenFan", []),  # a handle is not
        ("ValleyGrower", []),  # nor the site
    ],
)
def test_one_word_meta_authors(author, expected):
    head = f'<meta name="author" content="{author}">'
    result = extract(page(head), content_type="text/html", url=URL)
    assert result.authors == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Reviewed by Sam Okafor", ["Sam Okafor"]),
        ("Medically reviewed by Dr Hana Ito", ["Dr Hana Ito"]),
        ("This article was written by Lena Voss, Head of Growing Advice", ["Lena Voss"]),
        ("Ines Marlowe; Trial Attorney", ["Ines Marlowe"]),
        ("Ruth Ann Okoye; Ruth Okoye", ["Ruth Ann Okoye"]),  # the same person, shorter
        ("Harbour Press; November", ["Harbour Press"]),  # a month is not a person
        ("May Lindqvist", ["May Lindqvist"]),  # though a month can start a name
    ],
)
def test_bylines_are_cleaned(raw, expected):
    assert clean_authors(raw) == expected


# --- titles --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "meta_title", "expected"),
    [
        # something hung on a separator is not headline
        (
            "Guides: Raised Beds for Beginners",
            "Raised Beds for Beginners",
            "Raised Beds for Beginners",
        ),
        (
            "Raised Beds for Beginners (gardenweekly.example) 42",
            "Raised Beds for Beginners",
            "Raised Beds for Beginners",
        ),
        # plain words are: the visible headline stays
        (
            "The Best Raised Beds of 2025",
            "Best Raised Beds of 2025",
            "The Best Raised Beds of 2025",
        ),
        ("Raised beds for small gardens", "Raised beds", "Raised beds for small gardens"),
        # unrelated or shorter headline: the headline
        ("Raised Beds", "Raised Beds | Garden Weekly", "Raised Beds"),
    ],
)
def test_headline_reconciled_with_the_meta_title(heading, meta_title, expected):
    assert reconcile_titles(heading, meta_title) == expected


def test_section_prefix_on_the_h1_is_dropped_for_the_meta_title():
    head = (
        "<title>Schools join the allotment waiting list | Valley Grower</title>"
        '<meta property="og:title" content="Schools join the allotment waiting list">'
    )
    top = "<h1>News: Schools join the allotment waiting list</h1>"
    result = extract(page(head, top), content_type="text/html", url=URL)
    assert result.title == "Schools join the allotment waiting list"
