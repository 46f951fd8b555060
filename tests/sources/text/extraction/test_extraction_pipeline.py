"""The pipeline's edges: empty input, content-type sniffing, metadata helpers."""

from __future__ import annotations

import datetime as dt

import pytest

from sources.text.errors import ExtractionError
from sources.text.extraction import ExtractionResult, extract, sniff_content_type
from sources.text.extraction.dates import parse_date
from sources.text.extraction.metadata import choose_title, clean_authors, site_keys

ARTICLE = (
    "Ferry back in service\n\nThe Northern Star returned to service on Monday, the operator said.\n"
)


@pytest.mark.parametrize("raw", ["", "   \n\t  ", "\ufeff"])
def test_empty_input_is_an_application_error(raw):
    with pytest.raises(ExtractionError) as caught:
        extract(raw)
    assert caught.value.code == "empty"


def test_result_has_the_contract_fields():
    result = extract(ARTICLE)
    assert isinstance(result, ExtractionResult)
    assert result.content_type == "text/plain"
    assert result.title == "Ferry back in service"
    assert result.text == "The Northern Star returned to service on Monday, the operator said."


@pytest.mark.parametrize(
    "raw",
    [
        "<!DOCTYPE html><html><body><p>x</p></body></html>",
        "  <html lang='en'><p>x</p></html>",
        "<div><p>One</p><p>Two</p><br></div>",
    ],
)
def test_markup_is_sniffed_as_html(raw):
    assert sniff_content_type(raw) == "text/html"


def test_text_with_an_odd_angle_bracket_is_sniffed_as_plain():
    assert sniff_content_type("Prices rose <5% in March.\n\nThe port said so.") == "text/plain"


def test_declared_content_type_wins_over_sniffing():
    page = "<p>Harbour pilots voted on Tuesday to join the dockworkers' strike, the union said.</p>"
    assert extract(page, content_type="text/plain; charset=utf-8").content_type == "text/plain"


def test_published_at_is_timezone_aware_utc_midnight_for_a_date():
    raw = (
        "Ferry back in service\n\nPublished 4 April 2024\n\n"
        "The Northern Star returned to service on Monday, the operator said.\n"
    )
    assert extract(raw).published_at == dt.datetime(2024, 4, 4, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("March 12, 2024", dt.datetime(2024, 3, 12, tzinfo=dt.UTC)),
        ("12 March 2024", dt.datetime(2024, 3, 12, tzinfo=dt.UTC)),
        ("2024-03-12 09:30", dt.datetime(2024, 3, 12, 9, 30, tzinfo=dt.UTC)),
        ("2024-03-12T09:30:00+02:00", dt.datetime(2024, 3, 12, 7, 30, tzinfo=dt.UTC)),
        ("Updated: 3rd of June, 2021 at 5:40 pm", dt.datetime(2021, 6, 3, 17, 40, tzinfo=dt.UTC)),
        ("25/03/2024", dt.datetime(2024, 3, 25, tzinfo=dt.UTC)),
        ("03/04/2024", None),
    ],
)
def test_written_dates_are_parsed(written, expected):
    assert parse_date(written) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("By JANE DOE and John Roe, Staff Writers", ["Jane Doe", "John Roe"]),
        ("Maria Chen, City Hall Reporter", ["Maria Chen"]),
        ("Jane Doe (jane@harbourdaily.example)", ["Jane Doe"]),
        ("Jane Doe; jane doe; Harbour Daily", ["Jane Doe"]),
        ("Posted by BeauHD on Friday December 19, 2025 @08:00PM", ["BeauHD"]),
    ],
)
def test_authors_are_cleaned(raw, expected):
    assert clean_authors(raw, site_name="Harbour Daily") == expected


def test_site_alone_as_author_is_kept():
    assert clean_authors("Harbour Daily", site_name="Harbour Daily") == ["Harbour Daily"]


@pytest.mark.parametrize(
    "meta_title",
    [
        "Pilots join strike | Harbour Daily",
        "Pilots join strike - Harbour Daily",
        "Harbour Daily \u2014 Pilots join strike",
        "Pilots join strike | harbourdaily.example",
    ],
)
def test_site_name_is_stripped_from_titles(meta_title):
    keys = site_keys("Harbour Daily", "https://www.harbourdaily.example/a")
    assert choose_title(meta_title, [], keys) == "Pilots join strike"


def test_visible_headline_wins_over_a_seo_title():
    keys = site_keys("Harbour Daily", None)
    title = choose_title(
        "Pilots join strike: what it means for shipping | Harbour Daily",
        ["Harbour Daily", "Pilots join strike: what it means for you"],
        keys,
    )
    assert title == "Pilots join strike: what it means for you"
