"""Whitespace and Unicode normalisation keeps every word."""

from __future__ import annotations

import re
import unicodedata

from sources.text.extraction import extract
from sources.text.extraction.normalize import normalize_text


def test_text_is_nfc():
    decomposed = "Cafe\u0301 owners"
    assert normalize_text(decomposed) == unicodedata.normalize("NFC", decomposed)


def test_runs_of_spaces_and_tabs_collapse():
    assert normalize_text("The  port\t\tclosed   today.") == "The port closed today."


def test_no_trailing_spaces_on_any_line():
    text = normalize_text("First line   \nSecond line\t\n\nThird  ")
    assert all(line == line.rstrip() for line in text.split("\n"))


def test_at_most_one_blank_line_between_paragraphs():
    assert normalize_text("One.\n\n\n\n\nTwo.\r\n\r\n\r\nThree.") == "One.\n\nTwo.\n\nThree."


def test_unicode_spaces_become_plain_spaces():
    assert normalize_text("10\u00a0000 tonnes\u2009of\u202fgrain") == "10 000 tonnes of grain"


def test_invisible_characters_are_removed():
    assert normalize_text("grain\u200b terminal\ufeff") == "grain terminal"


def test_normalisation_is_idempotent():
    once = normalize_text(" A  b\u00a0c \n\n\n d\u0301 ")
    assert normalize_text(once) == once


def test_normalisation_keeps_every_word():
    raw = (
        "Caf\u00e9  \u201cquotes\u201d \u2014 dashes\u00a0\u2014 and   na\u00efve"
        "  co\u00f6perate.\n\n\nEnd\t."
    )
    words = re.findall(r"\w+", unicodedata.normalize("NFC", raw))
    assert re.findall(r"\w+", normalize_text(raw)) == words


def test_extracted_text_has_no_trailing_spaces_and_single_blank_lines():
    raw = (
        "Title of the story here\n\nA sentence that is long enough to be kept here.   \n\n\n\n"
        "Another sentence that is long enough to be kept.  \n"
    )
    text = extract(raw, content_type="text/plain").text
    assert "\n\n\n" not in text
    assert all(line == line.rstrip() for line in text.split("\n"))
