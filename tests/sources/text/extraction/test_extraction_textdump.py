"""The plain-text cleaner on hand-written dumps carrying each kind of page junk."""

from __future__ import annotations

from pathlib import Path

import pytest

from sources.text.extraction import extract
from sources.text.extraction.textdump import split_units

ARTICLES = Path(__file__).resolve().parents[3] / "fixtures" / "articles"
DUMPS = sorted(p.name for p in ARTICLES.glob("*.txt"))


def text_of(name: str) -> str:
    """The cleaned body of a fixture dump."""
    return extract((ARTICLES / name).read_text("utf-8"), content_type="text/plain").text


@pytest.mark.parametrize("name", DUMPS)
def test_dump_body_matches_the_article(name, article, body_scores):
    raw, expected = article(name)
    result = extract(raw, content_type="text/plain", url=expected.get("url"))
    assert body_scores(result.text, expected["body"])[2] >= 0.9


@pytest.mark.parametrize("name", DUMPS)
def test_dump_title_is_found(name, article):
    raw, expected = article(name)
    assert extract(raw, content_type="text/plain").title == expected["title"]


@pytest.mark.parametrize("name", DUMPS)
def test_dump_authors_are_found(name, article):
    raw, expected = article(name)
    assert extract(raw, content_type="text/plain").authors == expected["authors"]


@pytest.mark.parametrize("name", DUMPS)
def test_dump_date_is_found(name, article):
    raw, expected = article(name)
    published = extract(raw, content_type="text/plain").published_at
    assert (published.date().isoformat() if published else None) == expected["published_at"]


def test_inline_javascript_is_removed():
    text = text_of("port_strike_wrapped.txt")
    assert "getElementsByTagName" not in text
    assert "innerHTML" not in text


def test_inline_css_is_removed():
    assert "text-decoration" not in text_of("hospital_ransomware_wrapped.txt")


def test_navigation_menu_is_removed():
    text = text_of("port_strike_wrapped.txt")
    assert "Podcasts Events Login" not in text
    assert "Classifieds" not in text


def test_menu_of_short_lines_is_removed():
    text = text_of("hospital_ransomware_wrapped.txt")
    assert not any(line in ("Home", "Technology", "Sport") for line in text.split("\n"))


def test_advertisement_markers_are_removed_even_when_glued_to_a_paragraph():
    text = text_of("port_strike_wrapped.txt")
    assert "Advertisement" not in text
    assert "Port Sallow, some ninety kilometres to the south." in text


def test_share_buttons_are_removed():
    text = text_of("port_strike_wrapped.txt")
    assert "WhatsApp" not in text
    assert "\nEmail\n" not in f"\n{text}\n"


def test_caption_printed_twice_is_removed_standalone_and_inside_a_paragraph():
    text = text_of("port_strike_wrapped.txt")
    assert "gate four" not in text
    assert "photo credit" not in text
    assert "take to end this today.\u201d" in text


def test_standalone_photo_and_tweet_captions_are_removed():
    text = text_of("drone_inquiry_lines.txt")
    assert "AP Photo" not in text
    assert "Twitter/X" not in text
    assert "damaged awning" not in text


def test_trending_promotions_between_paragraphs_are_removed():
    text = text_of("ferry_fire_trending.txt")
    assert "Trending on" not in text
    assert "Seal pup" not in text


def test_more_on_block_at_the_end_is_removed():
    text = text_of("ferry_fire_trending.txt")
    assert "More on" not in text
    assert "night market" not in text


def test_newsletter_box_is_removed():
    assert "Sign up for our newsletter" not in text_of("port_strike_wrapped.txt")
    assert "morning briefing" not in text_of("council_budget_dated.txt")


def test_most_read_list_is_removed():
    assert "Most Read" not in text_of("port_strike_wrapped.txt")


def test_footer_with_phone_numbers_and_copyright_is_removed():
    text = text_of("port_strike_wrapped.txt")
    assert "0800-555" not in text
    assert "All rights reserved" not in text


def test_related_tags_are_removed():
    assert "Related Tags" not in text_of("port_strike_wrapped.txt")


def test_skip_links_and_subscribe_line_are_removed():
    text = text_of("water_utility_skiplinks.txt")
    assert "Skip to" not in text
    assert "Subscribe" not in text


def test_headline_in_another_script_is_removed():
    text = text_of("water_utility_skiplinks.txt")
    assert not any("\u0370" <= ch <= "\u03ff" for ch in text)


def test_author_card_and_share_line_are_removed():
    text = text_of("water_utility_skiplinks.txt")
    assert "Profile image" not in text
    assert "Share it on" not in text


def test_byline_at_the_end_sets_the_author_and_leaves_the_body(article):
    raw, _ = article("water_utility_skiplinks.txt")
    result = extract(raw, content_type="text/plain")
    assert result.authors == ["Marta Lindqvist"]
    assert "By." not in result.text


def test_byline_and_date_lines_are_kept_out_of_the_body():
    text = text_of("council_budget_dated.txt")
    assert "Maria Chen" not in text
    assert "Published" not in text
    assert "City Hall Reporter" not in text


def test_title_is_kept_out_of_the_body(article):
    raw, expected = article("ferry_fire_trending.txt")
    result = extract(raw, content_type="text/plain")
    assert expected["title"] not in result.text


def test_read_more_and_also_read_links_are_removed():
    assert "Read more:" not in text_of("council_budget_dated.txt")
    assert "Also read:" not in text_of("hospital_ransomware_wrapped.txt")


def test_comment_and_cookie_prompts_are_removed():
    text = text_of("council_budget_dated.txt")
    assert "Leave a comment" not in text
    assert "Accept cookies" not in text


def test_hard_wrapped_lines_are_rejoined_into_paragraphs():
    text = text_of("port_strike_wrapped.txt")
    first = text.split("\n\n")[0]
    assert "\n" not in first
    assert first.startswith("Dockworkers at the Marlow container terminal walked off the job")
    assert first.endswith("outside the harbour.")


def test_paragraphs_are_separated_by_one_blank_line():
    text = text_of("drone_inquiry_lines.txt")
    assert len(text.split("\n\n")) == 7
    assert "\n\n\n" not in text


def test_dump_without_headline_has_no_title(article):
    raw, _ = article("drone_inquiry_lines.txt")
    assert extract(raw, content_type="text/plain").title is None


def test_short_lines_are_not_joined_to_the_next_line():
    units = split_units("Title line here\n\nOne short line\nAnother short line\n")
    assert [u.text for u in units] == ["Title line here", "One short line", "Another short line"]


def test_language_is_detected_for_english_dump(article):
    raw, _ = article("ferry_fire_trending.txt")
    assert extract(raw, content_type="text/plain").language == "en"


def test_site_name_for_a_dump_comes_from_the_url(article):
    raw, _ = article("ferry_fire_trending.txt")
    result = extract(raw, content_type="text/plain", url="https://www.coastnews.example/a/1")
    assert result.site_name == "coastnews.example"
