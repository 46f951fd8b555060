"""Highlighting a text with nested, crossing and cue spans (``claims.highlighting``)."""

from __future__ import annotations

import lxml.html

from claims.highlighting import Highlight, highlighted_text


def _marks(html: str, evidence_id: int) -> list:
    root = lxml.html.fromstring(f"<div>{html}</div>")
    return root.xpath(f"//mark[@data-evidence='{evidence_id}']")


def test_nested_highlights_each_wrap_exactly_their_quote():
    text = "alpha beta gamma delta"
    html = highlighted_text(
        text, [Highlight(0, 16, 1, "asserts", "c1"), Highlight(6, 10, 2, "disputes", "c2")]
    )
    assert lxml.html.fromstring(f"<div>{html}</div>").text_content() == text
    assert [m.text_content() for m in _marks(html, 1)] == ["alpha beta gamma"]
    assert [m.text_content() for m in _marks(html, 2)] == ["beta"]


def test_identical_spans_nest_both_marks():
    html = highlighted_text(
        "one two", [Highlight(0, 3, 1, "asserts", ""), Highlight(0, 3, 2, "mentions", "")]
    )
    assert _marks(html, 1)[0].text_content() == _marks(html, 2)[0].text_content() == "one"


def test_crossing_highlights_split_the_later_one_into_parts():
    text = "alpha beta gamma delta"
    html = highlighted_text(
        text, [Highlight(0, 10, 1, "asserts", ""), Highlight(6, 16, 2, "disputes", "")]
    )
    assert lxml.html.fromstring(f"<div>{html}</div>").text_content() == text
    assert [m.text_content() for m in _marks(html, 1)] == ["alpha beta"]
    parts = _marks(html, 2)
    assert [p.get("data-part") for p in parts] == ["1", "2"]
    assert "".join(p.text_content() for p in parts) == "beta gamma"


def test_cue_spans_never_split_a_highlight():
    text = "He said so. Then more."
    html = highlighted_text(text, [Highlight(3, 16, 7, "asserts", "")], [(0, 11)])
    assert [m.text_content() for m in _marks(html, 7)] == ["said so. Then"]
    root = lxml.html.fromstring(f"<div>{html}</div>")
    assert "".join(s.text_content() for s in root.xpath("//span[@class='cue']")) == "He said so."


def test_highlighted_text_keeps_carriage_returns():
    html = highlighted_text("a\r\nb", [])
    assert "&#13;" in html
