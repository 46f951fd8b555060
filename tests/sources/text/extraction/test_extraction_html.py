"""HTML pages: trafilatura's body plus cleaned metadata, and the fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from sources.text.extraction import RuleSpec, extract
from sources.text.extraction import html as html_extraction

ARTICLES = Path(__file__).resolve().parents[3] / "fixtures" / "articles"
PAGES = sorted(p.name for p in ARTICLES.glob("*.html"))


@pytest.mark.parametrize("name", PAGES)
def test_html_body_matches_the_article(name, article, body_scores):
    raw, expected = article(name)
    result = extract(raw, url=expected["url"])
    assert result.content_type == "text/html"
    assert body_scores(result.text, expected["body"])[2] >= 0.9


@pytest.mark.parametrize("name", PAGES)
def test_html_title_has_no_site_name(name, article):
    raw, expected = article(name)
    assert extract(raw, url=expected["url"]).title == expected["title"]


@pytest.mark.parametrize("name", PAGES)
def test_html_date_is_found(name, article):
    raw, expected = article(name)
    published = extract(raw, url=expected["url"]).published_at
    assert published is not None
    assert published.tzinfo is not None
    assert published.date().isoformat() == expected["published_at"]


def test_html_author_from_meta_tag(article):
    raw, expected = article("port_mediation.html")
    assert extract(raw, url=expected["url"]).authors == ["Jane Okafor"]


def test_html_publisher_listed_as_author_is_dropped(article):
    raw, expected = article("drone_suspension.html")
    assert extract(raw, url=expected["url"]).authors == ["Luis Ortega"]


def test_html_site_name_comes_from_og_site_name(article):
    raw, expected = article("port_mediation.html")
    assert extract(raw, url=expected["url"]).site_name == "Harbour Daily"


def test_html_language_comes_from_the_lang_attribute(article):
    raw, expected = article("port_mediation.html")
    assert extract(raw, url=expected["url"]).language == "en"


def test_html_navigation_footer_and_related_links_are_not_in_the_body(article):
    raw, expected = article("port_mediation.html")
    text = extract(raw, url=expected["url"]).text
    assert "All rights reserved" not in text
    assert "Carriers divert ships" not in text
    assert "Sign up for our newsletter" not in text


def test_html_comments_are_not_in_the_body(article):
    raw, expected = article("drone_suspension.html")
    assert "About time someone" not in extract(raw, url=expected["url"]).text


def test_html_headline_is_not_repeated_in_the_body(article):
    raw, expected = article("port_mediation.html")
    text = extract(raw, url=expected["url"]).text
    assert not text.startswith(expected["title"])


def test_html_fallback_when_trafilatura_finds_nothing(monkeypatch, article, body_scores):
    monkeypatch.setattr(html_extraction, "bare_extraction", lambda *args, **kwargs: None)
    raw, expected = article("port_mediation.html")
    result = extract(raw, url=expected["url"])
    assert body_scores(result.text, expected["body"])[1] >= 0.9
    assert "Privacy Policy" not in result.text
    assert result.title == expected["title"]


def test_html_with_no_readable_text_is_rejected_as_empty():
    from sources.text.errors import ExtractionError

    with pytest.raises(ExtractionError) as caught:
        extract("<html><head></head><body><script>var a = 1;</script></body></html>")
    assert caught.value.code == "empty"


def test_strip_selector_rule_removes_elements_before_extraction(article):
    raw, expected = article("port_mediation.html")
    rule = RuleSpec(kind="strip_selector", pattern="article p:nth-of-type(2)")
    text = extract(raw, url=expected["url"], rules=[rule]).text
    assert "Ruth Okonkwo, announced" not in text
    assert "Striking dockworkers" in text


def test_strip_selector_rule_is_ignored_for_plain_text():
    raw = "Harbour news\n\nThe ferry sailed on time this morning, the operator said.\n"
    rule = RuleSpec(kind="strip_selector", pattern="p")
    assert "ferry sailed" in extract(raw, content_type="text/plain", rules=[rule]).text
